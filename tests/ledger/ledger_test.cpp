// The ledger on SQLite: postings checked against hand calculations,
// idempotency, bad input that posts nothing, and a random sequence of
// operations after each of which every invariant holds.
#include "ledger/ledger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "ledger/check.h"
#include "ledger/sqlite_store.h"
#include "lending/offer.h"

namespace credo::ledger {
namespace {

CivilDate Date(const char* text) { return *CivilDate::Parse(text); }

// A plain equal-installment loan: principal, term, annual rate.
lending::Schedule PlainSchedule(
    int64_t principal_fen, int term, int64_t rate_bps,
    lending::RepaymentMethod method = lending::RepaymentMethod::kEqualInstallment) {
  lending::OfferRequest request;
  request.principal_fen = principal_fen;
  request.term_months = term;
  request.rate_bps = rate_bps;
  request.start = Date("2026-01-15");
  Result<lending::LoanTerms> terms = lending::PlainTerms(method, request);
  EXPECT_TRUE(terms.ok()) << terms.status().ToString();
  Result<lending::Schedule> schedule = lending::BuildSchedule(*terms);
  EXPECT_TRUE(schedule.ok()) << schedule.status().ToString();
  return *schedule;
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("credo_ledger_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    Result<std::unique_ptr<LedgerStore>> store = OpenSqliteStore(path_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ledger_ = std::make_unique<Ledger>(*store_);
  }
  void TearDown() override {
    ledger_.reset();
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

  // Balance of `account` (normal side) from the trial balance.
  int64_t Balance(Account account) {
    Result<std::vector<TrialBalanceRow>> rows = TrialBalance(*store_);
    EXPECT_TRUE(rows.ok());
    for (const TrialBalanceRow& r : *rows) {
      if (r.account == account) return r.balance_fen();
    }
    return -1;
  }

  int64_t EntryCount() {
    int64_t n = 0;
    Result<std::vector<int64_t>> ids = store_->LoanIds();
    for (int64_t id : *ids) n += static_cast<int64_t>(store_->EntriesOfLoan(id)->size());
    return n;
  }

  void ExpectCheckOk() {
    Result<CheckReport> report = CheckLedger(*store_);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    for (const std::string& p : report->problems) ADD_FAILURE() << p;
  }

  std::filesystem::path path_;
  std::unique_ptr<LedgerStore> store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerTest, OpeningPostsPrincipalReceivableAgainstCash) {
  Result<OpenLoanResult> opened = ledger_->OpenLoan({"open-1", "plain", PlainSchedule(270000, 12, 2000)});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->cash_paid_fen, 270000);
  // Dr principal receivable 2,700.00 / Cr cash 2,700.00 — and nothing else.
  Result<std::vector<JournalEntry>> entries = store_->EntriesOfLoan(opened->loan_id);
  ASSERT_EQ(entries->size(), 1u);
  const JournalEntry& e = (*entries)[0];
  EXPECT_EQ(e.kind, "disbursement");
  ASSERT_EQ(e.lines.size(), 2u);
  EXPECT_EQ(e.lines[0].account, Account::kPrincipalReceivable);
  EXPECT_EQ(e.lines[0].debit_fen, 270000);
  EXPECT_EQ(e.lines[1].account, Account::kCash);
  EXPECT_EQ(e.lines[1].credit_fen, 270000);
  EXPECT_EQ(Balance(Account::kCash), -270000);  // cash is debit-normal: 2,700.00 paid out
  ExpectCheckOk();
}

TEST_F(LedgerTest, OpeningKeepsTheUpfrontFeeAsFeeIncome) {
  lending::Schedule schedule = PlainSchedule(270000, 12, 2000);
  schedule.terms.upfront_fee_fen = 1350;  // 0.5% of 2,700.00
  Result<OpenLoanResult> opened = ledger_->OpenLoan({"open-fee", "plain", schedule});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->cash_paid_fen, 270000 - 1350);
  EXPECT_EQ(Balance(Account::kFeeIncome), 1350);
  EXPECT_EQ(Balance(Account::kPrincipalReceivable), 270000);
  ExpectCheckOk();
}

TEST_F(LedgerTest, FirstInstallmentSplitsIntoInterestThenPrincipal) {
  const int64_t loan = ledger_->OpenLoan({"open-1", "plain", PlainSchedule(270000, 12, 2000)})->loan_id;
  // By hand: interest of month 1 = 2,700.00 × 20% / 12 = 45.00; the level
  // installment A = P·r / (1 − (1+r)^−12), r = 20%/12 -> 250.11, so the
  // principal is 250.11 − 45.00 = 205.11.
  const double r = 0.20 / 12;
  const int64_t level_fen = std::llround(270000 * r / (1 - std::pow(1 + r, -12)));
  ASSERT_EQ(level_fen, 25011);
  Result<RepaymentResult> paid = ledger_->Repay({"pay-1", loan, level_fen, Date("2026-02-15")});
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_EQ(paid->allocation.interest_fen, 4500);
  EXPECT_EQ(paid->allocation.principal_fen, 20511);
  EXPECT_EQ(paid->allocation.fee_fen, 0);
  EXPECT_EQ(paid->allocation.overpayment_fen, 0);
  EXPECT_FALSE(paid->loan_closed);
  // Recognition Dr interest receivable 45.00 / Cr interest income 45.00, then
  // Dr cash 250.11 / Cr interest receivable 45.00 / Cr principal receivable 205.11.
  EXPECT_EQ(Balance(Account::kInterestIncome), 4500);
  EXPECT_EQ(Balance(Account::kInterestReceivable), 0);
  EXPECT_EQ(Balance(Account::kPrincipalReceivable), 270000 - 20511);
  EXPECT_EQ(Balance(Account::kCash), -270000 + 25011);
  ExpectCheckOk();
}

TEST_F(LedgerTest, OverpaymentClosesTheLoanAndIsHeldAsCustomerCredit) {
  // 1,200.00 over 12 months at 0%: 100.00 principal a month, nothing else.
  const int64_t loan = ledger_->OpenLoan({"open", "plain", PlainSchedule(120000, 12, 0)})->loan_id;
  Result<RepaymentResult> paid = ledger_->Repay({"pay", loan, 125000, Date("2026-02-15")});
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(paid->allocation.principal_fen, 120000);
  EXPECT_EQ(paid->allocation.overpayment_fen, 5000);
  EXPECT_TRUE(paid->loan_closed);
  EXPECT_EQ(Balance(Account::kCustomerCredit), 5000);
  EXPECT_EQ(ledger_->GetLoan(loan)->status, LoanStatus::kClosed);
  ExpectCheckOk();
  // A repayment on a closed loan is refused and posts nothing.
  const int64_t before = EntryCount();
  Result<RepaymentResult> again = ledger_->Repay({"pay-2", loan, 100, Date("2026-03-15")});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(EntryCount(), before);
}

TEST_F(LedgerTest, FlatFeeInstallmentPaysFeeBeforePrincipal) {
  // 2,700.00 flat-fee at "9%": 0.75% of 2,700 = 20.25 fee and 225.00 principal a month.
  const int64_t loan =
      ledger_->OpenLoan({"open", "plain", PlainSchedule(270000, 12, 900, lending::RepaymentMethod::kFlatFee)})
          ->loan_id;
  Result<RepaymentResult> paid = ledger_->Repay({"pay", loan, 3000, Date("2026-02-15")});
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(paid->allocation.fee_fen, 2025);
  EXPECT_EQ(paid->allocation.principal_fen, 975);
  EXPECT_EQ(Balance(Account::kFeeIncome), 2025);
  ExpectCheckOk();
}

TEST_F(LedgerTest, RepeatingARequestKeyReturnsTheFirstResultAndPostsNothing) {
  Result<OpenLoanResult> first = ledger_->OpenLoan({"open-1", "plain", PlainSchedule(270000, 12, 2000)});
  Result<OpenLoanResult> second = ledger_->OpenLoan({"open-1", "plain", PlainSchedule(270000, 12, 2000)});
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->loan_id, first->loan_id);
  EXPECT_EQ(store_->LoanIds()->size(), 1u);

  Result<RepaymentResult> pay = ledger_->Repay({"pay-1", first->loan_id, 10000, Date("2026-02-15")});
  const int64_t entries = EntryCount();
  Result<RepaymentResult> replay = ledger_->Repay({"pay-1", first->loan_id, 10000, Date("2026-02-15")});
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->entry_id, pay->entry_id);
  EXPECT_EQ(replay->allocation.interest_fen, pay->allocation.interest_fen);
  EXPECT_EQ(replay->allocation.principal_fen, pay->allocation.principal_fen);
  EXPECT_EQ(EntryCount(), entries);
  EXPECT_EQ(Balance(Account::kCash), -270000 + 10000);

  // The same key with other parameters is a conflict, not a replay.
  Result<RepaymentResult> other = ledger_->Repay({"pay-1", first->loan_id, 20000, Date("2026-02-15")});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(EntryCount(), entries);
  ExpectCheckOk();
}

TEST_F(LedgerTest, BadRepaymentsPostNothing) {
  const int64_t loan = ledger_->OpenLoan({"open", "plain", PlainSchedule(270000, 12, 2000)})->loan_id;
  const int64_t entries = EntryCount();
  struct Case {
    RepaymentRequest request;
    ErrorCode code;
  };
  const Case cases[] = {
      {{"a", loan, 0, Date("2026-02-15")}, ErrorCode::kInvalidInput},
      {{"b", loan, -100, Date("2026-02-15")}, ErrorCode::kInvalidInput},
      {{"c", loan + 1, 100, Date("2026-02-15")}, ErrorCode::kNotFound},
      {{"", loan, 100, Date("2026-02-15")}, ErrorCode::kInvalidInput},
  };
  for (const Case& c : cases) {
    Result<RepaymentResult> paid = ledger_->Repay(c.request);
    ASSERT_FALSE(paid.ok()) << c.request.request_key;
    EXPECT_EQ(paid.status().code(), c.code) << paid.status().ToString();
  }
  EXPECT_EQ(EntryCount(), entries);
  // A failed request leaves its key free: nothing was stored under it.
  EXPECT_FALSE(store_->FindRequest("c")->has_value());
  ExpectCheckOk();
}

TEST_F(LedgerTest, TheStoreRefusesAnUnbalancedEntry) {
  const int64_t loan = ledger_->OpenLoan({"open", "plain", PlainSchedule(270000, 12, 2000)})->loan_id;
  JournalEntry entry{0, "manual", loan, Date("2026-02-15"), "manual", {}};
  entry.lines = {{Account::kCash, loan, 100, 0}, {Account::kInterestIncome, loan, 0, 99}};
  EXPECT_FALSE(ValidateEntry(entry).ok());
  // Written around the validation, the check finds it.
  ASSERT_TRUE(store_->Transaction([&] { return store_->InsertEntry(entry).status(); }).ok());
  Result<CheckReport> report = CheckLedger(*store_);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok());
}

TEST_F(LedgerTest, AFailedTransactionRollsBackEverything) {
  const int64_t loan = ledger_->OpenLoan({"open", "plain", PlainSchedule(270000, 12, 2000)})->loan_id;
  const int64_t entries = EntryCount();
  const Status failed = store_->Transaction([&]() -> Status {
    JournalEntry entry{0, "manual", loan, Date("2026-02-15"), "x", {}};
    entry.lines = {{Account::kCash, loan, 100, 0}, {Account::kInterestIncome, loan, 0, 100}};
    CREDO_RETURN_IF_ERROR(store_->InsertEntry(entry).status());
    return Status::Invalid("stop");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(EntryCount(), entries);
}

// Random opens and repayments; after each step every invariant holds, and
// the cash and principal balances match totals the test keeps itself.
TEST_F(LedgerTest, RandomOperationsKeepEveryInvariant) {
  std::mt19937_64 rng(20260115);
  const lending::RepaymentMethod methods[] = {
      lending::RepaymentMethod::kEqualInstallment, lending::RepaymentMethod::kEqualPrincipal,
      lending::RepaymentMethod::kInterestOnly, lending::RepaymentMethod::kFlatFee};
  std::vector<int64_t> loans;
  int64_t cash_out_fen = 0;
  int64_t cash_in_fen = 0;
  int64_t lent_fen = 0;
  int64_t principal_back_fen = 0;
  int64_t credit_fen = 0;
  for (int step = 0; step < 400; ++step) {
    const std::string key = "k" + std::to_string(step);
    if (loans.empty() || rng() % 4 == 0) {
      const int64_t principal = 50000 + static_cast<int64_t>(rng() % 5'000'000);
      const int term = 1 + static_cast<int>(rng() % 24);
      Result<OpenLoanResult> opened = ledger_->OpenLoan(
          {key, "plain",
           PlainSchedule(principal, term, static_cast<int64_t>(rng() % 2400), methods[rng() % 4])});
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      loans.push_back(opened->loan_id);
      cash_out_fen += principal;
      lent_fen += principal;
    } else {
      const int64_t loan = loans[rng() % loans.size()];
      const int64_t amount = 1 + static_cast<int64_t>(rng() % 600'000);
      Result<RepaymentResult> paid = ledger_->Repay({key, loan, amount, Date("2026-02-15")});
      if (!paid.ok()) {
        ASSERT_EQ(paid.status().code(), ErrorCode::kConflict) << paid.status().ToString();  // closed
        continue;
      }
      const Allocation& a = paid->allocation;
      ASSERT_EQ(a.penalty_fen + a.fee_fen + a.interest_fen + a.principal_fen + a.overpayment_fen, amount);
      cash_in_fen += amount;
      principal_back_fen += a.principal_fen;
      credit_fen += a.overpayment_fen;
      if (rng() % 5 == 0) {  // a retry of the same request changes nothing
        ASSERT_TRUE(ledger_->Repay({key, loan, amount, Date("2026-02-15")})->replayed);
      }
    }
    ASSERT_NO_FATAL_FAILURE(ExpectCheckOk());
    ASSERT_LE(principal_back_fen, lent_fen);
    ASSERT_EQ(Balance(Account::kCash), cash_in_fen - cash_out_fen) << step;
    ASSERT_EQ(Balance(Account::kPrincipalReceivable), lent_fen - principal_back_fen) << step;
    ASSERT_EQ(Balance(Account::kCustomerCredit), credit_fen) << step;
    for (Account account : kReceivableAccounts) ASSERT_GE(Balance(account), 0);
  }
}

}  // namespace
}  // namespace credo::ledger
