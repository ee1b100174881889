#include "expr/decimal.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace credo::expr {
namespace {

using Int128 = Decimal::Int128;

constexpr int kMaxScale = 28;                                        // rust_decimal's limit
constexpr Int128 kMaxMantissa = (static_cast<Int128>(1) << 96) - 1;  // 79228162514264337593543950335

constexpr Int128 Pow10(int n) {
  Int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Parse keeps digits while the mantissa is below this (10^30), then rounds.
constexpr Int128 kKeepDigitsBelow = Pow10(30);

// Below this, a mantissa times 10 plus a digit still fits uint64.
constexpr Int128 kFastLimit = 1'000'000'000'000'000'000;  // 10^18

Int128 Abs128(Int128 v) { return v < 0 ? -v : v; }

// mantissa / 10, rounded half away from zero.
Int128 DivTenRounded(Int128 m) {
  Int128 q = m / 10, r = m % 10;
  if (r >= 5) ++q;
  if (r <= -5) --q;
  return q;
}

}  // namespace

std::optional<Decimal> Decimal::Fit(Int128 mantissa, int scale) {
  while (scale > kMaxScale || (scale > 0 && Abs128(mantissa) > kMaxMantissa)) {
    mantissa = DivTenRounded(mantissa);
    --scale;
  }
  while (scale < 0) {
    if (__builtin_mul_overflow(mantissa, static_cast<Int128>(10), &mantissa)) return std::nullopt;
    ++scale;
  }
  if (Abs128(mantissa) > kMaxMantissa) return std::nullopt;
  return Decimal(mantissa, scale);
}

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  Int128 mantissa = 0;
  int scale = 0, digits = 0, dropped = 0;
  bool seen_point = false, round_up = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_' && digits > 0) continue;
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    ++digits;
    if (mantissa < kKeepDigitsBelow) {
      mantissa = mantissa * 10 + (c - '0');
      if (seen_point) ++scale;
    } else {  // more digits than any Decimal holds: keep magnitude, round once
      if (dropped == 0) round_up = c >= '5';
      if (!seen_point) ++dropped;
    }
  }
  if (digits == 0) return std::nullopt;
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) exp_negative = text[i++] == '-';
    size_t start = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (exponent < 10000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (i == start) return std::nullopt;
    if (exp_negative) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  if (round_up) ++mantissa;
  scale = scale - exponent - dropped;
  if (scale > 200 || scale < -60) return scale > 0 ? std::optional<Decimal>(Decimal()) : std::nullopt;
  return Fit(negative ? -mantissa : mantissa, scale);
}

std::optional<Decimal> Decimal::FromDouble(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, value);
  return Parse(std::string_view(buf, result.ptr - buf));
}

double Decimal::ToDouble() const {
  if (Abs128(mantissa_) < (static_cast<Int128>(1) << 53) && scale_ <= 22) {
    // Both operands are exact doubles, so the quotient is correctly rounded.
    return static_cast<double>(static_cast<int64_t>(mantissa_)) / static_cast<double>(Pow10(scale_));
  }
  return std::strtod(ToString().c_str(), nullptr);
}

std::string Decimal::ToString() const {
  Int128 m = mantissa_;
  int scale = scale_;
  while (scale > 0 && m % 10 == 0) {
    m /= 10;
    --scale;
  }
  bool negative = m < 0;
  Int128 a = Abs128(m);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(a % 10)));
    a /= 10;
  } while (a != 0);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) digits.insert(0, scale - digits.size() + 1, '0');
    digits.insert(digits.size() - scale, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

bool Decimal::IsInteger() const { return scale_ == 0 || mantissa_ % Pow10(scale_) == 0; }

std::optional<int64_t> Decimal::ToInt64() const {
  if (!IsInteger()) return std::nullopt;
  Int128 v = mantissa_ / Pow10(scale_);
  if (v > INT64_MAX || v < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<Decimal> Decimal::Add(const Decimal& other) const {
  Int128 a = mantissa_, b = other.mantissa_;
  int sa = scale_, sb = other.scale_;
  // Align to the larger scale; both mantissas < 2^96 and the scale gap <= 28
  // can still overflow 2^127, so trade the smaller operand's far digits.
  while (sa != sb) {
    if (sa < sb) {
      Int128 scaled;
      if (!__builtin_mul_overflow(a, static_cast<Int128>(10), &scaled)) {
        a = scaled;
        ++sa;
      } else {
        b = DivTenRounded(b);
        --sb;
      }
    } else {
      Int128 scaled;
      if (!__builtin_mul_overflow(b, static_cast<Int128>(10), &scaled)) {
        b = scaled;
        ++sb;
      } else {
        a = DivTenRounded(a);
        --sa;
      }
    }
  }
  Int128 sum;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return Fit(sum, sa);
}

std::optional<Decimal> Decimal::Mul(const Decimal& other) const {
  Int128 a = mantissa_, b = other.mantissa_;
  int sa = scale_, sb = other.scale_;
  Int128 product;
  while (__builtin_mul_overflow(a, b, &product)) {
    if (sa == 0 && sb == 0) return std::nullopt;
    if (sa >= sb) {
      a = DivTenRounded(a);
      --sa;
    } else {
      b = DivTenRounded(b);
      --sb;
    }
  }
  return Fit(product, sa + sb);
}

std::optional<Decimal> Decimal::Div(const Decimal& other) const {
  if (other.mantissa_ == 0) return std::nullopt;
  bool negative = (mantissa_ < 0) != (other.mantissa_ < 0);
  Int128 n = Abs128(mantissa_), d = Abs128(other.mantissa_);
  if (n < kFastLimit && d < kFastLimit) {
    // Same digits as below in 64-bit words: 128-bit division is a slow
    // library call, and money-sized operands fit 64 bits.
    uint64_t q = static_cast<uint64_t>(n) / static_cast<uint64_t>(d);
    uint64_t r = static_cast<uint64_t>(n) % static_cast<uint64_t>(d);
    uint64_t d64 = static_cast<uint64_t>(d);
    int scale = scale_ - other.scale_;
    while (((r != 0 && scale < kMaxScale) || scale < 0) && q < kFastLimit / 10) {
      q = q * 10 + (r * 10) / d64;
      r = (r * 10) % d64;
      ++scale;
    }
    if (r == 0 && scale >= 0) return Fit(negative ? -static_cast<Int128>(q) : static_cast<Int128>(q), scale);
  }
  Int128 q = n / d, r = n % d;
  int scale = scale_ - other.scale_;
  // Long division, one decimal digit at a time, while the quotient stays in
  // range: the precision rust_decimal keeps (1/3 = 0.333…3 with 28 places).
  while ((r != 0 && scale < kMaxScale) || scale < 0) {
    Int128 digit = (r * 10) / d;
    if (q > (kMaxMantissa - digit) / 10) break;
    q = q * 10 + digit;
    r = (r * 10) % d;
    ++scale;
  }
  if (r != 0 && r * 2 >= d) ++q;
  return Fit(negative ? -q : q, scale);
}

std::optional<Decimal> Decimal::Rem(const Decimal& other) const {
  if (other.mantissa_ == 0) return std::nullopt;
  int scale = std::max(scale_, other.scale_);
  Int128 a, b;
  if (__builtin_mul_overflow(mantissa_, Pow10(scale - scale_), &a) ||
      __builtin_mul_overflow(other.mantissa_, Pow10(scale - other.scale_), &b)) {
    return FromDouble(std::fmod(ToDouble(), other.ToDouble()));
  }
  return Fit(a % b, scale);
}

std::optional<Decimal> Decimal::Pow(const Decimal& exponent) const {
  std::optional<int64_t> n = exponent.ToInt64();
  if (n && *n >= -1000 && *n <= 1000) {
    // Exact by repeated squaring, as rust_decimal's powi.
    Decimal result = FromInt(1), base = *this;
    int64_t k = *n < 0 ? -*n : *n;
    while (k > 0) {
      if (k & 1) {
        auto r = result.Mul(base);
        if (!r) return std::nullopt;
        result = *r;
      }
      k >>= 1;
      if (k > 0) {
        auto b = base.Mul(base);
        if (!b) return std::nullopt;
        base = *b;
      }
    }
    return *n < 0 ? FromInt(1).Div(result) : std::optional<Decimal>(result);
  }
  return FromDouble(std::pow(ToDouble(), exponent.ToDouble()));
}

Decimal Decimal::Round(int places) const {
  if (places >= scale_) return *this;
  Int128 divisor = Pow10(scale_ - places);
  Int128 q = mantissa_ / divisor, r = mantissa_ % divisor;
  if (Abs128(r) * 2 >= divisor) q += mantissa_ < 0 ? -1 : 1;
  return Decimal(q, places);
}

Decimal Decimal::Trunc(int places) const {
  if (places >= scale_) return *this;
  return Decimal(mantissa_ / Pow10(scale_ - places), places);
}

Decimal Decimal::Floor() const {
  Decimal t = Trunc(0);
  if (mantissa_ < 0 && t.Compare(*this) != 0) t.mantissa_ -= 1;
  return t;
}

Decimal Decimal::Ceil() const {
  Decimal t = Trunc(0);
  if (mantissa_ > 0 && t.Compare(*this) != 0) t.mantissa_ += 1;
  return t;
}

int Decimal::Compare(const Decimal& other) const {
  if (scale_ == other.scale_) return mantissa_ < other.mantissa_ ? -1 : mantissa_ > other.mantissa_ ? 1 : 0;
  auto diff = Sub(other);
  if (!diff) return ToDouble() < other.ToDouble() ? -1 : 1;
  return diff->mantissa_ < 0 ? -1 : diff->mantissa_ > 0 ? 1 : 0;
}

}  // namespace credo::expr
