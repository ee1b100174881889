// Velocity feature names, windows, and reading them for a document from a
// store (the naive list and the RocksDB store give the same hand-counted values).
#include "features/velocity_features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "features/velocity_rocksdb.h"
#include "velocity_test_support.h"

namespace credo::features {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
// 2025-03-01T00:00:00Z.
constexpr int64_t kT0 = 1'740'787'200'000;

TEST(VelocityFeaturesTest, Windows) {
  const std::pair<const char*, int64_t> good[] = {{"10min", 600'000},
                                                  {"1h", 3'600'000},
                                                  {"24h", 86'400'000},
                                                  {"7d", 604'800'000},
                                                  {"30d", 2'592'000'000}};
  for (const auto& [text, ms] : good) {
    Result<int64_t> window = ParseVelocityWindow(text);
    ASSERT_TRUE(window.ok()) << text << ": " << window.status().ToString();
    EXPECT_EQ(*window, ms) << text;
  }
  for (const char* bad : {"", "h", "0h", "-1h", "+1h", "1.5h", "1m", "1w", "24", "1hh", " 1h",
                          "99999999999999999999d", "9999999999d"}) {
    EXPECT_FALSE(ParseVelocityWindow(bad).ok()) << bad;
  }
  EXPECT_EQ(FormatVelocityWindow(86'400'000), "1d");
  EXPECT_EQ(FormatVelocityWindow(7'200'000), "2h");
  EXPECT_EQ(FormatVelocityWindow(5'400'000), "90min");
  EXPECT_EQ(FormatVelocityWindow(1'500), "1500ms");
}

TEST(VelocityFeaturesTest, Names) {
  auto feature = ParseVelocityFeatureName("velocity.device_id.application.24h");
  ASSERT_TRUE(feature.ok()) << feature.status().ToString();
  EXPECT_EQ(feature->name, "velocity.device_id.application.24h");
  EXPECT_EQ(feature->entity, "device_id");
  EXPECT_EQ(feature->event, "application");
  EXPECT_EQ(feature->window_ms, kDay);
  EXPECT_TRUE(IsVelocityFeatureName("velocity.x"));
  EXPECT_FALSE(IsVelocityFeatureName("bureau_accounts.all.count.all"));
  const std::pair<const char*, const char*> bad[] = {
      {"bureau.device_id.application.24h", "does not start with 'velocity.'"},
      {"velocity.device_id.application", "2 parts"},
      {"velocity.device_id.application.24h.x", "4 parts"},
      {"velocity.device-id.application.24h", "entity 'device-id'"},
      {"velocity.device_id..24h", "event ''"},
      {"velocity.device_id.application.24x", "window '24x'"},
  };
  for (const auto& [name, message] : bad) {
    auto parsed = ParseVelocityFeatureName(name);
    ASSERT_FALSE(parsed.ok()) << name;
    EXPECT_EQ(parsed.status().path(), name);
    EXPECT_NE(parsed.status().message().find(message), std::string::npos) << parsed.status().ToString();
  }
}

TEST(VelocityFeaturesTest, ReaderListsEntitiesAndRefusesRepeatedNames) {
  const std::vector<std::string> names = {"velocity.device_id.application.1h",
                                          "velocity.phone.application.7d",
                                          "velocity.device_id.application.24h", "velocity.ip.login.10min"};
  auto reader = VelocityFeatureReader::Create(names);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->entities(), (std::vector<std::string>{"device_id", "phone", "ip"}));
  EXPECT_EQ(reader->longest_window_ms(), 7 * kDay);
  const std::vector<std::string> twice = {"velocity.ip.login.1h", "velocity.ip.login.1h"};
  auto repeated = VelocityFeatureReader::Create(twice);
  ASSERT_FALSE(repeated.ok());
  EXPECT_EQ(repeated.status().path(), "velocity.ip.login.1h");
}

expr::Value Document(const std::string& json) { return expr::Value::FromJson(nlohmann::json::parse(json)); }

// Hand-counted values for a fixed history, read through any store.
void CheckReader(VelocityStore& store) {
  const int64_t now = kT0 + 12 * kHour;
  // device D1: 30 min, 2 h and 2 days before now; phone 13800138000: 3 and 8 days before now.
  const std::vector<VelocityEvent> history = {
      {{{"device_id", "D1"}}, "application", now - 30 * kMinute, ""},
      {{{"device_id", "D1"}}, "application", now - 2 * kHour, ""},
      {{{"device_id", "D1"}, {"phone", "13800138000"}}, "application", now - 2 * kDay, ""},
      {{{"phone", "13800138000"}}, "application", now - 3 * kDay, ""},
      {{{"phone", "13800138000"}}, "application", now - 8 * kDay, ""},
      {{{"device_id", "D1"}}, "login", now - kMinute, ""},
  };
  ASSERT_TRUE(store.RecordBatch(history).ok());
  const std::vector<std::string> names = {
      "velocity.device_id.application.1h", "velocity.device_id.application.24h",
      "velocity.device_id.application.7d", "velocity.phone.application.7d",
      "velocity.phone.application.30d",    "velocity.ip.application.24h",
      "velocity.device_id.login.10min"};
  auto reader = VelocityFeatureReader::Create(names);
  ASSERT_TRUE(reader.ok());
  std::vector<double> values(names.size());
  // device 1h: the 30 min one; 24h: + the 2 h one; 7d: + the 2 day one; phone 7d: 2 and 3 days;
  // 30d: + 8 days; no ip in the document: missing; device logins in 10 min: 1.
  for (const char* json : {R"({"device_id": "D1", "phone": 13800138000})",
                           R"({"device_id": "D1", "phone": "13800138000", "ip": null})"}) {
    ASSERT_TRUE(reader->Read(store, Document(json), now, values).ok());
    EXPECT_EQ(values[0], 1) << json;
    EXPECT_EQ(values[1], 2) << json;
    EXPECT_EQ(values[2], 3) << json;
    EXPECT_EQ(values[3], 2) << json;
    EXPECT_EQ(values[4], 3) << json;
    EXPECT_TRUE(std::isnan(values[5])) << json;
    EXPECT_EQ(values[6], 1) << json;
  }
  // An entity the store never saw counts 0; a value that cannot be an entity (1.5) is missing.
  ASSERT_TRUE(
      reader->Read(store, Document(R"({"device_id": "D2", "phone": 1.5, "ip": "10.0.0.1"})"), now, values)
          .ok());
  EXPECT_EQ(values[0], 0);
  EXPECT_TRUE(std::isnan(values[3]));
  EXPECT_EQ(values[5], 0);
  // The same through entity values given directly, in entities() order (device_id, phone, ip).
  const std::vector<std::optional<std::string>> entity_values = {"D1", std::nullopt, "10.0.0.1"};
  ASSERT_TRUE(reader->Read(store, entity_values, now, values).ok());
  EXPECT_EQ(values[2], 3);
  EXPECT_TRUE(std::isnan(values[4]));
  EXPECT_EQ(values[5], 0);

  Status not_object = reader->Read(store, Document("[1]"), now, values);
  EXPECT_EQ(not_object.code(), ErrorCode::kInvalidInput);
}

TEST(VelocityFeaturesTest, ReadsHandCountedValuesFromTheNaiveStore) {
  testing::NaiveVelocityStore store(30 * kDay);
  CheckReader(store);
}

TEST(VelocityFeaturesTest, ReadsHandCountedValuesFromTheRocksDbStore) {
  testing::ScratchDir dir;
  auto store = RocksDbVelocityStore::Open(dir.path(), {.retention_ms = 30 * kDay});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  CheckReader(**store);
}

TEST(VelocityFeaturesTest, AWindowLongerThanTheStoreKeepsNamesTheFeature) {
  testing::NaiveVelocityStore store(7 * kDay);
  const std::vector<std::string> names = {"velocity.phone.application.7d", "velocity.phone.application.30d"};
  auto reader = VelocityFeatureReader::Create(names);
  ASSERT_TRUE(reader.ok());
  std::vector<double> values(2);
  const Status status = reader->Read(store, Document(R"({"phone": "1"})"), kT0, values);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.path(), "velocity.phone.application.30d");
  EXPECT_NE(status.message().find("(7d)"), std::string::npos) << status.ToString();
}

}  // namespace
}  // namespace credo::features
