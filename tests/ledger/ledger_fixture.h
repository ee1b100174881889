// tests/ledger/ledger_fixture.h — what the ledger, servicing and credit-line
// tests share: a ledger on a fresh TestStore, the trial balance by account,
// and the invariant checks they run after every operation.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ledger/check.h"
#include "ledger/ledger.h"
#include "lending/offer.h"
#include "test_store.h"

namespace credo::ledger {

inline CivilDate Date(const char* text) { return *CivilDate::Parse(text); }

// A plain monthly loan: principal, term, annual rate, method, start (2026-01-15 by default).
inline lending::Schedule PlainLoan(
    int64_t principal_fen, int term, int64_t rate_bps,
    lending::RepaymentMethod method = lending::RepaymentMethod::kEqualInstallment,
    CivilDate start = Date("2026-01-15")) {
  lending::OfferRequest request;
  request.principal_fen = principal_fen;
  request.term_months = term;
  request.rate_bps = rate_bps;
  request.start = start;
  Result<lending::LoanTerms> terms = lending::PlainTerms(method, request);
  EXPECT_TRUE(terms.ok()) << terms.status().ToString();
  Result<lending::Schedule> schedule = lending::BuildSchedule(*terms);
  EXPECT_TRUE(schedule.ok()) << schedule.status().ToString();
  return *schedule;
}

// A ledger on an empty store, with the checks every test runs.
class LedgerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.skip_reason().empty()) GTEST_SKIP() << db_.skip_reason();
    Result<std::unique_ptr<LedgerStore>> store = db_.Open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ledger_ = std::make_unique<Ledger>(*store_);
  }
  void TearDown() override {
    ledger_.reset();
    store_.reset();
  }

  // Every account's balance (normal side), from one read of the trial balance.
  std::map<Account, int64_t> Balances() {
    std::map<Account, int64_t> balances;
    Result<std::vector<TrialBalanceRow>> rows = TrialBalance(*store_);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (rows.ok()) {
      for (const TrialBalanceRow& r : *rows) balances[r.account] = r.balance_fen();
    }
    return balances;
  }
  // Balance of `account` (normal side) from the trial balance.
  int64_t Balance(Account account) { return Balances()[account]; }

  // Journal entries of every loan.
  int64_t EntryCount() {
    int64_t n = 0;
    Result<std::vector<int64_t>> ids = store_->LoanIds();
    EXPECT_TRUE(ids.ok());
    for (int64_t id : *ids) n += static_cast<int64_t>(store_->EntriesOfLoan(id)->size());
    return n;
  }

  // CheckLedger finds nothing, and debits equal credits.
  void ExpectCheckOk() {
    Result<CheckReport> report = CheckLedger(*store_);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    for (const std::string& p : report->problems) ADD_FAILURE() << p;
    ASSERT_EQ(report->debit_fen, report->credit_fen);
  }

  // The loan `id` (an empty record, and a test failure, when there is none).
  LoanRecord Loan(int64_t id) {
    Result<LoanRecord> loan = ledger_->GetLoan(id);
    EXPECT_TRUE(loan.ok()) << loan.status().ToString();
    return loan.ok() ? *loan : LoanRecord{};
  }

  TestStore db_;
  std::unique_ptr<LedgerStore> store_;
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace credo::ledger
