// population/portable_math.h — exp and log that give the same bits everywhere.
//
// The synthetic population must be byte-identical for a seed on every
// platform, but libm's exp/log may differ in the last bit between C
// libraries. These use only IEEE-754 +, -, *, / and exact scaling by powers
// of two (frexp/ldexp), so with floating-point contraction off (set for this
// module in CMakeLists.txt) every compiler and CPU computes the same result.
// Accuracy is within about one ulp of the true value. Thread-safe (pure).
#pragma once

namespace credo::population {

// e^x; +inf above ~709.78 and 0 below ~-745.
double PortableExp(double x);

// Natural logarithm of x > 0 (asserts on x <= 0, a programmer error here).
double PortableLog(double x);

// 1 / (1 + e^-x), the logistic function.
double Logistic(double x);

}  // namespace credo::population
