// ledger/accounts.h — the chart of accounts of the loan ledger.
//
// Receivables and cash are assets (debit-normal); incomes, the customer
// credit held for a borrower (a liability) are credit-normal; the write-off
// expense is debit-normal. Accounts are stored by name, so the names are
// part of the database format.
#pragma once

#include <array>
#include <string_view>

#include "core/status.h"

namespace credo::ledger {

// One account of the chart.
enum class Account {
  kPrincipalReceivable,
  kInterestReceivable,
  kFeeReceivable,
  kPenaltyReceivable,
  kCash,  // cash / clearing: money paid out and received
  kInterestIncome,
  kFeeIncome,
  kPenaltyIncome,
  kWriteOffExpense,
  kCustomerCredit,  // overpayments held for the borrower
};

// Every account, in the order the trial balance lists them.
inline constexpr std::array<Account, 10> kAllAccounts = {Account::kPrincipalReceivable,
                                                         Account::kInterestReceivable,
                                                         Account::kFeeReceivable,
                                                         Account::kPenaltyReceivable,
                                                         Account::kCash,
                                                         Account::kInterestIncome,
                                                         Account::kFeeIncome,
                                                         Account::kPenaltyIncome,
                                                         Account::kWriteOffExpense,
                                                         Account::kCustomerCredit};

// The four receivables a loan's sub-ledger tracks.
inline constexpr std::array<Account, 4> kReceivableAccounts = {
    Account::kPenaltyReceivable, Account::kFeeReceivable, Account::kInterestReceivable,
    Account::kPrincipalReceivable};

// "principal_receivable", "cash", "customer_credit", ...
const char* AccountName(Account account);
// The inverse of AccountName.
Result<Account> ParseAccount(std::string_view name);
// True when the account's balance is normally a debit (assets, expenses).
bool IsDebitNormal(Account account);

}  // namespace credo::ledger
