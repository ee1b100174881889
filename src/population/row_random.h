// population/row_random.h — the random stream of one synthetic row.
//
// Every row of the population draws from its own xoshiro256** generator,
// seeded by splitmix64 from (population seed, row index, stream number), so a
// row's values depend only on the seed and its index — never on how rows are
// split among threads or on which rows were generated before it. The
// samplers are written here (not std:: distributions, whose algorithms are
// implementation-defined) so that output is identical on every platform.
// Not thread-safe; one per row.
#pragma once

#include <cstdint>
#include <span>

namespace credo::population {

// Independent streams of one row: the applicant's attributes, the extra wide
// variables and the dated records of its document (so that adding wide
// variables or records never changes the others).
enum class RowStream : uint64_t { kApplicant = 1, kWideVariables = 2, kRecords = 3 };

class RowRandom {
 public:
  RowRandom(uint64_t seed, int64_t row, RowStream stream);

  // 64 uniformly random bits.
  uint64_t NextBits();
  // Uniform on [0, 1) with 53 random bits.
  double Uniform();
  // Uniform integer on [0, n), n > 0 (Lemire's unbiased method).
  int64_t UniformInt(int64_t n);
  // True with probability p.
  bool Bernoulli(double p);
  // Standard normal (Marsaglia's polar method).
  double Normal();
  // Normal with the given mean and standard deviation.
  double Normal(double mean, double sd) { return mean + sd * Normal(); }
  // e^Normal(log_median, log_sd): log-normal with median e^log_median.
  double LogNormal(double log_median, double log_sd);
  // Poisson with mean 0 <= mean <= 60 (Knuth's multiplication method).
  int Poisson(double mean);
  // Binomial(trials, p) as the sum of `trials` Bernoulli draws; trials stays small here.
  int Binomial(int trials, double p);
  // Index i drawn with probability weights[i] / sum(weights); weights >= 0, sum > 0.
  int Categorical(std::span<const double> weights);

 private:
  uint64_t state_[4];
  // The polar method makes normals in pairs; the second waits here.
  double spare_normal_ = 0;
  bool has_spare_normal_ = false;
};

// splitmix64's finaliser: a bijective mix of 64 bits, also used to derive
// fixed per-variable constants from a variable's number.
uint64_t Mix64(uint64_t x);

}  // namespace credo::population
