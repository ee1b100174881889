#include "lending/offer.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/money.h"

namespace credo::lending {
namespace {

// round(principal × bps / 10000).
int64_t ShareOfPrincipal(int64_t principal_fen, int64_t bps, RoundingMode mode) {
  return DivideRounded(static_cast<__int128>(principal_fen) * bps, 10000, mode);
}

std::string Bps(int64_t bps) { return std::to_string(bps) + " bps"; }

}  // namespace

std::string FormatBpsAsPercent(int64_t bps) {
  const int64_t magnitude = std::llabs(bps);
  const int64_t hundredths = magnitude % 100;
  return std::string(bps < 0 ? "-" : "") + std::to_string(magnitude / 100) + "." +
         (hundredths < 10 ? "0" : "") + std::to_string(hundredths) + "%";
}

Result<LoanTerms> TermsFromProduct(const Product& product, const OfferRequest& request) {
  const std::string of_product = "product '" + product.name + "'";
  if (request.principal_fen < product.min_amount_fen || request.principal_fen > product.max_amount_fen) {
    return Status::Invalid("the amount " + FormatMoneyFen(request.principal_fen) +
                               " is outside the range of " + of_product + " (" +
                               FormatMoneyFen(product.min_amount_fen) + " to " +
                               FormatMoneyFen(product.max_amount_fen) + ")",
                           "principal");
  }
  if (!std::binary_search(product.terms_months.begin(), product.terms_months.end(), request.term_months)) {
    std::string offered;
    for (int term : product.terms_months) offered += (offered.empty() ? "" : ", ") + std::to_string(term);
    return Status::Invalid(std::to_string(request.term_months) + " months is not a term " + of_product +
                               " offers (" + offered + ")",
                           "term");
  }
  const int64_t rate_bps = request.rate_bps.value_or(product.min_rate_bps);
  if (rate_bps < product.min_rate_bps || rate_bps > product.max_rate_bps) {
    return Status::Invalid("the rate " + Bps(rate_bps) + " is outside the range of " + of_product + " (" +
                               std::to_string(product.min_rate_bps) + " to " + Bps(product.max_rate_bps) +
                               ")",
                           "rate");
  }
  LoanTerms terms;
  terms.principal_fen = request.principal_fen;
  terms.term_months = request.term_months;
  terms.method = product.method;
  terms.interest_annual_bps = rate_bps;
  terms.flat_fee_annual_bps = product.fee_per_period_bps * 12;
  terms.rounding = request.rounding.value_or(product.rounding);
  terms.upfront_fee_fen = ShareOfPrincipal(request.principal_fen, product.upfront_fee_bps, terms.rounding);
  terms.merchant_discount_fen =
      ShareOfPrincipal(request.principal_fen, product.merchant_discount_bps, terms.rounding);
  terms.start = request.start;
  CREDO_RETURN_IF_ERROR(ValidateTerms(terms));
  return terms;
}

Result<LoanTerms> PlainTerms(RepaymentMethod method, const OfferRequest& request) {
  if (!request.rate_bps) return Status::Invalid("a rate is required without a product", "rate");
  LoanTerms terms;
  terms.principal_fen = request.principal_fen;
  terms.term_months = request.term_months;
  terms.method = method;
  (method == RepaymentMethod::kFlatFee ? terms.flat_fee_annual_bps : terms.interest_annual_bps) =
      *request.rate_bps;
  terms.rounding = request.rounding.value_or(RoundingMode::kHalfUp);
  terms.start = request.start;
  CREDO_RETURN_IF_ERROR(ValidateTerms(terms));
  return terms;
}

Result<Schedule> PriceOffer(const LoanTerms& terms, int64_t apr_cap_bps) {
  CREDO_ASSIGN_OR_RETURN(Schedule schedule, BuildSchedule(terms));
  if (schedule.apr_irr_bps > apr_cap_bps) {
    return Status::Invalid("the APR of this offer (IRR method, all fees included) is " +
                               FormatBpsAsPercent(schedule.apr_irr_bps) + ", above the cap of " +
                               FormatBpsAsPercent(apr_cap_bps),
                           "rate");
  }
  return schedule;
}

Result<Schedule> PriceRequest(const OfferRequest& request, std::optional<RepaymentMethod> method,
                              const Product* product) {
  if (product == nullptr) {
    CREDO_ASSIGN_OR_RETURN(LoanTerms terms,
                           PlainTerms(method.value_or(RepaymentMethod::kEqualInstallment), request));
    return PriceOffer(terms, kDefaultAprCapBps);
  }
  if (method && *method != product->method) {
    return Status::Invalid("product '" + product->name + "' repays by " +
                               RepaymentMethodName(product->method) + ", not " + RepaymentMethodName(*method),
                           "method");
  }
  CREDO_ASSIGN_OR_RETURN(LoanTerms terms, TermsFromProduct(*product, request));
  return PriceOffer(terms, product->apr_cap_bps);
}

Status CheckProductUnderCap(const Product& product) {
  for (int term : product.terms_months) {
    for (int64_t amount_fen : {product.min_amount_fen, product.max_amount_fen}) {
      OfferRequest request;
      request.principal_fen = amount_fen;
      request.term_months = term;
      request.rate_bps = product.max_rate_bps;
      CREDO_ASSIGN_OR_RETURN(LoanTerms terms, TermsFromProduct(product, request));
      CREDO_ASSIGN_OR_RETURN(Schedule schedule, BuildSchedule(terms));
      if (schedule.apr_irr_bps > product.apr_cap_bps) {
        return Status::Invalid(
            "product '" + product.name + "' is above its APR cap: " + FormatMoneyFen(amount_fen) + " over " +
            std::to_string(term) + " months at " + Bps(product.max_rate_bps) +
            " with its fees has an APR (IRR) of " + FormatBpsAsPercent(schedule.apr_irr_bps) +
            ", above apr_cap_bps " + FormatBpsAsPercent(product.apr_cap_bps));
      }
    }
  }
  return Status::Ok();
}

Status CheckCreditLimit(const Product& product, int64_t limit_fen) {
  if (product.kind != ProductKind::kRevolvingLine) {
    return Status::Invalid("product '" + product.name + "' is not a revolving line", "product");
  }
  if (limit_fen > product.max_credit_limit_fen) {
    return Status::Invalid("product '" + product.name + "' allows a limit of at most " +
                               FormatMoneyFen(product.max_credit_limit_fen),
                           "limit");
  }
  return Status::Ok();
}

}  // namespace credo::lending
