// ledger/json_views.h — the JSON a person or a program reads of the ledger:
// a loan with its installments and what is paid and owed, and what each
// operation did. The HTTP API (server/loan_routes.h) answers with these and
// the CLI prints them.
//
// Amounts are decimal strings ("225.45", core/money.h) named without the
// _fen suffix, as in `credo loan schedule --json` (lending::ScheduleToJson),
// so no reader turns them into floating point. Absent references (a loan
// without a borrower or a credit line) are null.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "ledger/eod.h"
#include "ledger/ledger.h"
#include "ledger/records.h"

namespace credo::ledger {

// {id, customer_id, credit_line_id, product, status, terms: {method,
// principal, term_months, interest_annual_bps, flat_fee_annual_bps,
// upfront_fee, merchant_discount, rounding, start}, apr_irr_bps,
// customer_credit, installments (as in LoanScheduleToJson), owed: {principal,
// interest, fee, penalty, total}}.
nlohmann::json LoanToJson(const LoanRecord& loan);

// The loan's schedule as `credo loan schedule --json` prints it ({installments:
// [{number, due_date, principal, interest, fee, installment,
// remaining_principal}], apr_irr_bps}), each installment with what is
// recognised, charged, paid and owed on it (interest_recognised,
// fee_recognised, penalty_charged, principal_paid, interest_paid, fee_paid,
// penalty_paid, owed), and the totals of the plan: {principal, interest, fee,
// installment}.
nlohmann::json LoanScheduleToJson(const LoanRecord& loan);

// {penalty, fee, interest, principal, overpayment}: a payment's split.
nlohmann::json ToJson(const Allocation& allocation);
// {loan_id, entry_id, cash_paid, replayed}.
nlohmann::json ToJson(const OpenLoanResult& result);
// {loan_id, entry_id, amount, allocation, loan_closed, replayed}.
nlohmann::json ToJson(const RepaymentResult& result);
// {loan_id, entry_id, amount, allocation, principal_prepaid,
// remaining_installments, next_installment, loan_closed, replayed}.
nlohmann::json ToJson(const PrepaymentResult& result);
// {loan_id, entry_id, amount, allocation, loan_reopened, replayed}.
nlohmann::json ToJson(const ReversalResult& result);
// {loan_id, entry_id, principal, interest, fee, penalty, total, replayed}.
nlohmann::json ToJson(const WriteOffResult& result);
// {loan_id, date, principal, interest, fee, penalty, customer_credit, total}.
nlohmann::json ToJson(const PayoffQuote& quote);
// {id, customer_id, product, limit, status, opened, outstanding_principal,
// available, loan_ids}.
nlohmann::json ToJson(const CreditLineView& view);
// {customer_id, loans, active_loans, dpd_days, bucket, outstanding_principal}.
nlohmann::json ToJson(const CustomerDelinquency& delinquency);
// {business_date, already_done, resumed, loans_processed, interest, fee,
// penalty, events: {due_soon, became_overdue, bucket_changed}, loans_by_bucket:
// {M0, M1, M2, M3, M4+}}.
nlohmann::json ToJson(const EodSummary& summary);

}  // namespace credo::ledger
