// ledger/postgres_store.h — the ledger on a PostgreSQL database (libpqxx),
// with the same tables and the same semantics as the SQLite file
// (sqlite_store.h); docs/postgres.md says how to point Credo at a server.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "ledger/store.h"

namespace credo::ledger {

// Connects to the database named by `uri` ("postgresql://user@host:5432/db",
// any libpq URI) and creates the ledger's tables on first use; a database
// holding other tables, or a ledger of another schema version, is refused.
// Each Transaction() is one READ COMMITTED transaction in which LoadLoan and
// LoadCreditLine lock the row they read (SELECT ... FOR UPDATE), so that two
// processes posting on one loan or drawing on one line take turns; a nested
// Transaction() is a savepoint. One store is used by one thread at a time;
// any number of processes may share the database. Errors name the host and
// database, never the password.
Result<std::unique_ptr<LedgerStore>> OpenPostgresStore(const std::string& uri);

}  // namespace credo::ledger
