// tests/ledger/test_store.h — the store a ledger test runs on: a fresh
// SQLite file by default; a fresh PostgreSQL database when
// CREDO_TEST_LEDGER_BACKEND=postgres (tests/CMakeLists.txt registers the
// tests a second time so, on the throwaway cluster of scripts/pg-test-cluster.sh).
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "ledger/open_store.h"
#include "ledger/store.h"

namespace credo::ledger {

// Whether the ledger tests run on PostgreSQL (CREDO_TEST_LEDGER_BACKEND=postgres).
inline bool TestingOnPostgres() {
  const char* backend = std::getenv("CREDO_TEST_LEDGER_BACKEND");
  return backend != nullptr && std::string(backend) == "postgres";
}

// The libpq conninfo of the server the PostgreSQL tests create their
// databases on: CREDO_TEST_POSTGRES, else the first line of the file
// CREDO_TEST_POSTGRES_FILE names; "" when neither gives one.
inline std::string TestPostgresServer() {
  if (const char* conninfo = std::getenv("CREDO_TEST_POSTGRES"); conninfo != nullptr) return conninfo;
  const char* file = std::getenv("CREDO_TEST_POSTGRES_FILE");
  if (file == nullptr) return "";
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

// `conninfo` (a URI or "key=value ..." text) turned into the URI of database
// `dbname` on the same server: what `credo --db` takes.
inline std::string PostgresUriOf(const std::string& conninfo, const std::string& dbname) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return "postgresql:///" + dbname;  // opening it reports the fault
  }
  std::string uri = "postgresql:///" + dbname;
  char separator = '?';
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0' || std::string(o->keyword) == "dbname") continue;
    uri += separator + std::string(o->keyword) + "=";
    for (unsigned char c : std::string(o->val)) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/') {
        uri += static_cast<char>(c);
      } else {
        char escaped[4];
        std::snprintf(escaped, sizeof escaped, "%%%02X", c);
        uri += escaped;
      }
    }
    separator = '&';
  }
  PQconninfoFree(options);
  return uri;
}

// A fresh, empty ledger for one test, removed when the test ends: a SQLite
// file, or on PostgreSQL a database named after the process and the test
// (tests run in parallel), dropped at the end.
class TestStore {
 public:
  TestStore() {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name =
        "credo_ledger_" + std::to_string(::getpid()) + "_" + test->test_suite_name() + "_" + test->name();
    if (TestingOnPostgres()) {
      CreateDatabase(name);
    } else {
      path_ = std::filesystem::temp_directory_path() / (name + ".db");
      Remove();
    }
  }
  ~TestStore() {
    if (TestingOnPostgres()) {
      DropDatabase();
    } else {
      Remove();
    }
  }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  // Opens (a second call opens another connection to the same ledger). On
  // PostgreSQL with no server to test on, fails with kNotFound saying so:
  // the fixture then skips the test.
  Result<std::unique_ptr<LedgerStore>> Open() {
    if (!unavailable_.ok()) return unavailable_;
    return OpenLedgerStore(db());
  }
  // Why a test on this backend cannot run ("" when it can): there is no
  // PostgreSQL server to test on. Fixtures skip with it in SetUp.
  std::string skip_reason() const {
    return unavailable_.code() == ErrorCode::kNotFound ? unavailable_.message() : "";
  }
  // What `credo --db` takes to reach this ledger.
  std::string db() const { return TestingOnPostgres() ? PostgresUriOf(server_, database_) : path_.string(); }

 private:
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

  // Creates database `name` (lower-cased, [a-z0-9_] only, at most 63 bytes).
  void CreateDatabase(const std::string& name) {
    server_ = TestPostgresServer();
    if (server_.empty()) {
      unavailable_ = Status::NotFound(
          "no PostgreSQL server to test on: set CREDO_TEST_POSTGRES to a libpq conninfo, or "
          "CREDO_TEST_POSTGRES_FILE to the conninfo file `scripts/pg-test-cluster.sh start DIR` writes "
          "(DIR/conninfo; the script says why it wrote none)");
      return;
    }
    for (unsigned char c : name) database_ += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
    if (database_.size() > 63) {
      database_ = database_.substr(0, 54) + "_" + std::to_string(std::hash<std::string>{}(name) % 100000000);
    }
    unavailable_ = OnServer("CREATE DATABASE " + database_);
  }

  void DropDatabase() {
    if (!database_.empty()) (void)OnServer("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
  }

  // Runs `sql` outside a transaction on the server's own database.
  Status OnServer(const std::string& sql) {
    try {
      pqxx::connection server(server_);
      pqxx::nontransaction(server).exec(sql);
      return Status::Ok();
    } catch (const std::exception& e) {
      return Status::Io(std::string("test PostgreSQL server: ") + e.what());
    }
  }

  std::filesystem::path path_;  // SQLite
  std::string server_;          // PostgreSQL: the server's conninfo
  std::string database_;        // PostgreSQL: this test's database
  Status unavailable_;          // why there is no ledger to open, if there is none
};

}  // namespace credo::ledger
