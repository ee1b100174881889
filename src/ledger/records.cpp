#include "ledger/records.h"

#include <string>

#include "lending/enum_names.h"

namespace credo::ledger {

Status ValidateEntry(const JournalEntry& entry) {
  if (entry.lines.size() < 2) return Status::Invalid("a journal entry needs at least two lines");
  int64_t debits = 0;
  int64_t credits = 0;
  for (size_t i = 0; i < entry.lines.size(); ++i) {
    const JournalLine& line = entry.lines[i];
    const bool one_side =
        (line.debit_fen > 0 && line.credit_fen == 0) || (line.credit_fen > 0 && line.debit_fen == 0);
    if (!one_side) {
      return Status::Invalid("line " + std::to_string(i + 1) + " (" + AccountName(line.account) +
                             ") must have exactly one positive side");
    }
    debits += line.debit_fen;
    credits += line.credit_fen;
  }
  if (debits != credits) {
    return Status::Invalid("unbalanced journal entry: debits " + std::to_string(debits) + " fen, credits " +
                           std::to_string(credits) + " fen");
  }
  return Status::Ok();
}

const char* LoanStatusName(LoanStatus status) { return status == LoanStatus::kActive ? "active" : "closed"; }

Result<LoanStatus> ParseLoanStatus(std::string_view name) {
  return lending::ParseEnumName(name, {LoanStatus::kActive, LoanStatus::kClosed}, LoanStatusName,
                                "loan status");
}

}  // namespace credo::ledger
