#include "population/wide_variables.h"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "population/default_process.h"
#include "population/portable_math.h"
#include "population/row_random.h"

namespace credo::population {
namespace {

// ObservedRiskLogit has about this mean and standard deviation over a
// population (measured on 1M rows, docs/population.md); wide variables are
// built from the standardised score.
constexpr double kRiskLogitMean = -3.45;
constexpr double kRiskLogitSd = 1.28;

// A variable's fixed parameters, drawn from a hash of its number.
struct WideVariableSpec {
  WideVariableKind kind;
  double noise_sd;           // noise added to the standardised risk: 0.3 (strong) .. 4 (weak)
  double direction;          // +1: rises with risk, -1: falls
  double scale;              // 0.1, 1, 10 or 100
  double offset;             // location, in units of scale: -5 .. 5
  int noise_shape;           // kNoise: 0 normal, 1 log-normal, 2 integer 0..9
  double missing_logit;      // kMonotoneWithMissing: logit of the missing share, 0.05 .. 0.40
  bool missing_informative;  // kMonotoneWithMissing: riskier rows more often missing
  int decimals;              // digits written after the decimal point: 4, or 0 for integers
};

// Uniform [0, 1) number `k` of variable `number`'s fixed parameters.
double SpecUniform(int number, int k) {
  const uint64_t bits = Mix64(Mix64(static_cast<uint64_t>(number)) + static_cast<uint64_t>(k));
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

WideVariableSpec SpecOf(int number) {
  WideVariableSpec s;
  s.kind = KindOfWideVariable(number);
  s.noise_sd = 0.3 + 3.7 * SpecUniform(number, 1);
  s.direction = SpecUniform(number, 2) < 0.5 ? 1.0 : -1.0;
  static constexpr double kScales[4] = {0.1, 1.0, 10.0, 100.0};
  s.scale = kScales[static_cast<int>(SpecUniform(number, 3) * 4)];
  s.offset = std::round(10.0 * SpecUniform(number, 4)) - 5.0;
  s.noise_shape = static_cast<int>(SpecUniform(number, 5) * 3);
  const double missing_share = 0.05 + 0.35 * SpecUniform(number, 6);
  s.missing_logit = PortableLog(missing_share / (1.0 - missing_share));
  s.missing_informative = SpecUniform(number, 7) < 0.5;
  s.decimals =
      s.kind == WideVariableKind::kCount || (s.kind == WideVariableKind::kNoise && s.noise_shape == 2) ? 0
                                                                                                       : 4;
  return s;
}

// The specs of all possible variables, computed once.
const WideVariableSpec& Spec(int number) {
  static const std::vector<WideVariableSpec> kSpecs = [] {
    std::vector<WideVariableSpec> specs;
    for (int number = 1; number <= kMaxWideVariables; ++number) specs.push_back(SpecOf(number));
    return specs;
  }();
  assert(number >= 1 && number <= kMaxWideVariables);
  return kSpecs[number - 1];
}

double RoundTo(double value, int decimals) {
  assert(decimals == 0 || decimals == 4);
  return decimals == 0 ? std::round(value) : std::round(value * 1e4) / 1e4;
}

double WideValue(const WideVariableSpec& s, double risk, RowRandom& rng) {
  switch (s.kind) {
    case WideVariableKind::kMonotone:
      return s.scale * (s.offset + s.direction * (risk + s.noise_sd * rng.Normal()));
    case WideVariableKind::kUShaped: {
      // Risk grows with the distance from the centre, on either side of it.
      const double distance = std::sqrt(std::max(0.0, risk + 2.5 + s.noise_sd * rng.Normal()));
      const double side = rng.Bernoulli(0.5) ? 1.0 : -1.0;
      return s.scale * (s.offset + side * distance);
    }
    case WideVariableKind::kNoise:
      if (s.noise_shape == 0) return s.scale * (s.offset + rng.Normal());
      if (s.noise_shape == 1) return s.scale * rng.LogNormal(0.0, 0.8);
      return static_cast<double>(rng.UniformInt(10));
    case WideVariableKind::kMonotoneWithMissing: {
      const double logit_missing = s.missing_logit + (s.missing_informative ? 0.8 * risk : 0.0);
      if (rng.Bernoulli(Logistic(logit_missing))) return std::numeric_limits<double>::quiet_NaN();
      return s.scale * (s.offset + s.direction * (risk + s.noise_sd * rng.Normal()));
    }
    case WideVariableKind::kCount: {
      const double signal =
          s.direction * (risk + s.noise_sd * rng.Normal()) / std::sqrt(1.0 + s.noise_sd * s.noise_sd);
      return rng.Poisson(std::min(40.0, 2.0 * PortableExp(0.6 * signal)));
    }
  }
  assert(false);
  return 0;
}

}  // namespace

WideVariableKind KindOfWideVariable(int number) {
  assert(number >= 1 && number <= kMaxWideVariables);
  return static_cast<WideVariableKind>((number - 1) % 5);
}

std::string WideVariableName(int number) {
  assert(number >= 1 && number <= kMaxWideVariables);
  char name[8];
  std::snprintf(name, sizeof name, "x%03d", number);
  return name;
}

int WideVariableDecimals(int number) { return Spec(number).decimals; }

void GenerateWideVariables(uint64_t seed, const Applicant& applicant, std::span<double> values) {
  assert(values.size() <= kMaxWideVariables);
  RowRandom rng(seed, applicant.row, RowStream::kWideVariables);
  const double risk = (ObservedRiskLogit(applicant) - kRiskLogitMean) / kRiskLogitSd;
  for (size_t i = 0; i < values.size(); ++i) {
    const WideVariableSpec& spec = Spec(static_cast<int>(i) + 1);
    values[i] = RoundTo(WideValue(spec, risk, rng), spec.decimals);
  }
}

}  // namespace credo::population
