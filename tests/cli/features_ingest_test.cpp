// Runs `credo features ingest` the way a user does: events land in the store
// (read back through the library), bad lines are reported with their line
// number and skipped, duplicates are counted once, and usage/file errors.
#include <gtest/gtest.h>

#include <string>

#include "features/velocity_rocksdb.h"
#include "run_credo.h"

namespace {

using credo::testing::RunCredo;

// 2025-03-01T12:00:00Z (Python: datetime(2025,3,1,12,tzinfo=timezone.utc).timestamp()*1000).
constexpr int64_t kNoonMs = 1'740'830'400'000;
constexpr int64_t kDayMs = 86'400'000;

class FeaturesIngestTest : public credo::testing::ScratchDirTest {
 protected:
  FeaturesIngestTest() : ScratchDirTest("credo_ingest_cli_") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    store_ = Path("store");
  }
  std::string store_;
};

TEST_F(FeaturesIngestTest, RecordsGoodLinesAndReportsBadOnes) {
  const std::string events = Write(
      "events.jsonl",
      R"({"entity": {"device_id": "D1", "phone": 13800138000}, "event": "application", "time": "2025-03-01T10:00:00Z", "event_id": "a1"}
{"entity": {"device_id": "D1"}, "event": "application", "time": "2025-03-01T11:00:00Z", "event_id": "a2"}

{"entity": {"device_id": "D1"}, "event": "application", "time": "2025-03-01T11:00:00Z", "event_id": "a2"}
{"entity": {"device_id": "D1"}, "event": "application", "time": "yesterday"}
not json
{"entity": {"device_id": "D1"}, "event": "application", "time": "2025-02-20T00:00:00Z"}
)");
  const auto run = RunCredo("features ingest --store " + store_ + " --events " + events);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(
      run.out.find("7 lines: 3 events recorded, 1 duplicates skipped (event_id seen before), 2 bad lines"),
      std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("events.jsonl:5: time: 'yesterday'"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("events.jsonl:6: not valid JSON"), std::string::npos) << run.out;

  auto store = credo::features::RocksDbVelocityStore::Open(store_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // D1 at 10:00 and 11:00 (a2 once) on 2025-03-01 and on 2025-02-20: 2 in the day to noon, 3 in 30 days.
  EXPECT_EQ(*(*store)->Count({"device_id", "D1", "application"}, kNoonMs, kDayMs), 2);
  EXPECT_EQ(*(*store)->Count({"device_id", "D1", "application"}, kNoonMs, 30 * kDayMs), 3);
  EXPECT_EQ(*(*store)->Count({"phone", "13800138000", "application"}, kNoonMs, kDayMs), 1);
  EXPECT_EQ((*store)->retention_ms(), 90 * kDayMs);
}

TEST_F(FeaturesIngestTest, IngestingTheSameFileTwiceCountsEventsWithIdsOnce) {
  const std::string events = Write(
      "events.jsonl",
      R"({"entity": {"ip": "10.0.0.1"}, "event": "login", "time": "2025-03-01T10:00:00Z", "event_id": "l1"}
)");
  ASSERT_EQ(
      RunCredo("features ingest --store " + store_ + " --events " + events + " --retention 7d").exit_code, 0);
  const auto again = RunCredo("features ingest --store " + store_ + " --events " + events);
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("0 events recorded, 1 duplicates skipped"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("(retention 7d)"), std::string::npos) << again.out;  // kept from the first run
}

TEST_F(FeaturesIngestTest, UsageAndFileErrors) {
  const std::string events = Write("events.jsonl", "");
  const auto bad_retention =
      RunCredo("features ingest --store " + store_ + " --events " + events + " --retention 3w");
  EXPECT_EQ(bad_retention.exit_code, 1) << bad_retention.out;
  EXPECT_NE(bad_retention.out.find("--retention"), std::string::npos) << bad_retention.out;
  const auto missing = RunCredo("features ingest --store " + store_ + " --events " + Path("nope.jsonl"));
  EXPECT_EQ(missing.exit_code, 2) << missing.out;
  EXPECT_NE(missing.out.find("nope.jsonl"), std::string::npos) << missing.out;
  const std::string all_bad = Write("bad.jsonl", "not json\n{\"event\": \"application\"}\n");
  const auto nothing_valid = RunCredo("features ingest --store " + store_ + " --events " + all_bad);
  EXPECT_EQ(nothing_valid.exit_code, 2) << nothing_valid.out;
  EXPECT_NE(nothing_valid.out.find("no line is a valid event"), std::string::npos) << nothing_valid.out;
  const auto not_a_store =
      RunCredo("features ingest --store " + dir_.string() + " --events " + events);  // holds events.jsonl
  EXPECT_EQ(not_a_store.exit_code, 2) << not_a_store.out;
  EXPECT_NE(not_a_store.out.find("not empty"), std::string::npos) << not_a_store.out;
}

}  // namespace
