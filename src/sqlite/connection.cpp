#include "sqlite/connection.h"

#include <sqlite3.h>

namespace credo::sqlite {

void CloseConnection::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

void FinalizeStatement::operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }

Status Error(sqlite3* db, int rc, std::string_view doing, const std::string& path, std::string_view label) {
  std::string message(label);
  message += doing;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xFF) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Status::Invalid(std::move(message), path);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Io(std::move(message), path);
    case SQLITE_CONSTRAINT:
      return Status(ErrorCode::kConflict, std::move(message), path);
    default:
      return Status(ErrorCode::kInternal, std::move(message), path);
  }
}

Result<Connection> Open(const std::string& path, OpenMode mode, int busy_timeout_ms, std::string_view what) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case OpenMode::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case OpenMode::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case OpenMode::kCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) return Error(db.get(), rc, "cannot open " + std::string(what), path);
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), busy_timeout_ms);
  return db;
}

Result<Statement> Prepare(sqlite3* db, const std::string& sql, const std::string& path,
                          std::string_view label) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  Statement statement(raw);
  if (rc != SQLITE_OK) return Error(db, rc, "cannot prepare '" + sql + "'", path, label);
  return statement;
}

Status Exec(sqlite3* db, const std::string& sql, const std::string& path, std::string_view label) {
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::Ok();
  return Error(db, rc, "cannot run '" + sql.substr(0, 60) + "'", path, label);
}

void Rollback(sqlite3* db) {
  if (sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction(sqlite3* db, const std::function<Status()>& body, const std::string& path,
                   std::string_view label) {
  if (sqlite3_get_autocommit(db) == 0) {
    CREDO_RETURN_IF_ERROR(Exec(db, "SAVEPOINT nested", path, label));
    Status status = body();
    if (!status.ok()) {
      // ROLLBACK TO keeps the savepoint open; RELEASE then removes it.
      (void)Exec(db, "ROLLBACK TO nested", path, label);
    }
    const Status released = Exec(db, "RELEASE nested", path, label);
    return status.ok() ? released : status;
  }
  CREDO_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", path, label));
  Status status = body();
  if (status.ok()) status = Exec(db, "COMMIT", path, label);
  if (!status.ok()) Rollback(db);
  return status;
}

std::string ColumnText(sqlite3_stmt* statement, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
  return text != nullptr ? std::string(text, sqlite3_column_bytes(statement, column)) : std::string();
}

}  // namespace credo::sqlite
