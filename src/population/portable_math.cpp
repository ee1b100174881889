#include "population/portable_math.h"

#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>

namespace credo::population {
namespace {

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11 (Cody and Waite).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;

// 1/n! for n = 0..13, and 1/(2i+1) for i = 0..12, rounded by the compiler
// (constant folding is exact IEEE division, the same everywhere).
constexpr auto kInverseFactorials = [] {
  std::array<double, 14> c{};
  double factorial = 1.0;
  for (int n = 0; n < 14; ++n) {
    if (n > 0) factorial *= n;
    c[n] = 1.0 / factorial;
  }
  return c;
}();
constexpr auto kInverseOdd = [] {
  std::array<double, 13> c{};
  for (int i = 0; i < 13; ++i) c[i] = 1.0 / (2 * i + 1);
  return c;
}();

constexpr uint64_t kMantissaBits = (uint64_t{1} << 52) - 1;

// 2^k for a normal exponent (-1022 <= k <= 1023), assembled from its bits.
double PowerOfTwo(int k) { return std::bit_cast<double>(static_cast<uint64_t>(k + 1023) << 52); }

// frexp for positive finite x: x = m 2^e with m in [1/2, 1). Reads the bits
// of normal numbers directly (libm's frexp is a call; this is the hot path).
double Fraction(double x, int* e) {
  const uint64_t bits = std::bit_cast<uint64_t>(x);
  const int biased_exponent = static_cast<int>(bits >> 52);
  if (biased_exponent == 0) return std::frexp(x, e);  // subnormal
  *e = biased_exponent - 1022;
  return std::bit_cast<double>((bits & kMantissaBits) | (uint64_t{1022} << 52));
}

}  // namespace

double PortableExp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.78) return HUGE_VAL;
  if (x < -745.2) return 0.0;
  // x = k ln2 + r with |r| <= ln2 / 2, then e^x = 2^k e^r.
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Taylor series of e^r to r^13/13!: the next term is below 5e-18 for |r| <= 0.35.
  double sum = kInverseFactorials[13];
  for (int n = 12; n >= 0; --n) sum = sum * r + kInverseFactorials[n];
  const int exponent = static_cast<int>(k);
  return exponent >= -1022 && exponent <= 1023 ? sum * PowerOfTwo(exponent) : std::ldexp(sum, exponent);
}

double PortableLog(double x) {
  assert(x > 0);
  if (std::isinf(x)) return x;
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)), then ln x = e ln2 + ln m.
  int e = 0;
  double m = Fraction(x, &e);
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    --e;
  }
  // ln m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m-1)/(m+1), |s| <= 0.1716;
  // the terms up to s^25 leave an error below 1e-20.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double series = 0.0;
  for (int n = 25; n >= 3; n -= 2) series = (series + kInverseOdd[n / 2]) * s2;
  const double ln_m = 2.0 * s + 2.0 * s * series;
  return e * kLn2Hi + (e * kLn2Lo + ln_m);
}

double Logistic(double x) { return 1.0 / (1.0 + PortableExp(-x)); }

}  // namespace credo::population
