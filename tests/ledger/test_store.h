// tests/ledger/test_store.h — the store a ledger test runs on: a fresh
// SQLite file by default; the same tests run again on PostgreSQL when
// CREDO_TEST_LEDGER_BACKEND=postgres (tests/CMakeLists.txt registers both).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "ledger/sqlite_store.h"
#include "ledger/store.h"

namespace credo::ledger {

// A fresh, empty ledger for one test, removed when the test ends.
class TestStore {
 public:
  TestStore() {
    path_ = std::filesystem::temp_directory_path() /
            ("credo_ledger_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
  }
  ~TestStore() { Remove(); }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  // Opens (a second call opens another connection to the same ledger).
  Result<std::unique_ptr<LedgerStore>> Open() { return OpenSqliteStore(path_.string()); }
  // What `credo --db` takes to reach this ledger.
  std::string db() const { return path_.string(); }

 private:
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  std::filesystem::path path_;
};

}  // namespace credo::ledger
