#include "ledger/json_views.h"

#include <nlohmann/json.hpp>
#include <string>

#include "core/money.h"
#include "ledger/aging.h"
#include "lending/schedule_format.h"

namespace credo::ledger {
namespace {

using nlohmann::json;

// Money as the API shows it: a decimal string ("2700.00").
std::string Yuan(int64_t fen) { return FormatMoneyFen(fen); }

// A reference that may be absent: null for "" or 0.
json OrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }
json OrNull(int64_t id) { return id == 0 ? json(nullptr) : json(id); }

// What is recognised, charged, paid and owed on one installment.
json ProgressJson(const LoanInstallment& i) {
  return {{"interest_recognised", Yuan(i.interest_recognised_fen)},
          {"fee_recognised", Yuan(i.fee_recognised_fen)},
          {"penalty_charged", Yuan(i.penalty_charged_fen)},
          {"principal_paid", Yuan(i.principal_paid_fen)},
          {"interest_paid", Yuan(i.interest_paid_fen)},
          {"fee_paid", Yuan(i.fee_paid_fen)},
          {"penalty_paid", Yuan(i.penalty_paid_fen)},
          {"owed", Yuan(i.owed_fen())}};
}

// What the loan still owes, by component and in total.
json OwedJson(const LoanRecord& loan) {
  int64_t principal = 0, interest = 0, fee = 0, penalty = 0;
  for (const LoanInstallment& i : loan.installments) {
    principal += i.principal_owed_fen();
    interest += i.interest_owed_fen();
    fee += i.fee_owed_fen();
    penalty += i.penalty_owed_fen();
  }
  return {{"principal", Yuan(principal)},
          {"interest", Yuan(interest)},
          {"fee", Yuan(fee)},
          {"penalty", Yuan(penalty)},
          {"total", Yuan(principal + interest + fee + penalty)}};
}

// The sums of the plan's columns.
json PlanTotalsJson(const LoanRecord& loan) {
  int64_t principal = 0, interest = 0, fee = 0, installment = 0;
  for (const LoanInstallment& i : loan.installments) {
    principal += i.plan.principal_fen;
    interest += i.plan.interest_fen;
    fee += i.plan.fee_fen;
    installment += i.plan.installment_fen;
  }
  return {{"principal", Yuan(principal)},
          {"interest", Yuan(interest)},
          {"fee", Yuan(fee)},
          {"installment", Yuan(installment)}};
}

json TermsJson(const lending::LoanTerms& terms) {
  return {{"method", lending::RepaymentMethodName(terms.method)},
          {"principal", Yuan(terms.principal_fen)},
          {"term_months", terms.term_months},
          {"interest_annual_bps", terms.interest_annual_bps},
          {"flat_fee_annual_bps", terms.flat_fee_annual_bps},
          {"upfront_fee", Yuan(terms.upfront_fee_fen)},
          {"merchant_discount", Yuan(terms.merchant_discount_fen)},
          {"rounding", lending::RoundingModeName(terms.rounding)},
          {"start", terms.start.ToString()}};
}

// The split of a payment and the ids every payment result carries.
json PaymentJson(int64_t loan_id, int64_t entry_id, int64_t amount_fen, const Allocation& allocation,
                 bool replayed) {
  return {{"loan_id", loan_id},
          {"entry_id", entry_id},
          {"amount", Yuan(amount_fen)},
          {"allocation", ToJson(allocation)},
          {"replayed", replayed}};
}

}  // namespace

json LoanScheduleToJson(const LoanRecord& loan) {
  lending::Schedule plan{loan.terms, {}, loan.apr_irr_bps};
  for (const LoanInstallment& i : loan.installments) plan.installments.push_back(i.plan);
  json schedule = lending::ScheduleToJson(plan);
  for (size_t k = 0; k < loan.installments.size(); ++k)
    schedule["installments"][k].update(ProgressJson(loan.installments[k]));
  schedule["totals"] = PlanTotalsJson(loan);
  return schedule;
}

json LoanToJson(const LoanRecord& loan) {
  json schedule = LoanScheduleToJson(loan);
  return {{"id", loan.id},
          {"customer_id", OrNull(loan.customer_id)},
          {"credit_line_id", OrNull(loan.credit_line_id)},
          {"product", loan.product},
          {"status", LoanStatusName(loan.status)},
          {"terms", TermsJson(loan.terms)},
          {"apr_irr_bps", loan.apr_irr_bps},
          {"customer_credit", Yuan(loan.customer_credit_fen)},
          {"installments", std::move(schedule["installments"])},
          {"owed", OwedJson(loan)}};
}

json ToJson(const Allocation& a) {
  return {{"penalty", Yuan(a.penalty_fen)},
          {"fee", Yuan(a.fee_fen)},
          {"interest", Yuan(a.interest_fen)},
          {"principal", Yuan(a.principal_fen)},
          {"overpayment", Yuan(a.overpayment_fen)}};
}

json ToJson(const OpenLoanResult& r) {
  return {{"loan_id", r.loan_id},
          {"entry_id", r.entry_id},
          {"cash_paid", Yuan(r.cash_paid_fen)},
          {"replayed", r.replayed}};
}

json ToJson(const RepaymentResult& r) {
  json out = PaymentJson(r.loan_id, r.entry_id, r.amount_fen, r.allocation, r.replayed);
  out["loan_closed"] = r.loan_closed;
  return out;
}

json ToJson(const PrepaymentResult& r) {
  json out = PaymentJson(r.loan_id, r.entry_id, r.amount_fen, r.allocation, r.replayed);
  out["principal_prepaid"] = Yuan(r.principal_prepaid_fen);
  out["remaining_installments"] = r.remaining_installments;
  out["next_installment"] = Yuan(r.next_installment_fen);
  out["loan_closed"] = r.loan_closed;
  return out;
}

json ToJson(const ReversalResult& r) {
  json out = PaymentJson(r.loan_id, r.entry_id, r.amount_fen, r.allocation, r.replayed);
  out["loan_reopened"] = r.loan_reopened;
  return out;
}

json ToJson(const WriteOffResult& r) {
  return {{"loan_id", r.loan_id},
          {"entry_id", r.entry_id},
          {"principal", Yuan(r.principal_fen)},
          {"interest", Yuan(r.interest_fen)},
          {"fee", Yuan(r.fee_fen)},
          {"penalty", Yuan(r.penalty_fen)},
          {"total", Yuan(r.principal_fen + r.interest_fen + r.fee_fen + r.penalty_fen)},
          {"replayed", r.replayed}};
}

json ToJson(const PayoffQuote& q) {
  return {{"loan_id", q.loan_id},
          {"date", q.date.ToString()},
          {"principal", Yuan(q.principal_fen)},
          {"interest", Yuan(q.interest_fen)},
          {"fee", Yuan(q.fee_fen)},
          {"penalty", Yuan(q.penalty_fen)},
          {"customer_credit", Yuan(q.customer_credit_fen)},
          {"total", Yuan(q.total_fen)}};
}

json ToJson(const CreditLineView& v) {
  return {{"id", v.line.id},
          {"customer_id", v.line.customer_id},
          {"product", v.line.product},
          {"limit", Yuan(v.line.limit_fen)},
          {"status", CreditLineStatusName(v.line.status)},
          {"opened", v.line.opened.ToString()},
          {"outstanding_principal", Yuan(v.outstanding_principal_fen)},
          {"available", Yuan(v.available_fen)},
          {"loan_ids", v.loan_ids}};
}

json ToJson(const CustomerDelinquency& d) {
  return {{"customer_id", d.customer_id},
          {"loans", d.loans},
          {"active_loans", d.active_loans},
          {"dpd_days", d.dpd_days},
          {"bucket", d.bucket},
          {"outstanding_principal", Yuan(d.outstanding_principal_fen)}};
}

json ToJson(const EodSummary& s) {
  json events = json::object();
  for (const char* kind : {"due_soon", "became_overdue", "bucket_changed"}) {
    auto it = s.events_by_kind.find(kind);
    events[kind] = it == s.events_by_kind.end() ? 0 : it->second;
  }
  json buckets = json::object();
  for (size_t b = 0; b < s.loans_by_bucket.size(); ++b)
    buckets[BucketName(static_cast<Bucket>(b))] = s.loans_by_bucket[b];
  return {{"business_date", s.business_date.ToString()},
          {"already_done", s.already_done},
          {"resumed", s.resumed},
          {"loans_processed", s.loans_processed},
          {"interest", Yuan(s.interest_fen)},
          {"fee", Yuan(s.fee_fen)},
          {"penalty", Yuan(s.penalty_fen)},
          {"events", std::move(events)},
          {"loans_by_bucket", std::move(buckets)}};
}

}  // namespace credo::ledger
