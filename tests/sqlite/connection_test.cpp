// The shared SQLite plumbing: result codes as Status values naming the file,
// and transactions that leave nothing behind when they fail. Expected codes
// follow the mapping the ledger and the decision log promise their callers
// (a file that is not a database is bad input, an unopenable path is I/O, a
// duplicate key is a conflict); SQLite's own texts are from its documentation
// (sqlite3_errstr).
#include "sqlite/connection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace credo::sqlite {
namespace {

// Each test gets a database path of its own (this process, this test),
// free of any file before and after the test.
class SqliteConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "credo_sqlite_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    RemoveFiles();
  }
  void TearDown() override { RemoveFiles(); }
  void RemoveFiles() const {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }

  std::string path_;
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(SqliteConnectionTest, FileThatIsNotADatabaseIsInvalidInputNamingThePath) {
  {
    std::ofstream garbage(path_, std::ios::binary);
    for (int i = 0; i < 200; ++i) garbage << "loan_id,account,debit_fen\n";
  }
  // Opening does not read the file; the first statement does.
  Result<Connection> db = Open(path_, OpenMode::kCreate, 1000, "test store");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const Status status = Exec(db->get(), "SELECT count(*) FROM sqlite_master", path_, "store: ");
  EXPECT_EQ(status.code(), ErrorCode::kInvalidInput) << status.ToString();
  EXPECT_EQ(status.path(), path_);
  EXPECT_EQ(status.message(),
            "store: cannot run 'SELECT count(*) FROM sqlite_master': file is not a database");
}

TEST_F(SqliteConnectionTest, PathThatCannotBeOpenedIsAnIoErrorNamingIt) {
  const std::string path = "/proc/credo_no_such_dir/store.db";
  Result<Connection> db = Open(path, OpenMode::kCreate, 1000, "test store");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kIo) << db.status().ToString();
  EXPECT_EQ(db.status().path(), path);
  EXPECT_EQ(db.status().message(), "cannot open test store: unable to open database file");
}

TEST_F(SqliteConnectionTest, WriteThroughAReadOnlyConnectionIsAnIoError) {
  {
    Result<Connection> db = Open(path_, OpenMode::kCreate, 1000, "test store");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(Exec(db->get(), "CREATE TABLE t(id INTEGER PRIMARY KEY)", path_).ok());
  }
  Result<Connection> reader = Open(path_, OpenMode::kReadOnly, 1000, "test store");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const Status status = Exec(reader->get(), "INSERT INTO t(id) VALUES (1)", path_);
  EXPECT_EQ(status.code(), ErrorCode::kIo) << status.ToString();
  EXPECT_EQ(status.message(),
            "cannot run 'INSERT INTO t(id) VALUES (1)': attempt to write a readonly database");
}

TEST_F(SqliteConnectionTest, ReadWriteModeDoesNotCreateAFile) {
  Result<Connection> db = Open(path_, OpenMode::kReadWrite, 1000, "test store");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kIo) << db.status().ToString();
  EXPECT_EQ(db.status().path(), path_);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(SqliteConnectionTest, BadSqlIsAnInternalErrorQuotingIt) {
  Result<Connection> db = Open(path_, OpenMode::kCreate, 1000, "test store");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Result<Statement> statement = Prepare(db->get(), "SELEC 1", path_, "store: ");
  ASSERT_FALSE(statement.ok());
  EXPECT_EQ(statement.status().code(), ErrorCode::kInternal) << statement.status().ToString();
  EXPECT_EQ(statement.status().message(), "store: cannot prepare 'SELEC 1': near \"SELEC\": syntax error");
}

TEST_F(SqliteConnectionTest, ExecQuotesOnlyTheFirstSixtyCharactersOfTheSql) {
  Result<Connection> db = Open(path_, OpenMode::kCreate, 1000, "test store");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const std::string sql = "SELECT * FROM no_such_table_" + std::string(60, 'x');
  const Status status = Exec(db->get(), sql, path_);
  EXPECT_EQ(status.code(), ErrorCode::kInternal) << status.ToString();
  // 28 characters of "SELECT * FROM no_such_table_" and 32 of the x's make 60.
  EXPECT_TRUE(
      Contains(status.message(), "cannot run 'SELECT * FROM no_such_table_" + std::string(32, 'x') + "':"))
      << status.message();
}

TEST_F(SqliteConnectionTest, TransactionCommitsOrLeavesNothingBehind) {
  const std::string& path = path_;
  Result<Connection> opened = Open(path, OpenMode::kCreate, 1000, "test store");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  sqlite3* db = opened->get();
  ASSERT_TRUE(Exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY)", path).ok());

  // A body that fails after writing: its status comes back and the row is gone.
  const Status failed = Transaction(
      db,
      [&] {
        EXPECT_TRUE(Exec(db, "INSERT INTO t(id) VALUES (1)", path).ok());
        return Status::Invalid("the body gave up", "row 1");
      },
      path);
  EXPECT_EQ(failed.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(failed.message(), "the body gave up");
  EXPECT_EQ(failed.path(), "row 1");

  // A body that succeeds commits. Id 1 is free again (the failed insert was
  // rolled back), and a new transaction can begin (none was left open).
  const Status committed = Transaction(
      db, [&] { return Exec(db, "INSERT INTO t(id) VALUES (1)", path); }, path);
  ASSERT_TRUE(committed.ok()) << committed.ToString();

  // A failure from SQLite itself inside the body: the duplicate key is a
  // conflict naming the path, and the insert before it is rolled back too.
  const Status duplicate = Transaction(
      db,
      [&] {
        CREDO_RETURN_IF_ERROR(Exec(db, "INSERT INTO t(id) VALUES (2)", path, "store: "));
        return Exec(db, "INSERT INTO t(id) VALUES (1)", path, "store: ");
      },
      path, "store: ");
  EXPECT_EQ(duplicate.code(), ErrorCode::kConflict) << duplicate.ToString();
  EXPECT_EQ(duplicate.path(), path);
  EXPECT_EQ(duplicate.message(),
            "store: cannot run 'INSERT INTO t(id) VALUES (1)': UNIQUE constraint failed: t.id");
  EXPECT_TRUE(Exec(db, "INSERT INTO t(id) VALUES (2)", path).ok());  // 2 was rolled back
  EXPECT_EQ(Exec(db, "INSERT INTO t(id) VALUES (1)", path).code(), ErrorCode::kConflict);  // 1 was kept
}

// A transaction inside another is a savepoint: its failure undoes only its
// own rows, and what the outer one wrote, before and after it, commits.
TEST_F(SqliteConnectionTest, NestedTransactionFailingUndoesOnlyItsOwnWork) {
  const std::string& path = path_;
  Result<Connection> opened = Open(path, OpenMode::kCreate, 1000, "test store");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  sqlite3* db = opened->get();
  ASSERT_TRUE(Exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY)", path).ok());

  Status inner_failed;
  Status inner_ok;
  const Status outer = Transaction(
      db,
      [&] {
        CREDO_RETURN_IF_ERROR(Exec(db, "INSERT INTO t(id) VALUES (1)", path));
        inner_failed = Transaction(
            db,
            [&] {
              EXPECT_TRUE(Exec(db, "INSERT INTO t(id) VALUES (2)", path).ok());
              return Status::Invalid("inner gave up");
            },
            path);
        inner_ok = Transaction(
            db, [&] { return Exec(db, "INSERT INTO t(id) VALUES (3)", path); }, path);
        return Exec(db, "INSERT INTO t(id) VALUES (4)", path);
      },
      path);
  ASSERT_TRUE(outer.ok()) << outer.ToString();
  EXPECT_EQ(inner_failed.message(), "inner gave up");
  EXPECT_TRUE(inner_ok.ok()) << inner_ok.ToString();
  // Rows 1, 3 and 4 were committed (inserting them again conflicts); 2 was not.
  EXPECT_EQ(Exec(db, "INSERT INTO t(id) VALUES (1)", path).code(), ErrorCode::kConflict);
  EXPECT_EQ(Exec(db, "INSERT INTO t(id) VALUES (3)", path).code(), ErrorCode::kConflict);
  EXPECT_EQ(Exec(db, "INSERT INTO t(id) VALUES (4)", path).code(), ErrorCode::kConflict);
  EXPECT_TRUE(Exec(db, "INSERT INTO t(id) VALUES (2)", path).ok());
}

}  // namespace
}  // namespace credo::sqlite
