// models/variable_bins.h — the bins of one characteristic and their WOE.
//
// The binning that a model was trained with travels inside the model
// artifact, so that scoring maps a raw value to exactly the bin (and WOE)
// it had at training time. A VariableBins always has a missing bin (with
// WOE 0 when training saw no missing value), and categorical binnings have
// one bin that takes levels never seen in training, so every value has a bin.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace credo::models {

enum class BinKind { kRange, kMissing, kSpecial, kCategories };

// One bin: a numeric interval (lower, upper], a special value, the missing
// values, or a set of category levels; with its counts and WOE.
struct Bin {
  BinKind kind = BinKind::kRange;
  double lower = -std::numeric_limits<double>::infinity();  // kRange: exclusive
  double upper = std::numeric_limits<double>::infinity();   // kRange: inclusive
  double special_value = 0;                                 // kSpecial
  std::vector<std::string> categories;                      // kCategories
  bool takes_unseen = false;  // kCategories: levels not seen in training land here

  int64_t count = 0;  // rows in the bin (training sample)
  int64_t bads = 0;   // of which bad (target = 1)
  // Weight of evidence, ln(share of goods / share of bads): positive = safer than average.
  double woe = 0;
  // This bin's part of the information value.
  double iv = 0;

  int64_t goods() const { return count - bads; }
  double event_rate() const { return count > 0 ? static_cast<double>(bads) / count : 0.0; }
  // "(-inf, 25]", "(25, 40]", "missing", "= -1", "{A, B}".
  std::string Label() const;
};

// The direction of event rate across ordered numeric bins.
enum class Trend { kAscending, kDescending, kPeak, kValley, kNone };
const char* TrendName(Trend trend);

// All bins of one characteristic (variable).
struct VariableBins {
  std::string variable;
  bool categorical = false;
  std::vector<Bin> bins;  // range bins first in increasing order, then special, then missing
  double iv = 0;          // information value: sum of bins' iv
  Trend trend = Trend::kNone;

  // The bin of a numeric value (NaN = missing). Always a valid index.
  int Locate(double value) const;
  // The bin of a category level ("" = missing). Always a valid index.
  int LocateCategory(std::string_view level) const;
  // Index of the missing bin.
  int missing_bin() const;
};

void to_json(nlohmann::json& j, const VariableBins& v);
void from_json(const nlohmann::json& j, VariableBins& v);

}  // namespace credo::models
