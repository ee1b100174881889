#include "audit/decision_log.h"

#include <sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "sqlite/connection.h"

namespace credo::audit {
namespace {

// The schema this code writes, kept in PRAGMA user_version. Bump it with a
// migration when the schema changes; a file with a newer version is refused.
constexpr int kSchemaVersion = 1;
// PRAGMA application_id of a decision log ("CRDL"), so that another SQLite
// file (an event store, a ledger) is never mistaken for one.
constexpr int kApplicationId = 0x4352444C;
// Most decisions one transaction commits, which bounds how long the callers
// of one batch wait.
constexpr size_t kMaxBatch = 1024;
constexpr int kBusyTimeoutMs = 5000;
// WAL bytes (16 MiB) after which the checkpointer copies them into the
// database file: every checkpoint ends in two fsyncs, and a page committed
// many times over (the last leaf of the table and of each index) is copied
// once per checkpoint ...
constexpr int64_t kCheckpointBytes = int64_t{16} << 20;
// ... and (1 GiB) after which the writer itself waits for a checkpoint that
// starts the WAL over: only under load so sustained that the checkpointer
// never catches up, and it keeps the file bounded.
constexpr int64_t kWalLimitBytes = int64_t{1} << 30;

constexpr const char* kCreateSchema = R"sql(
CREATE TABLE IF NOT EXISTS decisions (
  seq           INTEGER PRIMARY KEY,  -- append order
  decision_id   TEXT    NOT NULL UNIQUE CONSTRAINT "decision_id is empty" CHECK (decision_id <> ''),
  decided_at_ms INTEGER NOT NULL,
  clock_ms      INTEGER NOT NULL,
  strategy      TEXT    NOT NULL,
  version       INTEGER NOT NULL,
  arm           TEXT    NOT NULL,
  outcome       TEXT    NOT NULL,
  input_json    TEXT    NOT NULL CONSTRAINT "input_json is not JSON" CHECK (json_valid(input_json)),
  output_json   TEXT    NOT NULL CONSTRAINT "output_json is not JSON" CHECK (json_valid(output_json)),
  reasons_json  TEXT    NOT NULL CONSTRAINT "reasons_json is not a JSON array"
                                 CHECK (json_valid(reasons_json) AND json_type(reasons_json) = 'array'),
  trace_json    TEXT    NOT NULL CONSTRAINT "trace_json is not JSON" CHECK (json_valid(trace_json)),
  latency_us    INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS decisions_by_strategy_time ON decisions (strategy, decided_at_ms);
CREATE INDEX IF NOT EXISTS decisions_by_time ON decisions (decided_at_ms);
)sql";

constexpr const char* kColumns =
    "decision_id, decided_at_ms, clock_ms, strategy, version, arm, outcome, input_json, output_json, "
    "reasons_json, trace_json, latency_us";

using sqlite::ColumnText;
using sqlite::Connection;
using sqlite::Statement;

// Resets a cached statement and drops its bindings when a call is done with it.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* statement) : statement_(statement) {}
  ~StatementUse() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

 private:
  sqlite3_stmt* statement_;
};

// A connection to the log at `path`.
Result<Connection> OpenConnection(const std::string& path, sqlite::OpenMode mode) {
  return sqlite::Open(path, mode, kBusyTimeoutMs, "decision log");
}

// `sql` prepared and stepped to its first row, which the caller reads.
Result<Statement> QueryRow(sqlite3* db, const char* sql, const std::string& path) {
  CREDO_ASSIGN_OR_RETURN(Statement statement, sqlite::Prepare(db, sql, path));
  const int rc = sqlite3_step(statement.get());
  if (rc != SQLITE_ROW) return sqlite::Error(db, rc, std::string("cannot run '") + sql + "'", path);
  return statement;
}

Result<int64_t> QueryInteger(sqlite3* db, const char* sql, const std::string& path) {
  CREDO_ASSIGN_OR_RETURN(Statement row, QueryRow(db, sql, path));
  return sqlite3_column_int64(row.get(), 0);
}

// The record in the current row of a statement that selects kColumns.
DecisionRecord ReadRecord(sqlite3_stmt* statement) {
  DecisionRecord record;
  record.decision_id = ColumnText(statement, 0);
  record.decided_at_ms = sqlite3_column_int64(statement, 1);
  record.clock_ms = sqlite3_column_int64(statement, 2);
  record.strategy = ColumnText(statement, 3);
  record.version = sqlite3_column_int(statement, 4);
  record.arm = ColumnText(statement, 5);
  record.outcome = ColumnText(statement, 6);
  record.input_json = ColumnText(statement, 7);
  record.output_json = ColumnText(statement, 8);
  record.reasons_json = ColumnText(statement, 9);
  record.trace_json = ColumnText(statement, 10);
  record.latency_us = sqlite3_column_int64(statement, 11);
  return record;
}

void BindText(sqlite3_stmt* statement, int parameter, std::string_view text) {
  // SQLITE_STATIC: the text outlives the statement's use (reset before the caller returns).
  sqlite3_bind_text64(statement, parameter, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void BindRecord(sqlite3_stmt* statement, const DecisionRecord& record) {
  BindText(statement, 1, record.decision_id);
  sqlite3_bind_int64(statement, 2, record.decided_at_ms);
  sqlite3_bind_int64(statement, 3, record.clock_ms);
  BindText(statement, 4, record.strategy);
  sqlite3_bind_int(statement, 5, record.version);
  BindText(statement, 6, record.arm);
  BindText(statement, 7, record.outcome);
  BindText(statement, 8, record.input_json);
  BindText(statement, 9, record.output_json);
  BindText(statement, 10, record.reasons_json);
  BindText(statement, 11, record.trace_json);
  sqlite3_bind_int64(statement, 12, record.latency_us);
}

// Creates the schema in a new file, or checks that an existing file is a
// decision log whose schema this code knows.
Status PrepareSchema(sqlite3* db, const std::string& path) {
  CREDO_ASSIGN_OR_RETURN(const int64_t application_id, QueryInteger(db, "PRAGMA application_id", path));
  CREDO_ASSIGN_OR_RETURN(const int64_t schema_version, QueryInteger(db, "PRAGMA user_version", path));
  CREDO_ASSIGN_OR_RETURN(const int64_t objects, QueryInteger(db, "SELECT count(*) FROM sqlite_schema", path));
  if (application_id != kApplicationId && objects > 0) {
    return Status::Invalid("not a decision log: a SQLite database of something else (application_id " +
                               std::to_string(application_id) + ")",
                           path);
  }
  if (schema_version > kSchemaVersion) {
    return Status::Invalid("decision log schema version " + std::to_string(schema_version) +
                               " is newer than this Credo knows (" + std::to_string(kSchemaVersion) + ")",
                           path);
  }
  if (schema_version == kSchemaVersion) return Status::Ok();
  const std::string create = std::string(kCreateSchema) +
                             "PRAGMA application_id = " + std::to_string(kApplicationId) +
                             "; PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";";
  return sqlite::Transaction(
      db, [&] { return sqlite::Exec(db, create, path); }, path);
}

}  // namespace

// A caller of Append or AppendBatch waiting for its records to be committed.
struct PendingAppend {
  std::vector<DecisionRecord> records;
  std::vector<Status> statuses;  // one per record
  bool done = false;
  std::condition_variable committed;
};

struct DecisionLog::State {
  std::string path;

  // Writing. The caller at the front of `queue` is the leader: it alone uses
  // `writer`, committing the records of everyone queued behind it.
  std::mutex queue_mutex;
  std::deque<PendingAppend*> queue;
  size_t callers = 0;  // inside Append: queued, or committed and not yet returned
  Connection writer;
  Statement begin, insert, commit;

  // Reading, one caller at a time.
  std::mutex reader_mutex;
  Connection reader;
  Statement find, recent_of_strategy, recent_of_all, count;

  // Checkpointing, on a thread and connection of its own: a checkpoint ends
  // with an fsync, and commits (and so answers) should not wait for one.
  Connection checkpointer;
  std::mutex checkpoint_mutex;
  std::condition_variable checkpoint_wanted;
  int64_t page_bytes = 0;  // of this file, which sets what a WAL page count means
  bool wal_full = false;
  bool closing = false;
  std::thread checkpoint_thread;

  ~State();
  // Called by SQLite after each commit of `writer`.
  static int OnWalCommit(void* self, sqlite3* db, const char*, int wal_pages);
  void RunCheckpoints();

  // Commits `batch` in one transaction and sets the status of each.
  void CommitBatch(const std::vector<PendingAppend*>& batch);
  Status Step(sqlite3_stmt* statement, std::string_view doing);
};

DecisionLog::State::~State() {
  if (!checkpoint_thread.joinable()) return;
  {
    std::lock_guard lock(checkpoint_mutex);
    closing = true;
  }
  checkpoint_wanted.notify_one();
  checkpoint_thread.join();
}

int DecisionLog::State::OnWalCommit(void* self, sqlite3* db, const char*, int wal_pages) {
  auto* state = static_cast<State*>(self);
  const int64_t wal_bytes = int64_t{wal_pages} * state->page_bytes;
  if (wal_bytes >= kWalLimitBytes) {
    // The checkpointer has not caught up with the writes for a long while.
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    return SQLITE_OK;
  }
  if (wal_bytes < kCheckpointBytes) return SQLITE_OK;
  {
    std::lock_guard lock(state->checkpoint_mutex);
    state->wal_full = true;
  }
  state->checkpoint_wanted.notify_one();
  return SQLITE_OK;
}

void DecisionLog::State::RunCheckpoints() {
  std::unique_lock lock(checkpoint_mutex);
  for (;;) {
    checkpoint_wanted.wait(lock, [this] { return wal_full || closing; });
    if (closing) return;
    wal_full = false;
    lock.unlock();
    // PASSIVE never blocks the writer; it copies what was committed when it
    // started, so go again until it has copied everything. The writer starts
    // the WAL over at its first commit after that.
    for (int wal_frames = 1, copied = 0; wal_frames > copied;) {
      if (sqlite3_wal_checkpoint_v2(checkpointer.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                    &copied) != SQLITE_OK) {
        break;
      }
    }
    lock.lock();
  }
}

Status DecisionLog::State::Step(sqlite3_stmt* statement, std::string_view doing) {
  StatementUse use(statement);
  const int rc = sqlite3_step(statement);
  if (rc == SQLITE_DONE) return Status::Ok();
  return sqlite::Error(writer.get(), rc, doing, path);
}

void DecisionLog::State::CommitBatch(const std::vector<PendingAppend*>& batch) {
  Status failure = Step(begin.get(), "cannot begin a transaction");
  for (size_t i = 0; failure.ok() && i < batch.size(); ++i) {
    PendingAppend& append = *batch[i];
    for (size_t r = 0; failure.ok() && r < append.records.size(); ++r) {
      const DecisionRecord& record = append.records[r];
      StatementUse use(insert.get());
      BindRecord(insert.get(), record);
      const int rc = sqlite3_step(insert.get());
      // A refused record undoes only its own statement; the rest of the batch goes on.
      if (rc == SQLITE_CONSTRAINT_UNIQUE) {
        append.statuses[r] = Status(
            ErrorCode::kConflict,
            "decision '" + record.decision_id + "' is already recorded; the first record is kept", path);
      } else if (rc == SQLITE_CONSTRAINT_CHECK) {
        // The message names the field: "CHECK constraint failed: input_json is not JSON".
        append.statuses[r] = Status::Invalid(
            "decision '" + record.decision_id + "' refused: " + sqlite3_errmsg(writer.get()), path);
      } else if (rc != SQLITE_DONE) {
        failure =
            sqlite::Error(writer.get(), rc, "cannot record decision '" + record.decision_id + "'", path);
      }
    }
  }
  if (failure.ok()) failure = Step(commit.get(), "cannot commit decisions");
  if (failure.ok()) return;
  sqlite::Rollback(writer.get());
  for (PendingAppend* append : batch) {
    for (Status& status : append->statuses) {
      if (status.ok()) status = failure;
    }
  }
}

DecisionLog::DecisionLog(std::unique_ptr<State> state) : state_(std::move(state)) {}
DecisionLog::~DecisionLog() = default;

Result<std::unique_ptr<DecisionLog>> DecisionLog::Open(const std::string& path) {
  auto state = std::make_unique<State>();
  state->path = path;
  CREDO_ASSIGN_OR_RETURN(state->writer, OpenConnection(path, sqlite::OpenMode::kCreate));
  sqlite3* writer = state->writer.get();
  // A new file gets 4 KiB pages: each commit rewrites the last page of the
  // table and of each index in the WAL, so larger pages multiply the bytes
  // written per decision (16 KiB pages: 20 KB per decision under load, 4 KiB:
  // 8 KB, for records of 2 KB). No effect on an existing file.
  CREDO_RETURN_IF_ERROR(sqlite::Exec(writer, "PRAGMA page_size = 4096", path));
  // The first statement reads the file: a file that is not a database fails here.
  CREDO_ASSIGN_OR_RETURN(Statement wal, QueryRow(writer, "PRAGMA journal_mode = WAL", path));
  const std::string journal_mode = ColumnText(wal.get(), 0);
  wal.reset();
  if (journal_mode != "wal") {
    return Status::Io("cannot switch the decision log to WAL (journal mode is '" + journal_mode + "')", path);
  }
  CREDO_RETURN_IF_ERROR(sqlite::Exec(writer, "PRAGMA synchronous = NORMAL", path));
  CREDO_ASSIGN_OR_RETURN(state->page_bytes, QueryInteger(writer, "PRAGMA page_size", path));
  CREDO_RETURN_IF_ERROR(PrepareSchema(writer, path));
  CREDO_ASSIGN_OR_RETURN(state->begin, sqlite::Prepare(writer, "BEGIN IMMEDIATE", path));
  CREDO_ASSIGN_OR_RETURN(state->commit, sqlite::Prepare(writer, "COMMIT", path));
  CREDO_ASSIGN_OR_RETURN(state->insert,
                         sqlite::Prepare(writer,
                                         std::string("INSERT INTO decisions (") + kColumns +
                                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                                         path));

  CREDO_ASSIGN_OR_RETURN(state->checkpointer, OpenConnection(path, sqlite::OpenMode::kReadWrite));
  // A connection finds the WAL only once it reads the database.
  CREDO_RETURN_IF_ERROR(sqlite::Exec(state->checkpointer.get(), "SELECT count(*) FROM sqlite_master", path));
  sqlite3_wal_hook(writer, &State::OnWalCommit, state.get());  // replaces SQLite's automatic checkpoint
  state->checkpoint_thread = std::thread([raw = state.get()] { raw->RunCheckpoints(); });

  CREDO_ASSIGN_OR_RETURN(state->reader, OpenConnection(path, sqlite::OpenMode::kReadOnly));
  sqlite3* reader = state->reader.get();
  const std::string select = std::string("SELECT ") + kColumns + " FROM decisions ";
  CREDO_ASSIGN_OR_RETURN(state->find, sqlite::Prepare(reader, select + "WHERE decision_id = ?1", path));
  CREDO_ASSIGN_OR_RETURN(
      state->recent_of_strategy,
      sqlite::Prepare(reader, select + "WHERE strategy = ?1 ORDER BY decided_at_ms DESC, seq DESC LIMIT ?2",
                      path));
  CREDO_ASSIGN_OR_RETURN(
      state->recent_of_all,
      sqlite::Prepare(reader, select + "ORDER BY decided_at_ms DESC, seq DESC LIMIT ?1", path));
  CREDO_ASSIGN_OR_RETURN(state->count, sqlite::Prepare(reader, "SELECT count(*) FROM decisions", path));
  return std::unique_ptr<DecisionLog>(new DecisionLog(std::move(state)));
}

Status DecisionLog::Append(DecisionRecord record) {
  std::vector<DecisionRecord> records;
  records.push_back(std::move(record));
  return AppendBatch(std::move(records)).front();
}

std::vector<Status> DecisionLog::AppendBatch(std::vector<DecisionRecord> records) {
  PendingAppend self;
  self.records = std::move(records);
  self.statuses.resize(self.records.size());
  if (self.records.empty()) return {};
  std::unique_lock lock(state_->queue_mutex);
  ++state_->callers;
  state_->queue.push_back(&self);
  while (!self.done && state_->queue.front() != &self) self.committed.wait(lock);
  if (!self.done) {
    // This caller leads: it commits everything queued, itself first. Callers
    // released by the last batch but not yet returned tend to append again at
    // once; on a busy CPU they are runnable but not running. Yielding once
    // lets them queue and join this batch; it is what makes throughput grow
    // with the number of callers (about 2x at 8 threads on 2 busy cores).
    if (state_->callers > state_->queue.size()) {
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
    }
    const size_t batch_size = std::min(state_->queue.size(), kMaxBatch);
    const std::vector<PendingAppend*> batch(state_->queue.begin(), state_->queue.begin() + batch_size);
    lock.unlock();
    state_->CommitBatch(batch);
    lock.lock();
    for (PendingAppend* append : batch) {
      state_->queue.pop_front();
      append->done = true;
      if (append != &self) append->committed.notify_one();
    }
    if (!state_->queue.empty()) state_->queue.front()->committed.notify_one();
  }
  --state_->callers;
  return std::move(self.statuses);
}

Result<std::optional<DecisionRecord>> DecisionLog::Find(std::string_view decision_id) {
  std::lock_guard lock(state_->reader_mutex);
  sqlite3_stmt* find = state_->find.get();
  StatementUse use(find);
  BindText(find, 1, decision_id);
  const int rc = sqlite3_step(find);
  if (rc == SQLITE_DONE) return std::optional<DecisionRecord>();
  if (rc != SQLITE_ROW) {
    return sqlite::Error(state_->reader.get(), rc, "cannot find decision '" + std::string(decision_id) + "'",
                         state_->path);
  }
  return std::optional<DecisionRecord>(ReadRecord(find));
}

Result<std::vector<DecisionRecord>> DecisionLog::Recent(std::string_view strategy, int limit) {
  if (limit < 0) return Status::Invalid("limit must not be negative, got " + std::to_string(limit), "limit");
  std::lock_guard lock(state_->reader_mutex);
  sqlite3_stmt* recent = strategy.empty() ? state_->recent_of_all.get() : state_->recent_of_strategy.get();
  StatementUse use(recent);
  if (strategy.empty()) {
    sqlite3_bind_int(recent, 1, limit);
  } else {
    BindText(recent, 1, strategy);
    sqlite3_bind_int(recent, 2, limit);
  }
  std::vector<DecisionRecord> records;
  int rc;
  while ((rc = sqlite3_step(recent)) == SQLITE_ROW) records.push_back(ReadRecord(recent));
  if (rc != SQLITE_DONE) {
    return sqlite::Error(state_->reader.get(), rc,
                         "cannot list recent decisions of strategy '" + std::string(strategy) + "'",
                         state_->path);
  }
  return records;
}

Result<int64_t> DecisionLog::Count() {
  std::lock_guard lock(state_->reader_mutex);
  sqlite3_stmt* count = state_->count.get();
  StatementUse use(count);
  const int rc = sqlite3_step(count);
  if (rc != SQLITE_ROW) {
    return sqlite::Error(state_->reader.get(), rc, "cannot count decisions", state_->path);
  }
  return sqlite3_column_int64(count, 0);
}

}  // namespace credo::audit
