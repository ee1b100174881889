// expr/decimal.h — the number type of ZEN expressions.
//
// ZEN (the reference engine) computes every number with Rust's rust_decimal:
// a 96-bit integer mantissa and a decimal scale 0..28. Conformance depends on
// it: `0.1 + 0.2 == 0.3` is true and `0.1 + 0.2` prints as `0.3`, which no
// binary double gives. Decimal mirrors rust_decimal's range (|mantissa| < 2^96,
// scale <= 28) in an __int128 so sums, differences and products of in-range
// operands never overflow the machine type; only division and non-integer
// powers round (to 28 places / through double respectively).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace credo::expr {

// A base-10 number: mantissa × 10^-scale. A value type, 32 bytes, no heap.
// Arithmetic that cannot be represented (overflow, division by zero) returns
// std::nullopt; the caller decides whether that is null or an error.
class Decimal {
 public:
  __extension__ typedef __int128 Int128;

  Decimal() = default;
  static Decimal FromInt(int64_t value) { return Decimal(value, 0); }
  // Parses `12`, `-1.5`, `2.5e-2`, `223_000.48` (underscores are digit
  // separators). nullopt unless the whole text is a number.
  static std::optional<Decimal> Parse(std::string_view text);
  // The shortest decimal that round-trips the double (0.1 -> 0.1).
  static std::optional<Decimal> FromDouble(double value);

  double ToDouble() const;
  // Canonical text without trailing zeros: "0.3", "1000", "-0.025".
  std::string ToString() const;
  // The value as int64 when it is an integer in range.
  std::optional<int64_t> ToInt64() const;
  bool IsInteger() const;
  bool IsZero() const { return mantissa_ == 0; }
  bool IsNegative() const { return mantissa_ < 0; }

  std::optional<Decimal> Add(const Decimal& other) const;
  std::optional<Decimal> Sub(const Decimal& other) const { return Add(other.Negate()); }
  std::optional<Decimal> Mul(const Decimal& other) const;
  std::optional<Decimal> Div(const Decimal& other) const;
  // Remainder with the sign of the dividend (Rust `%`).
  std::optional<Decimal> Rem(const Decimal& other) const;
  std::optional<Decimal> Pow(const Decimal& exponent) const;
  Decimal Negate() const { return Decimal(-mantissa_, scale_); }
  Decimal Abs() const { return mantissa_ < 0 ? Negate() : *this; }
  // Rounds half away from zero to `places` decimals (round(-7.5) == -8).
  Decimal Round(int places) const;
  // Drops decimals beyond `places` (trunc(-7.6) == -7).
  Decimal Trunc(int places) const;
  Decimal Floor() const;
  Decimal Ceil() const;

  // -1, 0, 1 by value (1.0 == 1).
  int Compare(const Decimal& other) const;
  bool operator==(const Decimal& other) const { return Compare(other) == 0; }

 private:
  Decimal(Int128 mantissa, int scale) : mantissa_(mantissa), scale_(static_cast<uint8_t>(scale)) {}
  // Brings an exact (mantissa, scale) into range by rounding decimals away.
  static std::optional<Decimal> Fit(Int128 mantissa, int scale);

  Int128 mantissa_ = 0;
  uint8_t scale_ = 0;
};

}  // namespace credo::expr
