// POST /v1/events over a real socket: events land in the velocity store the
// server was given, duplicates count once, and bad events name their field.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "features/velocity_rocksdb.h"
#include "server/http_server.h"
#include "server_test_support.h"

namespace credo::server {
namespace {

using nlohmann::json;

// 2025-08-19T16:55:02Z in milliseconds: 20,319 days x 86,400,000 + 16:55:02.
constexpr int64_t kEventMs = 20319LL * 86'400'000 + (16 * 3600 + 55 * 60 + 2) * 1000LL;

class EventIntakeTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    auto store = features::RocksDbVelocityStore::Open((root_ / "velocity").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    server_ = std::make_unique<Server>(service_.get(), store_.get());
    ASSERT_TRUE(server_->Start("127.0.0.1", 0, 2).ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    store_.reset();
    ServiceTest::TearDown();
  }

  // Applications of device D1 in the day up to the event's time.
  int64_t DeviceApplications() {
    auto count = store_->Count({"device_id", "D1", "application"}, kEventMs, 86'400'000);
    EXPECT_TRUE(count.ok());
    return count.ok() ? *count : -1;
  }

  std::unique_ptr<features::RocksDbVelocityStore> store_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(EventIntakeTest, AnEventIsCountedOnceHoweverOftenItIsSent) {
  const std::string event =
      R"({"entity": {"device_id": "D1"}, "event": "application", "time": "2025-08-19T16:55:02Z", "event_id": "e1"})";
  auto first = client_->Post("/v1/events", event, "application/json");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(json::parse(first->body)["outcome"], "recorded");
  auto again = client_->Post("/v1/events", event, "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(json::parse(again->body)["outcome"], "duplicate");
  EXPECT_EQ(DeviceApplications(), 1);
}

TEST_F(EventIntakeTest, BadEventsNameTheirFieldAndRecordNothing) {
  auto not_json = client_->Post("/v1/events", "{", "application/json");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  auto bad_time = client_->Post(
      "/v1/events", R"({"entity": {"device_id": "D1"}, "event": "application", "time": "yesterday"})",
      "application/json");
  ASSERT_TRUE(bad_time);
  EXPECT_EQ(bad_time->status, 422);
  EXPECT_EQ(json::parse(bad_time->body)["error"]["path"], "$.time");
  EXPECT_EQ(DeviceApplications(), 0);
  // The same event with a good time is counted: the 0 above is not a count that never moves.
  auto good = client_->Post(
      "/v1/events",
      R"({"entity": {"device_id": "D1"}, "event": "application", "time": "2025-08-19T16:55:02Z"})",
      "application/json");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200) << good->body;
  EXPECT_EQ(DeviceApplications(), 1);
}

TEST_F(EventIntakeTest, AServerWithoutAStoreSays503) {
  Server bare(service_.get());
  ASSERT_TRUE(bare.Start("127.0.0.1", 0, 1).ok());
  httplib::Client client("127.0.0.1", bare.port());
  auto reply =
      client.Post("/v1/events", R"({"entity": {"device_id": "D1"}, "event": "x", "time": "2025-01-01"})",
                  "application/json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503);
}

}  // namespace
}  // namespace credo::server
