#include "lending/schedule.h"

#include <algorithm>
#include <string>

#include "core/money.h"
#include "lending/annuity.h"
#include "lending/apr.h"
#include "lending/enum_names.h"

namespace credo::lending {
namespace {

constexpr int64_t kMonthlyDenominator = 120000;  // 12 months x 10000 bps

}  // namespace

int64_t MonthlyShare(int64_t amount_fen, int64_t annual_bps, RoundingMode mode) {
  return DivideRounded(static_cast<__int128>(amount_fen) * annual_bps, kMonthlyDenominator, mode);
}

const char* RepaymentMethodName(RepaymentMethod method) {
  switch (method) {
    case RepaymentMethod::kEqualInstallment:
      return "equal-installment";
    case RepaymentMethod::kEqualPrincipal:
      return "equal-principal";
    case RepaymentMethod::kInterestOnly:
      return "interest-only";
    case RepaymentMethod::kFlatFee:
      return "flat-fee";
  }
  return "?";
}

Result<RepaymentMethod> ParseRepaymentMethod(std::string_view name) {
  return ParseEnumName(name,
                       {RepaymentMethod::kEqualInstallment, RepaymentMethod::kEqualPrincipal,
                        RepaymentMethod::kInterestOnly, RepaymentMethod::kFlatFee},
                       RepaymentMethodName, "repayment method");
}

Status ValidateTerms(const LoanTerms& terms) {
  if (terms.principal_fen <= 0 || terms.principal_fen > kMaxPrincipalFen) {
    return Status::Invalid("the principal " + FormatMoneyFen(terms.principal_fen) +
                               " must be more than 0 and at most " + FormatMoneyFen(kMaxPrincipalFen, true),
                           "principal");
  }
  if (terms.term_months < 1 || terms.term_months > kMaxTermMonths) {
    return Status::Invalid("the term must be 1 to " + std::to_string(kMaxTermMonths) + " months", "term");
  }
  if (terms.interest_annual_bps < 0 || terms.interest_annual_bps > kMaxAnnualRateBps) {
    return Status::Invalid("the annual rate must be 0 to " + std::to_string(kMaxAnnualRateBps) + " bps",
                           "rate");
  }
  if (terms.method == RepaymentMethod::kFlatFee && terms.interest_annual_bps != 0) {
    return Status::Invalid("flat-fee installments carry no interest: the rate must be 0", "rate");
  }
  if (terms.flat_fee_annual_bps < 0 || terms.flat_fee_annual_bps > kMaxAnnualRateBps) {
    return Status::Invalid("the flat fee must be 0 to " + std::to_string(kMaxAnnualRateBps) + " bps a year",
                           "fee");
  }
  if (terms.upfront_fee_fen < 0 || terms.upfront_fee_fen >= terms.principal_fen) {
    return Status::Invalid("the upfront fee must be at least 0 and less than the principal", "upfront_fee");
  }
  if (terms.merchant_discount_fen < 0 || terms.merchant_discount_fen >= terms.principal_fen) {
    return Status::Invalid("the merchant discount must be at least 0 and less than the principal",
                           "merchant_discount");
  }
  return Status::Ok();
}

Result<Schedule> BuildSchedule(const LoanTerms& terms) {
  CREDO_RETURN_IF_ERROR(ValidateTerms(terms));
  Schedule schedule;
  schedule.terms = terms;
  schedule.installments.reserve(terms.term_months);
  const int64_t level_installment_fen =
      terms.method == RepaymentMethod::kEqualInstallment
          ? LevelInstallmentFen(terms.principal_fen, terms.interest_annual_bps, terms.term_months,
                                terms.rounding)
          : 0;
  const int64_t even_principal_fen = DivideRounded(terms.principal_fen, terms.term_months, terms.rounding);
  const int64_t fee_fen = MonthlyShare(terms.principal_fen, terms.flat_fee_annual_bps, terms.rounding);

  int64_t outstanding_fen = terms.principal_fen;
  std::vector<int64_t> payments_fen;
  for (int k = 1; k <= terms.term_months; ++k) {
    Installment row;
    row.number = k;
    row.due_date = terms.start.AddMonths(k);
    row.interest_fen = MonthlyShare(outstanding_fen, terms.interest_annual_bps, terms.rounding);
    row.fee_fen = fee_fen;
    switch (terms.method) {
      case RepaymentMethod::kEqualInstallment:
        row.principal_fen = std::clamp<int64_t>(level_installment_fen - row.interest_fen, 0, outstanding_fen);
        break;
      case RepaymentMethod::kEqualPrincipal:
      case RepaymentMethod::kFlatFee:
        row.principal_fen = std::min(even_principal_fen, outstanding_fen);
        break;
      case RepaymentMethod::kInterestOnly:
        row.principal_fen = 0;
        break;
    }
    if (k == terms.term_months) row.principal_fen = outstanding_fen;  // the last absorbs the rounding
    outstanding_fen -= row.principal_fen;
    row.remaining_principal_fen = outstanding_fen;
    row.installment_fen = row.principal_fen + row.interest_fen + row.fee_fen;
    payments_fen.push_back(row.installment_fen);
    schedule.installments.push_back(row);
  }
  schedule.apr_irr_bps = IrrAprBps(terms.principal_fen - terms.upfront_fee_fen, payments_fen);
  return schedule;
}

}  // namespace credo::lending
