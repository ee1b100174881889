// ledger/open_store.h — opening the ledger a command or the server was
// pointed at: a SQLite file path, or a PostgreSQL connection URI.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "ledger/store.h"

namespace credo::ledger {

// Opens the ledger named by `db`: "postgresql://..." or "postgres://..." is
// a PostgreSQL database, anything else a SQLite file (created if missing).
Result<std::unique_ptr<LedgerStore>> OpenLedgerStore(const std::string& db);

}  // namespace credo::ledger
