// Writing a loan off (docs/lending.md, "Write-off").
#include <nlohmann/json.hpp>
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

// Gives up what `loan` (active) still owes: Dr write_off_expense / Cr each
// receivable what it holds for the loan, recognised and unpaid. Interest and
// fees not yet recognised were never income, so nothing is given up on them.
Result<WriteOffResult> PostWriteOff(LedgerStore& store, const WriteOffRequest& request, LoanRecord& loan) {
  WriteOffResult result;
  result.loan_id = loan.id;
  result.principal_fen = ReceivableFen(loan, Account::kPrincipalReceivable);
  result.interest_fen = ReceivableFen(loan, Account::kInterestReceivable);
  result.fee_fen = ReceivableFen(loan, Account::kFeeReceivable);
  result.penalty_fen = ReceivableFen(loan, Account::kPenaltyReceivable);
  JournalEntry entry{0, "write_off", loan.id, request.date, request.request_key, {}};
  AddDebit(entry, Account::kWriteOffExpense,
           result.principal_fen + result.interest_fen + result.fee_fen + result.penalty_fen);
  AddCredit(entry, Account::kPenaltyReceivable, result.penalty_fen);
  AddCredit(entry, Account::kFeeReceivable, result.fee_fen);
  AddCredit(entry, Account::kInterestReceivable, result.interest_fen);
  AddCredit(entry, Account::kPrincipalReceivable, result.principal_fen);
  if (!entry.lines.empty()) {
    CREDO_ASSIGN_OR_RETURN(result.entry_id, Post(store, entry));
  }
  loan.status = LoanStatus::kWrittenOff;
  CREDO_RETURN_IF_ERROR(store.UpdateLoan(loan));
  return result;
}

}  // namespace

Result<WriteOffResult> Ledger::WriteOff(const WriteOffRequest& request) {
  return PostOnce<WriteOffResult>(
      store_, request.request_key, WriteOffFingerprint(request),
      [&](const json& stored) -> Result<WriteOffResult> {
        return WriteOffResult{request.loan_id,
                              stored.at("entry_id"),
                              stored.at("principal_fen"),
                              stored.at("interest_fen"),
                              stored.at("fee_fen"),
                              stored.at("penalty_fen"),
                              true};
      },
      [&]() -> Result<WriteOffResult> {
        CREDO_ASSIGN_OR_RETURN(LoanRecord loan, LoadActiveLoan(store_, request.loan_id));
        return PostWriteOff(store_, request, loan);
      },
      WriteOffJson);
}

}  // namespace credo::ledger
