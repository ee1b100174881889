// ledger/records.h — what the ledger stores: journal entries and their
// lines, loans with their installments (the loan sub-ledger), and the
// results of money-moving requests kept for idempotency.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_date.h"
#include "core/status.h"
#include "ledger/accounts.h"
#include "lending/schedule.h"

namespace credo::ledger {

// One line of a journal entry: exactly one of debit_fen, credit_fen is > 0.
struct JournalLine {
  Account account = Account::kCash;
  int64_t loan_id = 0;  // the loan whose sub-ledger the line belongs to
  int64_t debit_fen = 0;
  int64_t credit_fen = 0;
};

// A balanced set of lines posted together.
struct JournalEntry {
  int64_t id = 0;    // assigned by the store
  std::string kind;  // "disbursement", "recognition", "repayment"
  int64_t loan_id = 0;
  CivilDate business_date;
  std::string request_key;
  std::vector<JournalLine> lines;
};

// Checks that every line has one positive side and the entry balances
// (Σ debits = Σ credits, at least two lines).
Status ValidateEntry(const JournalEntry& entry);

// An installment of a loan and what has been recognised and paid on it.
// Principal is recognised in full at disbursement; interest and fees are
// recognised (receivable, and income) when they are paid or, later, by the
// end-of-day accrual; penalty exists only once charged.
struct LoanInstallment {
  lending::Installment plan;
  int64_t interest_recognised_fen = 0;
  int64_t fee_recognised_fen = 0;
  int64_t penalty_charged_fen = 0;
  int64_t principal_paid_fen = 0;
  int64_t interest_paid_fen = 0;
  int64_t fee_paid_fen = 0;
  int64_t penalty_paid_fen = 0;

  // What is still owed on this installment, by component.
  int64_t principal_owed_fen() const { return plan.principal_fen - principal_paid_fen; }
  int64_t interest_owed_fen() const { return plan.interest_fen - interest_paid_fen; }
  int64_t fee_owed_fen() const { return plan.fee_fen - fee_paid_fen; }
  int64_t penalty_owed_fen() const { return penalty_charged_fen - penalty_paid_fen; }
  int64_t owed_fen() const {
    return principal_owed_fen() + interest_owed_fen() + fee_owed_fen() + penalty_owed_fen();
  }
};

// The twelve amounts of an installment the stores keep, in the order of the
// installments table's columns after its number and due date: the plan's
// principal, interest, fee, installment and remaining principal; interest
// and fee recognised, penalty charged; principal, interest, fee and penalty paid.
std::array<int64_t*, 12> StoredAmounts(LoanInstallment& i);
std::array<int64_t, 12> StoredAmounts(const LoanInstallment& i);

// Whether a loan still has anything owed: closed when repaid in full,
// written off when the lender gave up what was left (write-off expense).
enum class LoanStatus { kActive, kClosed, kWrittenOff };
// "active", "closed", "written_off".
const char* LoanStatusName(LoanStatus status);
Result<LoanStatus> ParseLoanStatus(std::string_view name);

// A loan as the ledger keeps it.
struct LoanRecord {
  int64_t id = 0;              // assigned by the store
  std::string product;         // product name, or "plain"
  std::string customer_id;     // the borrower ("" when the caller gave none)
  int64_t credit_line_id = 0;  // the revolving line it was drawn from, 0 for a standalone loan
  lending::LoanTerms terms;
  int64_t apr_irr_bps = 0;
  LoanStatus status = LoanStatus::kActive;
  int64_t customer_credit_fen = 0;  // overpayments held for the borrower
  std::vector<LoanInstallment> installments;
};

// Whether a revolving credit line can be drawn on.
enum class CreditLineStatus { kActive, kFrozen, kClosed };
// "active", "frozen", "closed".
const char* CreditLineStatusName(CreditLineStatus status);
Result<CreditLineStatus> ParseCreditLineStatus(std::string_view name);

// A revolving credit line (循环额度): draws become loans with their own
// schedules; available = limit − outstanding principal of its loans.
struct CreditLineRecord {
  int64_t id = 0;  // assigned by the store
  std::string customer_id;
  std::string product;  // the product its draws are priced with
  int64_t limit_fen = 0;
  CreditLineStatus status = CreditLineStatus::kActive;
  CivilDate opened;
};

// A change to a credit line, kept in order: kind "opened", "raised", "cut",
// "frozen", "unfrozen" or "closed", with the limit before and after.
struct CreditLineEvent {
  int64_t line_id = 0;
  CivilDate date;
  std::string kind;
  int64_t limit_before_fen = 0;
  int64_t limit_after_fen = 0;
  std::string request_key;
  std::string reason;
};

// The stored outcome of a money-moving request, keyed by its request key.
struct StoredRequest {
  std::string key;
  std::string fingerprint;  // the request's parameters; a reuse with others is refused
  std::string result_json;  // what the first call returned
};

// The state of the end-of-day batch for one business date. Each loan's work
// commits together with last_loan_id, so a run stopped midway resumes after it.
struct EodProgress {
  CivilDate business_date;
  // The latest date whose run had completed when this one started (none for the
  // first run): penalty for this run covers the days after it.
  std::optional<CivilDate> previous_date;
  int64_t last_loan_id = 0;  // loans up to this id are done
  bool completed = false;
};

// A loan's days past due and bucket, as of the last end-of-day run.
struct LoanAging {
  int64_t loan_id = 0;
  CivilDate business_date;
  int dpd_days = 0;
  std::string bucket;  // "M0" ... "M4+"
};

// Something the end-of-day batch noticed, for later modules (collections,
// reminders): kind "due_soon", "became_overdue" or "bucket_changed".
struct EodEvent {
  CivilDate business_date;
  int64_t loan_id = 0;
  std::string kind;
  std::string detail;  // e.g. "installment 3 due 2026-04-15 owes 250.11", "M0->M1"
};

}  // namespace credo::ledger
