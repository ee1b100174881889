// The RocksDB velocity store: counts against the naive list of events on
// random data, window edges by hand, restarts, idempotent ids, concurrency,
// expiry, and the ways opening a store fails.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "features/velocity_rocksdb.h"
#include "velocity_test_support.h"

namespace credo::features {
namespace {

using testing::NaiveVelocityStore;
using testing::ScratchDir;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
// 2025-03-01T00:00:00Z (Python: datetime(2025,3,1,tzinfo=timezone.utc).timestamp()*1000).
constexpr int64_t kT0 = 1'740'787'200'000;

VelocityEvent Event(std::vector<VelocityEntity> entities, int64_t time_ms, std::string event_id = "",
                    std::string type = "application") {
  return VelocityEvent{std::move(entities), std::move(type), time_ms, std::move(event_id)};
}

std::unique_ptr<RocksDbVelocityStore> OpenStore(const std::string& dir, RocksDbVelocityOptions options = {}) {
  auto store = RocksDbVelocityStore::Open(dir, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

int64_t CountOf(VelocityStore& store, std::string_view kind, std::string_view value, int64_t now_ms,
                int64_t window_ms, std::string_view type = "application") {
  Result<int64_t> count = store.Count({kind, value, type}, now_ms, window_ms);
  EXPECT_TRUE(count.ok()) << count.status().ToString();
  return count.ok() ? *count : -1;
}

// Half the time a time on or 1 ms either side of a minute, hour or day boundary;
// anywhere otherwise.
int64_t RandomTime(std::mt19937_64& rng, int64_t from, int64_t span) {
  const int64_t t = from + static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
  if (rng() % 2 == 0) return t;
  const int64_t sizes[] = {kMinute, kHour, kDay};
  const int64_t size = sizes[rng() % 3];
  return t - t % size + static_cast<int64_t>(rng() % 3) - 1;
}

TEST(VelocityStoreTest, RandomEventsCountAsTheNaiveListOfEvents) {
  ScratchDir dir;
  const int64_t retention = 40 * kDay;
  auto store = OpenStore(dir.path(), {.retention_ms = retention});
  NaiveVelocityStore naive(retention);
  std::mt19937_64 rng(20250301);

  const std::vector<std::string> devices = {"D0", "D1", "D2", "D3", "D4"};
  const std::vector<std::string> phones = {"13800000001", "13800000002", "13800000003"};
  const std::vector<std::string> types = {"application", "login"};
  std::vector<VelocityEvent> pending;
  auto flush = [&] {
    auto expected = naive.RecordBatch(pending);
    auto got = store->RecordBatch(pending);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, *expected);  // same duplicates
    pending.clear();
  };
  for (int i = 0; i < 3000; ++i) {
    VelocityEvent event;
    event.type = types[rng() % types.size()];
    event.time_ms = RandomTime(rng, kT0, 35 * kDay);
    if (rng() % 4 != 0) event.entities.push_back({"device_id", devices[rng() % devices.size()]});
    if (event.entities.empty() || rng() % 2 == 0)
      event.entities.push_back({"phone", phones[rng() % phones.size()]});
    if (rng() % 5 == 0) event.event_id = "ev" + std::to_string(rng() % 300);
    if (rng() % 10 == 0) {  // a burst in the same millisecond
      pending.push_back(event);
      event.event_id.clear();
    }
    pending.push_back(std::move(event));
    if (rng() % 8 == 0) flush();  // batches of ~1 to ~30 events, single events too
  }
  flush();

  std::vector<std::pair<std::string, std::string>> keys = {{"device_id", "D9"}, {"phone", "D0"}};
  for (const auto& d : devices) keys.emplace_back("device_id", d);
  for (const auto& p : phones) keys.emplace_back("phone", p);
  const int64_t windows[] = {kMinute, kHour, kDay, 7 * kDay, 30 * kDay, 40 * kDay};
  int64_t nonzero = 0;
  for (int q = 0; q < 400; ++q) {
    const int64_t now = RandomTime(rng, kT0 - kDay, 38 * kDay);
    const int64_t window =
        q % 2 == 0 ? windows[rng() % 6] : 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(retention));
    std::vector<CountQuery> queries;
    for (const auto& [kind, value] : keys) {
      for (const auto& type : types) queries.push_back({{kind, value, type}, window});
    }
    std::vector<int64_t> expected(queries.size()), got(queries.size());
    ASSERT_TRUE(naive.CountMany(queries, now, expected).ok());
    const Status status = store->CountMany(queries, now, got);
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_EQ(got, expected) << "now " << now << " window " << window;
    for (int64_t c : expected) nonzero += c > 0;
  }
  EXPECT_GT(nonzero, 1000);  // the comparison is not between empty counts
}

TEST(VelocityStoreTest, WindowIncludesBothEndsToTheMillisecond) {
  ScratchDir dir;
  auto store = OpenStore(dir.path());
  // One event off every bucket boundary (5h 0min 0.123s into the day), one exactly on a day boundary.
  const int64_t t = kT0 + 5 * kHour + 123;
  const int64_t midnight = kT0 + 10 * kDay;
  ASSERT_TRUE(store->Record(Event({{"device_id", "D1"}}, t)).ok());
  ASSERT_TRUE(store->Record(Event({{"device_id", "D2"}}, midnight)).ok());
  for (const int64_t at : {t, midnight}) {
    const std::string device = at == t ? "D1" : "D2";
    EXPECT_EQ(CountOf(*store, "device_id", device, at, kDay), 1);             // now == event time
    EXPECT_EQ(CountOf(*store, "device_id", device, at - 1, kDay), 0);         // event 1 ms in the future
    EXPECT_EQ(CountOf(*store, "device_id", device, at + kDay, kDay), 1);      // now - window == event time
    EXPECT_EQ(CountOf(*store, "device_id", device, at + kDay + 1, kDay), 0);  // 1 ms too old
    EXPECT_EQ(CountOf(*store, "device_id", device, at + 30 * kDay, 30 * kDay), 1);
    EXPECT_EQ(CountOf(*store, "device_id", device, at + kMinute, kMinute), 1);
    EXPECT_EQ(CountOf(*store, "device_id", device, at + kMinute + 1, kMinute), 0);
  }
  // Three more events in the same millisecond as the first: 4 in any window holding t.
  const std::vector<VelocityEvent> burst(3, Event({{"device_id", "D1"}}, t));
  ASSERT_TRUE(store->RecordBatch(burst).ok());
  EXPECT_EQ(CountOf(*store, "device_id", "D1", t + 7 * kDay - 1, 7 * kDay), 4);
  // A busy entity (counted through the coarser counters): 200 events at t - k x 10 min.
  std::vector<VelocityEvent> busy;
  for (int k = 0; k < 200; ++k) busy.push_back(Event({{"employer", "E1"}}, t - k * 10 * kMinute));
  ASSERT_TRUE(store->RecordBatch(busy).ok());
  // now = t: k x 10 min <= 24 h for k = 0..144; now = t + 1 ms: k <= 143; now = t - 1 ms: k = 1..144.
  EXPECT_EQ(CountOf(*store, "employer", "E1", t, kDay), 145);
  EXPECT_EQ(CountOf(*store, "employer", "E1", t + 1, kDay), 144);
  EXPECT_EQ(CountOf(*store, "employer", "E1", t - 1, kDay), 144);
  EXPECT_EQ(CountOf(*store, "employer", "E1", t, 7 * kDay), 200);
  // Other kinds, values and types are other counters.
  EXPECT_EQ(CountOf(*store, "phone", "D1", t, kDay), 0);
  EXPECT_EQ(CountOf(*store, "device_id", "D", t, kDay), 0);
  EXPECT_EQ(CountOf(*store, "device_id", "D1", t, kDay, "login"), 0);
}

TEST(VelocityStoreTest, OneEventCountsForEachOfItsEntities) {
  ScratchDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_TRUE(store->Record(Event({{"device_id", "D1"}, {"phone", "138"}, {"ip", "10.0.0.1"}}, kT0)).ok());
  EXPECT_EQ(CountOf(*store, "device_id", "D1", kT0, kHour), 1);
  EXPECT_EQ(CountOf(*store, "phone", "138", kT0, kHour), 1);
  EXPECT_EQ(CountOf(*store, "ip", "10.0.0.1", kT0, kHour), 1);
}

TEST(VelocityStoreTest, CountsAndEventIdsSurviveCloseAndReopen) {
  ScratchDir dir;
  {
    auto store = OpenStore(dir.path());
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(store
                      ->Record(Event({{"device_id", "D" + std::to_string(i % 3)}}, kT0 + i * kMinute,
                                     "id" + std::to_string(i)))
                      .ok());
    }
  }
  auto store = OpenStore(dir.path());
  // i = 0..99 at kT0 + i min; D0 holds i = 0, 3, ..., 99: 34 events; in the last hour
  // (now = kT0 + 99 min, from kT0 + 39 min) i = 39..99 step 3: 21.
  EXPECT_EQ(CountOf(*store, "device_id", "D0", kT0 + 99 * kMinute, kDay), 34);
  EXPECT_EQ(CountOf(*store, "device_id", "D0", kT0 + 99 * kMinute, kHour), 21);
  auto again = store->Record(Event({{"device_id", "D0"}}, kT0, "id0"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, RecordOutcome::kDuplicate);
  EXPECT_EQ(CountOf(*store, "device_id", "D0", kT0 + 99 * kMinute, kDay), 34);
}

TEST(VelocityStoreTest, AnEventIdCountsOnce) {
  ScratchDir dir;
  auto store = OpenStore(dir.path());
  auto first = store->Record(Event({{"device_id", "D1"}}, kT0, "app-1"));
  auto second = store->Record(Event({{"device_id", "D1"}}, kT0 + kMinute, "app-1"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, RecordOutcome::kRecorded);
  EXPECT_EQ(*second, RecordOutcome::kDuplicate);
  // Twice in one batch, and once more without an id (which always counts).
  auto batch = store->RecordBatch(std::vector<VelocityEvent>{Event({{"device_id", "D1"}}, kT0, "app-2"),
                                                             Event({{"device_id", "D1"}}, kT0, "app-2"),
                                                             Event({{"device_id", "D1"}}, kT0)});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(*batch, (std::vector<RecordOutcome>{RecordOutcome::kRecorded, RecordOutcome::kDuplicate,
                                                RecordOutcome::kRecorded}));
  EXPECT_EQ(CountOf(*store, "device_id", "D1", kT0 + kHour, kDay), 3);  // app-1, app-2, the one without id
}

TEST(VelocityStoreTest, TwoThreadsRecordingTheSameIdsCountEachOnce) {
  ScratchDir dir;
  auto store = OpenStore(dir.path());
  // Each thread: 2000 events of its own and the same 500 shared ids, singly and in batches.
  std::atomic<int> shared_recorded{0};
  auto work = [&](int thread) {
    for (int i = 0; i < 2500; ++i) {
      const bool shared = i < 500;
      const std::string id =
          shared ? "shared-" + std::to_string(i) : "t" + std::to_string(thread) + "-" + std::to_string(i);
      auto outcome = store->Record(Event({{"device_id", "D"}}, kT0 + i, id));
      ASSERT_TRUE(outcome.ok());
      if (shared && *outcome == RecordOutcome::kRecorded) ++shared_recorded;
    }
  };
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  EXPECT_EQ(shared_recorded.load(), 500);
  EXPECT_EQ(CountOf(*store, "device_id", "D", kT0 + kHour, kDay), 2 * 2000 + 500);
}

TEST(VelocityStoreTest, ExpiredCountersAndIdsAreDroppedOnCompaction) {
  ScratchDir dir;
  auto store = OpenStore(dir.path(), {.retention_ms = 2 * kDay});
  ASSERT_TRUE(store->Record(Event({{"device_id", "D1"}}, kT0, "old")).ok());
  ASSERT_TRUE(store->Record(Event({{"device_id", "D1"}}, kT0 + 10 * kDay, "new")).ok());
  EXPECT_EQ(CountOf(*store, "device_id", "D1", kT0, kHour), 1);  // not compacted yet: still there
  ASSERT_TRUE(store->Compact().ok());
  // The latest event is kT0 + 10d, so everything before kT0 + 8d has expired.
  EXPECT_EQ(CountOf(*store, "device_id", "D1", kT0, kHour), 0);
  EXPECT_EQ(CountOf(*store, "device_id", "D1", kT0 + 10 * kDay, kHour), 1);
  auto old_again = store->Record(Event({{"device_id", "D1"}}, kT0, "old"));
  ASSERT_TRUE(old_again.ok());
  EXPECT_EQ(*old_again, RecordOutcome::kRecorded);  // its id expired with it
  auto new_again = store->Record(Event({{"device_id", "D1"}}, kT0 + 10 * kDay, "new"));
  ASSERT_TRUE(new_again.ok());
  EXPECT_EQ(*new_again, RecordOutcome::kDuplicate);
}

TEST(VelocityStoreTest, AFutureTimeDoesNotExpireThePresent) {
  ScratchDir dir;
  auto store = OpenStore(dir.path(), {.retention_ms = 2 * kDay});
  // An event dated year 9000 must not push the horizon past the events of today.
  const int64_t today = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  ASSERT_TRUE(store->Record(Event({{"device_id", "D1"}}, today)).ok());
  ASSERT_TRUE(store->Record(Event({{"device_id", "D2"}}, 221'845'392'000'000)).ok());
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_EQ(CountOf(*store, "device_id", "D1", today, kHour), 1);
}

TEST(VelocityStoreTest, RetentionIsKeptWithTheStoreAndLimitsWindows) {
  ScratchDir dir;
  { ASSERT_EQ(OpenStore(dir.path(), {.retention_ms = 7 * kDay})->retention_ms(), 7 * kDay); }
  {
    auto store = OpenStore(dir.path());
    EXPECT_EQ(store->retention_ms(), 7 * kDay);
    EXPECT_EQ(CountOf(*store, "device_id", "D1", kT0, 7 * kDay), 0);
    Result<int64_t> too_long = store->Count({"device_id", "D1", "application"}, kT0, 8 * kDay);
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.status().code(), ErrorCode::kInvalidInput);
    EXPECT_NE(too_long.status().message().find("longer than the store keeps"), std::string::npos);
    EXPECT_FALSE(store->Count({"device_id", "D1", "application"}, kT0, 0).ok());
  }
  EXPECT_EQ(OpenStore(dir.path(), {.retention_ms = 30 * kDay})->retention_ms(), 30 * kDay);
  EXPECT_EQ(OpenStore(dir.path())->retention_ms(), 30 * kDay);
  ScratchDir fresh;
  EXPECT_EQ(OpenStore(fresh.path())->retention_ms(), 90 * kDay);
}

TEST(VelocityStoreTest, AnInvalidEventRecordsNothingOfItsBatch) {
  ScratchDir dir;
  auto store = OpenStore(dir.path());
  auto batch = store->RecordBatch(
      std::vector<VelocityEvent>{Event({{"device_id", "D1"}}, kT0), Event({{"device.id", "D1"}}, kT0)});
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().path(), "events[1].entity");
  EXPECT_EQ(CountOf(*store, "device_id", "D1", kT0, kHour), 0);
  const struct {
    VelocityEvent event;
    std::string path;
  } bad[] = {
      {Event({}, kT0), "entity"},
      {Event({{"phone", ""}}, kT0), "entity.phone"},
      {Event({{"phone", "1"}, {"phone", "2"}}, kT0), "entity.phone"},
      {Event({{"phone", "1"}}, -1), "time"},
      {Event({{"phone", "1"}}, kT0, "", "apply now"), "event"},
  };
  for (const auto& [event, path] : bad) {
    auto outcome = store->Record(event);
    ASSERT_FALSE(outcome.ok()) << path;
    EXPECT_EQ(outcome.status().path(), path);
  }
}

TEST(VelocityStoreTest, OpenRefusesWhatIsNotAVelocityStore) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.path());
  std::ofstream(dir.path() + "/notes.txt") << "not a store\n";
  auto in_other_dir = RocksDbVelocityStore::Open(dir.path());
  ASSERT_FALSE(in_other_dir.ok());
  EXPECT_EQ(in_other_dir.status().path(), dir.path());
  EXPECT_NE(in_other_dir.status().message().find("not empty"), std::string::npos);

  auto a_file = RocksDbVelocityStore::Open(dir.path() + "/notes.txt");
  ASSERT_FALSE(a_file.ok());
  EXPECT_NE(a_file.status().message().find("directory"), std::string::npos);

  ScratchDir busy;
  auto first = OpenStore(busy.path());
  auto second = RocksDbVelocityStore::Open(busy.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kIo);
}

}  // namespace
}  // namespace credo::features
