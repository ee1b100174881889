#include "ledger/accounts.h"

#include <string>

namespace credo::ledger {

const char* AccountName(Account account) {
  switch (account) {
    case Account::kPrincipalReceivable:
      return "principal_receivable";
    case Account::kInterestReceivable:
      return "interest_receivable";
    case Account::kFeeReceivable:
      return "fee_receivable";
    case Account::kPenaltyReceivable:
      return "penalty_receivable";
    case Account::kCash:
      return "cash";
    case Account::kInterestIncome:
      return "interest_income";
    case Account::kFeeIncome:
      return "fee_income";
    case Account::kPenaltyIncome:
      return "penalty_income";
    case Account::kWriteOffExpense:
      return "write_off_expense";
    case Account::kCustomerCredit:
      return "customer_credit";
  }
  return "?";
}

Result<Account> ParseAccount(std::string_view name) {
  for (Account account : kAllAccounts) {
    if (name == AccountName(account)) return account;
  }
  return Status::Invalid("unknown account '" + std::string(name) + "'");
}

bool IsDebitNormal(Account account) {
  switch (account) {
    case Account::kPrincipalReceivable:
    case Account::kInterestReceivable:
    case Account::kFeeReceivable:
    case Account::kPenaltyReceivable:
    case Account::kCash:
    case Account::kWriteOffExpense:
      return true;
    default:
      return false;
  }
}

}  // namespace credo::ledger
