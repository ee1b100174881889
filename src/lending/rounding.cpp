#include "lending/rounding.h"

#include <cassert>

#include "lending/enum_names.h"

namespace credo::lending {

const char* RoundingModeName(RoundingMode mode) {
  switch (mode) {
    case RoundingMode::kHalfUp:
      return "half-up";
    case RoundingMode::kUp:
      return "up";
    case RoundingMode::kDown:
      return "down";
    case RoundingMode::kHalfEven:
      return "half-even";
  }
  return "?";
}

Result<RoundingMode> ParseRoundingMode(std::string_view name) {
  return ParseEnumName(
      name, {RoundingMode::kHalfUp, RoundingMode::kUp, RoundingMode::kDown, RoundingMode::kHalfEven},
      RoundingModeName, "rounding");
}

int64_t RoundPosition(const FractionPosition& position, RoundingMode mode) {
  if (position.exact) return position.whole;
  switch (mode) {
    case RoundingMode::kDown:
      return position.whole;
    case RoundingMode::kUp:
      return position.whole + 1;
    case RoundingMode::kHalfUp:
      return position.whole + (position.fraction_vs_half >= 0 ? 1 : 0);
    case RoundingMode::kHalfEven:
      if (position.fraction_vs_half == 0) return position.whole + (position.whole % 2 != 0 ? 1 : 0);
      return position.whole + (position.fraction_vs_half > 0 ? 1 : 0);
  }
  return position.whole;
}

int64_t DivideRounded(__int128 numerator, __int128 denominator, RoundingMode mode) {
  assert(numerator >= 0 && denominator > 0);
  const __int128 whole = numerator / denominator;
  const __int128 remainder = numerator % denominator;
  const __int128 twice = 2 * remainder;
  FractionPosition position;
  position.whole = static_cast<int64_t>(whole);
  position.exact = remainder == 0;
  position.fraction_vs_half = twice < denominator ? -1 : (twice == denominator ? 0 : 1);
  return RoundPosition(position, mode);
}

}  // namespace credo::lending
