// Early repayment (docs/lending.md, "Early repayment"): the payoff quote,
// paying a loan off, and partial prepayments that shorten the term or lower
// the installment.
#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "core/money.h"
#include "ledger/ledger.h"
#include "ledger/posting.h"
#include "lending/enum_names.h"

namespace credo::ledger {
namespace {

using nlohmann::json;

std::string PrepayFingerprint(const PrepaymentRequest& r) {
  return "prepay loan=" + std::to_string(r.loan_id) + " amount_fen=" + std::to_string(r.amount_fen) +
         " date=" + r.date.ToString() + " mode=" + PrepaymentModeName(r.mode);
}

// `fen` × elapsed / period days, rounded half up: the part of a period's
// interest or fee accrued by day.
int64_t AccruedFen(int64_t fen, int elapsed_days, int period_days) {
  const int elapsed = std::clamp(elapsed_days, 0, period_days);
  return lending::DivideRounded(static_cast<__int128>(fen) * elapsed, period_days,
                                lending::RoundingMode::kHalfUp);
}

// Sets each installment's planned interest and fee to what paying off on
// `date` charges: in full when due on or before it; accrued by day for the
// current period (the first installment due after it); nothing later. What
// was already recognised is never taken back.
void WaiveForPayoff(LoanRecord& loan, CivilDate date) {
  CivilDate period_start = loan.terms.start;
  bool current_done = false;
  for (LoanInstallment& i : loan.installments) {
    lending::Installment& plan = i.plan;
    const int period_days = period_start.DaysUntil(plan.due_date);
    // A prepayment's own row shares its period's start date: it has no period.
    if (plan.due_date > date && period_days > 0) {
      const int elapsed_days = current_done ? 0 : period_start.DaysUntil(date);
      plan.interest_fen =
          std::max(AccruedFen(plan.interest_fen, elapsed_days, period_days), i.interest_recognised_fen);
      plan.fee_fen = std::max(AccruedFen(plan.fee_fen, elapsed_days, period_days), i.fee_recognised_fen);
      plan.installment_fen = plan.principal_fen + plan.interest_fen + plan.fee_fen;
      current_done = true;
    }
    period_start = plan.due_date;
  }
}

// The payoff quote of `loan` on `date`; leaves `loan`'s plans waived as the payoff charges them.
PayoffQuote QuoteOf(LoanRecord& loan, CivilDate date) {
  WaiveForPayoff(loan, date);
  PayoffQuote quote;
  quote.loan_id = loan.id;
  quote.date = date;
  for (const LoanInstallment& i : loan.installments) {
    quote.principal_fen += i.principal_owed_fen();
    quote.interest_fen += i.interest_owed_fen();
    quote.fee_fen += i.fee_owed_fen();
    quote.penalty_fen += i.penalty_owed_fen();
  }
  quote.customer_credit_fen = loan.customer_credit_fen;
  const int64_t owed_fen = quote.principal_fen + quote.interest_fen + quote.fee_fen + quote.penalty_fen;
  quote.total_fen = std::max<int64_t>(0, owed_fen - quote.customer_credit_fen);
  return quote;
}

Status CheckDate(const LoanRecord& loan, CivilDate date) {
  if (date < loan.terms.start) {
    return Status::Invalid(
        "the date " + date.ToString() + " is before the loan started (" + loan.terms.start.ToString() + ")",
        "date");
  }
  return Status::Ok();
}

// Recognises all the interest and fee the plans of the installments before
// number `first_untouched` carry.
Status RecognisePlanned(LedgerStore& store, LoanRecord& loan, const PrepaymentRequest& request,
                        int first_untouched) {
  return Recognise(store, loan, {0, "recognition", loan.id, request.date, request.request_key, {}},
                   [first_untouched](const LoanInstallment& i) {
                     if (i.plan.number >= first_untouched) return std::pair<int64_t, int64_t>(0, 0);
                     return std::pair(i.plan.interest_fen, i.plan.fee_fen);
                   })
      .status();
}

// Posts a prepayment's entry (Dr cash the amount, Dr customer_credit
// `credit_used_fen` / Cr each receivable its share of `split`) and stores
// `loan` with its installments as the prepayment leaves them.
Result<PrepaymentResult> PostPrepayment(LedgerStore& store, const PrepaymentRequest& request,
                                        const LoanRecord& loan, const Allocation& split,
                                        int64_t credit_used_fen) {
  PrepaymentResult result;
  CREDO_ASSIGN_OR_RETURN(
      result.entry_id,
      Post(store, PaymentEntry({0, "prepayment", loan.id, request.date, request.request_key, {}},
                               request.amount_fen, split, credit_used_fen)));
  CREDO_RETURN_IF_ERROR(store.ReplaceInstallments(loan));
  result.loan_id = loan.id;
  result.amount_fen = request.amount_fen;
  result.allocation = split;
  return result;
}

// Closes the loan: charges the payoff quote, pays it with the amount and
// the customer credit held; what the amount leaves over is held as credit.
Result<PrepaymentResult> PostPayoff(LedgerStore& store, const PrepaymentRequest& request, LoanRecord& loan) {
  const PayoffQuote quote = QuoteOf(loan, request.date);
  if (request.amount_fen < quote.total_fen) {
    return Status::Invalid("the amount " + FormatMoneyFen(request.amount_fen) +
                               " is less than the payoff quote " + FormatMoneyFen(quote.total_fen) + " on " +
                               request.date.ToString(),
                           "amount");
  }
  CREDO_RETURN_IF_ERROR(RecognisePlanned(store, loan, request, std::numeric_limits<int>::max()));
  const int64_t owed_fen = OwedFen(loan);
  Allocation split = AllocatePayment(loan.installments, owed_fen, DefaultAllocationOrder());
  split.overpayment_fen = std::max<int64_t>(0, request.amount_fen - owed_fen);
  const int64_t credit_used_fen = std::max<int64_t>(0, owed_fen - request.amount_fen);
  loan.customer_credit_fen += request.amount_fen - owed_fen;
  loan.status = LoanStatus::kClosed;
  CREDO_ASSIGN_OR_RETURN(PrepaymentResult result,
                         PostPrepayment(store, request, loan, split, credit_used_fen));
  result.loan_closed = true;
  return result;
}

// The installments due after the prepayment, re-scheduled for `remaining_fen`
// of principal from `anchor` (the previous due date), on the due dates of
// `old_tail` (docs/lending.md, "Early repayment").
Result<std::vector<lending::Installment>> Reschedule(const lending::LoanTerms& terms, int64_t remaining_fen,
                                                     CivilDate anchor,
                                                     const std::vector<lending::Installment>& old_tail,
                                                     PrepaymentMode mode) {
  const int n = static_cast<int>(old_tail.size());
  std::vector<lending::Installment> tail;
  if (mode == PrepaymentMode::kLowerInstallment) {
    lending::LoanTerms rest = terms;
    rest.principal_fen = remaining_fen;
    rest.term_months = n;
    rest.start = anchor;
    rest.upfront_fee_fen = 0;
    rest.merchant_discount_fen = 0;
    CREDO_ASSIGN_OR_RETURN(lending::Schedule schedule, lending::BuildSchedule(rest));
    tail = std::move(schedule.installments);
    for (int j = 0; j < n; ++j) tail[j].due_date = old_tail[j].due_date;
    return tail;
  }
  // Shorten the term: each installment keeps its level amount (equal
  // installment) or its principal (equal principal, flat fee) and its fee;
  // interest on what is outstanding; the last one takes the rest.
  const lending::Installment& first = old_tail.front();
  int64_t outstanding_fen = remaining_fen;
  for (int j = 0; j < n && outstanding_fen > 0; ++j) {
    lending::Installment row = old_tail[j];
    row.interest_fen = lending::MonthlyShare(outstanding_fen, terms.interest_annual_bps, terms.rounding);
    row.principal_fen = terms.method == lending::RepaymentMethod::kEqualInstallment
                            ? first.principal_fen + first.interest_fen - row.interest_fen
                            : first.principal_fen;
    row.principal_fen = std::clamp<int64_t>(row.principal_fen, 0, outstanding_fen);
    if (j == n - 1) row.principal_fen = outstanding_fen;
    if (row.principal_fen == 0)
      return Status::Internal("shortening the term left an installment without principal");
    outstanding_fen -= row.principal_fen;
    row.remaining_principal_fen = outstanding_fen;
    row.installment_fen = row.principal_fen + row.interest_fen + row.fee_fen;
    tail.push_back(row);
  }
  return tail;
}

// The index of the first installment a partial prepayment re-schedules: the
// one after the last that is due by `date` or was already reached by a
// payment, a recognition or a penalty.
size_t FirstToReschedule(const LoanRecord& loan, CivilDate date) {
  size_t first = 0;
  for (size_t j = 0; j < loan.installments.size(); ++j) {
    const LoanInstallment& i = loan.installments[j];
    const bool touched = i.interest_recognised_fen != 0 || i.fee_recognised_fen != 0 ||
                         i.penalty_charged_fen != 0 || i.principal_paid_fen != 0 ||
                         i.interest_paid_fen != 0 || i.fee_paid_fen != 0;
    if (i.plan.due_date <= date || touched) first = j + 1;
  }
  return first;
}

// The installments after a partial prepayment, numbered from 1: those kept
// (`kept`), the principal paid ahead as an installment of its own (paid,
// dated `anchor`, the start of the period it was paid in), the new `tail`.
std::vector<LoanInstallment> WithPrepaidPrincipal(std::vector<LoanInstallment> kept, CivilDate anchor,
                                                  int64_t prepaid_fen,
                                                  const std::vector<lending::Installment>& tail) {
  int64_t remaining_fen = 0;
  for (const lending::Installment& plan : tail) remaining_fen += plan.principal_fen;
  kept.push_back({lending::Installment{0, anchor, prepaid_fen, 0, 0, prepaid_fen, remaining_fen}});
  kept.back().principal_paid_fen = prepaid_fen;
  for (const lending::Installment& plan : tail) kept.push_back({plan});
  for (size_t j = 0; j < kept.size(); ++j) kept[j].plan.number = static_cast<int>(j) + 1;
  return kept;
}

// Pays what is due, then principal ahead; re-schedules the installments after.
Result<PrepaymentResult> PostPartialPrepayment(LedgerStore& store, const PrepaymentRequest& request,
                                               LoanRecord& loan) {
  if (request.mode == PrepaymentMode::kShortenTerm &&
      loan.terms.method == lending::RepaymentMethod::kInterestOnly) {
    return Status::Invalid(
        "an interest-only loan repays its principal at maturity: its term cannot be shortened", "mode");
  }
  const size_t k = FirstToReschedule(loan, request.date);
  std::vector<LoanInstallment> prefix(loan.installments.begin(), loan.installments.begin() + k);
  int64_t due_fen = 0;
  for (const LoanInstallment& i : prefix) due_fen += i.owed_fen();
  int64_t tail_principal_fen = 0;
  std::vector<lending::Installment> old_tail;
  for (size_t j = k; j < loan.installments.size(); ++j) {
    tail_principal_fen += loan.installments[j].plan.principal_fen;
    old_tail.push_back(loan.installments[j].plan);
  }
  if (request.amount_fen <= due_fen) {
    return Status::Invalid("the amount " + FormatMoneyFen(request.amount_fen) +
                               " covers only what is due by " + request.date.ToString() + " (" +
                               FormatMoneyFen(due_fen) + "): repay it, or prepay more",
                           "amount");
  }
  const int64_t prepaid_fen = request.amount_fen - due_fen;
  if (prepaid_fen >= tail_principal_fen) {
    LoanRecord copy = loan;
    return Status::Invalid("the amount " + FormatMoneyFen(request.amount_fen) +
                               " pays all the principal: prepay with mode payoff (quote " +
                               FormatMoneyFen(QuoteOf(copy, request.date).total_fen) + ")",
                           "amount");
  }
  const CivilDate anchor = k == 0 ? loan.terms.start : prefix.back().plan.due_date;
  CREDO_ASSIGN_OR_RETURN(
      std::vector<lending::Installment> tail,
      Reschedule(loan.terms, tail_principal_fen - prepaid_fen, anchor, old_tail, request.mode));

  const int first_untouched = static_cast<int>(k) + 1;
  CREDO_RETURN_IF_ERROR(RecognisePlanned(store, loan, request, first_untouched));
  prefix.assign(loan.installments.begin(), loan.installments.begin() + k);
  Allocation split = due_fen > 0 ? AllocatePayment(prefix, due_fen, DefaultAllocationOrder()) : Allocation{};
  split.principal_fen += prepaid_fen;

  loan.installments = WithPrepaidPrincipal(std::move(prefix), anchor, prepaid_fen, tail);

  CREDO_ASSIGN_OR_RETURN(PrepaymentResult result, PostPrepayment(store, request, loan, split, 0));
  result.principal_prepaid_fen = prepaid_fen;
  result.remaining_installments = static_cast<int>(tail.size());
  result.next_installment_fen = tail.front().installment_fen;
  return result;
}

json PrepaymentJson(const PrepaymentResult& r) {
  return {{"entry_id", r.entry_id},
          {"loan_id", r.loan_id},
          {"amount_fen", r.amount_fen},
          {"allocation", AllocationJson(r.allocation)},
          {"principal_prepaid_fen", r.principal_prepaid_fen},
          {"remaining_installments", r.remaining_installments},
          {"next_installment_fen", r.next_installment_fen},
          {"loan_closed", r.loan_closed}};
}

PrepaymentResult PrepaymentFromJson(const json& j) {
  PrepaymentResult r;
  r.entry_id = j.at("entry_id");
  r.loan_id = j.at("loan_id");
  r.amount_fen = j.at("amount_fen");
  r.allocation = AllocationFromJson(j.at("allocation"));
  r.principal_prepaid_fen = j.at("principal_prepaid_fen");
  r.remaining_installments = j.at("remaining_installments");
  r.next_installment_fen = j.at("next_installment_fen");
  r.loan_closed = j.at("loan_closed");
  r.replayed = true;
  return r;
}

}  // namespace

const char* PrepaymentModeName(PrepaymentMode mode) {
  switch (mode) {
    case PrepaymentMode::kPayoff:
      return "payoff";
    case PrepaymentMode::kShortenTerm:
      return "shorten-term";
    case PrepaymentMode::kLowerInstallment:
      return "lower-installment";
  }
  return "?";
}

Result<PrepaymentMode> ParsePrepaymentMode(std::string_view name) {
  return lending::ParseEnumName(
      name, {PrepaymentMode::kPayoff, PrepaymentMode::kShortenTerm, PrepaymentMode::kLowerInstallment},
      PrepaymentModeName, "prepayment mode");
}

Result<PayoffQuote> Ledger::QuotePayoff(int64_t loan_id, CivilDate date) {
  CREDO_ASSIGN_OR_RETURN(LoanRecord loan, LoadActiveLoan(store_, loan_id));
  CREDO_RETURN_IF_ERROR(CheckDate(loan, date));
  return QuoteOf(loan, date);
}

Result<PrepaymentResult> Ledger::Prepay(const PrepaymentRequest& request) {
  if (request.amount_fen <= 0) return Status::Invalid("the amount must be positive", "amount");
  if (request.amount_fen > lending::kMaxPrincipalFen)
    return Status::Invalid("the amount is too large", "amount");
  return PostOnce<PrepaymentResult>(
      store_, request.request_key, PrepayFingerprint(request),
      [](const json& stored) -> Result<PrepaymentResult> { return PrepaymentFromJson(stored); },
      [&]() -> Result<PrepaymentResult> {
        CREDO_ASSIGN_OR_RETURN(LoanRecord loan, LoadActiveLoan(store_, request.loan_id));
        CREDO_RETURN_IF_ERROR(CheckDate(loan, request.date));
        return request.mode == PrepaymentMode::kPayoff ? PostPayoff(store_, request, loan)
                                                       : PostPartialPrepayment(store_, request, loan);
      },
      PrepaymentJson);
}

}  // namespace credo::ledger
