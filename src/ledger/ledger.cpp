// Opening loans and repaying them (ledger.h); the other operations have
// their own files (payoff.cpp, reversal.cpp, write_off.cpp, credit_line.cpp,
// customer.cpp, eod.cpp).
#include "ledger/ledger.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ledger/posting.h"

namespace credo::ledger {
namespace {

using nlohmann::json;

std::string OpenFingerprint(const OpenLoanRequest& r) {
  const lending::LoanTerms& t = r.schedule.terms;
  return "open product=" + r.product + " customer=" + r.customer_id +
         " method=" + lending::RepaymentMethodName(t.method) +
         " principal_fen=" + std::to_string(t.principal_fen) + " term=" + std::to_string(t.term_months) +
         " rate_bps=" + std::to_string(t.interest_annual_bps) +
         " fee_bps=" + std::to_string(t.flat_fee_annual_bps) +
         " upfront_fen=" + std::to_string(t.upfront_fee_fen) +
         " discount_fen=" + std::to_string(t.merchant_discount_fen) +
         " rounding=" + lending::RoundingModeName(t.rounding) + " start=" + t.start.ToString();
}

std::string RepayFingerprint(const RepaymentRequest& r) {
  return "repay loan=" + std::to_string(r.loan_id) + " amount_fen=" + std::to_string(r.amount_fen) +
         " date=" + r.date.ToString();
}

// The cash a schedule pays out: principal − upfront fee − merchant discount;
// fails when the schedule is invalid or leaves nothing to pay out.
Result<int64_t> CashToDisburse(const lending::Schedule& schedule) {
  const lending::LoanTerms& terms = schedule.terms;
  CREDO_RETURN_IF_ERROR(lending::ValidateTerms(terms));
  if (schedule.installments.empty()) return Status::Invalid("the schedule has no installments");
  const int64_t cash_fen = terms.principal_fen - terms.upfront_fee_fen - terms.merchant_discount_fen;
  if (cash_fen <= 0) return Status::Invalid("fees leave no cash to disburse", "upfront_fee");
  return cash_fen;
}

}  // namespace

Result<OpenLoanResult> Ledger::OpenLoan(const OpenLoanRequest& request) {
  OpenLoanResult result;
  CREDO_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    CREDO_ASSIGN_OR_RETURN(result, PostDisbursement(request, 0, nullptr));
    return Status::Ok();
  }));
  return result;
}

Result<OpenLoanResult> Ledger::PostDisbursement(const OpenLoanRequest& request, int64_t credit_line_id,
                                                const std::function<Status()>& admit) {
  CREDO_ASSIGN_OR_RETURN(const int64_t cash_fen, CashToDisburse(request.schedule));
  // A draw is fingerprinted with its line, so an open's key cannot replay as a draw.
  const std::string fingerprint =
      (credit_line_id != 0 ? "draw line=" + std::to_string(credit_line_id) + " " : "") +
      OpenFingerprint(request);
  CREDO_ASSIGN_OR_RETURN(std::optional<json> replay, Replay(store_, request.request_key, fingerprint));
  if (replay)
    return OpenLoanResult{replay->at("loan_id"), replay->at("entry_id"), replay->at("cash_paid_fen"), true};
  if (admit) CREDO_RETURN_IF_ERROR(admit());
  if (disbursement_check_) CREDO_RETURN_IF_ERROR(disbursement_check_(request));
  const lending::LoanTerms& terms = request.schedule.terms;
  LoanRecord loan;
  loan.product = request.product;
  loan.customer_id = request.customer_id;
  loan.credit_line_id = credit_line_id;
  loan.terms = terms;
  loan.apr_irr_bps = request.schedule.apr_irr_bps;
  for (const lending::Installment& plan : request.schedule.installments) loan.installments.push_back({plan});
  CREDO_ASSIGN_OR_RETURN(loan.id, store_.InsertLoan(loan));

  JournalEntry entry{0, "disbursement", loan.id, terms.start, request.request_key, {}};
  AddDebit(entry, Account::kPrincipalReceivable, terms.principal_fen);
  AddCredit(entry, Account::kCash, cash_fen);
  AddCredit(entry, Account::kFeeIncome, terms.upfront_fee_fen + terms.merchant_discount_fen);
  CREDO_ASSIGN_OR_RETURN(const int64_t entry_id, Post(store_, entry));

  const json stored = {{"loan_id", loan.id}, {"entry_id", entry_id}, {"cash_paid_fen", cash_fen}};
  CREDO_RETURN_IF_ERROR(SaveResult(store_, request.request_key, fingerprint, stored));
  return OpenLoanResult{loan.id, entry_id, cash_fen, false};
}

Result<RepaymentResult> Ledger::Repay(const RepaymentRequest& request) {
  RepaymentResult result;
  CREDO_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    CREDO_ASSIGN_OR_RETURN(result, PostRepayment(request));
    return Status::Ok();
  }));
  return result;
}

Result<std::vector<RepaymentResult>> Ledger::RepayMany(const std::vector<RepaymentRequest>& requests) {
  std::vector<RepaymentResult> results;
  results.reserve(requests.size());
  CREDO_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    for (size_t k = 0; k < requests.size(); ++k) {
      Result<RepaymentResult> result = PostRepayment(requests[k]);
      if (!result.ok()) {
        const Status& s = result.status();
        return {s.code(), s.message(), "requests[" + std::to_string(k) + "]." + s.path()};
      }
      results.push_back(*result);
    }
    return Status::Ok();
  }));
  return results;
}

Result<RepaymentResult> Ledger::PostRepayment(const RepaymentRequest& request) {
  if (request.amount_fen <= 0) return Status::Invalid("the amount must be positive", "amount");
  if (request.amount_fen > lending::kMaxPrincipalFen)
    return Status::Invalid("the amount is too large", "amount");
  const std::string fingerprint = RepayFingerprint(request);

  CREDO_ASSIGN_OR_RETURN(std::optional<json> replay, Replay(store_, request.request_key, fingerprint));
  if (replay) {
    return RepaymentResult{request.loan_id,           replay->at("entry_id"),
                           request.amount_fen,        AllocationFromJson(replay->at("allocation")),
                           replay->at("loan_closed"), true};
  }
  CREDO_ASSIGN_OR_RETURN(LoanRecord loan, LoadActiveLoan(store_, request.loan_id));
  const std::vector<LoanInstallment> before = loan.installments;
  const Allocation split = AllocatePayment(loan.installments, request.amount_fen, DefaultAllocationOrder());
  // Interest and fees paid beyond what was recognised become income now.
  CREDO_RETURN_IF_ERROR(RecognisePaid(store_, loan, request.date, request.request_key));
  CREDO_ASSIGN_OR_RETURN(
      const int64_t entry_id,
      Post(store_, PaymentEntry({0, "repayment", loan.id, request.date, request.request_key, {}},
                                request.amount_fen, split, 0)));

  const bool closed = OwedFen(loan) == 0;
  loan.customer_credit_fen += split.overpayment_fen;
  if (closed) loan.status = LoanStatus::kClosed;
  CREDO_RETURN_IF_ERROR(store_.UpdateLoan(loan));

  const json stored = {{"entry_id", entry_id},
                       {"loan_id", loan.id},
                       {"amount_fen", request.amount_fen},
                       {"allocation", AllocationJson(split)},
                       {"paid_by_installment", PaidByInstallment(before, loan.installments)},
                       {"loan_closed", closed}};
  CREDO_RETURN_IF_ERROR(SaveResult(store_, request.request_key, fingerprint, stored));
  return RepaymentResult{loan.id, entry_id, request.amount_fen, split, closed, false};
}

Result<LoanRecord> Ledger::GetLoan(int64_t loan_id) {
  CREDO_ASSIGN_OR_RETURN(std::optional<LoanRecord> loan, store_.LoadLoan(loan_id));
  if (!loan) return Status::NotFound("no loan " + std::to_string(loan_id), "loan");
  return std::move(*loan);
}

}  // namespace credo::ledger
