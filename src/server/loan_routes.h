// server/loan_routes.h — the loan servicing API of `credo serve` (docs/api.md,
// "Loans and credit lines"): open loans and credit lines, repay, quote,
// prepay, reverse, write off, draw, and run the end-of-day batch, on the
// double-entry ledger (ledger/ledger.h).
//
// Like DecisionService, each call takes the path parameter and the body and
// gives the status and JSON body to answer; `Server` maps routes to them.
// Amounts travel as decimal strings ("2700.00"), dates as "YYYY-MM-DD".
// Errors are `{"error": {"code", "message", "path"}}` with the field at
// fault in `path` ("$.amount", or "id" for the path parameter): 400
// invalid_json for a body that is not JSON, 404 not_found for an unknown
// loan, line or customer, 409 conflict for a request key reused for another
// request or a loan that is no longer active, 422 invalid_input for a bad
// field, 422 declined when the pre-disbursement check does not approve.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ledger/eod.h"
#include "ledger/store.h"
#include "lending/product.h"
#include "server/decision_service.h"

namespace credo::server {

// The products a server prices loans with, by product name.
using ProductCatalogue = std::map<std::string, lending::Product>;

// Loads every *.yaml file of `dir` as a product (lending/product.h); fails
// naming the file that does not load, or two files with the same name.
Result<ProductCatalogue> LoadProductCatalogue(const std::string& dir);

// What a LoanService runs on.
struct LoanServiceOptions {
  std::string ledger_db;                 // a SQLite file (created if absent) or a PostgreSQL URI
  std::string products_dir;              // "" for none: only plain loans
  DecisionService* decisions = nullptr;  // runs pre-disbursement checks; must outlive the service
  // The strategy every loan and draw is checked with when its body names
  // none ("" for no default check).
  std::string default_check_strategy;
};

// Services loans on one ledger store.
//
// Thread-safe: any thread may call any method; the calls that touch the
// ledger run one at a time (the store is single-threaded), the end-of-day
// batch included, which holds every other loan call until it finishes.
class LoanService {
 public:
  // Opens the ledger and loads the catalogue.
  static Result<std::unique_ptr<LoanService>> Open(const LoanServiceOptions& options);

  // POST /v1/loans: prices the body (a catalogue product, or plain terms),
  // runs the pre-disbursement check and opens the loan: 201 {loan_id,
  // entry_id, cash_paid, replayed, loan}; 200 with replayed true when the
  // request key was used before for the same request. The check (the body's
  // check_strategy, else the default) decides on the body's `application`,
  // or {"applicant": its `applicant`}, plus {"loan": {customer_id, product,
  // principal_fen, term_months, apr_irr_bps, start}}; it approves only when
  // the decision's output.decision is "approve".
  Reply OpenLoan(std::string_view body);
  // GET /v1/loans/{id}: ledger::LoanToJson.
  Reply GetLoan(std::string_view id);
  // GET /v1/loans/{id}/schedule: ledger::LoanScheduleToJson.
  Reply GetSchedule(std::string_view id);
  // POST /v1/loans/{id}/repayments {request_key, amount, date}.
  Reply Repay(std::string_view id, std::string_view body);
  // POST /v1/loans/{id}/payoff-quote {date}: moves no money.
  Reply QuotePayoff(std::string_view id, std::string_view body);
  // POST /v1/loans/{id}/prepayments {request_key, amount, date, mode}.
  Reply Prepay(std::string_view id, std::string_view body);
  // POST /v1/loans/{id}/reversals {request_key, repayment_key, date, reason}.
  Reply ReverseRepayment(std::string_view id, std::string_view body);
  // POST /v1/loans/{id}/write-off {request_key, date, reason}.
  Reply WriteOff(std::string_view id, std::string_view body);
  // POST /v1/credit-lines {request_key, customer_id, product, limit, date}.
  Reply OpenCreditLine(std::string_view body);
  // GET /v1/credit-lines/{id}.
  Reply GetCreditLine(std::string_view id);
  // POST /v1/credit-lines/{id}/limit {request_key, kind, limit?, date, reason?}.
  Reply ChangeCreditLimit(std::string_view id, std::string_view body);
  // POST /v1/credit-lines/{id}/draws {request_key, amount, term, date}:
  // priced from the line's product and checked like POST /v1/loans.
  Reply Draw(std::string_view id, std::string_view body);
  // GET /v1/customers/{id}/delinquency.
  Reply GetCustomerDelinquency(std::string_view customer_id);
  // POST /v1/eod {date}: runs the end-of-day batch to the end before
  // answering its ledger::EodSummary.
  Reply RunEndOfDay(std::string_view body);

  // How many products the catalogue holds.
  size_t product_count() const { return catalogue_.size(); }

 private:
  LoanService(std::unique_ptr<ledger::LedgerStore> store, ProductCatalogue catalogue,
              const LoanServiceOptions& options);

  // Prices and opens a loan, or a draw on line `line_id` (0: a standalone loan).
  Reply Disburse(std::string_view body, int64_t line_id);

  std::unique_ptr<ledger::LedgerStore> store_;
  const ProductCatalogue catalogue_;
  const ledger::EodPolicies eod_policies_;  // each catalogue product's penalty rate, grace and day count
  DecisionService* const decisions_;
  const std::string default_check_strategy_;
  std::mutex mutex_;  // held around every use of store_
};

}  // namespace credo::server
