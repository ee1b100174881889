// ledger/sqlite_store.h — the ledger on an embedded SQLite file (WAL,
// synchronous=FULL: a committed posting survives a crash or power loss).
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "ledger/store.h"

namespace credo::ledger {

// Opens (creating if needed) the ledger database at `path`. One store is
// used by one thread at a time; several processes may share the file.
Result<std::unique_ptr<LedgerStore>> OpenSqliteStore(const std::string& path);

}  // namespace credo::ledger
