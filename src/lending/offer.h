// lending/offer.h — pricing a request: the loan terms a product gives for an
// amount, term and rate, the schedule, and the APR cap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/civil_date.h"
#include "core/status.h"
#include "lending/product.h"
#include "lending/rounding.h"
#include "lending/schedule.h"

namespace credo::lending {

// What a customer asks for.
struct OfferRequest {
  int64_t principal_fen = 0;
  int term_months = 0;
  std::optional<int64_t> rate_bps;       // nominal annual rate; with a product, absent = its lowest
  std::optional<RoundingMode> rounding;  // overrides the product's
  CivilDate start;                       // disbursement date
};

// The terms `product` gives for `request`, checked against the product's
// amounts, terms and rate range. Fees come from the product: the monthly fee
// is fee_per_period_bps of principal, the upfront fee and merchant discount
// are round(principal × bps / 10000). A Status path names the request field
// at fault: "principal", "term" or "rate".
Result<LoanTerms> TermsFromProduct(const Product& product, const OfferRequest& request);

// The terms of a plain monthly loan without a product (request.rate_bps
// required): interest at rate / 12 a month, no fees. For kFlatFee, whose
// interest is 0, the rate is the advertised flat rate instead: each month's
// fee is principal × rate / 12 (900 bps = 0.75% of principal a month).
Result<LoanTerms> PlainTerms(RepaymentMethod method, const OfferRequest& request);

// Builds the schedule for `terms` and rejects it (path "rate") when its
// IRR-based APR is above `apr_cap_bps`.
Result<Schedule> PriceOffer(const LoanTerms& terms, int64_t apr_cap_bps);

// Prices `request` as the CLI and the API take it: with `product` under its
// cap, or without one (nullptr) as a plain monthly loan under
// kDefaultAprCapBps, repaid by `method` (default equal-installment). A
// method given with a product must be the product's (path "method"); other
// paths as TermsFromProduct and PriceOffer give them.
Result<Schedule> PriceRequest(const OfferRequest& request, std::optional<RepaymentMethod> method,
                              const Product* product);

// Checks that no offer of `product` is above its cap: every allowed term at
// the highest rate, at the smallest and the largest amount. The message says
// which offer breaks the cap and by how much.
Status CheckProductUnderCap(const Product& product);

// Whether `product` can carry a revolving line with limit `limit_fen`: it
// must be a revolving-line product and the limit at most its largest
// (path "product" or "limit").
Status CheckCreditLimit(const Product& product, int64_t limit_fen);

// 1616 -> "16.16%".
std::string FormatBpsAsPercent(int64_t bps);

}  // namespace credo::lending
