// Crashes: the end-of-day batch, and a burst of repayments, killed with
// SIGKILL midway in a child process; the parent then finishes the work (runs
// the date again; re-sends every payment with its request key, as a client
// that lost its answers does). The ledger must end exactly as a second ledger
// that did the same work without a crash (every account's totals, every
// loan's installments), with every invariant holding: nothing lost, nothing
// posted twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "ledger/check.h"
#include "ledger/ledger.h"
#include "ledger/sqlite_store.h"
#include "lending/offer.h"
#include "test_store.h"

namespace credo::ledger {
namespace {

CivilDate Date(const char* text) { return *CivilDate::Parse(text); }

// Loans 2026-01-15 .. 2026-01-29, so that on 2026-03-20 every one of them is
// past due on installment 1 and has installment 2 due.
constexpr int kLoans = 1500;

Status OpenBook(LedgerStore& store) {
  Ledger ledger(store);
  return store.Transaction([&]() -> Status {
    for (int n = 0; n < kLoans; ++n) {
      lending::OfferRequest request;
      request.principal_fen = 100'000 + n * 100;
      request.term_months = 6;
      request.rate_bps = 2400;
      request.start = Date("2026-01-15").AddDays(n % 15);
      CREDO_ASSIGN_OR_RETURN(const lending::LoanTerms terms,
                             lending::PlainTerms(lending::RepaymentMethod::kEqualInstallment, request));
      CREDO_ASSIGN_OR_RETURN(const lending::Schedule schedule, lending::BuildSchedule(terms));
      CREDO_RETURN_IF_ERROR(ledger.OpenLoan({"open-" + std::to_string(n), "plain", schedule}).status());
    }
    return Status::Ok();
  });
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.skip_reason().empty()) GTEST_SKIP() << db_.skip_reason();
    reference_path_ = std::filesystem::temp_directory_path() /
                      ("credo_eod_reference_" + std::to_string(::getpid()) + ".db");
    RemoveReference();
  }
  void TearDown() override { RemoveReference(); }
  void RemoveReference() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(reference_path_.string() + suffix);
  }

  // The same two days on a second ledger, without a crash.
  void ExpectSameAsUninterrupted(LedgerStore& store, CivilDate day1, CivilDate day2) {
    ExpectSameAsReference(store, [&](LedgerStore& reference) {
      ASSERT_TRUE(Ledger(reference).RunEndOfDay(day1).ok());
      Result<EodSummary> uninterrupted = Ledger(reference).RunEndOfDay(day2);
      ASSERT_TRUE(uninterrupted.ok());
      EXPECT_EQ(uninterrupted->loans_processed, kLoans);
    });
  }

  // `work` done on a second ledger with the same book, without a crash:
  // every account's totals and every installment must equal those of `store`.
  void ExpectSameAsReference(LedgerStore& store, const std::function<void(LedgerStore&)>& work) {
    Result<std::unique_ptr<LedgerStore>> reference = OpenSqliteStore(reference_path_.string());
    ASSERT_TRUE(reference.ok());
    ASSERT_TRUE(OpenBook(**reference).ok());
    work(**reference);

    Result<std::vector<TrialBalanceRow>> got = TrialBalance(store);
    Result<std::vector<TrialBalanceRow>> want = TrialBalance(**reference);
    ASSERT_TRUE(got.ok() && want.ok());
    ASSERT_EQ(got->size(), want->size());
    for (size_t k = 0; k < got->size(); ++k) {
      EXPECT_EQ((*got)[k].debit_fen, (*want)[k].debit_fen) << AccountName((*got)[k].account);
      EXPECT_EQ((*got)[k].credit_fen, (*want)[k].credit_fen) << AccountName((*got)[k].account);
    }
    Result<std::vector<int64_t>> ids = store.LoanIds();
    Result<std::vector<int64_t>> reference_ids = (*reference)->LoanIds();
    ASSERT_TRUE(ids.ok() && reference_ids.ok());
    ASSERT_EQ(ids->size(), reference_ids->size());
    for (size_t k = 0; k < ids->size(); ++k) {
      const LoanRecord a = **store.LoadLoan((*ids)[k]);
      const LoanRecord b = **(*reference)->LoadLoan((*reference_ids)[k]);
      ASSERT_EQ(a.installments.size(), b.installments.size());
      for (size_t i = 0; i < a.installments.size(); ++i) {
        EXPECT_EQ(a.installments[i].penalty_charged_fen, b.installments[i].penalty_charged_fen)
            << "loan " << a.id;
        EXPECT_EQ(a.installments[i].interest_recognised_fen, b.installments[i].interest_recognised_fen);
        EXPECT_EQ(a.installments[i].principal_paid_fen, b.installments[i].principal_paid_fen);
        EXPECT_EQ(a.installments[i].interest_paid_fen, b.installments[i].interest_paid_fen);
      }
    }
    Result<CheckReport> report = CheckLedger(store);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok()) << report->problems.front();
  }

  TestStore db_;
  std::filesystem::path reference_path_;
};

TEST_F(CrashTest, KilledRunResumesToTheSameLedgerAsAnUninterruptedOne) {
  const CivilDate day1 = Date("2026-03-10");
  const CivilDate day2 = Date("2026-03-20");
  Result<std::unique_ptr<LedgerStore>> store = db_.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE(OpenBook(**store).ok());
  ASSERT_TRUE(Ledger(**store).RunEndOfDay(day1).ok());

  // The child runs day 2 on its own connection; the parent kills it once the
  // first chunk has committed and before the run completes.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Result<std::unique_ptr<LedgerStore>> own = db_.Open();
    if (!own.ok()) ::_exit(3);
    ::_exit(Ledger(**own).RunEndOfDay(day2).ok() ? 0 : 4);
  }
  bool killed_midway = false;
  for (int polls = 0; polls < 60'000; ++polls) {
    Result<std::optional<EodProgress>> p = (*store)->LatestEodProgress();
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    if (*p && (*p)->business_date == day2 && (*p)->last_loan_id > 0) {
      ::kill(child, SIGKILL);
      killed_midway = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  int wait_status = 0;
  ::waitpid(child, &wait_status, 0);
  ASSERT_TRUE(killed_midway) << "the child's run never committed a chunk";
  ASSERT_TRUE(WIFSIGNALED(wait_status)) << "the child finished before it could be killed";

  Result<std::optional<EodProgress>> stopped = (*store)->LatestEodProgress();
  ASSERT_TRUE(stopped.ok() && *stopped);
  EXPECT_FALSE((*stopped)->completed);
  EXPECT_GT((*stopped)->last_loan_id, 0);
  Result<CheckReport> midway = CheckLedger(**store);  // a crash leaves whole chunks only
  ASSERT_TRUE(midway.ok());
  EXPECT_TRUE(midway->ok()) << midway->problems.front();

  Result<EodSummary> resumed = Ledger(**store).RunEndOfDay(day2);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_TRUE(resumed->resumed);
  EXPECT_LT(resumed->loans_processed, kLoans);  // the killed run's chunks are not redone

  ExpectSameAsUninterrupted(**store, day1, day2);
  Result<std::vector<TrialBalanceRow>> balance = TrialBalance(**store);
  ASSERT_TRUE(balance.ok());
  EXPECT_GT((*balance)[3].debit_fen, 0);  // penalty was charged: the runs did real work
}

// Two processes run the same date at once (an operator starts the batch
// while the scheduler's run is going): each loan is done once.
TEST_F(CrashTest, TwoProcessesRunningTheSameDateDoEachLoanOnce) {
  const CivilDate day1 = Date("2026-03-10");
  const CivilDate day2 = Date("2026-03-20");
  Result<std::unique_ptr<LedgerStore>> store = db_.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE(OpenBook(**store).ok());
  ASSERT_TRUE(Ledger(**store).RunEndOfDay(day1).ok());

  pid_t children[2];
  for (pid_t& child : children) {
    child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      Result<std::unique_ptr<LedgerStore>> own = db_.Open();
      if (!own.ok()) ::_exit(3);
      ::_exit(Ledger(**own).RunEndOfDay(day2).ok() ? 0 : 4);
    }
  }
  for (const pid_t child : children) {
    int wait_status = 0;
    ::waitpid(child, &wait_status, 0);
    ASSERT_TRUE(WIFEXITED(wait_status));
    EXPECT_EQ(WEXITSTATUS(wait_status), 0);
  }
  ExpectSameAsUninterrupted(**store, day1, day2);
  Result<std::vector<TrialBalanceRow>> balance = TrialBalance(**store);
  ASSERT_TRUE(balance.ok());
  EXPECT_GT((*balance)[3].debit_fen, 0);  // penalty was charged: the runs did real work
}

// Pays installment 1 of every loan of the book, one commit each, with the
// request key "pay-<n>"; returns how many payments were new (not replays).
Result<int> PayFirstInstallments(LedgerStore& store) {
  Ledger ledger(store);
  CREDO_ASSIGN_OR_RETURN(const std::vector<int64_t> ids, store.LoanIds());
  int posted = 0;
  for (size_t n = 0; n < ids.size(); ++n) {
    CREDO_ASSIGN_OR_RETURN(const LoanRecord loan, ledger.GetLoan(ids[n]));
    const int64_t amount_fen = loan.installments.front().plan.installment_fen;
    CREDO_ASSIGN_OR_RETURN(const RepaymentResult paid, ledger.Repay({"pay-" + std::to_string(n), ids[n],
                                                                     amount_fen, Date("2026-02-20")}));
    if (!paid.replayed) ++posted;
  }
  return posted;
}

TEST_F(CrashTest, KilledRepaymentBurstRetriedPostsEachPaymentOnce) {
  Result<std::unique_ptr<LedgerStore>> store = db_.Open();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE(OpenBook(**store).ok());

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Result<std::unique_ptr<LedgerStore>> own = db_.Open();
    ::_exit(own.ok() && PayFirstInstallments(**own).ok() ? 0 : 4);
  }
  // Kill it once payment 100 has committed.
  bool killed_midway = false;
  for (int polls = 0; polls < 60'000 && !killed_midway; ++polls) {
    Result<std::optional<StoredRequest>> found = (*store)->FindRequest("pay-100");
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    if (*found) {
      ::kill(child, SIGKILL);
      killed_midway = true;
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  int wait_status = 0;
  ::waitpid(child, &wait_status, 0);
  ASSERT_TRUE(killed_midway && WIFSIGNALED(wait_status)) << "the burst was not killed midway";
  Result<std::optional<StoredRequest>> last = (*store)->FindRequest("pay-" + std::to_string(kLoans - 1));
  ASSERT_TRUE(last.ok());
  ASSERT_FALSE(*last) << "the burst had finished before the kill";
  Result<CheckReport> midway = CheckLedger(**store);
  ASSERT_TRUE(midway.ok());
  EXPECT_TRUE(midway->ok()) << midway->problems.front();

  // The retry posts exactly the payments the killed burst had not committed.
  Result<int> posted = PayFirstInstallments(**store);
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_GT(*posted, 0);
  EXPECT_LT(*posted, kLoans - 100);
  ExpectSameAsReference(**store, [](LedgerStore& reference) {
    Result<int> all = PayFirstInstallments(reference);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(*all, kLoans);
  });
}

}  // namespace
}  // namespace credo::ledger
