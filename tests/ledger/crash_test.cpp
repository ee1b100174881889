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
const CivilDate kDay1 = Date("2026-03-10");
const CivilDate kDay2 = Date("2026-03-20");

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

  // The same two days on a second ledger, without a crash. Day 2 does real
  // work: penalty on every loan (installment 1 is overdue since 02-15..03-01)
  // and the interest of installment 2, due by 03-20 for the loans of 01-15..01-20.
  void ExpectSameAsUninterrupted(LedgerStore& store) {
    ExpectSameAsReference(store, [&](LedgerStore& reference) {
      ASSERT_TRUE(Ledger(reference).RunEndOfDay(kDay1).ok());
      Result<EodSummary> uninterrupted = Ledger(reference).RunEndOfDay(kDay2);
      ASSERT_TRUE(uninterrupted.ok());
      EXPECT_EQ(uninterrupted->loans_processed, kLoans);
      EXPECT_GT(uninterrupted->penalty_fen, 0);
      EXPECT_GT(uninterrupted->interest_fen, 0);
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

  // The test's ledger with the book open and day 1 run.
  std::unique_ptr<LedgerStore> BookAfterDay1() {
    Result<std::unique_ptr<LedgerStore>> store = db_.Open();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_TRUE(OpenBook(**store).ok());
    EXPECT_TRUE(Ledger(**store).RunEndOfDay(kDay1).ok());
    return std::move(*store);
  }

  // A child process doing `work` on its own connection to the test's ledger;
  // it exits 0 when the work succeeds.
  pid_t StartChild(const std::function<Status(LedgerStore&)>& work) {
    const pid_t child = ::fork();
    if (child == 0) {
      Result<std::unique_ptr<LedgerStore>> own = db_.Open();
      ::_exit(own.ok() && work(**own).ok() ? 0 : 4);
    }
    return child;
  }

  TestStore db_;
  std::filesystem::path reference_path_;
};

Status RunDay2(LedgerStore& store) { return Ledger(store).RunEndOfDay(kDay2).status(); }

// Polls `reached` until it holds, then kills `child` with SIGKILL; true when
// the child died of it (rather than having finished first).
bool KillWhen(pid_t child, const std::function<bool()>& reached) {
  bool sent = false;
  for (int polls = 0; polls < 60'000 && !sent; ++polls) {
    if (reached()) {
      ::kill(child, SIGKILL);
      sent = true;
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  int wait_status = 0;
  ::waitpid(child, &wait_status, 0);
  return sent && WIFSIGNALED(wait_status);
}

TEST_F(CrashTest, KilledRunResumesToTheSameLedgerAsAnUninterruptedOne) {
  std::unique_ptr<LedgerStore> store = BookAfterDay1();
  ASSERT_NE(store, nullptr);
  // The child runs day 2; the parent kills it once the first chunk has
  // committed and before the run completes.
  const pid_t child = StartChild(RunDay2);
  ASSERT_GE(child, 0);
  ASSERT_TRUE(KillWhen(child, [&] {
    Result<std::optional<EodProgress>> p = store->LatestEodProgress();
    return p.ok() && *p && (*p)->business_date == kDay2 && (*p)->last_loan_id > 0;
  })) << "the run was not killed midway";

  Result<std::optional<EodProgress>> stopped = store->LatestEodProgress();
  ASSERT_TRUE(stopped.ok() && *stopped);
  EXPECT_FALSE((*stopped)->completed);
  EXPECT_GT((*stopped)->last_loan_id, 0);
  Result<CheckReport> midway = CheckLedger(*store);  // a crash leaves whole chunks only
  ASSERT_TRUE(midway.ok());
  EXPECT_TRUE(midway->ok()) << midway->problems.front();

  Result<EodSummary> resumed = Ledger(*store).RunEndOfDay(kDay2);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_TRUE(resumed->resumed);
  EXPECT_LT(resumed->loans_processed, kLoans);  // the killed run's chunks are not redone

  ExpectSameAsUninterrupted(*store);
}

// Two processes run the same date at once (an operator starts the batch
// while the scheduler's run is going): each loan is done once.
TEST_F(CrashTest, TwoProcessesRunningTheSameDateDoEachLoanOnce) {
  std::unique_ptr<LedgerStore> store = BookAfterDay1();
  ASSERT_NE(store, nullptr);
  const pid_t children[2] = {StartChild(RunDay2), StartChild(RunDay2)};
  for (const pid_t child : children) {
    int wait_status = 0;
    ::waitpid(child, &wait_status, 0);
    ASSERT_TRUE(WIFEXITED(wait_status));
    EXPECT_EQ(WEXITSTATUS(wait_status), 0);
  }
  ExpectSameAsUninterrupted(*store);
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

  const pid_t child = StartChild([](LedgerStore& own) { return PayFirstInstallments(own).status(); });
  ASSERT_GE(child, 0);
  ASSERT_TRUE(KillWhen(child, [&] {
    Result<std::optional<StoredRequest>> found = (*store)->FindRequest("pay-100");
    return found.ok() && found->has_value();
  })) << "the burst was not killed midway";
  Result<std::optional<StoredRequest>> last = (*store)->FindRequest("pay-" + std::to_string(kLoans - 1));
  ASSERT_TRUE(last.ok());
  ASSERT_FALSE(*last) << "the burst had finished before the kill";
  Result<CheckReport> midway = CheckLedger(**store);
  ASSERT_TRUE(midway.ok());
  EXPECT_TRUE(midway->ok()) << midway->problems.front();
  int committed = 0;
  for (int n = 0; n < kLoans; ++n) {
    Result<std::optional<StoredRequest>> found = (*store)->FindRequest("pay-" + std::to_string(n));
    ASSERT_TRUE(found.ok());
    if (*found) ++committed;
  }
  EXPECT_GT(committed, 100);

  // The retry posts exactly the payments the killed burst had not committed.
  Result<int> posted = PayFirstInstallments(**store);
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(*posted, kLoans - committed);
  ExpectSameAsReference(**store, [](LedgerStore& reference) {
    Result<int> all = PayFirstInstallments(reference);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(*all, kLoans);
  });
}

}  // namespace
}  // namespace credo::ledger
