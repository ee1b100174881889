// Velocity events as JSON: what a good event becomes, and that every bad one
// is refused with the field named.
#include "features/velocity_events.h"

#include <gtest/gtest.h>

#include "velocity_test_support.h"

namespace credo::features {
namespace {

// 2025-03-01T00:00:00Z (Python: datetime(2025,3,1,tzinfo=timezone.utc).timestamp()*1000).
constexpr int64_t kT0 = 1'740'787'200'000;
constexpr int64_t kHour = 3'600'000;

TEST(VelocityEventsTest, ParsesEntitiesTypeTimeAndId) {
  auto event = ParseVelocityEvent(
      R"({"entity": {"device_id": "D1", "phone": 13800138000, "ip": null}, "event": "application",
          "time": "2025-03-01T10:00:00.250Z", "event_id": "app-7"})");
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  ASSERT_EQ(event->entities.size(), 2u);  // the null ip is skipped
  // nlohmann keeps object members sorted by key: device_id, phone.
  EXPECT_EQ(event->entities[0].kind, "device_id");
  EXPECT_EQ(event->entities[0].value, "D1");
  EXPECT_EQ(event->entities[1].kind, "phone");
  EXPECT_EQ(event->entities[1].value, "13800138000");  // an integer is keyed by its digits
  EXPECT_EQ(event->type, "application");
  EXPECT_EQ(event->time_ms, kT0 + 10 * kHour + 250);
  EXPECT_EQ(event->event_id, "app-7");
}

TEST(VelocityEventsTest, TimesWithAnOffsetOrWithoutOne) {
  const std::pair<const char*, int64_t> cases[] = {
      {"2025-03-01T18:00:00+08:00", kT0 + 10 * kHour},  // 18:00 in UTC+8 is 10:00 UTC
      {"2025-03-01T10:00:00", kT0 + 10 * kHour},        // no offset: UTC
      {"2025-03-01", kT0},                              // a date: its midnight UTC
  };
  for (const auto& [time, expected] : cases) {
    auto event = ParseVelocityEvent(std::string(R"({"entity": {"phone": "1"}, "event": "login", "time": ")") +
                                    time + "\"}");
    ASSERT_TRUE(event.ok()) << time << ": " << event.status().ToString();
    EXPECT_EQ(event->time_ms, expected) << time;
    EXPECT_EQ(event->event_id, "");
  }
}

TEST(VelocityEventsTest, BadEventsNameTheField) {
  const struct {
    const char* json;
    const char* path;
    const char* message;
  } cases[] = {
      {R"({"entity": )", "", "not valid JSON"},
      {R"({"entity": {"phone": 1e400}})", "", "number overflow"},  // out_of_range, not parse_error
      {R"(["D1"])", "", "must be a JSON object"},
      {R"({"entity": {"phone": "1"}, "event": "a", "time": "2025-03-01", "when": 1})", "when",
       "unknown field"},
      {R"({"event": "a", "time": "2025-03-01"})", "entity", "missing"},
      {R"({"entity": ["D1"], "event": "a", "time": "2025-03-01"})", "entity", "must be an object"},
      {R"({"entity": {"phone": 1.5}, "event": "a", "time": "2025-03-01"})", "entity.phone", "integer"},
      {R"({"entity": {"phone": true}, "event": "a", "time": "2025-03-01"})", "entity.phone", "integer"},
      {R"({"entity": {"phone": ""}, "event": "a", "time": "2025-03-01"})", "entity.phone", "non-empty"},
      {R"({"entity": {"phone": null}, "event": "a", "time": "2025-03-01"})", "entity", "at least one entity"},
      {R"({"entity": {"device.id": "D1"}, "event": "a", "time": "2025-03-01"})", "entity", "letters, digits"},
      {R"({"entity": {"phone": "1"}, "time": "2025-03-01"})", "event", "missing"},
      {R"({"entity": {"phone": "1"}, "event": 5, "time": "2025-03-01"})", "event", "must be a string"},
      {R"({"entity": {"phone": "1"}, "event": "apply now", "time": "2025-03-01"})", "event",
       "letters, digits"},
      {R"({"entity": {"phone": "1"}, "event": "a"})", "time", "missing"},
      {R"({"entity": {"phone": "1"}, "event": "a", "time": "yesterday"})", "time", "not an ISO 8601 time"},
      {R"({"entity": {"phone": "1"}, "event": "a", "time": 1740787200000})", "time", "must be a string"},
      {R"({"entity": {"phone": "1"}, "event": "a", "time": "1969-12-31T23:59:59Z"})", "time", "1970"},
      {R"({"entity": {"phone": "1"}, "event": "a", "time": "2025-03-01", "event_id": 7})", "event_id",
       "string"},
      {R"({"entity": {"phone": "1"}, "event": "a", "time": "2025-03-01", "event_id": ""})", "event_id",
       "empty"},
  };
  for (const auto& c : cases) {
    auto event = ParseVelocityEvent(c.json);
    ASSERT_FALSE(event.ok()) << c.json;
    EXPECT_EQ(event.status().code(), ErrorCode::kInvalidInput) << c.json;
    EXPECT_EQ(event.status().path(), c.path) << c.json;
    EXPECT_NE(event.status().message().find(c.message), std::string::npos)
        << c.json << " -> " << event.status().ToString();
  }
}

TEST(VelocityEventsTest, RecordFromJsonCountsOnceAndRefusesBadEvents) {
  testing::NaiveVelocityStore store(30 * 24 * kHour);
  const char* body =
      R"({"entity": {"device_id": "D1"}, "event": "application", "time": "2025-03-01T01:00:00Z",
                         "event_id": "a1"})";
  auto first = RecordVelocityEventJson(store, body);
  auto second = RecordVelocityEventJson(store, body);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, RecordOutcome::kRecorded);
  EXPECT_EQ(*second, RecordOutcome::kDuplicate);
  auto bad = RecordVelocityEventJson(store, R"({"entity": {"device_id": "D1"}, "event": "application"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().path(), "time");
  EXPECT_EQ(*store.Count({"device_id", "D1", "application"}, kT0 + 2 * kHour, 24 * kHour), 1);
}

TEST(VelocityEventsTest, EntityValuesFromDocumentsMatchThoseFromEvents) {
  EXPECT_EQ(EntityValueText(expr::Value(std::string("D1"))), "D1");
  EXPECT_EQ(EntityValueText(expr::Value::Int(13800138000)), "13800138000");
  EXPECT_EQ(EntityValueText(expr::Value(*expr::Decimal::Parse("42.0"))), "42");
  EXPECT_EQ(EntityValueText(expr::Value(std::string())), std::nullopt);
  EXPECT_EQ(EntityValueText(expr::Value(*expr::Decimal::Parse("1.5"))), std::nullopt);
  EXPECT_EQ(EntityValueText(expr::Value(true)), std::nullopt);
  EXPECT_EQ(EntityValueText(expr::Value()), std::nullopt);
}

}  // namespace
}  // namespace credo::features
