#include "population/row_random.h"

#include <cassert>
#include <cmath>

#include "population/portable_math.h"

namespace credo::population {
namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t Mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

RowRandom::RowRandom(uint64_t seed, int64_t row, RowStream stream) {
  // Hash (seed, row, stream) into one 64-bit key, then expand it with the
  // splitmix64 sequence into xoshiro's 256-bit state, as its authors advise.
  uint64_t key = Mix64(seed + kGolden);
  key = Mix64(key ^ (static_cast<uint64_t>(row) + kGolden));
  key = Mix64(key ^ (static_cast<uint64_t>(stream) * kGolden));
  for (uint64_t& word : state_) {
    key += kGolden;
    word = Mix64(key);
  }
}

uint64_t RowRandom::NextBits() {
  const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = RotateLeft(state_[3], 45);
  return result;
}

double RowRandom::Uniform() { return static_cast<double>(NextBits() >> 11) * 0x1.0p-53; }

int64_t RowRandom::UniformInt(int64_t n) {
  assert(n > 0);
  const uint64_t range = static_cast<uint64_t>(n);
  unsigned __int128 product = static_cast<unsigned __int128>(NextBits()) * range;
  uint64_t low = static_cast<uint64_t>(product);
  if (low < range) {
    const uint64_t threshold = (0 - range) % range;
    while (low < threshold) {
      product = static_cast<unsigned __int128>(NextBits()) * range;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<int64_t>(product >> 64);
}

bool RowRandom::Bernoulli(double p) { return Uniform() < p; }

double RowRandom::Normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double u, v, s;
  do {
    u = 2.0 * Uniform() - 1.0;
    v = 2.0 * Uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * PortableLog(s) / s);
  spare_normal_ = v * factor;
  has_spare_normal_ = true;
  return u * factor;
}

double RowRandom::LogNormal(double log_median, double log_sd) {
  return PortableExp(Normal(log_median, log_sd));
}

int RowRandom::Poisson(double mean) {
  assert(mean >= 0 && mean <= 60);
  const double limit = PortableExp(-mean);
  int count = 0;
  double product = Uniform();
  while (product > limit) {
    ++count;
    product *= Uniform();
  }
  return count;
}

int RowRandom::Binomial(int trials, double p) {
  int successes = 0;
  for (int i = 0; i < trials; ++i) successes += Bernoulli(p) ? 1 : 0;
  return successes;
}

int RowRandom::Categorical(std::span<const double> weights) {
  double total = 0;
  for (double w : weights) total += w;
  assert(total > 0);
  double target = Uniform() * total;
  int last_possible = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0) continue;
    if (target < weights[i]) return static_cast<int>(i);
    target -= weights[i];
    last_possible = static_cast<int>(i);
  }
  // Rounding left `target` just above the last weight: that index it is.
  return last_possible;
}

}  // namespace credo::population
