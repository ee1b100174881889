// sqlite/connection.h — the SQLite plumbing the modules that keep a SQLite
// file share: owning handles, opening a connection, preparing and running
// statements, transactions, and SQLite result codes as credo::Status values
// that name the file. What a file holds (schema, application id, statement
// caches) stays with the module that owns it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace credo::sqlite {

// Closes a connection (sqlite3_close_v2) for Connection.
struct CloseConnection {
  void operator()(sqlite3* db) const;
};
// An open connection, closed when the owner goes.
using Connection = std::unique_ptr<sqlite3, CloseConnection>;

// Finalizes a prepared statement (sqlite3_finalize) for Statement.
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const;
};
// A prepared statement, finalized when the owner goes.
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

// How Open opens a file.
enum class OpenMode {
  kReadOnly,
  kReadWrite,  // the file must exist
  kCreate,     // read-write, creating the file when absent
};

// The Status for SQLite result code `rc` (primary or extended) met while
// `doing` something to the database at `path`. The message is
// "<label><doing>: <SQLite's message>" (SQLite's text for `rc` when `db` is
// null); the path is `path`. Not a database or corrupt: kInvalidInput;
// cannot open, I/O, disk full, read-only, permission, busy or locked: kIo;
// a constraint: kConflict; anything else: kInternal.
Status Error(sqlite3* db, int rc, std::string_view doing, const std::string& path,
             std::string_view label = {});

// Opens the database at `path` for use by one thread at a time, with
// extended result codes and a busy timeout of `busy_timeout_ms`. Fails with
// "cannot open <what>: ..." (e.g. what = "ledger"), naming the path.
Result<Connection> Open(const std::string& path, OpenMode mode, int busy_timeout_ms, std::string_view what);

// `sql` prepared to be run many times (SQLITE_PREPARE_PERSISTENT). Errors
// are Error(..., "cannot prepare '<sql>'", path, label).
Result<Statement> Prepare(sqlite3* db, const std::string& sql, const std::string& path,
                          std::string_view label = {});

// Runs `sql` (one or more statements, no results). Errors are
// Error(..., "cannot run '<the first 60 characters of sql>'", path, label).
Status Exec(sqlite3* db, const std::string& sql, const std::string& path, std::string_view label = {});

// Rolls back the transaction open on `db`, if any (after a failure).
void Rollback(sqlite3* db);

// Runs `body` in a write transaction (BEGIN IMMEDIATE ... COMMIT). When
// `body` or the commit fails, rolls back and returns that failure. Called
// inside another transaction, it runs as a savepoint of it: a failure rolls
// back only this body's work; the rest commits with the outer transaction.
Status Transaction(sqlite3* db, const std::function<Status()>& body, const std::string& path,
                   std::string_view label = {});

// Column `column` of the statement's current row as text, "" for NULL.
std::string ColumnText(sqlite3_stmt* statement, int column);

}  // namespace credo::sqlite
