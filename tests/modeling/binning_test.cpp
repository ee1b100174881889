#include "modeling/binning.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

namespace credo::modeling {
namespace {

using models::Bin;
using models::BinKind;
using models::Trend;
using models::VariableBins;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A fixture of "key,bad,rows" lines, expanded into one entry per row.
struct Rows {
  std::vector<std::string> keys;
  std::vector<uint8_t> bads;
};
Rows ReadCountsFixture(const std::string& name) {
  std::ifstream in(std::string(CREDO_SOURCE_DIR "/tests/modeling/fixtures/binning/") + name);
  EXPECT_TRUE(in.good()) << name;
  Rows rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string key, bad, count;
    std::getline(fields, key, ',');
    std::getline(fields, bad, ',');
    std::getline(fields, count, ',');
    for (int i = 0; i < std::stoi(count); ++i) {
      rows.keys.push_back(key);
      rows.bads.push_back(static_cast<uint8_t>(std::stoi(bad)));
    }
  }
  return rows;
}

std::vector<double> Numbers(const std::vector<std::string>& keys) {
  std::vector<double> v;
  for (const std::string& k : keys) v.push_back(k.empty() ? kNaN : std::stod(k));
  return v;
}

// Range bins of a numeric binning, in order.
std::vector<const Bin*> RangeBins(const VariableBins& v) {
  std::vector<const Bin*> out;
  for (const Bin& b : v.bins) {
    if (b.kind == BinKind::kRange || b.kind == BinKind::kCategories) out.push_back(&b);
  }
  return out;
}

// Counts per bin recomputed by locating every row; must equal the bins' own counts.
void ExpectLocateRecounts(const VariableBins& v, std::span<const double> values,
                          std::span<const uint8_t> bads) {
  std::vector<int64_t> count(v.bins.size()), bad(v.bins.size());
  std::vector<int32_t> fast(values.size());
  LocateAll(v, values, fast);
  std::vector<double> woe(values.size());
  ApplyWoe(v, values, woe);
  for (size_t i = 0; i < values.size(); ++i) {
    const int b = v.Locate(values[i]);
    ASSERT_EQ(fast[i], b) << "row " << i;
    ASSERT_EQ(woe[i], v.bins[b].woe) << "row " << i;
    ++count[b];
    bad[b] += bads[i];
  }
  for (size_t b = 0; b < v.bins.size(); ++b) {
    EXPECT_EQ(count[b], v.bins[b].count) << v.variable << " bin " << v.bins[b].Label();
    EXPECT_EQ(bad[b], v.bins[b].bads) << v.variable << " bin " << v.bins[b].Label();
  }
}

TEST(BinNumeric, WoeAndIvOfThreeBinsByHand) {
  // Counts (goods, bads) per bin: (90, 10), (160, 40), (50, 50); G = 300, B = 100.
  //   WOE1 = ln((90/300)/(10/100))  = ln 3        =  1.098612, IV1 = (0.3 - 0.1) * 1.098612          =
  //   0.219722 WOE2 = ln((160/300)/(40/100)) = ln(4/3)     =  0.287682, IV2 = (0.533333 - 0.4) * 0.287682 =
  //   0.038358 WOE3 = ln((50/300)/(50/100))  = ln(1/3)     = -1.098612, IV3 = (0.166667 - 0.5) * -1.098612 =
  //   0.366204 IV = 0.624284
  const Rows rows = ReadCountsFixture("woe_three_bins.csv");
  const std::vector<double> values = Numbers(rows.keys);
  const std::vector<double> cuts = {20, 10};  // any order
  auto r = BinNumeric("x", values, rows.bads, BinningOptions{}, &cuts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const VariableBins& v = *r;
  ASSERT_EQ(v.bins.size(), 4u);  // three ranges + missing
  const double woe[] = {1.098612, 0.287682, -1.098612}, iv[] = {0.219722, 0.038358, 0.366204};
  const double lower[] = {-kInf, 10, 20}, upper[] = {10, 20, kInf};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(v.bins[i].kind, BinKind::kRange);
    EXPECT_EQ(v.bins[i].lower, lower[i]);
    EXPECT_EQ(v.bins[i].upper, upper[i]);
    EXPECT_NEAR(v.bins[i].woe, woe[i], 1e-6);
    EXPECT_NEAR(v.bins[i].iv, iv[i], 1e-6);
  }
  EXPECT_EQ(v.bins[3].kind, BinKind::kMissing);
  EXPECT_EQ(v.bins[3].count, 0);
  EXPECT_EQ(v.bins[3].woe, 0);
  EXPECT_NEAR(v.iv, 0.624284, 1e-6);
  EXPECT_EQ(v.trend, Trend::kAscending);  // event rates 0.10, 0.20, 0.50
  ExpectLocateRecounts(v, values, rows.bads);
}

TEST(BinNumeric, BinWithoutBadsGetsHalfAddedForItsWoe) {
  // Bin 1: 20 goods, 0 bads; bin 2: 20 goods, 10 bads. G = 40, B = 10.
  //   WOE1 = ln(((20 + 0.5)/40) / ((0 + 0.5)/10)) = ln(10.25) = 2.327278; IV1 = (0.5 - 0) * 2.327278
  //   = 1.163639 WOE2 = ln((20/40) / (10/10)) = ln 0.5 = -0.693147;                   IV2 = (0.5 - 1) *
  //   -0.693147 = 0.346574
  std::vector<double> values(50, 2.0);
  std::vector<uint8_t> bads(50, 0);
  std::fill(values.begin(), values.begin() + 20, 1.0);
  std::fill(bads.begin() + 40, bads.end(), 1);
  const std::vector<double> cuts = {1.5};
  auto r = BinNumeric("x", values, bads, BinningOptions{}, &cuts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NEAR(r->bins[0].woe, 2.327278, 1e-6);
  EXPECT_NEAR(r->bins[0].iv, 1.163639, 1e-6);
  EXPECT_NEAR(r->bins[1].woe, -0.693147, 1e-6);
  EXPECT_NEAR(r->bins[1].iv, 0.346574, 1e-6);
}

TEST(BinNumeric, MissingAndSpecialBins) {
  // 3000 rows: x = i % 100 for most, every 10th row missing, every 7th (not missing) row -1 (special).
  std::vector<double> values;
  std::vector<uint8_t> bads;
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    double x = i % 100;
    if (i % 10 == 0)
      x = kNaN;
    else if (i % 7 == 0)
      x = -1;
    values.push_back(x);
    bads.push_back(std::uniform_real_distribution<>(0, 1)(rng) < 0.1 + (std::isnan(x) ? 0.2 : x / 400) ? 1
                                                                                                       : 0);
  }
  BinningOptions options;
  options.special_values = {999, -1};  // 999 never occurs: no bin for it
  auto r = BinNumeric("x", values, bads, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const VariableBins& v = *r;
  int specials = 0;
  for (const Bin& b : v.bins) specials += b.kind == BinKind::kSpecial;
  EXPECT_EQ(specials, 1);
  const Bin& special = v.bins[v.Locate(-1)];
  EXPECT_EQ(special.kind, BinKind::kSpecial);
  EXPECT_EQ(special.special_value, -1);
  // Rows with i % 7 == 0 and i % 10 != 0: multiples of 7 (429) minus multiples of 70 (43).
  EXPECT_EQ(special.count, 429 - 43);
  EXPECT_EQ(v.bins.back().kind, BinKind::kMissing);
  EXPECT_EQ(v.bins.back().count, 300);
  EXPECT_EQ(v.bins[v.Locate(kNaN)].kind, BinKind::kMissing);
  EXPECT_NE(v.bins.back().woe, 0);
  ExpectLocateRecounts(v, values, bads);
}

TEST(BinNumeric, MissingBinIsAlwaysPresent) {
  std::vector<double> values;
  std::vector<uint8_t> bads;
  for (int i = 0; i < 1000; ++i) {
    values.push_back(i);
    bads.push_back(i % 5 == 0 || (i > 600 && i % 3 == 0));
  }
  auto r = BinNumeric("x", values, bads, BinningOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Bin& missing = r->bins[r->missing_bin()];
  EXPECT_EQ(missing.kind, BinKind::kMissing);
  EXPECT_EQ(missing.count, 0);
  EXPECT_EQ(missing.woe, 0);
  EXPECT_EQ(missing.iv, 0);
}

// Data whose bad rate follows `shape` over x in [0, 100), with ties (x on a 0.5 grid) and 5% missing.
struct Sample {
  std::vector<double> values;
  std::vector<uint8_t> bads;
};
Sample MakeSample(int n, uint32_t seed, double (*bad_rate)(double)) {
  Sample s;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<> unit(0, 1);
  for (int i = 0; i < n; ++i) {
    const double x = std::floor(unit(rng) * 200) / 2;
    const bool missing = unit(rng) < 0.05;
    s.values.push_back(missing ? kNaN : x);
    s.bads.push_back(unit(rng) < (missing ? 0.3 : bad_rate(x)) ? 1 : 0);
  }
  return s;
}
double Rising(double x) { return 0.03 + 0.25 * x / 100; }
double Falling(double x) { return 0.28 - 0.25 * x / 100; }
double Peaked(double x) { return 0.35 - 0.3 * ((x - 50) / 50) * ((x - 50) / 50); }
double Valley(double x) { return 0.05 + 0.3 * ((x - 50) / 50) * ((x - 50) / 50); }

// The trend of a sequence of event rates, computed independently of the library.
Trend ShapeOf(const std::vector<double>& rates) {
  if (rates.size() < 2) return Trend::kNone;
  std::vector<int> steps;
  for (size_t i = 1; i < rates.size(); ++i) {
    if (rates[i] == rates[i - 1]) return Trend::kNone;
    steps.push_back(rates[i] > rates[i - 1] ? 1 : -1);
  }
  size_t turn = 1;
  while (turn < steps.size() && steps[turn] == steps[0]) ++turn;
  if (turn == steps.size()) return steps[0] > 0 ? Trend::kAscending : Trend::kDescending;
  for (size_t i = turn; i < steps.size(); ++i) {
    if (steps[i] == steps[0]) return Trend::kNone;
  }
  return steps[0] > 0 ? Trend::kPeak : Trend::kValley;
}

bool ShapeAllowed(Monotonicity mode, Trend shape, size_t bins) {
  if (bins == 1) return true;
  switch (mode) {
    case Monotonicity::kAscending:
      return shape == Trend::kAscending;
    case Monotonicity::kDescending:
      return shape == Trend::kDescending;
    case Monotonicity::kAuto:
      return shape == Trend::kAscending || shape == Trend::kDescending;
    case Monotonicity::kPeak:
      return shape == Trend::kAscending || shape == Trend::kDescending || shape == Trend::kPeak;
    case Monotonicity::kValley:
      return shape == Trend::kAscending || shape == Trend::kDescending || shape == Trend::kValley;
    case Monotonicity::kNone:
      return true;
  }
  return false;
}

TEST(BinNumeric, ConstraintsHoldInEveryMode) {
  const std::pair<const char*, double (*)(double)> shapes[] = {
      {"rising", Rising}, {"falling", Falling}, {"peaked", Peaked}, {"valley", Valley}};
  const Monotonicity modes[] = {Monotonicity::kAscending, Monotonicity::kDescending, Monotonicity::kAuto,
                                Monotonicity::kPeak,      Monotonicity::kValley,     Monotonicity::kNone};
  uint32_t seed = 1;
  for (const auto& [shape_name, shape] : shapes) {
    const Sample s = MakeSample(6000, seed++, shape);
    for (Monotonicity mode : modes) {
      BinningOptions options;
      options.monotonicity = mode;
      options.max_bins = 6;
      options.min_bin_share = 0.07;
      options.min_bads_per_bin = 20;
      auto r = BinNumeric("x", s.values, s.bads, options);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      const VariableBins& v = *r;
      SCOPED_TRACE(std::string(shape_name) + " mode " + std::to_string(static_cast<int>(mode)));
      const std::vector<const Bin*> ranges = RangeBins(v);
      int64_t range_rows = 0;
      for (const Bin* b : ranges) range_rows += b->count;
      ASSERT_LE(ranges.size(), 6u);
      std::vector<double> rates;
      double iv = 0;
      for (const Bin& b : v.bins) iv += b.iv;
      EXPECT_NEAR(iv, v.iv, 1e-12);
      for (const Bin* b : ranges) {
        EXPECT_GE(b->count, 0.07 * range_rows) << b->Label();
        EXPECT_GE(b->bads, 20) << b->Label();
        EXPECT_GE(b->goods(), 20) << b->Label();
        rates.push_back(b->event_rate());
      }
      const Trend shape_found = ShapeOf(rates);
      EXPECT_TRUE(ShapeAllowed(mode, shape_found, ranges.size())) << models::TrendName(shape_found);
      EXPECT_EQ(v.trend, shape_found);
      if (mode == Monotonicity::kAuto || mode == Monotonicity::kNone) {
        EXPECT_GE(ranges.size(), 2u);
      }
      ExpectLocateRecounts(v, s.values, s.bads);
    }
  }
}

TEST(BinNumeric, PeakAndValleyBeatMonotoneOnTheirShape) {
  for (auto [shape, mode, trend] : {std::tuple{&Peaked, Monotonicity::kPeak, Trend::kPeak},
                                    std::tuple{&Valley, Monotonicity::kValley, Trend::kValley}}) {
    const Sample s = MakeSample(20000, 11, shape);
    BinningOptions options;
    auto monotone = BinNumeric("x", s.values, s.bads, options);
    options.monotonicity = mode;
    auto turning = BinNumeric("x", s.values, s.bads, options);
    ASSERT_TRUE(monotone.ok() && turning.ok());
    EXPECT_EQ(turning->trend, trend);
    // A monotone partition is also a feasible peak/valley, so the optimum can only be higher.
    EXPECT_GT(turning->iv, monotone->iv);
  }
}

// The best IV over all partitions of `fine` (counts, bads) into contiguous
// groups meeting the constraints: brute force over the 2^(k-1) cut sets.
double BruteForceBestIv(const std::vector<std::pair<int64_t, int64_t>>& fine, int64_t all_goods,
                        int64_t all_bads, const BinningOptions& o, Monotonicity mode) {
  const size_t k = fine.size();
  int64_t range_rows = 0;
  for (auto [c, b] : fine) range_rows += c;
  double best = -kInf;
  for (uint32_t mask = 0; mask < (1u << (k - 1)); ++mask) {
    std::vector<std::pair<int64_t, int64_t>> groups = {{0, 0}};
    for (size_t i = 0; i < k; ++i) {
      groups.back().first += fine[i].first;
      groups.back().second += fine[i].second;
      if (i + 1 < k && (mask >> i & 1)) groups.push_back({0, 0});
    }
    if (groups.size() > static_cast<size_t>(o.max_bins)) continue;
    bool ok = true;
    std::vector<double> rates;
    double iv = 0;
    for (auto [count, bads] : groups) {
      const int64_t goods = count - bads;
      ok &=
          count >= o.min_bin_share * range_rows && bads >= o.min_bads_per_bin && goods >= o.min_bads_per_bin;
      rates.push_back(static_cast<double>(bads) / count);
      const double g = static_cast<double>(goods) / all_goods, b = static_cast<double>(bads) / all_bads;
      iv += (g - b) * std::log(g / b);  // constraints guarantee goods, bads > 0
    }
    if (ok && ShapeAllowed(mode, ShapeOf(rates), groups.size())) best = std::max(best, iv);
  }
  return best;
}

TEST(BinNumeric, DynamicProgrammeMatchesBruteForceOnSmallCases) {
  // 9 distinct values with 12..40 rows each: with fine_bins >= rows/2 every
  // distinct value is its own fine bin, so the brute force over partitions of
  // the distinct values is the exact optimum the programme must reach.
  const Monotonicity modes[] = {Monotonicity::kAscending, Monotonicity::kDescending, Monotonicity::kAuto,
                                Monotonicity::kPeak,      Monotonicity::kValley,     Monotonicity::kNone};
  int feasible_cases = 0;
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    std::mt19937 rng(seed);
    std::vector<double> values;
    std::vector<uint8_t> bads;
    std::vector<std::pair<int64_t, int64_t>> fine;
    int64_t all_bads = 0;
    for (int value = 0; value < 9; ++value) {
      const int rows = std::uniform_int_distribution<>(12, 40)(rng);
      const double rate = std::uniform_real_distribution<>(0.05, 0.6)(rng);
      int64_t value_bads = 0;
      for (int i = 0; i < rows; ++i) {
        const uint8_t bad = std::uniform_real_distribution<>(0, 1)(rng) < rate;
        values.push_back(value);
        bads.push_back(bad);
        value_bads += bad;
      }
      fine.push_back({rows, value_bads});
      all_bads += value_bads;
    }
    const int64_t all_goods = static_cast<int64_t>(values.size()) - all_bads;
    for (Monotonicity mode : modes) {
      BinningOptions o;
      o.fine_bins = 200;
      o.max_bins = 4;
      o.min_bin_share = 0.08;
      o.min_bads_per_bin = 4;
      o.monotonicity = mode;
      auto r = BinNumeric("x", values, bads, o);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      const double brute =
          mode == Monotonicity::kAuto
              ? std::max(BruteForceBestIv(fine, all_goods, all_bads, o, Monotonicity::kAscending),
                         BruteForceBestIv(fine, all_goods, all_bads, o, Monotonicity::kDescending))
              : BruteForceBestIv(fine, all_goods, all_bads, o, mode);
      SCOPED_TRACE("seed " + std::to_string(seed) + " mode " + std::to_string(static_cast<int>(mode)));
      ASSERT_GT(brute, -kInf);  // a single group is always feasible here
      EXPECT_NEAR(r->iv, brute, 1e-9);
      feasible_cases += RangeBins(*r).size() > 1;
    }
  }
  EXPECT_GT(feasible_cases, 40);  // the cases exercise real splits, not just single bins
}

TEST(BinNumeric, CutsAreDataValuesAndTiesAreNeverSplit) {
  // Half the rows are exactly 0; the rest spread over 1..500.
  std::vector<double> values;
  std::vector<uint8_t> bads;
  std::mt19937 rng(3);
  for (int i = 0; i < 4000; ++i) {
    const double x = i % 2 ? 0.0 : std::uniform_int_distribution<>(1, 500)(rng) * 0.37;
    values.push_back(x);
    bads.push_back(std::uniform_real_distribution<>(0, 1)(rng) < (x == 0 ? 0.3 : 0.05 + x / 2000));
  }
  BinningOptions options;
  options.monotonicity = Monotonicity::kNone;
  auto r = BinNumeric("x", values, bads, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const Bin* b : RangeBins(*r)) {
    if (std::isinf(b->upper)) continue;
    EXPECT_NE(std::find(values.begin(), values.end(), b->upper), values.end()) << b->Label();
  }
  ExpectLocateRecounts(*r, values, bads);
  // The bins survive the artifact's JSON unchanged: every row lands in the same bin.
  const VariableBins reread = nlohmann::json(*r).get<VariableBins>();
  for (double x : values) ASSERT_EQ(reread.Locate(x), r->Locate(x)) << x;
}

TEST(BinNumeric, InfiniteValuesJoinTheEndBins) {
  // Cuts must be finite (JSON writes an infinite edge as null = unbounded).
  std::vector<double> values;
  std::vector<uint8_t> bads;
  for (int i = 0; i < 2000; ++i) {
    values.push_back(i < 300 ? -kInf : i >= 1700 ? kInf : i);
    bads.push_back(i % 4 == 0 || i > 1500);
  }
  BinningOptions options;
  options.monotonicity = Monotonicity::kNone;
  auto r = BinNumeric("x", values, bads, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const Bin* b : RangeBins(*r)) {
    EXPECT_TRUE(b == RangeBins(*r).back() || std::isfinite(b->upper)) << b->Label();
  }
  ExpectLocateRecounts(*r, values, bads);
  const VariableBins reread = nlohmann::json(*r).get<VariableBins>();
  for (double x : values) ASSERT_EQ(reread.Locate(x), r->Locate(x)) << x;
}

TEST(BinNumeric, NoFeasiblePartitionGivesOneBin) {
  // Only 3 bads: no bin can hold min_bads_per_bin = 5.
  std::vector<double> values;
  std::vector<uint8_t> bads;
  for (int i = 0; i < 200; ++i) {
    values.push_back(i);
    bads.push_back(i == 10 || i == 100 || i == 150);
  }
  auto r = BinNumeric("x", values, bads, BinningOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(RangeBins(*r).size(), 1u);
  EXPECT_EQ(r->bins[0].lower, -kInf);
  EXPECT_EQ(r->bins[0].upper, kInf);
  EXPECT_EQ(r->bins[0].count, 200);
  EXPECT_EQ(r->trend, Trend::kNone);
}

TEST(BinNumeric, RowSubsetEqualsCopiedRows) {
  const Sample s = MakeSample(5000, 5, Rising);
  std::vector<size_t> rows;
  Sample copy;
  for (size_t i = 0; i < s.values.size(); i += 3) {
    rows.push_back(i);
    copy.values.push_back(s.values[i]);
    copy.bads.push_back(s.bads[i]);
  }
  auto subset = BinNumeric("x", s.values, s.bads, BinningOptions{}, nullptr, rows);
  auto copied = BinNumeric("x", copy.values, copy.bads, BinningOptions{});
  ASSERT_TRUE(subset.ok() && copied.ok());
  EXPECT_EQ(nlohmann::json(*subset), nlohmann::json(*copied));
  EXPECT_NE(nlohmann::json(*subset), nlohmann::json(*BinNumeric("x", s.values, s.bads, BinningOptions{})));
}

TEST(BinNumeric, ErrorsNameTheVariable) {
  const std::vector<double> values = {1, 2, 3, 4};
  const std::vector<uint8_t> bads = {0, 1, 0, 1};
  const std::vector<uint8_t> short_bads = {0, 1, 0};
  const std::vector<uint8_t> no_bads = {0, 0, 0, 0};
  const std::vector<uint8_t> no_goods = {1, 1, 1, 1};
  const std::vector<uint8_t> not_binary = {0, 2, 0, 1};
  const std::vector<size_t> out_of_range = {0, 9};
  for (const auto& r : {BinNumeric("age", values, short_bads, {}), BinNumeric("age", values, no_bads, {}),
                        BinNumeric("age", values, no_goods, {}), BinNumeric("age", values, not_binary, {}),
                        BinNumeric("age", values, bads, {}, nullptr, out_of_range)}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidInput);
    EXPECT_NE(r.status().ToString().find("'age'"), std::string::npos) << r.status().ToString();
  }
  BinningOptions bad_options;
  bad_options.fine_bins = 1;
  EXPECT_FALSE(BinNumeric("age", values, bads, bad_options).ok());
  bad_options = {};
  bad_options.max_bins = 51;
  EXPECT_FALSE(BinNumeric("age", values, bads, bad_options).ok());
  const std::vector<double> nan_cut = {kNaN};
  EXPECT_FALSE(BinNumeric("age", values, bads, {}, &nan_cut).ok());
}

TEST(QuantileCuts, EqualCountsAndTies) {
  std::vector<double> one_to_hundred;
  for (int i = 1; i <= 100; ++i) one_to_hundred.push_back(101 - i);  // order does not matter
  EXPECT_EQ(QuantileCuts(one_to_hundred, 10), (std::vector<double>{10, 20, 30, 40, 50, 60, 70, 80, 90}));
  // 50 zeros then 1..50: sorted positions 24, 49, 74 hold 0, 0, 25, so the cuts are 0 and 25.
  std::vector<double> tied(50, 0.0);
  for (int i = 1; i <= 50; ++i) tied.push_back(i);
  tied.push_back(kNaN);  // ignored
  EXPECT_EQ(QuantileCuts(tied, 4), (std::vector<double>{0, 25}));
  EXPECT_TRUE(QuantileCuts(std::vector<double>(10, 3.0), 5).empty());  // one value: one bucket
}

struct CategoricalSample {
  std::vector<int32_t> codes;
  std::vector<std::string> levels;
  std::vector<uint8_t> bads;
};
CategoricalSample ReadCategoricalFixture() {
  const Rows rows = ReadCountsFixture("categorical_rare_and_unseen.csv");
  CategoricalSample s;
  s.levels = {"E", "C", "A", "D", "B", "never_in_rows"};  // not in event-rate order
  for (size_t i = 0; i < rows.keys.size(); ++i) {
    const auto it = std::find(s.levels.begin(), s.levels.end(), rows.keys[i]);
    s.codes.push_back(rows.keys[i].empty() ? -1 : static_cast<int32_t>(it - s.levels.begin()));
  }
  s.bads = rows.bads;
  return s;
}

void ExpectCategoricalRecounts(const VariableBins& v, const CategoricalSample& s) {
  std::vector<int64_t> count(v.bins.size()), bad(v.bins.size());
  std::vector<int32_t> fast(s.codes.size());
  LocateAll(v, s.codes, s.levels, fast);
  for (size_t i = 0; i < s.codes.size(); ++i) {
    const int b = v.LocateCategory(s.codes[i] < 0 ? "" : s.levels[s.codes[i]]);
    ASSERT_EQ(fast[i], b);
    ++count[b];
    bad[b] += s.bads[i];
  }
  for (size_t b = 0; b < v.bins.size(); ++b) {
    EXPECT_EQ(count[b], v.bins[b].count) << v.bins[b].Label();
    EXPECT_EQ(bad[b], v.bins[b].bads) << v.bins[b].Label();
  }
}

TEST(BinCategorical, RareLevelsPoolIntoOtherWhichTakesUnseen) {
  // Non-missing rows 1000; with rare share 5%, D (30 rows) and E (20) are rare
  // and pool into one group of 50 rows, 17 bads (34%). Event rates: A 5%, B 10%,
  // C 20%, other 34% — strictly rising, all groups feasible, and splitting never
  // lowers IV, so the optimum keeps all four groups in that order.
  const CategoricalSample s = ReadCategoricalFixture();
  BinningOptions options;
  options.rare_category_share = 0.05;
  auto r = BinCategorical("region", s.codes, s.levels, s.bads, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const VariableBins& v = *r;
  EXPECT_TRUE(v.categorical);
  ASSERT_EQ(v.bins.size(), 5u);
  EXPECT_EQ(v.bins[0].categories, std::vector<std::string>{"A"});
  EXPECT_EQ(v.bins[1].categories, std::vector<std::string>{"B"});
  EXPECT_EQ(v.bins[2].categories, std::vector<std::string>{"C"});
  EXPECT_EQ(v.bins[3].categories, (std::vector<std::string>{"E", "D"}));  // in level order
  EXPECT_EQ(v.bins[3].count, 50);
  EXPECT_EQ(v.bins[3].bads, 17);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(v.bins[i].takes_unseen, i == 3);
  EXPECT_EQ(v.bins[4].kind, BinKind::kMissing);
  EXPECT_EQ(v.bins[4].count, 50);
  EXPECT_EQ(v.trend, Trend::kAscending);
  EXPECT_EQ(v.LocateCategory("never_in_rows"), 3);  // a listed level absent from training is unseen
  EXPECT_EQ(v.LocateCategory("Z"), 3);
  ExpectCategoricalRecounts(v, s);
  std::vector<double> woe(1);
  const std::vector<int32_t> unseen_code = {5};
  ApplyWoe(v, unseen_code, s.levels, woe);
  EXPECT_EQ(woe[0], v.bins[3].woe);
}

TEST(BinCategorical, WithoutRareLevelsTheLargestBinTakesUnseen) {
  const CategoricalSample s = ReadCategoricalFixture();
  BinningOptions options;
  options.rare_category_share = 0;
  options.min_bin_share = 0.2;  // D and E must merge with neighbours
  auto r = BinCategorical("region", s.codes, s.levels, s.bads, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  int unseen = -1;
  int64_t largest = 0;
  for (size_t i = 0; i < r->bins.size(); ++i) {
    if (r->bins[i].takes_unseen) {
      EXPECT_EQ(unseen, -1) << "only one bin takes unseen levels";
      unseen = static_cast<int>(i);
    }
    if (r->bins[i].kind == BinKind::kCategories) {
      largest = std::max(largest, r->bins[i].count);
      EXPECT_GE(r->bins[i].count, 0.2 * 1000);
    }
  }
  ASSERT_GE(unseen, 0);
  EXPECT_EQ(r->bins[unseen].count, largest);
  EXPECT_EQ(r->LocateCategory("Z"), unseen);
  ExpectCategoricalRecounts(*r, s);
}

TEST(BinCategorical, UserGroupsAndTheOtherBin) {
  const CategoricalSample s = ReadCategoricalFixture();
  const std::vector<std::vector<std::string>> groups = {{"C", "B"}, {"A"}};
  auto r = BinCategorical("region", s.codes, s.levels, s.bads, BinningOptions{}, &groups);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->bins.size(), 4u);  // {B, C}, {A}, other {E, D}, missing
  EXPECT_EQ(r->bins[0].categories, (std::vector<std::string>{"C", "B"}));
  EXPECT_EQ(r->bins[0].count, 550);
  EXPECT_EQ(r->bins[1].count, 400);
  EXPECT_EQ(r->bins[2].categories, (std::vector<std::string>{"E", "D"}));
  EXPECT_TRUE(r->bins[2].takes_unseen);
  ExpectCategoricalRecounts(*r, s);
  const std::vector<std::vector<std::string>> overlapping = {{"A", "B"}, {"B"}};
  EXPECT_FALSE(BinCategorical("region", s.codes, s.levels, s.bads, BinningOptions{}, &overlapping).ok());
  const std::vector<int32_t> bad_codes(s.codes.size(), 9);
  EXPECT_FALSE(BinCategorical("region", bad_codes, s.levels, s.bads, BinningOptions{}).ok());
}

TEST(BinCategorical, ManyLevelsArePreMergedToFineBins) {
  // 40 levels of ~2.5% each, none rare: the rate-ordered levels are merged
  // into at most fine_bins = 6 runs before the optimisation.
  CategoricalSample s;
  std::mt19937 rng(31);
  for (int level = 0; level < 40; ++level) s.levels.push_back("L" + std::to_string(level));
  for (int i = 0; i < 8000; ++i) {
    const int level = std::uniform_int_distribution<>(0, 39)(rng);
    s.codes.push_back(level);
    s.bads.push_back(std::uniform_real_distribution<>(0, 1)(rng) < 0.02 + 0.005 * level);
  }
  BinningOptions options;
  options.rare_category_share = 0;
  options.fine_bins = 6;
  options.max_bins = 50;
  options.min_bin_share = 0;
  options.min_bads_per_bin = 0;
  auto r = BinCategorical("many", s.codes, s.levels, s.bads, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::vector<const Bin*> groups = RangeBins(*r);
  EXPECT_GE(groups.size(), 2u);
  EXPECT_LE(groups.size(), 6u);
  size_t listed = 0;
  for (const Bin* b : groups) listed += b->categories.size();
  EXPECT_EQ(listed, 40u);  // every level in exactly one bin (the recount checks which)
  ExpectCategoricalRecounts(*r, s);
}

TEST(BinAll, MatchesOneByOneAndKeepsOrder) {
  std::vector<data::Column> columns;
  std::vector<uint8_t> bads;
  const Sample rising = MakeSample(4000, 21, Rising);
  const Sample valley = MakeSample(4000, 22, Valley);
  bads = rising.bads;
  for (const auto& [name, sample] : {std::pair{"rising", &rising}, std::pair{"valley", &valley}}) {
    data::Column numeric;
    numeric.name = name;
    numeric.numbers = sample->values;
    columns.push_back(std::move(numeric));
  }
  const CategoricalSample cat = ReadCategoricalFixture();
  data::Column region;
  region.name = "region";
  region.type = data::ColumnType::kCategorical;
  region.levels = cat.levels;
  for (size_t i = 0; i < bads.size(); ++i) region.codes.push_back(cat.codes[i % cat.codes.size()]);
  columns.push_back(region);
  std::vector<const data::Column*> pointers;
  for (const data::Column& c : columns) pointers.push_back(&c);
  ManualBins manual;
  manual.cuts["valley"] = {25, 75};
  auto all = BinAll(pointers, bads, BinningOptions{}, &manual, std::nullopt, 3);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    auto one = BinColumn(columns[i], bads, BinningOptions{}, &manual);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(nlohmann::json((*all)[i]), nlohmann::json(*one));
  }
  EXPECT_EQ((*all)[1].bins.size(), 4u);  // the manual cuts: 3 ranges + missing
  EXPECT_EQ((*all)[1].bins[1].upper, 75);
  EXPECT_TRUE((*all)[2].categorical);

  columns[1].numbers.pop_back();  // wrong length: the error names that column
  auto failed = BinAll(pointers, bads, BinningOptions{});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().ToString().find("'valley'"), std::string::npos);
}

}  // namespace
}  // namespace credo::modeling
