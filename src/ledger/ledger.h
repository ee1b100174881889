// ledger/ledger.h — the money-moving operations on loans: open and disburse,
// draw on a credit line, repay, reverse a repayment, quote and prepay, write
// off, and the end-of-day batch. Each posts balanced journal entries and
// updates the loan's sub-ledger in one store transaction; each takes a request
// key (a repeated key returns the first call's result and posts nothing), the
// batch is idempotent per business date.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "core/status.h"
#include "ledger/allocation.h"
#include "ledger/eod.h"
#include "ledger/records.h"
#include "ledger/store.h"
#include "lending/schedule.h"

namespace credo::ledger {

// Opening a loan from a priced schedule (lending::PriceOffer).
struct OpenLoanRequest {
  std::string request_key;
  std::string product = "plain";  // the product's name, or "plain"
  lending::Schedule schedule;
  std::string customer_id = {};  // the borrower; optional for a standalone loan
};

// The pre-disbursement check (the second scan before money moves): called
// inside OpenLoan and Draw before anything is posted; a non-Ok Status
// refuses the loan with that Status (the server's calls a decision strategy).
using DisbursementCheck = std::function<Status(const OpenLoanRequest&)>;

// What opening a loan did. The disbursement entry is
//   Dr principal_receivable principal / Cr cash cash_paid / Cr fee_income
//   upfront fee + merchant discount (when any).
struct OpenLoanResult {
  int64_t loan_id = 0;
  int64_t entry_id = 0;
  int64_t cash_paid_fen = 0;  // principal − upfront fee − merchant discount
  bool replayed = false;      // true when the request key had been used before
};

// A payment received for a loan.
struct RepaymentRequest {
  std::string request_key;
  int64_t loan_id = 0;
  int64_t amount_fen = 0;  // > 0
  CivilDate date;          // business date of the payment
};

// What a repayment did: the waterfall's split; the entry is Dr cash amount /
// Cr each receivable its share / Cr customer_credit the overpayment.
// Interest and fees paid before they were recognised are recognised first in
// a "recognition" entry (Dr receivable / Cr income).
struct RepaymentResult {
  int64_t loan_id = 0;
  int64_t entry_id = 0;
  int64_t amount_fen = 0;
  Allocation allocation;
  bool loan_closed = false;  // nothing is owed after this payment
  bool replayed = false;
};

// What a full repayment would take on a date (no request key: it moves no
// money). Overdue interest, fees and penalty in full, the current period's
// interest and fee accrued by day, future interest and fees waived.
struct PayoffQuote {
  int64_t loan_id = 0;
  CivilDate date;
  int64_t principal_fen = 0;
  int64_t interest_fen = 0;
  int64_t fee_fen = 0;
  int64_t penalty_fen = 0;
  int64_t customer_credit_fen = 0;  // already held for the borrower, deducted
  int64_t total_fen = 0;            // what to pay: the components − customer credit (>= 0)
};

// What a partial prepayment does to the rest of the schedule.
enum class PrepaymentMode {
  kPayoff,           // the amount must cover the payoff quote; the loan closes
  kShortenTerm,      // same installment, fewer installments
  kLowerInstallment  // same term, a lower installment
};
// "payoff", "shorten-term", "lower-installment".
const char* PrepaymentModeName(PrepaymentMode mode);
Result<PrepaymentMode> ParsePrepaymentMode(std::string_view name);

// Money paid ahead of schedule.
struct PrepaymentRequest {
  std::string request_key;
  int64_t loan_id = 0;
  int64_t amount_fen = 0;  // > 0; for kPayoff at least the quote's total
  CivilDate date;
  PrepaymentMode mode = PrepaymentMode::kPayoff;
};

// What a prepayment did: what it paid of what was due (the waterfall), the
// principal it paid ahead, the schedule after it.
struct PrepaymentResult {
  int64_t loan_id = 0;
  int64_t entry_id = 0;
  int64_t amount_fen = 0;
  Allocation allocation;  // principal_fen includes principal_prepaid_fen
  int64_t principal_prepaid_fen = 0;
  int remaining_installments = 0;
  int64_t next_installment_fen = 0;  // of the first unpaid installment, 0 when closed
  bool loan_closed = false;
  bool replayed = false;
};

// Undoing a repayment (a bounced transfer, a payment posted to the wrong loan).
struct ReversalRequest {
  std::string request_key;
  int64_t loan_id = 0;
  std::string repayment_key;  // the request key the repayment was posted with
  CivilDate date;
  std::string reason;
};

// What a reversal did: the mirror entry of the repayment, and the loan
// reopened when the repayment had closed it.
struct ReversalResult {
  int64_t loan_id = 0;
  int64_t entry_id = 0;
  int64_t amount_fen = 0;
  Allocation allocation;  // what was taken back, by component
  bool loan_reopened = false;
  bool replayed = false;
};

// Giving up what a loan still owes.
struct WriteOffRequest {
  std::string request_key;
  int64_t loan_id = 0;
  CivilDate date;
  std::string reason;
};

// What a write-off did: Dr write_off_expense / Cr each receivable by what was
// outstanding on it (recognised and unpaid); the loan becomes written_off.
struct WriteOffResult {
  int64_t loan_id = 0;
  int64_t entry_id = 0;
  int64_t principal_fen = 0;
  int64_t interest_fen = 0;
  int64_t fee_fen = 0;
  int64_t penalty_fen = 0;
  bool replayed = false;
};

// How late a borrower is across all their loans.
struct CustomerDelinquency {
  std::string customer_id;
  int64_t loans = 0;         // every loan of the customer
  int64_t active_loans = 0;  // still owing
  int dpd_days = 0;          // the worst of their active loans', as of the last end-of-day run
  std::string bucket;        // of dpd_days
  int64_t outstanding_principal_fen = 0;
};

// Opening a revolving credit line.
struct OpenCreditLineRequest {
  std::string request_key;
  std::string customer_id;
  std::string product;  // the product draws are priced with
  int64_t limit_fen = 0;
  CivilDate date;
};

// A credit line with what is drawn and what is left.
struct CreditLineView {
  CreditLineRecord line;
  int64_t outstanding_principal_fen = 0;  // of its active loans
  int64_t available_fen = 0;              // limit − outstanding (0 when frozen or closed, never < 0)
  std::vector<int64_t> loan_ids;
  bool replayed = false;  // an open or a change whose request key was used before: the line as it is now
};

// A change of limit or status: kind "raise", "cut", "freeze", "unfreeze" or "close".
struct LimitChangeRequest {
  std::string request_key;
  int64_t line_id = 0;
  std::string kind;
  int64_t new_limit_fen = 0;  // for raise and cut
  CivilDate date;
  std::string reason;
  // For a raise: whether the line's product allows the new limit (in
  // practice lending::CheckCreditLimit against its credit_line.max_limit).
  // Asked only when the raise is new: a replay answers as first answered,
  // whatever the product says now. Unset: not checked.
  std::function<Status(const CreditLineRecord& line, int64_t new_limit_fen)> check_raise;
};

// A draw on a credit line: a loan priced by the caller from the line's
// product; refused (kConflict) over the available limit or on a frozen line.
struct DrawRequest {
  std::string request_key;
  int64_t line_id = 0;
  lending::Schedule schedule;
};

// The operations, on a store the caller owns.
class Ledger {
 public:
  explicit Ledger(LedgerStore& store) : store_(store) {}

  // Sets the pre-disbursement check OpenLoan and Draw call (none by default).
  void SetDisbursementCheck(DisbursementCheck check) { disbursement_check_ = std::move(check); }

  // Opens and disburses a loan. Fails (nothing posted) on an empty request
  // key, a key used for a different request (kConflict) or a schedule whose
  // fees leave no cash to pay out.
  Result<OpenLoanResult> OpenLoan(const OpenLoanRequest& request);

  // Posts a repayment through the default waterfall (penalty, fee, interest,
  // principal; oldest installment first). Fails, posting nothing, on an
  // amount <= 0, an unknown loan (kNotFound) or a closed loan (kConflict).
  Result<RepaymentResult> Repay(const RepaymentRequest& request);
  // Posts many repayments (a bank's settlement file) in one transaction:
  // all or none; a failure names the request ("requests[3].amount").
  Result<std::vector<RepaymentResult>> RepayMany(const std::vector<RepaymentRequest>& requests);

  // The end-of-day batch for `business_date` (eod.cpp, docs/lending.md): for
  // every active loan, in one transaction each, recognises the interest and
  // fees of installments due by then, charges penalty interest on overdue
  // principal for the days since the previous run, records the loan's DPD and
  // bucket and the events it noticed. A date already run posts nothing
  // (already_done); an unfinished run of the date resumes after its last loan.
  // Fails on a date before the latest run, or after an unfinished one.
  Result<EodSummary> RunEndOfDay(CivilDate business_date, const EodPolicies& policies = {});

  // The loan `loan_id` with its installments (kNotFound if none).
  Result<LoanRecord> GetLoan(int64_t loan_id);

  // What paying the loan off on `date` takes (kNotFound, kConflict when not active).
  Result<PayoffQuote> QuotePayoff(int64_t loan_id, CivilDate date);
  // Pays ahead of schedule: kPayoff closes the loan (the amount must cover
  // the quote; any excess becomes customer credit); the partial modes pay
  // what is due first, then principal, and re-schedule the rest.
  Result<PrepaymentResult> Prepay(const PrepaymentRequest& request);
  // Reverses the repayment or prepayment posted with `repayment_key` on this loan.
  Result<ReversalResult> ReverseRepayment(const ReversalRequest& request);
  // Writes off what an active loan still owes.
  Result<WriteOffResult> WriteOff(const WriteOffRequest& request);
  // A borrower's loans and worst days past due (kNotFound when they have none).
  Result<CustomerDelinquency> GetCustomerDelinquency(const std::string& customer_id);

  // Opens a credit line (event "opened"); a repeated key returns the line.
  Result<CreditLineView> OpenCreditLine(const OpenCreditLineRequest& request);
  // The line `line_id` with what is drawn and available (kNotFound if none).
  Result<CreditLineView> GetCreditLine(int64_t line_id);
  // Raises, cuts, freezes, unfreezes or closes a line, recording the event.
  Result<CreditLineView> ChangeCreditLimit(const LimitChangeRequest& request);
  // Opens a loan on the line, like OpenLoan, within its available limit.
  Result<OpenLoanResult> Draw(const DrawRequest& request);

 private:
  // Repay's work, inside the caller's transaction.
  Result<RepaymentResult> PostRepayment(const RepaymentRequest& request);
  // OpenLoan's and Draw's work, inside the caller's transaction: replays the
  // request key, runs `admit` (Draw's limit check; may be empty) and the
  // disbursement check, stores the loan (drawn from line `credit_line_id`, 0
  // for none) and posts its disbursement.
  Result<OpenLoanResult> PostDisbursement(const OpenLoanRequest& request, int64_t credit_line_id,
                                          const std::function<Status()>& admit);

  LedgerStore& store_;
  DisbursementCheck disbursement_check_;
};

}  // namespace credo::ledger
