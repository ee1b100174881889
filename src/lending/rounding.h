// lending/rounding.h — how a fraction of a fen becomes a whole fen.
//
// Every amount a schedule computes from a rate is an exact rational number of
// fen; the rounding mode turns it into an integer. All amounts here are
// non-negative, so "up" and "away from zero" are the same.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace credo::lending {

// The rounding modes a product or a request may choose.
enum class RoundingMode {
  kHalfUp,    // nearest fen, a half fen up (the default)
  kUp,        // any fraction up (ceiling)
  kDown,      // any fraction dropped (floor)
  kHalfEven,  // nearest fen, a half fen to the even fen (banker's rounding)
};

// "half-up", "up", "down", "half-even".
const char* RoundingModeName(RoundingMode mode);
// The inverse of RoundingModeName; fails naming the accepted names.
Result<RoundingMode> ParseRoundingMode(std::string_view name);

// A non-negative rational x described by its integer part and where its
// fraction lies, for when x itself is too large to hold (the exact annuity).
struct FractionPosition {
  int64_t whole = 0;          // floor(x)
  bool exact = true;          // x == floor(x)
  int fraction_vs_half = -1;  // sign of (x - floor(x) - 1/2): -1, 0 or +1
};

// Rounds the number `position` describes.
int64_t RoundPosition(const FractionPosition& position, RoundingMode mode);

// Rounds numerator / denominator (numerator >= 0, denominator > 0) exactly.
int64_t DivideRounded(__int128 numerator, __int128 denominator, RoundingMode mode);

}  // namespace credo::lending
