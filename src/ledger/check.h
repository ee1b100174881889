// ledger/check.h — the ledger's invariants (`credo ledger check`) and its
// trial balance.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "ledger/accounts.h"
#include "ledger/store.h"

namespace credo::ledger {

// What a check found. Each problem names the entry, loan or account at fault.
struct CheckReport {
  int64_t loans = 0;
  int64_t debit_fen = 0;  // Σ debits of all lines
  int64_t credit_fen = 0;
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

// Verifies: every entry balances and each line has one positive side;
// debits = credits overall; each loan's sub-ledger (installments' recognised
// minus paid amounts, its customer credit) equals its balances on the control
// accounts, and the control accounts hold nothing outside a known loan; no
// receivable or paid amount is negative or above what is due; principal
// repaid never exceeds principal disbursed; a closed loan owes nothing; a
// closed or written-off loan holds nothing on its receivables (a written-off
// loan's sub-ledger counts as owing nothing on them); a loan drawn from a
// credit line refers to a line that exists.
Result<CheckReport> CheckLedger(LedgerStore& store);

// One row of the trial balance: an account's total debits and credits.
struct TrialBalanceRow {
  Account account = Account::kCash;
  int64_t debit_fen = 0;
  int64_t credit_fen = 0;
  // Debit − credit for debit-normal accounts, credit − debit otherwise.
  int64_t balance_fen() const {
    return IsDebitNormal(account) ? debit_fen - credit_fen : credit_fen - debit_fen;
  }
};

// Every account of the chart, in chart order, with its totals (0 if unused).
Result<std::vector<TrialBalanceRow>> TrialBalance(LedgerStore& store);

}  // namespace credo::ledger
