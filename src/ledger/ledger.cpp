#include "ledger/ledger.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ledger/posting.h"

namespace credo::ledger {
namespace {

using nlohmann::json;

// Looks up `key`: nullopt when it is new, the stored result when it was used
// for the same request, a conflict when it was used for another.
Result<std::optional<json>> Replay(LedgerStore& store, const std::string& key,
                                   const std::string& fingerprint) {
  if (key.empty()) return Status::Invalid("a request key is required", "request_key");
  CREDO_ASSIGN_OR_RETURN(std::optional<StoredRequest> stored, store.FindRequest(key));
  if (!stored) return std::optional<json>();
  if (stored->fingerprint != fingerprint) {
    return Status(ErrorCode::kConflict,
                  "request key '" + key + "' was used for another request (" + stored->fingerprint + ")",
                  "request_key");
  }
  return std::optional<json>(json::parse(stored->result_json));
}

std::string OpenFingerprint(const OpenLoanRequest& r) {
  const lending::LoanTerms& t = r.schedule.terms;
  return "open product=" + r.product + " customer=" + r.customer_id + " method=" + lending::RepaymentMethodName(t.method) +
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

json AllocationJson(const Allocation& a) {
  return {{"penalty_fen", a.penalty_fen},
          {"fee_fen", a.fee_fen},
          {"interest_fen", a.interest_fen},
          {"principal_fen", a.principal_fen},
          {"overpayment_fen", a.overpayment_fen}};
}

}  // namespace

Result<OpenLoanResult> Ledger::OpenLoan(const OpenLoanRequest& request) {
  const lending::LoanTerms& terms = request.schedule.terms;
  CREDO_RETURN_IF_ERROR(lending::ValidateTerms(terms));
  if (request.schedule.installments.empty()) return Status::Invalid("the schedule has no installments");
  const int64_t kept_fen = terms.upfront_fee_fen + terms.merchant_discount_fen;
  const int64_t cash_fen = terms.principal_fen - kept_fen;
  if (cash_fen <= 0) return Status::Invalid("fees leave no cash to disburse", "upfront_fee");
  const std::string fingerprint = OpenFingerprint(request);

  OpenLoanResult result;
  CREDO_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    CREDO_ASSIGN_OR_RETURN(std::optional<json> replay, Replay(store_, request.request_key, fingerprint));
    if (replay) {
      result = {replay->at("loan_id"), replay->at("entry_id"), replay->at("cash_paid_fen"), true};
      return Status::Ok();
    }
    if (disbursement_check_) CREDO_RETURN_IF_ERROR(disbursement_check_(request));
    LoanRecord loan;
    loan.product = request.product;
    loan.customer_id = request.customer_id;
    loan.terms = terms;
    loan.apr_irr_bps = request.schedule.apr_irr_bps;
    for (const lending::Installment& plan : request.schedule.installments)
      loan.installments.push_back({plan});
    CREDO_ASSIGN_OR_RETURN(loan.id, store_.InsertLoan(loan));

    JournalEntry entry{0, "disbursement", loan.id, terms.start, request.request_key, {}};
    entry.lines.push_back({Account::kPrincipalReceivable, loan.id, terms.principal_fen, 0});
    AddCredit(entry, Account::kCash, cash_fen);
    AddCredit(entry, Account::kFeeIncome, kept_fen);
    CREDO_ASSIGN_OR_RETURN(const int64_t entry_id, Post(store_, entry));

    result = {loan.id, entry_id, cash_fen, false};
    const json stored = {{"loan_id", loan.id}, {"entry_id", entry_id}, {"cash_paid_fen", cash_fen}};
    return store_.SaveRequest({request.request_key, fingerprint, stored.dump()});
  }));
  return result;
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
  if (request.amount_fen > lending::kMaxPrincipalFen) return Status::Invalid("the amount is too large", "amount");
  const std::string fingerprint = RepayFingerprint(request);

  RepaymentResult result;
  CREDO_ASSIGN_OR_RETURN(std::optional<json> replay, Replay(store_, request.request_key, fingerprint));
  if (replay) {
    const json& a = replay->at("allocation");
    result.loan_id = request.loan_id;
    result.entry_id = replay->at("entry_id");
    result.amount_fen = request.amount_fen;
    result.allocation = {a.at("penalty_fen"), a.at("fee_fen"), a.at("interest_fen"), a.at("principal_fen"),
                         a.at("overpayment_fen")};
    result.loan_closed = replay->at("loan_closed");
    result.replayed = true;
    return result;
  }
  CREDO_ASSIGN_OR_RETURN(std::optional<LoanRecord> found, store_.LoadLoan(request.loan_id));
  if (!found) return Status::NotFound("no loan " + std::to_string(request.loan_id), "loan");
  LoanRecord& loan = *found;
  if (loan.status != LoanStatus::kActive) {
    return Status(ErrorCode::kConflict,
                  "loan " + std::to_string(loan.id) + " is " + LoanStatusName(loan.status), "loan");
  }

  const Allocation split = AllocatePayment(loan.installments, request.amount_fen, DefaultAllocationOrder());
  // Interest and fees paid beyond what was recognised become income now.
  CREDO_RETURN_IF_ERROR(
      Recognise(store_, loan, {0, "recognition", loan.id, request.date, request.request_key, {}},
                [](const LoanInstallment& i) { return std::pair(i.interest_paid_fen, i.fee_paid_fen); })
          .status());

  JournalEntry payment{0, "repayment", loan.id, request.date, request.request_key, {}};
  payment.lines.push_back({Account::kCash, loan.id, request.amount_fen, 0});
  AddCredit(payment, Account::kPenaltyReceivable, split.penalty_fen);
  AddCredit(payment, Account::kFeeReceivable, split.fee_fen);
  AddCredit(payment, Account::kInterestReceivable, split.interest_fen);
  AddCredit(payment, Account::kPrincipalReceivable, split.principal_fen);
  AddCredit(payment, Account::kCustomerCredit, split.overpayment_fen);
  CREDO_ASSIGN_OR_RETURN(const int64_t entry_id, Post(store_, payment));

  int64_t owed_fen = 0;
  for (const LoanInstallment& i : loan.installments) owed_fen += i.owed_fen();
  loan.customer_credit_fen += split.overpayment_fen;
  if (owed_fen == 0) loan.status = LoanStatus::kClosed;
  CREDO_RETURN_IF_ERROR(store_.UpdateLoan(loan));

  result = {loan.id, entry_id, request.amount_fen, split, owed_fen == 0, false};
  const json stored = {{"entry_id", entry_id}, {"allocation", AllocationJson(split)}, {"loan_closed", owed_fen == 0}};
  CREDO_RETURN_IF_ERROR(store_.SaveRequest({request.request_key, fingerprint, stored.dump()}));
  return result;
}

Result<LoanRecord> Ledger::GetLoan(int64_t loan_id) {
  CREDO_ASSIGN_OR_RETURN(std::optional<LoanRecord> loan, store_.LoadLoan(loan_id));
  if (!loan) return Status::NotFound("no loan " + std::to_string(loan_id), "loan");
  return std::move(*loan);
}

}  // namespace credo::ledger
