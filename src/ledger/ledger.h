// ledger/ledger.h — the money-moving operations on loans: open and disburse,
// repay, and the end-of-day batch. Each posts balanced journal entries and
// updates the loan's sub-ledger in one store transaction; open and repay take
// a request key (a repeated key returns the first call's result and posts
// nothing), the batch is idempotent per business date.
#pragma once

#include <cstdint>
#include <string>

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
};

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

// The operations, on a store the caller owns.
class Ledger {
 public:
  explicit Ledger(LedgerStore& store) : store_(store) {}

  // Opens and disburses a loan. Fails (nothing posted) on an empty request
  // key, a key used for a different request (kConflict) or a schedule whose
  // fees leave no cash to pay out.
  Result<OpenLoanResult> OpenLoan(const OpenLoanRequest& request);

  // Posts a repayment through the default waterfall (penalty, fee, interest,
  // principal; oldest installment first). Fails, posting nothing, on an
  // amount <= 0, an unknown loan (kNotFound) or a closed loan (kConflict).
  Result<RepaymentResult> Repay(const RepaymentRequest& request);

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

 private:
  LedgerStore& store_;
};

}  // namespace credo::ledger
