#include "audit/decision_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "core/id.h"

namespace credo::audit {
namespace {

// A scratch database path unique to this process and test; removed (with its
// -wal and -shm files) before and after the test.
class ScratchLog {
 public:
  ScratchLog() {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = ::testing::TempDir() + "credo_audit_" + std::to_string(getpid()) + "_" + test->name() + ".db";
    Remove();
  }
  ~ScratchLog() { Remove(); }
  const std::string& path() const { return path_; }

  std::unique_ptr<DecisionLog> Open() const {
    auto log = DecisionLog::Open(path_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(log).value() : nullptr;
  }

  // Overwrites the 4-byte big-endian integer at `offset` of the closed
  // database file (SQLite file format: user_version at 60, application_id at 68).
  void PatchHeader(long offset, uint32_t value) const {
    std::FILE* file = std::fopen(path_.c_str(), "r+b");
    ASSERT_NE(file, nullptr);
    const unsigned char bytes[4] = {
        static_cast<unsigned char>(value >> 24), static_cast<unsigned char>(value >> 16),
        static_cast<unsigned char>(value >> 8), static_cast<unsigned char>(value)};
    ASSERT_EQ(std::fseek(file, offset, SEEK_SET), 0);
    ASSERT_EQ(std::fwrite(bytes, 1, 4, file), 4u);
    std::fclose(file);
  }

 private:
  void Remove() const {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  std::string path_;
};

DecisionRecord Decision(std::string id, std::string strategy, int64_t decided_at_ms) {
  DecisionRecord record;
  record.decision_id = std::move(id);
  record.decided_at_ms = decided_at_ms;
  record.clock_ms = decided_at_ms - 5;
  record.strategy = std::move(strategy);
  record.version = 3;
  record.outcome = "approve";
  record.input_json = R"({"applicant":{"age":30}})";
  record.output_json = R"({"limit_fen":500000})";
  record.reasons_json = "[]";
  record.trace_json = "{}";
  record.latency_us = 120;
  return record;
}

std::vector<std::string> Ids(const std::vector<DecisionRecord>& records) {
  std::vector<std::string> ids;
  for (const DecisionRecord& record : records) ids.push_back(record.decision_id);
  return ids;
}

TEST(DecisionLogTest, RoundTripsEveryField) {
  ScratchLog scratch;
  auto log = scratch.Open();
  ASSERT_NE(log, nullptr);
  DecisionRecord record;
  record.decision_id = "dec_01JD3Q8Z6N4W5X7Y8Z9A0B1C2D";
  record.decided_at_ms = 1767225600123;  // 2026-01-01T00:00:00.123Z
  record.clock_ms = 1767139200000;       // a pinned clock a day earlier
  record.strategy = "credit_line_策略";
  record.version = 42;
  record.arm = "challenger";
  record.outcome = "refer";
  // Bytes a JSON parser would normalise (spacing, escapes, a long number) must come back unchanged.
  record.input_json = R"({"name":"张三","note":"a\"b\u0000c","income_fen":12345678901234567, "x": 1.50})";
  record.output_json = R"({"grade":"B","limit_fen":300000})";
  record.reasons_json = R"(["R01_low_income",{"code":"R07","weight":0.25}])";
  record.trace_json = R"({"grade":{"matched":[1,4]}})";
  record.latency_us = 9'223'372'036'854'775'807;  // int64 max survives unchanged
  ASSERT_TRUE(log->Append(record).ok());

  auto found = log->Find(record.decision_id);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, record);

  auto missing = log->Find("dec_not_recorded");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST(DecisionLogTest, PersistsAcrossReopen) {
  ScratchLog scratch;
  const std::vector<DecisionRecord> records = {Decision("dec_a", "s", 1), Decision("dec_b", "s", 2),
                                               Decision("dec_c", "t", 3)};
  {
    auto log = scratch.Open();
    ASSERT_NE(log, nullptr);
    for (const DecisionRecord& record : records) ASSERT_TRUE(log->Append(record).ok());
  }
  auto log = scratch.Open();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(*log->Count(), 3);
  for (const DecisionRecord& record : records) {
    auto found = log->Find(record.decision_id);
    ASSERT_TRUE(found.ok() && found->has_value()) << record.decision_id;
    EXPECT_EQ(**found, record);
  }
  // The reopened log keeps appending.
  EXPECT_TRUE(log->Append(Decision("dec_d", "t", 4)).ok());
  EXPECT_EQ(*log->Count(), 4);
}

TEST(DecisionLogTest, DuplicateIdIsRefusedAndTheFirstRecordKept) {
  ScratchLog scratch;
  auto log = scratch.Open();
  ASSERT_NE(log, nullptr);
  const DecisionRecord first = Decision("dec_dup", "s", 10);
  DecisionRecord second = Decision("dec_dup", "s", 20);
  second.outcome = "decline";
  ASSERT_TRUE(log->Append(first).ok());
  const Status status = log->Append(second);
  EXPECT_EQ(status.code(), ErrorCode::kConflict);
  EXPECT_NE(status.message().find("dec_dup"), std::string::npos) << status.ToString();
  EXPECT_EQ(*log->Count(), 1);
  EXPECT_EQ(**log->Find("dec_dup"), first);
}

// Each refusal names the decision and the field; none leaves a record behind.
TEST(DecisionLogTest, RefusesRecordsThatAreNotJson) {
  ScratchLog scratch;
  auto log = scratch.Open();
  ASSERT_NE(log, nullptr);
  DecisionRecord bad_input = Decision("dec_1", "s", 1);
  bad_input.input_json = R"({"age":)";
  DecisionRecord bad_output = Decision("dec_2", "s", 1);
  bad_output.output_json = "";
  DecisionRecord object_reasons = Decision("dec_3", "s", 1);
  object_reasons.reasons_json = R"({"code":"R01"})";
  DecisionRecord malformed_reasons = Decision("dec_6", "s", 1);
  malformed_reasons.reasons_json = "[\"R01\",";
  DecisionRecord bad_trace = Decision("dec_4", "s", 1);
  bad_trace.trace_json = "{'single':'quotes'}";
  const std::pair<DecisionRecord, std::string> cases[] = {
      {bad_input, "input_json is not JSON"},
      {bad_output, "output_json is not JSON"},
      {object_reasons, "reasons_json is not a JSON array"},
      {bad_trace, "trace_json is not JSON"},
      {Decision("", "s", 1), "decision_id is empty"}};
  for (const auto& [record, expected] : cases) {
    const Status status = log->Append(record);
    EXPECT_EQ(status.code(), ErrorCode::kInvalidInput) << expected;
    EXPECT_NE(status.message().find("'" + record.decision_id + "'"), std::string::npos) << status.ToString();
    EXPECT_NE(status.message().find(expected), std::string::npos) << status.ToString();
  }
  EXPECT_EQ(*log->Count(), 0);
  // Valid JSON of any shape is kept, e.g. a bare number as output.
  DecisionRecord number_output = Decision("dec_5", "s", 1);
  number_output.output_json = "42";
  EXPECT_TRUE(log->Append(number_output).ok());
}

// Invariant: every append that returned OK is counted once and findable.
TEST(DecisionLogTest, ConcurrentAppendsAreAllCommitted) {
  ScratchLog scratch;
  auto log = scratch.Open();
  ASSERT_NE(log, nullptr);
  constexpr int kThreads = 8;
  constexpr int kAppendsPerThread = 500;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        DecisionRecord record = Decision(NewId("dec"), "strategy_" + std::to_string(t), i);
        record.latency_us = t * kAppendsPerThread + i;
        ids[t].push_back(record.decision_id);
        if (!log->Append(std::move(record)).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(kThreads, 0));
  EXPECT_EQ(*log->Count(), kThreads * kAppendsPerThread);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kAppendsPerThread; ++i) {
      auto found = log->Find(ids[t][i]);
      ASSERT_TRUE(found.ok() && found->has_value()) << ids[t][i];
      EXPECT_EQ((*found)->strategy, "strategy_" + std::to_string(t));
      EXPECT_EQ((*found)->latency_us, t * kAppendsPerThread + i);
    }
  }
}

// Invariant: when many threads append the same id at once (likely in one
// group commit), exactly one succeeds and the rest are conflicts.
TEST(DecisionLogTest, ConcurrentDuplicatesCommitExactlyOnce) {
  ScratchLog scratch;
  auto log = scratch.Open();
  ASSERT_NE(log, nullptr);
  constexpr int kThreads = 8;
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    const std::string id = "dec_round_" + std::to_string(round);
    std::vector<Status> statuses(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        DecisionRecord record = Decision(id, "s", round);
        record.version = t;
        statuses[t] = log->Append(std::move(record));
      });
    }
    for (std::thread& thread : threads) thread.join();
    int committed = 0;
    int winner = -1;
    for (int t = 0; t < kThreads; ++t) {
      if (statuses[t].ok()) {
        ++committed;
        winner = t;
      } else {
        EXPECT_EQ(statuses[t].code(), ErrorCode::kConflict) << statuses[t].ToString();
      }
    }
    ASSERT_EQ(committed, 1) << id;
    EXPECT_EQ((**log->Find(id)).version, winner) << id;
  }
  EXPECT_EQ(*log->Count(), kRounds);
}

TEST(DecisionLogTest, RecentIsNewestFirstPerStrategyAndLimited) {
  ScratchLog scratch;
  auto log = scratch.Open();
  ASSERT_NE(log, nullptr);
  // Appended out of time order; "dec_e" and "dec_f" share a millisecond, dec_f appended later.
  for (const DecisionRecord& record :
       {Decision("dec_a", "grade", 300), Decision("dec_b", "limit", 100), Decision("dec_c", "grade", 100),
        Decision("dec_d", "grade", 500), Decision("dec_e", "limit", 400), Decision("dec_f", "limit", 400)}) {
    ASSERT_TRUE(log->Append(record).ok());
  }
  // grade by time: d 500, a 300, c 100.
  EXPECT_EQ(Ids(*log->Recent("grade", 10)), (std::vector<std::string>{"dec_d", "dec_a", "dec_c"}));
  EXPECT_EQ(Ids(*log->Recent("grade", 2)), (std::vector<std::string>{"dec_d", "dec_a"}));
  // limit: f and e at 400 (f appended last comes first), b 100.
  EXPECT_EQ(Ids(*log->Recent("limit", 10)), (std::vector<std::string>{"dec_f", "dec_e", "dec_b"}));
  // All: d 500, f 400, e 400, a 300, then c (appended after b) and b at 100.
  EXPECT_EQ(Ids(*log->Recent("", 10)),
            (std::vector<std::string>{"dec_d", "dec_f", "dec_e", "dec_a", "dec_c", "dec_b"}));
  EXPECT_EQ(Ids(*log->Recent("", 4)), (std::vector<std::string>{"dec_d", "dec_f", "dec_e", "dec_a"}));
  EXPECT_TRUE(log->Recent("grade", 0)->empty());
  EXPECT_TRUE(log->Recent("no_such_strategy", 5)->empty());
  EXPECT_EQ(log->Recent("grade", -1).status().code(), ErrorCode::kInvalidInput);
  // Records come back whole, not just their ids.
  EXPECT_EQ(log->Recent("grade", 1)->front(), Decision("dec_d", "grade", 500));
}

TEST(DecisionLogTest, UnwritablePathIsAnErrorNamingIt) {
  const std::string path = "/proc/credo_no_such_dir/decisions.db";
  auto log = DecisionLog::Open(path);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), ErrorCode::kIo);
  EXPECT_NE(log.status().ToString().find(path), std::string::npos) << log.status().ToString();
}

TEST(DecisionLogTest, FileThatIsNotADatabaseIsRefused) {
  ScratchLog scratch;
  {
    std::ofstream garbage(scratch.path(), std::ios::binary);
    for (int i = 0; i < 200; ++i) garbage << "decided_at_ms,strategy,outcome\n";
  }
  auto log = DecisionLog::Open(scratch.path());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), ErrorCode::kInvalidInput);
  const std::string message = log.status().ToString();
  EXPECT_NE(message.find(scratch.path()), std::string::npos) << message;
  EXPECT_NE(message.find("not a database"), std::string::npos) << message;
}

TEST(DecisionLogTest, NewerSchemaVersionIsRefused) {
  ScratchLog scratch;
  {
    auto log = scratch.Open();
    ASSERT_NE(log, nullptr);
    ASSERT_TRUE(log->Append(Decision("dec_a", "s", 1)).ok());
  }
  scratch.PatchHeader(60, 2);  // user_version = 2, one past what this code writes
  auto log = DecisionLog::Open(scratch.path());
  ASSERT_FALSE(log.ok());
  const std::string message = log.status().ToString();
  EXPECT_NE(message.find(scratch.path()), std::string::npos) << message;
  EXPECT_NE(message.find("schema version 2"), std::string::npos) << message;
  // Put back to version 1, the same file opens again with its record: the version alone was refused.
  scratch.PatchHeader(60, 1);
  auto reopened = scratch.Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(*reopened->Count(), 1);
}

TEST(DecisionLogTest, OtherSqliteDatabaseIsRefused) {
  ScratchLog scratch;
  scratch.Open().reset();
  scratch.PatchHeader(68, 0);  // application_id of a database that is not a decision log
  auto log = DecisionLog::Open(scratch.path());
  ASSERT_FALSE(log.ok());
  const std::string message = log.status().ToString();
  EXPECT_NE(message.find(scratch.path()), std::string::npos) << message;
  EXPECT_NE(message.find("not a decision log"), std::string::npos) << message;
}

}  // namespace
}  // namespace credo::audit
