// lending/annuity.h — the level installment of an equal-installment (等额本息)
// loan, computed exactly.
#pragma once

#include <cstdint>

#include "lending/rounding.h"

namespace credo::lending {

// The level monthly installment A = P·r·(1+r)^n / ((1+r)^n − 1) with the
// monthly rate r = annual_rate_bps / 120000 (annual / 12), rounded to a fen by
// `mode`; P / n when the rate is 0.
//
// With d = 120000 and q = d + annual_rate_bps the installment is the rational
// P·b·q^n / (d·(q^n − d^n)). It is evaluated with arbitrary-precision
// integers (a long double estimate, then exact comparisons), so the rounding
// is exact even when A lies on a half fen. Requires principal_fen > 0,
// term_months >= 1, annual_rate_bps >= 0 and A < 2^62 fen.
int64_t LevelInstallmentFen(int64_t principal_fen, int64_t annual_rate_bps, int term_months,
                            RoundingMode mode);

}  // namespace credo::lending
