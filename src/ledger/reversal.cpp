// Reversing a repayment (docs/lending.md, "Reversal"): the mirror of its
// entry, and each installment's paid amounts restored from the split stored
// with the repayment's result.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/posting.h"

namespace credo::ledger {
namespace {

using nlohmann::json;

std::string ReversalFingerprint(const ReversalRequest& r) {
  return "reverse loan=" + std::to_string(r.loan_id) + " repayment=" + r.repayment_key +
         " date=" + r.date.ToString() + " reason=" + r.reason;
}

// The request key under which the reversal of repayment `key` is recorded,
// so that a repayment is reversed at most once.
std::string ReversedMarker(const std::string& key) { return std::string(kReversalMarkerPrefix) + key; }

// The stored result of the repayment `request.repayment_key` of the loan;
// fails when there is none, or it cannot be reversed.
Result<json> FindRepayment(LedgerStore& store, const ReversalRequest& request) {
  const std::string& key = request.repayment_key;
  if (key.empty()) return Status::Invalid("the key of the repayment to reverse is required", "repayment_key");
  CREDO_ASSIGN_OR_RETURN(std::optional<StoredRequest> stored, store.FindRequest(key));
  const std::string loan = "loan=" + std::to_string(request.loan_id) + " ";
  if (stored && stored->fingerprint.starts_with("prepay " + loan)) {
    return Conflict("'" + key + "' is a prepayment, which changed the schedule: it cannot be reversed",
                    "repayment_key");
  }
  if (!stored || !stored->fingerprint.starts_with("repay " + loan)) {
    return Status::NotFound("loan " + std::to_string(request.loan_id) + " has no repayment '" + key + "'",
                            "repayment_key");
  }
  json repayment = json::parse(stored->result_json);
  if (!repayment.contains("paid_by_installment")) {
    return Conflict("repayment '" + key + "' was posted before reversals were recorded", "repayment_key");
  }
  CREDO_ASSIGN_OR_RETURN(std::optional<StoredRequest> reversed, store.FindRequest(ReversedMarker(key)));
  if (reversed) {
    return Conflict("repayment '" + key + "' was already reversed (" + reversed->result_json + ")",
                    "repayment_key");
  }
  return repayment;
}

// Refuses when a prepayment was posted on the loan after the repayment's
// entry `entry_id`: it re-scheduled or waived what the repayment paid into.
Status CheckNoLaterPrepayment(LedgerStore& store, int64_t loan_id, int64_t entry_id) {
  CREDO_ASSIGN_OR_RETURN(const std::vector<JournalEntry> entries, store.EntriesOfLoan(loan_id));
  for (const JournalEntry& e : entries) {
    if (e.kind == "prepayment" && e.id > entry_id) {
      return Conflict("a prepayment (" + e.request_key + ") re-scheduled the loan after this repayment",
                      "repayment_key");
    }
  }
  return Status::Ok();
}

// Takes back from each installment what the repayment paid on it; fails
// when an installment is gone or holds less paid than that.
Status RestoreInstallments(LoanRecord& loan, const json& paid_by_installment) {
  for (const json& row : paid_by_installment) {
    const int number = row.at("number");
    LoanInstallment* i = nullptr;
    for (LoanInstallment& candidate : loan.installments) {
      if (candidate.plan.number == number) i = &candidate;
    }
    const Allocation paid{row.at("penalty_fen"), row.at("fee_fen"), row.at("interest_fen"),
                          row.at("principal_fen"), 0};
    if (i == nullptr || i->penalty_paid_fen < paid.penalty_fen || i->fee_paid_fen < paid.fee_fen ||
        i->interest_paid_fen < paid.interest_fen || i->principal_paid_fen < paid.principal_fen) {
      return Conflict("the schedule changed since the repayment (installment " + std::to_string(number) + ")",
                      "repayment_key");
    }
    i->penalty_paid_fen -= paid.penalty_fen;
    i->fee_paid_fen -= paid.fee_fen;
    i->interest_paid_fen -= paid.interest_fen;
    i->principal_paid_fen -= paid.principal_fen;
  }
  return Status::Ok();
}

// `entry` with every line on the other side.
JournalEntry Mirror(JournalEntry entry) {
  for (JournalLine& line : entry.lines) std::swap(line.debit_fen, line.credit_fen);
  return entry;
}

json ReversalJson(const ReversalResult& r) {
  return {{"entry_id", r.entry_id},
          {"amount_fen", r.amount_fen},
          {"allocation", AllocationJson(r.allocation)},
          {"loan_reopened", r.loan_reopened}};
}

// Posts the mirror of the repayment's entry, restores what it paid on each
// installment and reopens the loan when it had closed it; marks the
// repayment reversed.
Result<ReversalResult> PostReversal(LedgerStore& store, const ReversalRequest& request) {
  CREDO_ASSIGN_OR_RETURN(const json repayment, FindRepayment(store, request));
  CREDO_ASSIGN_OR_RETURN(std::optional<LoanRecord> found, store.LoadLoan(request.loan_id));
  if (!found) return Status::NotFound("no loan " + std::to_string(request.loan_id), "loan");
  LoanRecord& loan = *found;
  if (loan.status == LoanStatus::kWrittenOff) {
    return Conflict("loan " + std::to_string(loan.id) + " is written off", "loan");
  }
  const Allocation split = AllocationFromJson(repayment.at("allocation"));
  if (loan.customer_credit_fen < split.overpayment_fen) {
    return Conflict("the overpayment held as customer credit has been used since", "repayment_key");
  }
  CREDO_RETURN_IF_ERROR(CheckNoLaterPrepayment(store, loan.id, repayment.at("entry_id")));
  CREDO_RETURN_IF_ERROR(RestoreInstallments(loan, repayment.at("paid_by_installment")));
  const int64_t amount_fen = repayment.at("amount_fen");
  const JournalEntry paid =
      PaymentEntry({0, "reversal", loan.id, request.date, request.request_key, {}}, amount_fen, split, 0);
  CREDO_ASSIGN_OR_RETURN(const int64_t entry_id, Post(store, Mirror(paid)));
  loan.customer_credit_fen -= split.overpayment_fen;
  const bool reopened = loan.status == LoanStatus::kClosed && OwedFen(loan) > 0;
  if (reopened) loan.status = LoanStatus::kActive;
  CREDO_RETURN_IF_ERROR(store.UpdateLoan(loan));
  CREDO_RETURN_IF_ERROR(SaveResult(store, ReversedMarker(request.repayment_key),
                                   "reversal of " + request.repayment_key, request.request_key));
  return ReversalResult{loan.id, entry_id, amount_fen, split, reopened, false};
}

}  // namespace

Result<ReversalResult> Ledger::ReverseRepayment(const ReversalRequest& request) {
  return PostOnce<ReversalResult>(
      store_, request.request_key, ReversalFingerprint(request),
      [&](const json& stored) -> Result<ReversalResult> {
        return ReversalResult{request.loan_id,
                              stored.at("entry_id"),
                              stored.at("amount_fen"),
                              AllocationFromJson(stored.at("allocation")),
                              stored.at("loan_reopened"),
                              true};
      },
      [&] { return PostReversal(store_, request); }, ReversalJson);
}

}  // namespace credo::ledger
