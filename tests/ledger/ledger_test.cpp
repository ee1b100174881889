// The ledger: postings checked against hand calculations, idempotency, bad
// input that posts nothing, and the end-of-day batch. The random sequence of
// every operation is ServicingTest.RandomOperationsKeepEveryInvariant.
#include "ledger/ledger.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "ledger/aging.h"
#include "ledger_fixture.h"

namespace credo::ledger {
namespace {

// The ledger's own tests share the servicing tests' fixture.
using LedgerTest = LedgerFixture;

TEST_F(LedgerTest, OpeningPostsPrincipalReceivableAgainstCash) {
  Result<OpenLoanResult> opened = ledger_->OpenLoan({"open-1", "plain", PlainLoan(270000, 12, 2000)});
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
  lending::Schedule schedule = PlainLoan(270000, 12, 2000);
  schedule.terms.upfront_fee_fen = 1350;  // 0.5% of 2,700.00
  Result<OpenLoanResult> opened = ledger_->OpenLoan({"open-fee", "plain", schedule});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->cash_paid_fen, 270000 - 1350);
  EXPECT_EQ(Balance(Account::kFeeIncome), 1350);
  EXPECT_EQ(Balance(Account::kPrincipalReceivable), 270000);
  ExpectCheckOk();
}

TEST_F(LedgerTest, FirstInstallmentSplitsIntoInterestThenPrincipal) {
  const int64_t loan = ledger_->OpenLoan({"open-1", "plain", PlainLoan(270000, 12, 2000)})->loan_id;
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
  const int64_t loan = ledger_->OpenLoan({"open", "plain", PlainLoan(120000, 12, 0)})->loan_id;
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
      ledger_->OpenLoan({"open", "plain", PlainLoan(270000, 12, 900, lending::RepaymentMethod::kFlatFee)})
          ->loan_id;
  Result<RepaymentResult> paid = ledger_->Repay({"pay", loan, 3000, Date("2026-02-15")});
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(paid->allocation.fee_fen, 2025);
  EXPECT_EQ(paid->allocation.principal_fen, 975);
  EXPECT_EQ(Balance(Account::kFeeIncome), 2025);
  ExpectCheckOk();
}

TEST_F(LedgerTest, RepeatingARequestKeyReturnsTheFirstResultAndPostsNothing) {
  Result<OpenLoanResult> first = ledger_->OpenLoan({"open-1", "plain", PlainLoan(270000, 12, 2000)});
  Result<OpenLoanResult> second = ledger_->OpenLoan({"open-1", "plain", PlainLoan(270000, 12, 2000)});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->loan_id, first->loan_id);
  EXPECT_EQ(store_->LoanIds()->size(), 1u);

  Result<RepaymentResult> pay = ledger_->Repay({"pay-1", first->loan_id, 10000, Date("2026-02-15")});
  ASSERT_TRUE(pay.ok()) << pay.status().ToString();
  EXPECT_FALSE(pay->replayed);
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
  const int64_t loan = ledger_->OpenLoan({"open", "plain", PlainLoan(270000, 12, 2000)})->loan_id;
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
  const int64_t loan = ledger_->OpenLoan({"open", "plain", PlainLoan(270000, 12, 2000)})->loan_id;
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
  const int64_t loan = ledger_->OpenLoan({"open", "plain", PlainLoan(270000, 12, 2000)})->loan_id;
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

TEST(AgingTest, BucketsByDaysPastDue) {
  const std::pair<int, const char*> cases[] = {{0, "M0"},  {1, "M1"},  {30, "M1"}, {31, "M2"},
                                               {60, "M2"}, {61, "M3"}, {90, "M3"}, {91, "M4+"}};
  for (const auto& [dpd, name] : cases) EXPECT_STREQ(BucketName(BucketOfDpd(dpd)), name) << dpd;
}

// The loan of the EOD tests: 2,700.00, 12 months, 20%, from 2026-01-15.
// By hand (r = 20%/12, level installment 250.11): installment 1 due 02-15 is
// interest 45.00 + principal 205.11; installment 2 due 03-15 is interest
// 2,494.89 × r = 41.58 + principal 250.11 − 41.58 = 208.53.
constexpr int64_t kInterest1Fen = 4500, kPrincipal1Fen = 20511;
constexpr int64_t kInterest2Fen = 4158, kPrincipal2Fen = 20853;

class EndOfDayTest : public LedgerTest {
 protected:
  int64_t OpenLoan(const std::string& key, const std::string& product = "plain") {
    Result<OpenLoanResult> opened = ledger_->OpenLoan({key, product, PlainLoan(270000, 12, 2000)});
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened->loan_id;
  }
  EodSummary Run(const char* date, const EodPolicies& policies = {}) {
    Result<EodSummary> summary = ledger_->RunEndOfDay(Date(date), policies);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? *summary : EodSummary{};
  }
  std::vector<std::string> Events(const char* date) {
    std::vector<std::string> out;
    Result<std::vector<EodEvent>> events = store_->EodEventsOn(Date(date));
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    for (const EodEvent& e : *events) out.push_back(e.kind + " " + e.detail);
    return out;
  }
};

TEST_F(EndOfDayTest, TheScheduleMatchesTheHandFigures) {
  const double r = 0.20 / 12;
  EXPECT_EQ(std::llround((270000 - kPrincipal1Fen) * r), kInterest2Fen);
  const lending::Schedule s = PlainLoan(270000, 12, 2000);
  EXPECT_EQ(s.installments[0].interest_fen, kInterest1Fen);
  EXPECT_EQ(s.installments[0].principal_fen, kPrincipal1Fen);
  EXPECT_EQ(s.installments[1].interest_fen, kInterest2Fen);
  EXPECT_EQ(s.installments[1].principal_fen, kPrincipal2Fen);
}

TEST_F(EndOfDayTest, OneDayOverdueRecognisesInterestAndChargesOneDayOfPenalty) {
  const int64_t loan = OpenLoan("open");
  const EodSummary s = Run("2026-02-16");
  EXPECT_EQ(s.loans_processed, 1);
  // Installment 1 fell due: its 45.00 interest is recognised.
  EXPECT_EQ(s.interest_fen, kInterest1Fen);
  // Penalty: 205.11 × 18% / 360 × 1 day = 0.102555 -> 0.10.
  EXPECT_EQ(s.penalty_fen, 10);
  EXPECT_EQ(Balance(Account::kInterestIncome), kInterest1Fen);
  EXPECT_EQ(Balance(Account::kInterestReceivable), kInterest1Fen);
  EXPECT_EQ(Balance(Account::kPenaltyIncome), 10);
  EXPECT_EQ(Balance(Account::kPenaltyReceivable), 10);
  EXPECT_EQ(Balance(Account::kCash), -270000);
  const std::optional<LoanAging> aging = *store_->LoadAging(loan);
  ASSERT_TRUE(aging.has_value());
  EXPECT_EQ(aging->dpd_days, 1);
  EXPECT_EQ(aging->bucket, "M1");
  EXPECT_EQ(s.loans_by_bucket[static_cast<size_t>(Bucket::kM1)], 1);
  EXPECT_EQ(Events("2026-02-16"),
            (std::vector<std::string>{"became_overdue 1 days past due", "bucket_changed M0->M1"}));
  ExpectCheckOk();
}

TEST_F(EndOfDayTest, ThirtyOneDaysOverdueIsM2AndPenaltyCoversEveryOverdueDay) {
  const int64_t loan = OpenLoan("open");
  // 2026-03-18: installment 1 (due 02-15) is 31 days late, installment 2 (due 03-15) 3 days.
  const EodSummary s = Run("2026-03-18");
  EXPECT_EQ(s.interest_fen, kInterest1Fen + kInterest2Fen);
  // 205.11 × 0.05% × 31 = 3.179 -> 3.18; 208.53 × 0.05% × 3 = 0.3128 -> 0.31.
  EXPECT_EQ(s.penalty_fen, 318 + 31);
  EXPECT_EQ(store_->LoadAging(loan)->value().dpd_days, 31);
  EXPECT_EQ(store_->LoadAging(loan)->value().bucket, "M2");
  const std::vector<std::string> events = Events("2026-03-18");
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[1], "bucket_changed M0->M2");
  ExpectCheckOk();

  // The next day charges one day: 205.11 × 0.05% = 0.1026 -> 0.10, 208.53 × 0.05% = 0.1043 -> 0.10.
  EXPECT_EQ(Run("2026-03-19").penalty_fen, 10 + 10);
  EXPECT_TRUE(Events("2026-03-19").empty());  // still M2, already overdue

  // A repayment pays the penalty first and recognises no interest twice.
  Result<RepaymentResult> paid = ledger_->Repay({"pay", loan, 40000, Date("2026-03-19")});
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_EQ(paid->allocation.penalty_fen, 318 + 31 + 20);
  EXPECT_EQ(paid->allocation.interest_fen, kInterest1Fen + kInterest2Fen);
  EXPECT_EQ(paid->allocation.principal_fen, 40000 - 369 - kInterest1Fen - kInterest2Fen);
  EXPECT_EQ(Balance(Account::kInterestIncome), kInterest1Fen + kInterest2Fen);
  EXPECT_EQ(Balance(Account::kPenaltyReceivable), 0);
  ExpectCheckOk();
}

TEST_F(EndOfDayTest, GraceDaysComeFromTheLoansProduct) {
  const int64_t loan = OpenLoan("open", "shop");
  EodPolicies policies;
  policies.by_product["shop"] = {3650, 3, 365};  // 36.5% a year on a 365-day year (0.1% a day), 3 grace days
  EXPECT_EQ(Run("2026-02-18", policies).penalty_fen, 0);  // due 02-15 + 3 grace days
  EXPECT_EQ(store_->LoadAging(loan)->value().bucket, "M0");
  // 02-19 is day 1: 205.11 × 0.1% = 0.2051 -> 0.21.
  EXPECT_EQ(Run("2026-02-19", policies).penalty_fen, 21);
  EXPECT_EQ(store_->LoadAging(loan)->value().dpd_days, 1);
  ExpectCheckOk();
}

TEST_F(EndOfDayTest, DueSoonIsRaisedOnceThreeDaysAhead) {
  OpenLoan("open");
  const EodSummary s = Run("2026-02-12");
  EXPECT_EQ(s.interest_fen + s.penalty_fen, 0);
  EXPECT_EQ(Events("2026-02-12"),
            (std::vector<std::string>{"due_soon installment 1 due 2026-02-15 owes 250.11"}));
  Run("2026-02-13");
  EXPECT_TRUE(Events("2026-02-13").empty());
  EXPECT_EQ(EntryCount(), 1);  // the disbursement only
}

TEST_F(EndOfDayTest, RunningADateTwicePostsNothingNew) {
  OpenLoan("open");
  Run("2026-03-18");
  const int64_t entries = EntryCount();
  const size_t events = Events("2026-03-18").size();
  const EodSummary again = Run("2026-03-18");
  EXPECT_TRUE(again.already_done);
  EXPECT_EQ(again.penalty_fen, 0);
  EXPECT_EQ(EntryCount(), entries);
  EXPECT_EQ(Events("2026-03-18").size(), events);
  EXPECT_EQ(Balance(Account::kPenaltyIncome), 318 + 31);
  ExpectCheckOk();
}

TEST_F(EndOfDayTest, ADateBeforeTheLatestRunIsRefused) {
  OpenLoan("open");
  Run("2026-02-16");
  const int64_t entries = EntryCount();
  Result<EodSummary> back = ledger_->RunEndOfDay(Date("2026-02-15"));
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(back.status().path(), "date");
  EXPECT_NE(back.status().message().find("before the latest end-of-day run (2026-02-16)"), std::string::npos)
      << back.status().message();
  EXPECT_EQ(EntryCount(), entries);
}

TEST_F(EndOfDayTest, AnUnfinishedRunResumesAfterItsLastLoan) {
  const int64_t first = OpenLoan("open-1");
  const int64_t second = OpenLoan("open-2");
  // As if a crash stopped the run of 02-16 right after the first loan.
  ASSERT_TRUE(store_
                  ->Transaction([&] {
                    return store_->SaveEodProgress({Date("2026-02-16"), std::nullopt, first, false});
                  })
                  .ok());
  // Another date must wait for it.
  Result<EodSummary> later = ledger_->RunEndOfDay(Date("2026-02-17"));
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.status().code(), ErrorCode::kConflict);

  const EodSummary s = Run("2026-02-16");
  EXPECT_TRUE(s.resumed);
  EXPECT_EQ(s.loans_processed, 1);
  EXPECT_EQ(store_->EntriesOfLoan(first)->size(), 1u);   // untouched: counted as done
  EXPECT_EQ(store_->EntriesOfLoan(second)->size(), 3u);  // disbursement, accrual, penalty
  EXPECT_TRUE(Run("2026-02-16").already_done);
  ExpectCheckOk();
}

}  // namespace
}  // namespace credo::ledger
