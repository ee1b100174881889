#include "ledger/open_store.h"

#include "ledger/postgres_store.h"
#include "ledger/sqlite_store.h"

namespace credo::ledger {

Result<std::unique_ptr<LedgerStore>> OpenLedgerStore(const std::string& db) {
  if (db.starts_with("postgresql://") || db.starts_with("postgres://")) return OpenPostgresStore(db);
  return OpenSqliteStore(db);
}

}  // namespace credo::ledger
