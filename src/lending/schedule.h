// lending/schedule.h — repayment schedules: what a borrower owes on each due
// date, in integer fen, for the four repayment methods.
//
// A schedule is the plan a loan is opened from: each installment carries its
// number, due date, principal, interest, fee, total and the principal still
// outstanding after it. Periods are calendar months: installment k falls due
// k months after the start date, the day clamped to the month's end (a loan
// started on Jan 31 is due Feb 28, Mar 31, Apr 30, ...). Each period's
// interest is the monthly rate (annual / 12) on the principal outstanding
// during it; the product's day-count basis governs daily accrual (penalty
// interest, payoff between due dates), not scheduled interest.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "core/status.h"
#include "lending/rounding.h"

namespace credo::lending {

// How principal and interest are spread over the installments.
enum class RepaymentMethod {
  kEqualInstallment,  // 等额本息: the same installment every month (annuity)
  kEqualPrincipal,    // 等额本金: the same principal every month, interest on the balance
  kInterestOnly,      // 先息后本: interest every month, all principal at maturity
  kFlatFee,           // fee-based installments: equal principal, no interest, a flat fee each month
};

// "equal-installment", "equal-principal", "interest-only", "flat-fee".
const char* RepaymentMethodName(RepaymentMethod method);
// The inverse of RepaymentMethodName; fails naming the accepted names.
Result<RepaymentMethod> ParseRepaymentMethod(std::string_view name);

// Bounds every schedule respects, whatever the product.
inline constexpr int64_t kMaxPrincipalFen = 10'000'000'000'000;  // 100 billion yuan
inline constexpr int kMaxTermMonths = 600;
inline constexpr int64_t kMaxAnnualRateBps = 100'000;  // 1000% a year

// Everything a schedule is computed from.
struct LoanTerms {
  int64_t principal_fen = 0;
  int term_months = 0;
  RepaymentMethod method = RepaymentMethod::kEqualInstallment;
  // Nominal annual interest rate; the monthly rate is annual / 12. Must be 0 for kFlatFee.
  int64_t interest_annual_bps = 0;
  // Flat fee on the original principal, as an annual rate charged monthly:
  // each installment's fee is principal × flat_fee_annual_bps / 120000
  // (900 = 0.75% of principal a month). Any method may carry one.
  int64_t flat_fee_annual_bps = 0;
  // Fee the borrower pays at disbursement (deducted from the cash received).
  int64_t upfront_fee_fen = 0;
  // Paid by the merchant to the lender (goods installment); not a borrower cost.
  int64_t merchant_discount_fen = 0;
  RoundingMode rounding = RoundingMode::kHalfUp;
  CivilDate start;  // disbursement date; due dates count whole months from it
};

// One scheduled payment. installment_fen = principal_fen + interest_fen + fee_fen.
struct Installment {
  int number = 0;  // 1-based
  CivilDate due_date;
  int64_t principal_fen = 0;
  int64_t interest_fen = 0;
  int64_t fee_fen = 0;
  int64_t installment_fen = 0;
  int64_t remaining_principal_fen = 0;  // outstanding after this installment is paid
};

// A full repayment plan and its IRR-based APR (lending/apr.h).
struct Schedule {
  LoanTerms terms;
  std::vector<Installment> installments;
  int64_t apr_irr_bps = 0;
};

// Checks `terms` against the bounds above. The Status path names the field
// at fault ("principal", "term", "rate", "fee", "upfront_fee").
Status ValidateTerms(const LoanTerms& terms);

// round(amount × annual_bps / 120000) by `mode`: a month's share of an
// annual rate, the interest (or flat fee) of one period.
int64_t MonthlyShare(int64_t amount_fen, int64_t annual_bps, RoundingMode mode);

// Builds the schedule for `terms` (validated first).
//
// How each figure is computed, every rounding by terms.rounding on an exact
// rational (no floating point touches an amount):
// - interest of a period: round(outstanding × annual_bps / 120000);
// - fee of a period: round(principal × flat_fee_annual_bps / 120000);
// - equal installment: installment A = LevelInstallmentFen (exact annuity),
//   principal = A − interest; equal principal and flat fee: principal =
//   round(principal / term); interest-only: principal 0;
// - each period's principal is kept within [0, outstanding], and the last
//   installment takes all that is outstanding, so principal sums exactly to
//   the amount lent and the last installment absorbs the rounding.
Result<Schedule> BuildSchedule(const LoanTerms& terms);

}  // namespace credo::lending
