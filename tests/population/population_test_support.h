// Helpers shared by the population tests: reading the generated CSV back
// with a reader of the tests' own (the generator never quotes a field, so a
// comma split is exact), and binomial tolerances.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace credo::population::testing {

using CsvRows = std::vector<std::vector<std::string>>;

// Every line of `path` split at commas; the header is rows[0].
inline CsvRows ReadCsvRows(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  CsvRows rows;
  std::string line;
  while (std::getline(in, line)) {
    EXPECT_EQ(line.find('"'), std::string::npos) << "the generator never quotes: " << line;
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();  // a trailing empty field
    rows.push_back(std::move(fields));
  }
  return rows;
}

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A file name of this test process's own: ctest runs tests in parallel processes.
inline std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "credo_population_" + std::to_string(::getpid()) + "_" + name;
}

// Sum of independent Bernoulli(p_i) draws: the observed count must lie within
// 4 standard deviations, sqrt(sum p_i (1 - p_i)), of sum p_i. A correct
// generator fails this with probability about 6e-5 (normal approximation).
struct BernoulliSum {
  double observed = 0;
  double expected = 0;
  double variance = 0;
  void Add(bool outcome, double p) {
    observed += outcome ? 1 : 0;
    expected += p;
    variance += p * (1 - p);
  }
};

inline void ExpectWithinFourSigma(const BernoulliSum& sum, const std::string& what) {
  ASSERT_GT(sum.variance, 0) << what;
  EXPECT_LE(std::abs(sum.observed - sum.expected), 4 * std::sqrt(sum.variance))
      << what << ": observed " << sum.observed << ", expected " << sum.expected << " +- "
      << 4 * std::sqrt(sum.variance);
}

// Bad counts of a group of applicants.
struct BadRate {
  int64_t count = 0;
  int64_t bads = 0;
  void Add(bool bad) {
    ++count;
    bads += bad ? 1 : 0;
  }
  double rate() const { return count > 0 ? static_cast<double>(bads) / count : 0.0; }
};

// z statistic of rate(riskier) - rate(safer), with the unpooled binomial standard error.
inline double RiskierZ(const BadRate& riskier, const BadRate& safer) {
  const double r1 = riskier.rate(), r2 = safer.rate();
  const double se = std::sqrt(r1 * (1 - r1) / riskier.count + r2 * (1 - r2) / safer.count);
  return (r1 - r2) / se;
}

}  // namespace credo::population::testing
