// audit_bench — decisions recorded per second by audit::DecisionLog, against
// the target of 20,000/s from 8 threads (2,000/s from one), and against the
// peer: the same rows inserted into the same schema by plain SQLite, one
// transaction per decision behind a mutex (what a log without group commit does).
//
//   audit_bench --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
//               --benchmark_report_aggregates_only=true
//
// On a shared machine repeat with random interleaving (as above): the ratios
// then compare medians of runs spread over the same period.
//
// Each decision carries a realistic ~1.5 KB input (40 features), a small
// output, three reasons and a trace. The logs are scratch files in
// $TMPDIR (default /tmp), removed at exit.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "audit/decision_log.h"
#include "core/id.h"

namespace credo {
namespace {

audit::DecisionRecord SampleDecision() {
  audit::DecisionRecord record;
  record.decision_id = NewId("dec");
  record.decided_at_ms = 1767225600000;
  record.clock_ms = 1767225600000;
  record.strategy = "credit_line";
  record.version = 7;
  record.arm = "champion";
  record.outcome = "approve";
  std::string input = R"({"applicant_id":"app_01JD3Q8Z6N4W5X7Y8Z9A0B1C2D","features":{)";
  for (int i = 0; i < 40; ++i) {
    input += (i ? "," : "") + std::string("\"bureau_feature_") + std::to_string(i) +
             "\":" + std::to_string(1000 + 37 * i) + ".25";
  }
  record.input_json = input + "}}";
  record.output_json = R"({"grade":"B","limit_fen":3000000,"apr_bps":1800})";
  record.reasons_json = R"(["R01_short_history","R07_high_utilisation","R12_recent_inquiries"])";
  record.trace_json = R"({"grade":{"matched":[4]},"limit":{"matched":[2,9]},"knockout":{"matched":[]}})";
  record.latency_us = 850;
  return record;
}

std::string ScratchPath(const char* name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/credo_audit_bench_" + std::to_string(getpid()) + "_" +
         name + ".db";
}

void RemoveDatabase(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

std::unique_ptr<audit::DecisionLog> OpenOrDie(const std::string& path) {
  auto log = audit::DecisionLog::Open(path);
  if (!log.ok()) {
    std::fprintf(stderr, "audit_bench: %s\n", log.status().ToString().c_str());
    std::exit(2);
  }
  return std::move(log).value();
}

audit::DecisionLog* group_commit_log = nullptr;

void BM_GroupCommitAppend(benchmark::State& state) {
  const audit::DecisionRecord sample = SampleDecision();
  for (auto _ : state) {
    audit::DecisionRecord record = sample;
    record.decision_id = NewId("dec");
    const Status status = group_commit_log->Append(std::move(record));
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GroupCommitAppend)->Threads(1)->Threads(8)->UseRealTime();

// The peer: one SQLite transaction per decision, callers serialised by a mutex.
struct CommitPerDecisionLog {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  std::mutex mutex;
};
CommitPerDecisionLog* peer_log = nullptr;

void BM_CommitPerDecision(benchmark::State& state) {
  const audit::DecisionRecord sample = SampleDecision();
  for (auto _ : state) {
    const std::string id = NewId("dec");
    std::lock_guard lock(peer_log->mutex);
    sqlite3_stmt* insert = peer_log->insert;
    const std::string* texts[] = {&id,
                                  nullptr,
                                  nullptr,
                                  &sample.strategy,
                                  nullptr,
                                  &sample.arm,
                                  &sample.outcome,
                                  &sample.input_json,
                                  &sample.output_json,
                                  &sample.reasons_json,
                                  &sample.trace_json};
    for (int i = 0; i < 11; ++i) {
      if (texts[i] != nullptr)
        sqlite3_bind_text(insert, i + 1, texts[i]->data(), texts[i]->size(), SQLITE_STATIC);
    }
    sqlite3_bind_int64(insert, 2, sample.decided_at_ms);
    sqlite3_bind_int64(insert, 3, sample.clock_ms);
    sqlite3_bind_int(insert, 5, sample.version);
    sqlite3_bind_int64(insert, 12, sample.latency_us);
    if (sqlite3_step(insert) != SQLITE_DONE) state.SkipWithError(sqlite3_errmsg(peer_log->db));
    sqlite3_reset(insert);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommitPerDecision)->Threads(1)->Threads(8)->UseRealTime();

// Prints each run as usual and keeps its items_per_second (the median when
// repeated) for the ratios.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.aggregate_name.empty() || run.aggregate_name == "median") {
        items_per_second[run.run_name.str()] = run.counters.at("items_per_second");
      }
    }
  }
  std::map<std::string, double> items_per_second;
};

int Run(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const std::string log_path = ScratchPath("group_commit");
  const std::string peer_path = ScratchPath("commit_per_decision");
  RemoveDatabase(log_path);
  RemoveDatabase(peer_path);
  std::unique_ptr<audit::DecisionLog> log = OpenOrDie(log_path);
  group_commit_log = log.get();
  OpenOrDie(peer_path).reset();  // the same schema and pragmas for the peer
  CommitPerDecisionLog peer;
  sqlite3_open(peer_path.c_str(), &peer.db);
  sqlite3_exec(peer.db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
  sqlite3_prepare_v2(
      peer.db,
      "INSERT INTO decisions (decision_id, decided_at_ms, clock_ms, strategy, version, arm, outcome, "
      "input_json, output_json, reasons_json, trace_json, latency_us) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
      -1, &peer.insert, nullptr);
  peer_log = &peer;

  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  for (const char* threads : {"1", "8"}) {
    const std::string suffix = std::string("/real_time/threads:") + threads;
    const auto ours = reporter.items_per_second.find("BM_GroupCommitAppend" + suffix);
    const auto theirs = reporter.items_per_second.find("BM_CommitPerDecision" + suffix);
    if (ours == reporter.items_per_second.end() || theirs == reporter.items_per_second.end()) continue;
    std::printf("%s thread(s): %.0f decisions/s with group commit, %.0f/s one commit per decision: %.2fx\n",
                threads, ours->second, theirs->second, ours->second / theirs->second);
  }

  sqlite3_finalize(peer.insert);
  sqlite3_close(peer.db);
  log.reset();
  RemoveDatabase(log_path);
  RemoveDatabase(peer_path);
  return 0;
}

}  // namespace
}  // namespace credo

int main(int argc, char** argv) { return credo::Run(argc, argv); }
