// audit/decision_log.h — the durable store of every decision the decision
// engine makes: what went in, what came out, why, under which strategy
// version and clock, so that any decision can be looked up and replayed bit
// for bit.
//
// The store is one SQLite file (WAL journal, synchronous=NORMAL: a committed
// decision survives a crash of the process; a power cut may lose the last
// commits not yet checkpointed).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace credo::audit {

// One decision as it was made: enough to replay it bit for bit.
struct DecisionRecord {
  std::string decision_id;    // ULID-style id (core/id.h NewId)
  int64_t decided_at_ms = 0;  // wall clock when decided (UTC ms)
  int64_t clock_ms = 0;       // the "now" the strategy's date functions saw (pinned clock used for replay)
  std::string strategy;       // strategy name
  int version = 0;            // strategy version
  std::string arm;            // champion/challenger arm, "" if none
  std::string outcome;        // e.g. "approve" / "refer" / "decline" / "" when the strategy has none
  std::string input_json;     // the request input exactly as evaluated (compact JSON text)
  std::string output_json;    // the output
  std::string reasons_json;   // JSON array of reasons
  std::string trace_json;     // per-node matched rules (JSON), may be "{}"
  int64_t latency_us = 0;

  friend bool operator==(const DecisionRecord&, const DecisionRecord&) = default;
};

// An append-only log of decisions kept in one SQLite file.
//
// Thread-safe: any number of threads may call Append, Find, Recent and Count
// at once on one DecisionLog. Appends from concurrent threads are committed
// together (group commit: the first waiting caller writes everyone's records
// in one transaction), so throughput grows with the number of callers.
// Reads use their own connection and never wait for a commit in progress;
// they see every decision whose Append has returned OK.
// The DecisionLog must outlive every call on it. Only one DecisionLog (one
// process) should write a given file at a time.
class DecisionLog {
 public:
  // Opens the log at `path`, creating the file and its schema if absent.
  // Fails, naming the path, when the file cannot be opened or created, is not
  // a SQLite database, belongs to something other than a decision log, or
  // was written by a newer Credo with a schema this one does not know.
  static Result<std::unique_ptr<DecisionLog>> Open(const std::string& path);

  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  // Records one decision; returns only after it is committed. Fails with
  // kConflict, naming the id, when `record.decision_id` is already recorded
  // (the first record is kept), and with kInvalidInput when the id is empty
  // or a *_json field is not JSON (reasons_json must be an array).
  Status Append(DecisionRecord record);
  // Records several decisions, committed together with whatever other
  // callers have queued; returns only after they are committed. The statuses
  // line up with `records` and mean what Append's do: a refused record
  // fails alone, the others are kept.
  std::vector<Status> AppendBatch(std::vector<DecisionRecord> records);

  // The decision with this id, or nullopt when none is recorded.
  Result<std::optional<DecisionRecord>> Find(std::string_view decision_id);

  // At most `limit` decisions of `strategy` ("" = every strategy), newest
  // decided_at_ms first; decisions made in the same millisecond come newest
  // appended first.
  Result<std::vector<DecisionRecord>> Recent(std::string_view strategy, int limit);

  // How many decisions are recorded.
  Result<int64_t> Count();

 private:
  struct State;
  explicit DecisionLog(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace credo::audit
