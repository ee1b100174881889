// population/wide_variables.h — extra numeric columns x001..xNNN for
// benchmarking binning and selection on many variables.
//
// Each variable's kind and parameters depend only on its number, so x017
// means the same in every population; its values come from a row stream of
// their own, so asking for more variables never changes the others. The
// kinds, by (number - 1) mod 5: a noisy monotone transform of the observed
// risk; a U-shaped (non-monotone) one; pure noise; a monotone one with
// missing values (informatively missing for half of them); a count that rises
// or falls with risk. docs/population.md gives the formulas. Thread-safe (pure).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "population/applicant.h"

namespace credo::population {

inline constexpr int kMaxWideVariables = 999;

enum class WideVariableKind { kMonotone, kUShaped, kNoise, kMonotoneWithMissing, kCount };

// What variable number `number` (1-based) is.
WideVariableKind KindOfWideVariable(int number);

// "x001" for number 1.
std::string WideVariableName(int number);

// Fills values[i] with variable i + 1 of `applicant` (row applicant.row of the
// population with `seed`); NaN is missing. Values are rounded to the digits
// WideVariableDecimals gives, so that they equal their written text.
void GenerateWideVariables(uint64_t seed, const Applicant& applicant, std::span<double> values);

// Digits after the decimal point that variable `number` is written with (0 for counts).
int WideVariableDecimals(int number);

}  // namespace credo::population
