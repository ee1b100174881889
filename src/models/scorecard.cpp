#include "models/scorecard.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>

namespace credo::models {
namespace {

// A bin index per characteristic, each valid: a caller's bug otherwise.
void AssertBinsValid(const Scorecard& card, std::span<const int> bin_of) {
  assert(bin_of.size() == card.characteristics.size());
  for (size_t i = 0; i < bin_of.size(); ++i) {
    assert(bin_of[i] >= 0 && static_cast<size_t>(bin_of[i]) < card.characteristics[i].points.size());
  }
}

}  // namespace

double ScorecardScaling::factor() const { return pdo / std::numbers::ln2; }

double ScorecardScaling::offset() const { return base_score - factor() * std::log(base_odds); }

int Scorecard::Score(std::span<const int> bin_of) const {
  AssertBinsValid(*this, bin_of);
  int score = 0;
  for (size_t i = 0; i < characteristics.size(); ++i) score += characteristics[i].points[bin_of[i]];
  return score;
}

double Scorecard::Probability(std::span<const int> bin_of) const {
  AssertBinsValid(*this, bin_of);
  double log_odds = intercept;
  for (size_t i = 0; i < characteristics.size(); ++i) {
    log_odds += characteristics[i].coefficient * characteristics[i].bins.bins[bin_of[i]].woe;
  }
  // 1 / (1 + e^-x), written so that e^x never overflows.
  if (log_odds >= 0) return 1 / (1 + std::exp(-log_odds));
  const double e = std::exp(log_odds);
  return e / (1 + e);
}

std::vector<ReasonCode> Scorecard::Reasons(std::span<const int> bin_of, size_t top_n) const {
  AssertBinsValid(*this, bin_of);
  std::vector<ReasonCode> reasons;
  for (size_t i = 0; i < characteristics.size(); ++i) {
    const Characteristic& c = characteristics[i];
    const int got = c.points[bin_of[i]];
    const int best = *std::max_element(c.points.begin(), c.points.end());
    if (got < best) reasons.push_back({c.bins.variable, c.bins.bins[bin_of[i]].Label(), double(best - got)});
  }
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const ReasonCode& a, const ReasonCode& b) { return a.impact > b.impact; });
  if (reasons.size() > top_n) reasons.resize(top_n);
  return reasons;
}

// Each characteristic is its VariableBins JSON with "coefficient" added and
// each bin carrying its "points", so that a reader sees a bin's points next
// to its edges and WOE.
void to_json(nlohmann::json& j, const Scorecard& s) {
  nlohmann::json characteristics = nlohmann::json::array();
  for (const Characteristic& c : s.characteristics) {
    nlohmann::json jc = c.bins;
    jc["coefficient"] = c.coefficient;
    for (size_t b = 0; b < c.points.size(); ++b) jc["bins"][b]["points"] = c.points[b];
    characteristics.push_back(std::move(jc));
  }
  j = {{"scaling",
        {{"base_score", s.scaling.base_score}, {"base_odds", s.scaling.base_odds}, {"pdo", s.scaling.pdo}}},
       {"intercept", s.intercept},
       {"characteristics", std::move(characteristics)}};
}

void from_json(const nlohmann::json& j, Scorecard& s) {
  const nlohmann::json& scaling = j.at("scaling");
  s.scaling.base_score = scaling.at("base_score").get<double>();
  s.scaling.base_odds = scaling.at("base_odds").get<double>();
  s.scaling.pdo = scaling.at("pdo").get<double>();
  s.intercept = j.at("intercept").get<double>();
  s.characteristics.clear();
  for (const nlohmann::json& jc : j.at("characteristics")) {
    Characteristic c;
    c.bins = jc.get<VariableBins>();
    c.coefficient = jc.at("coefficient").get<double>();
    for (const nlohmann::json& jb : jc.at("bins")) c.points.push_back(jb.at("points").get<int>());
    if (c.bins.bins.empty()) {
      throw nlohmann::json::other_error::create(501, "characteristic '" + c.bins.variable + "' has no bins",
                                                &jc);
    }
    s.characteristics.push_back(std::move(c));
  }
}

}  // namespace credo::models
