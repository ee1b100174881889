// Writing a loan off (docs/lending.md, "Write-off").
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ledger/ledger.h"
#include "ledger/posting.h"

namespace credo::ledger {
namespace {

using nlohmann::json;

std::string WriteOffFingerprint(const WriteOffRequest& r) {
  return "write-off loan=" + std::to_string(r.loan_id) + " date=" + r.date.ToString() + " reason=" + r.reason;
}

json WriteOffJson(const WriteOffResult& r) {
  return {{"entry_id", r.entry_id},
          {"principal_fen", r.principal_fen},
          {"interest_fen", r.interest_fen},
          {"fee_fen", r.fee_fen},
          {"penalty_fen", r.penalty_fen}};
}

}  // namespace

Result<WriteOffResult> Ledger::WriteOff(const WriteOffRequest& request) {
  const std::string fingerprint = WriteOffFingerprint(request);
  WriteOffResult result;
  result.loan_id = request.loan_id;
  CREDO_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    CREDO_ASSIGN_OR_RETURN(std::optional<json> replay, Replay(store_, request.request_key, fingerprint));
    if (replay) {
      result = {request.loan_id,
                replay->at("entry_id"),
                replay->at("principal_fen"),
                replay->at("interest_fen"),
                replay->at("fee_fen"),
                replay->at("penalty_fen"),
                true};
      return Status::Ok();
    }
    CREDO_ASSIGN_OR_RETURN(LoanRecord loan, LoadActiveLoan(store_, request.loan_id));
    // What the receivables hold for the loan: recognised and unpaid. Interest
    // and fees not yet recognised were never income, so nothing is given up on them.
    for (const LoanInstallment& i : loan.installments) {
      result.principal_fen += i.principal_owed_fen();
      result.interest_fen += i.interest_recognised_fen - i.interest_paid_fen;
      result.fee_fen += i.fee_recognised_fen - i.fee_paid_fen;
      result.penalty_fen += i.penalty_owed_fen();
    }
    JournalEntry entry{0, "write_off", loan.id, request.date, request.request_key, {}};
    AddDebit(entry, Account::kWriteOffExpense,
             result.principal_fen + result.interest_fen + result.fee_fen + result.penalty_fen);
    AddCredit(entry, Account::kPenaltyReceivable, result.penalty_fen);
    AddCredit(entry, Account::kFeeReceivable, result.fee_fen);
    AddCredit(entry, Account::kInterestReceivable, result.interest_fen);
    AddCredit(entry, Account::kPrincipalReceivable, result.principal_fen);
    if (!entry.lines.empty()) {
      CREDO_ASSIGN_OR_RETURN(result.entry_id, Post(store_, entry));
    }
    loan.status = LoanStatus::kWrittenOff;
    CREDO_RETURN_IF_ERROR(store_.UpdateLoan(loan));
    return SaveResult(store_, request.request_key, fingerprint, WriteOffJson(result));
  }));
  return result;
}

}  // namespace credo::ledger
