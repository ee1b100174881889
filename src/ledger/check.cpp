#include "ledger/check.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "ledger/posting.h"

namespace credo::ledger {
namespace {

// Problems of one installment's amounts (negative, or paid above due).
void CheckInstallment(const LoanRecord& loan, const LoanInstallment& i, std::vector<std::string>& problems) {
  const std::string where =
      "loan " + std::to_string(loan.id) + " installment " + std::to_string(i.plan.number);
  const std::pair<const char*, std::pair<int64_t, int64_t>> bounds[] = {
      {"principal paid", {i.principal_paid_fen, i.plan.principal_fen}},
      {"interest recognised", {i.interest_recognised_fen, i.plan.interest_fen}},
      {"interest paid", {i.interest_paid_fen, i.interest_recognised_fen}},
      {"fee recognised", {i.fee_recognised_fen, i.plan.fee_fen}},
      {"fee paid", {i.fee_paid_fen, i.fee_recognised_fen}},
      {"penalty paid", {i.penalty_paid_fen, i.penalty_charged_fen}},
  };
  for (const auto& [what, b] : bounds) {
    if (b.first < 0 || b.first > b.second) {
      problems.push_back(where + ": " + what + " " + std::to_string(b.first) + " fen outside [0, " +
                         std::to_string(b.second) + "]");
    }
  }
}

}  // namespace

Result<CheckReport> CheckLedger(LedgerStore& store) {
  CheckReport report;
  CREDO_ASSIGN_OR_RETURN(std::vector<EntryTotals> faulty, store.FaultyEntries());
  for (const EntryTotals& e : faulty) {
    report.problems.push_back("entry " + std::to_string(e.entry_id) + ": debits " +
                              std::to_string(e.debit_fen) + " fen, credits " + std::to_string(e.credit_fen) +
                              " fen, " + std::to_string(e.line_count) + " lines, " +
                              std::to_string(e.bad_lines) + " without exactly one positive side");
  }
  // Per-loan balances from the journal; their sums are the totals of the
  // whole journal (every line belongs to one loan and account), so one scan serves both.
  CREDO_ASSIGN_OR_RETURN(std::vector<AccountTotals> by_loan, store.TotalsByLoanAndAccount());
  std::map<std::pair<int64_t, Account>, int64_t> journal;  // normal-side balance
  for (const AccountTotals& t : by_loan) {
    report.debit_fen += t.debit_fen;
    report.credit_fen += t.credit_fen;
    journal[{t.loan_id, t.account}] =
        IsDebitNormal(t.account) ? t.debit_fen - t.credit_fen : t.credit_fen - t.debit_fen;
  }
  if (report.debit_fen != report.credit_fen) {
    report.problems.push_back("debits " + std::to_string(report.debit_fen) + " fen != credits " +
                              std::to_string(report.credit_fen) + " fen");
  }
  std::vector<Account> controls(kReceivableAccounts.begin(), kReceivableAccounts.end());
  controls.push_back(Account::kCustomerCredit);

  CREDO_ASSIGN_OR_RETURN(std::vector<int64_t> ids, store.LoanIds());
  report.loans = static_cast<int64_t>(ids.size());
  for (int64_t id : ids) {
    CREDO_ASSIGN_OR_RETURN(std::optional<LoanRecord> loan, store.LoadLoan(id));
    if (!loan) return Status::Internal("loan " + std::to_string(id) + " vanished during the check");
    const std::string where = "loan " + std::to_string(id);
    int64_t scheduled_fen = 0;
    int64_t repaid_fen = 0;
    int64_t owed_fen = 0;
    for (const LoanInstallment& i : loan->installments) {
      CheckInstallment(*loan, i, report.problems);
      scheduled_fen += i.plan.principal_fen;
      repaid_fen += i.principal_paid_fen;
      owed_fen += i.owed_fen();
    }
    if (scheduled_fen != loan->terms.principal_fen) {
      report.problems.push_back(where + ": installments' principal " + std::to_string(scheduled_fen) +
                                " fen != principal lent " + std::to_string(loan->terms.principal_fen) +
                                " fen");
    }
    const int64_t disbursed_fen =
        journal.count({id, Account::kPrincipalReceivable}) != 0 ? loan->terms.principal_fen : 0;
    if (repaid_fen > disbursed_fen) {
      report.problems.push_back(where + ": principal repaid " + std::to_string(repaid_fen) +
                                " fen > disbursed " + std::to_string(disbursed_fen) + " fen");
    }
    if (loan->status == LoanStatus::kClosed && owed_fen != 0) {
      report.problems.push_back(where + ": closed but owes " + std::to_string(owed_fen) + " fen");
    }
    if (loan->customer_credit_fen < 0) report.problems.push_back(where + ": negative customer credit");
    if (loan->credit_line_id != 0) {
      CREDO_ASSIGN_OR_RETURN(const std::optional<CreditLineRecord> line,
                             store.LoadCreditLine(loan->credit_line_id));
      if (!line) {
        report.problems.push_back(where + ": drawn from credit line " + std::to_string(loan->credit_line_id) +
                                  ", which does not exist");
      }
    }
    for (Account account : controls) {
      auto it = journal.find({id, account});
      const int64_t booked_fen = it == journal.end() ? 0 : it->second;
      if (it != journal.end()) journal.erase(it);
      const int64_t expected_fen = ReceivableFen(*loan, account);
      if (booked_fen != expected_fen) {
        report.problems.push_back(where + ": " + AccountName(account) + " is " + std::to_string(booked_fen) +
                                  " fen in the journal, " + std::to_string(expected_fen) +
                                  " fen in the sub-ledger");
      }
      if (booked_fen < 0) {
        report.problems.push_back(where + ": " + AccountName(account) + " is negative");
      }
    }
  }
  // What is left on a control account belongs to no known loan.
  for (const auto& [key, balance] : journal) {
    const bool control = key.second == Account::kCustomerCredit ||
                         std::find(kReceivableAccounts.begin(), kReceivableAccounts.end(), key.second) !=
                             kReceivableAccounts.end();
    if (control && balance != 0) {
      report.problems.push_back(std::string(AccountName(key.second)) + " holds " + std::to_string(balance) +
                                " fen for loan " + std::to_string(key.first) + ", which does not exist");
    }
  }
  return report;
}

Result<std::vector<TrialBalanceRow>> TrialBalance(LedgerStore& store) {
  CREDO_ASSIGN_OR_RETURN(std::vector<AccountTotals> totals, store.TotalsByAccount());
  std::vector<TrialBalanceRow> rows;
  for (Account account : kAllAccounts) {
    TrialBalanceRow row{account};
    for (const AccountTotals& t : totals) {
      if (t.account == account) row = {account, t.debit_fen, t.credit_fen};
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace credo::ledger
