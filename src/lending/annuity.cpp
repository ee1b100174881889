#include "lending/annuity.h"

#include <cassert>
#include <cmath>
#include <compare>
#include <vector>

namespace credo::lending {
namespace {

// A non-negative integer of any size: just the operations the annuity needs.
class Natural {
 public:
  explicit Natural(uint64_t value) {
    for (; value != 0; value >>= 32) limbs_.push_back(static_cast<uint32_t>(value));
  }

  Natural& operator*=(uint64_t factor) {
    unsigned __int128 carry = 0;
    for (uint32_t& limb : limbs_) {
      const unsigned __int128 product = static_cast<unsigned __int128>(limb) * factor + carry;
      limb = static_cast<uint32_t>(product);
      carry = product >> 32;
    }
    for (; carry != 0; carry >>= 32) limbs_.push_back(static_cast<uint32_t>(carry));
    Trim();
    return *this;
  }

  // Requires *this >= other.
  Natural& operator-=(const Natural& other) {
    int64_t borrow = 0;
    for (size_t i = 0; i < limbs_.size(); ++i) {
      int64_t difference = static_cast<int64_t>(limbs_[i]) - borrow -
                           (i < other.limbs_.size() ? static_cast<int64_t>(other.limbs_[i]) : 0);
      borrow = difference < 0 ? 1 : 0;
      if (difference < 0) difference += int64_t{1} << 32;
      limbs_[i] = static_cast<uint32_t>(difference);
    }
    assert(borrow == 0);
    Trim();
    return *this;
  }

  friend Natural operator*(Natural a, uint64_t factor) { return a *= factor; }

  friend std::strong_ordering operator<=>(const Natural& a, const Natural& b) {
    if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() <=> b.limbs_.size();
    for (size_t i = a.limbs_.size(); i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
    }
    return std::strong_ordering::equal;
  }
  friend bool operator==(const Natural& a, const Natural& b) { return a.limbs_ == b.limbs_; }

 private:
  void Trim() {
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  }
  std::vector<uint32_t> limbs_;  // least significant first, no leading zero limbs
};

Natural Power(uint64_t base, int exponent) {
  Natural result(1);
  for (int i = 0; i < exponent; ++i) result *= base;
  return result;
}

int Sign(std::strong_ordering order) { return order < 0 ? -1 : (order > 0 ? 1 : 0); }

}  // namespace

int64_t LevelInstallmentFen(int64_t principal_fen, int64_t annual_rate_bps, int term_months,
                            RoundingMode mode) {
  assert(principal_fen > 0 && term_months >= 1 && annual_rate_bps >= 0);
  if (annual_rate_bps == 0) return DivideRounded(principal_fen, term_months, mode);

  constexpr uint64_t kDenominator = 120000;  // 12 months x 10000 bps
  const uint64_t b = static_cast<uint64_t>(annual_rate_bps);
  const uint64_t p = static_cast<uint64_t>(principal_fen);
  const Natural q_n = Power(kDenominator + b, term_months);
  const Natural numerator = q_n * p * b;  // P·b·q^n
  Natural denominator = q_n;              // d·(q^n − d^n)
  denominator -= Power(kDenominator, term_months);
  denominator *= kDenominator;

  // The estimate is off by far less than a fen; the comparisons make it exact.
  const long double r = static_cast<long double>(annual_rate_bps) / kDenominator;
  const long double estimate = principal_fen * r / -std::expm1(-term_months * std::log1p(r));
  uint64_t whole = static_cast<uint64_t>(std::floor(estimate));
  while (whole > 0 && denominator * whole > numerator) --whole;
  while (denominator * (whole + 1) <= numerator) ++whole;

  FractionPosition position;
  position.whole = static_cast<int64_t>(whole);
  position.exact = denominator * whole == numerator;
  // Sign of x − whole − 1/2 = sign of 2·numerator − (2·whole + 1)·denominator.
  position.fraction_vs_half = Sign(numerator * 2 <=> denominator * (2 * whole + 1));
  return RoundPosition(position, mode);
}

}  // namespace credo::lending
