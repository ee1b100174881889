// The end-of-day batch: Ledger::RunEndOfDay (ledger.h, eod.h).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/money.h"
#include "ledger/aging.h"
#include "ledger/ledger.h"
#include "ledger/posting.h"

namespace credo::ledger {
namespace {

// Installments due within this many days raise a "due_soon" event.
constexpr int kDueSoonDays = 3;
// Loans whose work commits together (with the run's progress): one commit,
// and on SQLite one fsync, per this many loans instead of per loan.
constexpr size_t kLoansPerCommit = 256;

// principal × rate × days / (10000 × basis), rounded half up to the fen.
int64_t PenaltyFen(int64_t principal_fen, int64_t rate_bps, int64_t days, int basis) {
  const int64_t divisor = 10000LL * basis;
  return (principal_fen * rate_bps * days + divisor / 2) / divisor;
}

// The batch's work on one active loan; adds what it did to `summary`.
Status ProcessLoan(LedgerStore& store, LoanRecord& loan, const std::optional<LoanAging>& before,
                   const EodProgress& run, const EodPolicy& policy, EodSummary& summary) {
  const CivilDate date = run.business_date;
  const std::string key = "eod:" + date.ToString();

  // Interest and fees of installments due by `date` become receivable and income.
  CREDO_ASSIGN_OR_RETURN(
      const Recognised recognised,
      Recognise(store, loan, {0, "accrual", loan.id, date, key, {}}, [date](const LoanInstallment& i) {
        if (i.plan.due_date > date) return std::pair<int64_t, int64_t>(0, 0);
        return std::pair(i.plan.interest_fen, i.plan.fee_fen);
      }));
  summary.interest_fen += recognised.interest_fen;
  summary.fee_fen += recognised.fee_fen;

  // Penalty on each overdue installment's principal, for its overdue days
  // since the previous run (all of them on the first run).
  JournalEntry penalty{0, "penalty", loan.id, date, key, {}};
  int64_t penalty_fen = 0;
  for (LoanInstallment& i : loan.installments) {
    const int dpd = InstallmentDpd(i, date, policy.grace_days);
    const int days = run.previous_date ? std::min(dpd, run.previous_date->DaysUntil(date)) : dpd;
    if (days <= 0 || i.principal_owed_fen() <= 0) continue;
    const int64_t fen =
        PenaltyFen(i.principal_owed_fen(), policy.penalty_rate_bps, days, policy.day_count_basis);
    i.penalty_charged_fen += fen;
    penalty_fen += fen;
  }
  AddPair(penalty, Account::kPenaltyReceivable, Account::kPenaltyIncome, penalty_fen);
  if (!penalty.lines.empty()) CREDO_RETURN_IF_ERROR(Post(store, penalty).status());
  summary.penalty_fen += penalty_fen;
  // Most loans with work are only due soon: nothing of theirs changed.
  if (recognised.interest_fen + recognised.fee_fen + penalty_fen > 0) {
    CREDO_RETURN_IF_ERROR(store.UpdateLoan(loan));
  }

  // Aging and the events it raises.
  const int dpd = LoanDpd(loan, date, policy.grace_days);
  const Bucket bucket = BucketOfDpd(dpd);
  auto emit = [&](const char* kind, std::string detail) -> Status {
    ++summary.events_by_kind[kind];
    return store.InsertEodEvent({date, loan.id, kind, std::move(detail)});
  };
  for (const LoanInstallment& i : loan.installments) {
    const int days_to_due = date.DaysUntil(i.plan.due_date);
    // Due within kDueSoonDays, and not already within them at the previous run.
    const bool signalled = run.previous_date && run.previous_date->DaysUntil(i.plan.due_date) <= kDueSoonDays;
    if (days_to_due > 0 && days_to_due <= kDueSoonDays && !signalled && i.owed_fen() > 0) {
      CREDO_RETURN_IF_ERROR(emit("due_soon", "installment " + std::to_string(i.plan.number) + " due " +
                                                 i.plan.due_date.ToString() + " owes " +
                                                 FormatMoneyFen(i.owed_fen())));
    }
  }
  if (dpd > 0 && (!before || before->dpd_days == 0)) {
    CREDO_RETURN_IF_ERROR(emit("became_overdue", std::to_string(dpd) + " days past due"));
  }
  const std::string old_bucket = before ? before->bucket : BucketName(Bucket::kM0);
  if (old_bucket != BucketName(bucket)) {
    CREDO_RETURN_IF_ERROR(emit("bucket_changed", old_bucket + "->" + BucketName(bucket)));
  }
  ++summary.loans_processed;
  // A current loan that stays current keeps its row: most loans with work
  // are only due soon, and rewriting their aging would double the batch's writes.
  if (before && before->dpd_days == dpd) return Status::Ok();
  return store.SaveAging({loan.id, date, dpd, BucketName(bucket)});
}

// Adds what one chunk of loans did to the run's summary.
void AddTo(EodSummary& summary, const EodSummary& chunk) {
  summary.loans_processed += chunk.loans_processed;
  summary.interest_fen += chunk.interest_fen;
  summary.fee_fen += chunk.fee_fen;
  summary.penalty_fen += chunk.penalty_fen;
  for (const auto& [kind, count] : chunk.events_by_kind) summary.events_by_kind[kind] += count;
}

}  // namespace

EodPolicy PolicyOf(const lending::Product& product) {
  return {product.penalty_rate_bps, product.grace_days, product.day_count_basis};
}

const EodPolicy& EodPolicies::For(const std::string& product) const {
  auto it = by_product.find(product);
  return it == by_product.end() ? default_policy : it->second;
}

Result<EodSummary> Ledger::RunEndOfDay(CivilDate business_date, const EodPolicies& policies) {
  EodSummary summary;
  summary.business_date = business_date;
  CREDO_ASSIGN_OR_RETURN(std::optional<EodProgress> latest, store_.LatestEodProgress());
  EodProgress run{business_date, std::nullopt, 0, false};
  if (latest) {
    const std::string last = latest->business_date.ToString();
    if (business_date < latest->business_date) {
      return Status::Invalid(
          "business date " + business_date.ToString() + " is before the latest end-of-day run (" + last + ")",
          "date");
    }
    if (business_date == latest->business_date) {
      if (latest->completed) {
        summary.already_done = true;
        return summary;
      }
      run = *latest;
      summary.resumed = true;
    } else if (!latest->completed) {
      return Status(
          ErrorCode::kConflict,
          "the end-of-day run of " + last + " is unfinished: run " + last + " again to finish it first",
          "date");
    } else {
      run.previous_date = latest->business_date;
    }
  }
  if (!summary.resumed)
    CREDO_RETURN_IF_ERROR(store_.Transaction([&] { return store_.SaveEodProgress(run); }));

  // Only loans with something due by the due-soon horizon, or past due, have
  // work; every other active loan is current and stays as it is.
  CREDO_ASSIGN_OR_RETURN(const std::vector<int64_t> ids,
                         store_.LoansForEndOfDay(business_date.AddDays(kDueSoonDays), run.last_loan_id));
  for (size_t first = 0; first < ids.size(); first += kLoansPerCommit) {
    const size_t last = std::min(ids.size(), first + kLoansPerCommit);
    EodSummary chunk;  // added to `summary` only once committed
    CREDO_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
      chunk = EodSummary{};
      // Touch the run's progress first: another process running this date
      // waits here for our chunk, then reads how far we got and skips it.
      CREDO_RETURN_IF_ERROR(store_.SaveEodProgress(run));
      CREDO_ASSIGN_OR_RETURN(const std::optional<EodProgress> now, store_.LatestEodProgress());
      const int64_t done_through = now && now->business_date == business_date ? now->last_loan_id : 0;
      std::vector<int64_t> todo;
      for (size_t k = first; k < last; ++k) {
        if (ids[k] > done_through) todo.push_back(ids[k]);
      }
      CREDO_ASSIGN_OR_RETURN(std::vector<LoanRecord> loans, store_.LoadLoans(todo));
      CREDO_ASSIGN_OR_RETURN(const auto agings, store_.LoadAgings(todo));
      for (LoanRecord& loan : loans) {
        if (loan.status != LoanStatus::kActive || loan.terms.start > business_date) continue;
        const auto aging = agings.find(loan.id);
        const std::optional<LoanAging> before =
            aging == agings.end() ? std::nullopt : std::optional<LoanAging>(aging->second);
        CREDO_RETURN_IF_ERROR(ProcessLoan(store_, loan, before, run, policies.For(loan.product), chunk));
      }
      EodProgress done = run;
      done.last_loan_id = ids[last - 1];
      return store_.SaveEodProgress(done);
    }));
    run.last_loan_id = ids[last - 1];
    AddTo(summary, chunk);
  }
  run.completed = true;
  CREDO_RETURN_IF_ERROR(store_.Transaction([&] { return store_.SaveEodProgress(run); }));
  CREDO_ASSIGN_OR_RETURN(const auto buckets, store_.CountActiveLoansByBucket());
  for (const auto& [name, count] : buckets) {
    for (size_t b = 0; b < summary.loans_by_bucket.size(); ++b) {
      if (name == BucketName(static_cast<Bucket>(b))) summary.loans_by_bucket[b] += count;
    }
  }
  return summary;
}

}  // namespace credo::ledger
