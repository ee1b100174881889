#include "modeling/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace credo::modeling {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Rows sharing one distinct score.
struct ScoreLevel {
  double score = 0;
  int64_t rows = 0;
  int64_t bads = 0;
};

// A validated sample sorted riskiest first (score descending, ties by row).
struct RankedSample {
  std::vector<std::pair<double, size_t>> order;  // (score, row)
  std::span<const uint8_t> bads;
  int64_t total_bads = 0;
  int64_t total_goods = 0;

  int64_t rows() const { return static_cast<int64_t>(order.size()); }
};

// Checks lengths, the target and that there are both bads and goods.
template <class Score>
Status CheckSample(std::span<const Score> scores, std::span<const uint8_t> bads, int64_t& total_bads) {
  if (scores.empty()) return Status::Invalid("no scores to evaluate");
  if (scores.size() != bads.size()) {
    return Status::Invalid(std::to_string(scores.size()) + " scores but " + std::to_string(bads.size()) +
                           " targets");
  }
  total_bads = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if constexpr (std::is_floating_point_v<Score>) {
      if (std::isnan(scores[i])) return Status::Invalid("score of row " + std::to_string(i) + " is NaN");
    }
    if (bads[i] > 1) {
      return Status::Invalid("target of row " + std::to_string(i) + " is " + std::to_string(bads[i]) +
                             "; it must be 0 (good) or 1 (bad)");
    }
    total_bads += bads[i];
  }
  if (total_bads == 0) return Status::Invalid("the sample has no bads");
  if (total_bads == static_cast<int64_t>(scores.size())) return Status::Invalid("the sample has no goods");
  return Status::Ok();
}

Result<RankedSample> Rank(std::span<const double> scores, std::span<const uint8_t> bads) {
  RankedSample s;
  CREDO_RETURN_IF_ERROR(CheckSample(scores, bads, s.total_bads));
  s.bads = bads;
  s.total_goods = static_cast<int64_t>(scores.size()) - s.total_bads;
  s.order.reserve(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) s.order.emplace_back(scores[i], i);
  std::sort(s.order.begin(), s.order.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  return s;
}

// Distinct scores, riskiest first.
std::vector<ScoreLevel> Levels(const RankedSample& s) {
  std::vector<ScoreLevel> levels;
  for (const auto& [score, row] : s.order) {
    if (levels.empty() || levels.back().score != score) levels.push_back({score, 0, 0});
    ++levels.back().rows;
    levels.back().bads += s.bads[row];
  }
  return levels;
}

// Mann-Whitney: each bad against the goods scoring lower, plus half the tied goods.
double AucOf(const RankedSample& s, const std::vector<ScoreLevel>& levels) {
  double pairs = 0;
  int64_t goods_above = 0;
  for (const ScoreLevel& l : levels) {
    const int64_t goods = l.rows - l.bads;
    const int64_t goods_below = s.total_goods - goods_above - goods;
    pairs +=
        static_cast<double>(l.bads) * (static_cast<double>(goods_below) + 0.5 * static_cast<double>(goods));
    goods_above += goods;
  }
  return pairs / (static_cast<double>(s.total_bads) * static_cast<double>(s.total_goods));
}

// The cumulative curve at every distinct score, starting at the origin.
std::vector<KsPoint> Cumulative(const RankedSample& s, const std::vector<ScoreLevel>& levels) {
  std::vector<KsPoint> points;
  points.reserve(levels.size() + 1);
  points.push_back({kInf, 0, 0, 0});
  int64_t rows = 0, bads = 0;
  for (const ScoreLevel& l : levels) {
    rows += l.rows;
    bads += l.bads;
    points.push_back({l.score, static_cast<double>(rows) / static_cast<double>(s.rows()),
                      static_cast<double>(bads) / static_cast<double>(s.total_bads),
                      static_cast<double>(rows - bads) / static_cast<double>(s.total_goods)});
  }
  return points;
}

KsResult KsOf(const std::vector<KsPoint>& curve) {
  KsResult best;
  for (const KsPoint& p : curve) {
    const double gap = std::abs(p.cum_bad_share - p.cum_good_share);
    if (gap > best.ks) best = {gap, p.threshold};
  }
  return best;
}

// At most `max_points` evenly spaced points, first and last kept.
std::vector<KsPoint> Thin(std::vector<KsPoint> points, size_t max_points) {
  max_points = std::max<size_t>(max_points, 2);
  if (points.size() <= max_points) return points;
  std::vector<KsPoint> thinned;
  thinned.reserve(max_points);
  const double step = static_cast<double>(points.size() - 1) / static_cast<double>(max_points - 1);
  for (size_t i = 0; i < max_points; ++i) {
    thinned.push_back(points[static_cast<size_t>(std::llround(static_cast<double>(i) * step))]);
  }
  return thinned;
}

std::vector<RocPoint> RocOf(const std::vector<KsPoint>& curve) {
  std::vector<RocPoint> roc;
  roc.reserve(curve.size());
  for (const KsPoint& p : curve) roc.push_back({p.threshold, p.cum_good_share, p.cum_bad_share});
  return roc;
}

// Calls fn(band, first, last) for each non-empty equal-count band of the ranked rows [first, last).
template <class Fn>
void ForEachBand(const RankedSample& s, int bands, Fn&& fn) {
  const size_t n = s.order.size();
  int number = 0;
  for (int b = 0; b < bands; ++b) {
    const size_t first = n * b / bands, last = n * (b + 1) / bands;
    if (first < last) fn(++number, first, last);
  }
}

std::vector<DecileBand> DecilesOf(const RankedSample& s, int bands) {
  std::vector<DecileBand> table;
  const double overall_bad_rate = static_cast<double>(s.total_bads) / static_cast<double>(s.rows());
  int64_t bads_so_far = 0;
  ForEachBand(s, bands, [&](int number, size_t first, size_t last) {
    DecileBand d;
    d.band = number;
    d.max_score = s.order[first].first;
    d.min_score = s.order[last - 1].first;
    d.rows = static_cast<int64_t>(last - first);
    for (size_t i = first; i < last; ++i) d.bads += s.bads[s.order[i].second];
    bads_so_far += d.bads;
    d.bad_rate = static_cast<double>(d.bads) / static_cast<double>(d.rows);
    d.cum_bad_capture_pct = 100.0 * static_cast<double>(bads_so_far) / static_cast<double>(s.total_bads);
    d.lift = d.bad_rate / overall_bad_rate;
    table.push_back(d);
  });
  return table;
}

Status CheckBands(int bands) {
  return bands >= 1 ? Status::Ok() : Status::Invalid("the number of bands must be at least 1");
}

}  // namespace

Result<double> Auc(std::span<const double> scores, std::span<const uint8_t> bads) {
  CREDO_ASSIGN_OR_RETURN(const RankedSample s, Rank(scores, bads));
  return AucOf(s, Levels(s));
}

Result<double> Gini(std::span<const double> scores, std::span<const uint8_t> bads) {
  CREDO_ASSIGN_OR_RETURN(const double auc, Auc(scores, bads));
  return 2 * auc - 1;
}

Result<KsResult> Ks(std::span<const double> scores, std::span<const uint8_t> bads) {
  CREDO_ASSIGN_OR_RETURN(const RankedSample s, Rank(scores, bads));
  return KsOf(Cumulative(s, Levels(s)));
}

Result<std::vector<RocPoint>> RocCurve(std::span<const double> scores, std::span<const uint8_t> bads,
                                       size_t max_points) {
  CREDO_ASSIGN_OR_RETURN(const RankedSample s, Rank(scores, bads));
  return RocOf(Thin(Cumulative(s, Levels(s)), max_points));
}

Result<std::vector<KsPoint>> KsCurve(std::span<const double> scores, std::span<const uint8_t> bads,
                                     size_t max_points) {
  CREDO_ASSIGN_OR_RETURN(const RankedSample s, Rank(scores, bads));
  return Thin(Cumulative(s, Levels(s)), max_points);
}

Result<std::vector<DecileBand>> DecileTable(std::span<const double> scores, std::span<const uint8_t> bads,
                                            int bands) {
  CREDO_RETURN_IF_ERROR(CheckBands(bands));
  CREDO_ASSIGN_OR_RETURN(const RankedSample s, Rank(scores, bads));
  return DecilesOf(s, bands);
}

Result<std::vector<CalibrationBand>> CalibrationTable(std::span<const double> probabilities,
                                                      std::span<const uint8_t> bads, int bands) {
  CREDO_RETURN_IF_ERROR(CheckBands(bands));
  for (size_t i = 0; i < probabilities.size(); ++i) {
    if (probabilities[i] < 0 || probabilities[i] > 1) {
      return Status::Invalid("probability of row " + std::to_string(i) + " is " +
                             std::to_string(probabilities[i]) + "; it must be in [0, 1]");
    }
  }
  CREDO_ASSIGN_OR_RETURN(const RankedSample s, Rank(probabilities, bads));
  std::vector<CalibrationBand> table;
  ForEachBand(s, bands, [&](int number, size_t first, size_t last) {
    CalibrationBand c;
    c.band = number;
    c.rows = static_cast<int64_t>(last - first);
    double predicted = 0;
    int64_t band_bads = 0;
    for (size_t i = first; i < last; ++i) {
      predicted += s.order[i].first;
      band_bads += s.bads[s.order[i].second];
    }
    c.mean_predicted = predicted / static_cast<double>(c.rows);
    c.observed_bad_rate = static_cast<double>(band_bads) / static_cast<double>(c.rows);
    table.push_back(c);
  });
  return table;
}

Result<std::vector<PointsBand>> BadRateByScoreBand(std::span<const int> scores_points,
                                                   std::span<const uint8_t> bads, int band_width_points) {
  if (band_width_points < 1) return Status::Invalid("the score band width must be at least 1 point");
  int64_t total_bads = 0;
  CREDO_RETURN_IF_ERROR(CheckSample(scores_points, bads, total_bads));
  // Floor division, so -5 falls in [-20, 0) for a width of 20.
  auto band_of = [&](int points) {
    const int64_t p = points;
    return (p >= 0 ? p : p - band_width_points + 1) / band_width_points;
  };
  const auto [lowest, highest] = std::minmax_element(scores_points.begin(), scores_points.end());
  const int64_t first_band = band_of(*lowest);
  std::vector<PointsBand> table(static_cast<size_t>(band_of(*highest) - first_band + 1));
  for (size_t b = 0; b < table.size(); ++b) {
    table[b].lower_points = static_cast<int>((first_band + static_cast<int64_t>(b)) * band_width_points);
    table[b].upper_points = table[b].lower_points + band_width_points;
  }
  for (size_t i = 0; i < scores_points.size(); ++i) {
    PointsBand& band = table[static_cast<size_t>(band_of(scores_points[i]) - first_band)];
    ++band.rows;
    band.bads += bads[i];
  }
  for (PointsBand& band : table) {
    band.bad_rate = band.rows > 0 ? static_cast<double>(band.bads) / static_cast<double>(band.rows) : 0.0;
    band.population_share = static_cast<double>(band.rows) / static_cast<double>(scores_points.size());
  }
  return table;
}

Result<Evaluation> Evaluate(std::span<const double> scores, std::span<const uint8_t> bads) {
  CREDO_ASSIGN_OR_RETURN(const RankedSample s, Rank(scores, bads));
  const std::vector<ScoreLevel> levels = Levels(s);
  std::vector<KsPoint> curve = Cumulative(s, levels);
  Evaluation e;
  e.rows = s.rows();
  e.bads = s.total_bads;
  e.auc = AucOf(s, levels);
  e.gini = 2 * e.auc - 1;
  e.ks = KsOf(curve);
  e.ks_curve = Thin(std::move(curve), kMaxCurvePoints);
  e.roc = RocOf(e.ks_curve);
  e.deciles = DecilesOf(s, 10);
  return e;
}

}  // namespace credo::modeling
