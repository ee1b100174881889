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

std::array<int64_t*, 12> StoredAmounts(LoanInstallment& i) {
  return {&i.plan.principal_fen,
          &i.plan.interest_fen,
          &i.plan.fee_fen,
          &i.plan.installment_fen,
          &i.plan.remaining_principal_fen,
          &i.interest_recognised_fen,
          &i.fee_recognised_fen,
          &i.penalty_charged_fen,
          &i.principal_paid_fen,
          &i.interest_paid_fen,
          &i.fee_paid_fen,
          &i.penalty_paid_fen};
}

std::array<int64_t, 12> StoredAmounts(const LoanInstallment& i) {
  LoanInstallment copy = i;
  std::array<int64_t, 12> amounts{};
  const std::array<int64_t*, 12> fields = StoredAmounts(copy);
  for (size_t k = 0; k < fields.size(); ++k) amounts[k] = *fields[k];
  return amounts;
}

const char* LoanStatusName(LoanStatus status) {
  switch (status) {
    case LoanStatus::kActive:
      return "active";
    case LoanStatus::kClosed:
      return "closed";
    case LoanStatus::kWrittenOff:
      return "written_off";
  }
  return "?";
}

Result<LoanStatus> ParseLoanStatus(std::string_view name) {
  return lending::ParseEnumName(name, {LoanStatus::kActive, LoanStatus::kClosed, LoanStatus::kWrittenOff},
                                LoanStatusName, "loan status");
}

const char* CreditLineStatusName(CreditLineStatus status) {
  switch (status) {
    case CreditLineStatus::kActive:
      return "active";
    case CreditLineStatus::kFrozen:
      return "frozen";
    case CreditLineStatus::kClosed:
      return "closed";
  }
  return "?";
}

Result<CreditLineStatus> ParseCreditLineStatus(std::string_view name) {
  return lending::ParseEnumName(
      name, {CreditLineStatus::kActive, CreditLineStatus::kFrozen, CreditLineStatus::kClosed},
      CreditLineStatusName, "credit line status");
}

}  // namespace credo::ledger
