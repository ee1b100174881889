// lending/apr.h — the annualised rate on the principal actually outstanding,
// all fees included, by the IRR method (the rate Chinese rules require a
// lender to display, 年化利率 IRR).
#pragma once

#include <cstdint>
#include <vector>

namespace credo::lending {

// The monthly IRR i solves
//   cash_received_fen = Σ_k payments_fen[k-1] / (1 + i)^k,  k = 1..n,
// payment k falling k months after the cash was received; the APR is
// monthly IRR × 12 (the nominal annualisation used for display in China, not
// the compounded (1 + i)^12 − 1), returned in bps rounded to the nearest.
// Solved by bisection in long double to far below 0.01 bp. Requires
// cash_received_fen > 0, payments >= 0 and a positive total of payments.
int64_t IrrAprBps(int64_t cash_received_fen, const std::vector<int64_t>& payments_fen);

}  // namespace credo::lending
