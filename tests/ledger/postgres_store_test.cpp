// What only the PostgreSQL store does: connection faults that name the host
// and never the password, a database that is not a ledger or a ledger of
// another schema version refused, a reused request key a conflict, and two
// connections that post on one loan in turn.
#include "ledger/postgres_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "ledger/check.h"
#include "ledger/ledger.h"
#include "ledger/open_store.h"
#include "lending/offer.h"
#include "test_store.h"

namespace credo::ledger {
namespace {

TEST(PostgresStoreUri, UnreachableServerIsAnIoErrorNamingTheHostNotThePassword) {
  // Port 1 on the loopback: nothing listens there, the connection is refused at once.
  Result<std::unique_ptr<LedgerStore>> store =
      OpenLedgerStore("postgresql://alice:s3cret-pw@127.0.0.1:1/ledger?connect_timeout=5");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kIo);
  const std::string text = store.status().ToString();
  EXPECT_NE(text.find("127.0.0.1"), std::string::npos) << text;
  EXPECT_NE(text.find("alice@127.0.0.1:1/ledger"), std::string::npos) << text;
  EXPECT_EQ(text.find("s3cret-pw"), std::string::npos) << text;
}

TEST(PostgresStoreUri, MalformedUriNeverShowsThePassword) {
  Result<std::unique_ptr<LedgerStore>> store =
      OpenLedgerStore("postgres://bob:hunter2@db.example/x?nosuch=1");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(store.status().ToString().find("hunter2"), std::string::npos) << store.status().ToString();
}

// Runs only on the PostgreSQL backend with a server to test on.
class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestingOnPostgres()) GTEST_SKIP() << "PostgreSQL only (CREDO_TEST_LEDGER_BACKEND=postgres)";
    if (!db_.skip_reason().empty()) GTEST_SKIP() << db_.skip_reason();
  }

  // Runs `sql` on the test's database directly, as a DBA would.
  void Exec(const std::string& sql) {
    pqxx::connection connection(db_.db());
    pqxx::nontransaction(connection).exec(sql);
  }

  TestStore db_;
};

TEST_F(PostgresStoreTest, DatabaseWithOtherTablesIsRefused) {
  Exec("CREATE TABLE customers(id BIGINT)");
  Result<std::unique_ptr<LedgerStore>> store = db_.Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(store.status().message().find("not a Credo ledger"), std::string::npos);
}

TEST_F(PostgresStoreTest, LedgerOfAnotherSchemaVersionIsRefused) {
  ASSERT_TRUE(db_.Open().ok());  // creates the tables at version 3
  Exec("UPDATE credo_ledger_schema SET version = 99");
  Result<std::unique_ptr<LedgerStore>> store = db_.Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(store.status().message().find("ledger schema version 99, this build reads 3"), std::string::npos)
      << store.status().ToString();
}

TEST_F(PostgresStoreTest, ReopeningKeepsTheLedger) {
  {
    Result<std::unique_ptr<LedgerStore>> store = db_.Open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->SaveRequest({"k1", "f", "{}"}).ok());
  }
  Result<std::unique_ptr<LedgerStore>> again = db_.Open();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  Result<std::optional<StoredRequest>> found = (*again)->FindRequest("k1");
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->fingerprint, "f");
}

TEST_F(PostgresStoreTest, ReusedRequestKeyIsAConflictAndRollsBackItsTransaction) {
  Result<std::unique_ptr<LedgerStore>> store = db_.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  LedgerStore& s = **store;
  ASSERT_TRUE(s.Transaction([&] { return s.SaveRequest({"pay-1", "a", "{}"}); }).ok());
  const Status again = s.Transaction([&]() -> Status {
    CREDO_RETURN_IF_ERROR(s.SaveRequest({"pay-2", "b", "{}"}));
    return s.SaveRequest({"pay-1", "c", "{}"});
  });
  EXPECT_EQ(again.code(), ErrorCode::kConflict) << again.ToString();
  EXPECT_NE(again.message().find("pay-1"), std::string::npos) << again.ToString();
  Result<std::optional<StoredRequest>> second = s.FindRequest("pay-2");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());  // rolled back with the failed transaction
  // The connection is usable after the failure.
  EXPECT_TRUE(s.Transaction([&] { return s.SaveRequest({"pay-3", "d", "{}"}); }).ok());
}

TEST_F(PostgresStoreTest, FailedSavepointKeepsTheEnclosingTransactionsWork) {
  Result<std::unique_ptr<LedgerStore>> store = db_.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  LedgerStore& s = **store;
  ASSERT_TRUE(s.SaveRequest({"dup", "a", "{}"}).ok());
  const Status outer = s.Transaction([&]() -> Status {
    CREDO_RETURN_IF_ERROR(s.SaveRequest({"kept", "b", "{}"}));
    const Status inner = s.Transaction([&] { return s.SaveRequest({"dup", "c", "{}"}); });
    EXPECT_EQ(inner.code(), ErrorCode::kConflict);
    return s.SaveRequest({"after", "d", "{}"});  // the transaction is still usable
  });
  ASSERT_TRUE(outer.ok()) << outer.ToString();
  EXPECT_TRUE(s.FindRequest("kept")->has_value());
  EXPECT_TRUE(s.FindRequest("after")->has_value());
  EXPECT_EQ((*s.FindRequest("dup"))->fingerprint, "a");
}

// Two processes' worth of repayments on one loan at once: each connection's
// transaction locks the loan row, so every payment lands on the state the
// other left and the ledger balances; 2 × 20 payments of 10.00 on a
// 2,700.00 loan are 400.00 of cash received.
TEST_F(PostgresStoreTest, ConcurrentRepaymentsOnOneLoanTakeTurns) {
  Result<std::unique_ptr<LedgerStore>> first = db_.Open();
  Result<std::unique_ptr<LedgerStore>> second = db_.Open();
  ASSERT_TRUE(first.ok() && second.ok()) << first.status().ToString() << second.status().ToString();
  lending::OfferRequest request;
  request.principal_fen = 270000;
  request.term_months = 12;
  request.rate_bps = 2000;
  request.start = *CivilDate::Parse("2026-01-15");
  Result<lending::LoanTerms> terms =
      lending::PlainTerms(lending::RepaymentMethod::kEqualInstallment, request);
  ASSERT_TRUE(terms.ok());
  Result<OpenLoanResult> opened =
      Ledger(**first).OpenLoan({"open-1", "plain", *lending::BuildSchedule(*terms), ""});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();

  auto pay = [&](LedgerStore& store, const std::string& prefix, Status* failure) {
    Ledger ledger(store);
    for (int n = 0; n < 20 && failure->ok(); ++n) {
      *failure =
          ledger.Repay({prefix + std::to_string(n), opened->loan_id, 1000, *CivilDate::Parse("2026-02-01")})
              .status();
    }
  };
  Status first_failure;
  Status second_failure;
  std::thread a(pay, std::ref(**first), "a-", &first_failure);
  std::thread b(pay, std::ref(**second), "b-", &second_failure);
  a.join();
  b.join();
  ASSERT_TRUE(first_failure.ok()) << first_failure.ToString();
  ASSERT_TRUE(second_failure.ok()) << second_failure.ToString();

  Result<std::vector<TrialBalanceRow>> rows = TrialBalance(**first);
  ASSERT_TRUE(rows.ok());
  int64_t cash_debit_fen = 0;
  for (const TrialBalanceRow& r : *rows) {
    if (r.account == Account::kCash) cash_debit_fen = r.debit_fen;
  }
  EXPECT_EQ(cash_debit_fen, 40 * 1000);
  Result<CheckReport> report = CheckLedger(**first);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  for (const std::string& p : report->problems) ADD_FAILURE() << p;
}

}  // namespace
}  // namespace credo::ledger
