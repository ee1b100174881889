// modeling/binning.h — optimal binning of characteristics with WOE and IV (分箱).
//
// Turns one column and the 0/1 target (1 = bad) into a models::VariableBins,
// the structure a model carries to scoring.
//
// Numeric columns get a missing bin (always, empty when training saw no
// missing value), one bin per declared special value that occurs, and
// (lower, upper] range bins. The range bins come from fine pre-binning at
// quantiles (a tie is never split: every cut is a data value, the largest of
// the rows left of it; above 65,536 rows the quantiles are those of a
// systematic sample of every k-th row, while all counts stay exact), then
// one pass counting every row, then an exact dynamic programme over contiguous
// groups of the fine bins that maximises information value subject to the
// event-rate shape asked for, a minimum share of rows, a minimum number of
// bads and of goods per bin, and a maximum number of bins.
//
// Categorical columns get groups of levels: levels are ordered by event rate,
// levels rarer than `rare_category_share` are pooled into one "other" group,
// and the same programme groups neighbours in that order (so group event
// rates ascend). One bin takes levels never seen in training: the one holding
// the rare levels, else the one with the most rows.
//
// Weight of evidence and information value, with G and B the goods and bads
// of all rows (missing and special included):
//   WOE_i = ln((goods_i / G) / (bads_i / B))      positive = safer than average
//   IV_i  = (goods_i / G - bads_i / B) * WOE_i     IV of the variable = sum of IV_i
// A bin with no goods or no bads gets 0.5 added to both of its counts for
// its WOE (its IV still uses the raw counts); a bin with no rows has WOE 0
// and IV 0.
//
// Every function here is pure and may be called from any number of threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/table.h"
#include "models/variable_bins.h"

namespace credo::modeling {

// The shape the event rate of the numeric range bins must take, left to right.
enum class Monotonicity {
  kAuto,        // the better (higher IV) of ascending and descending
  kAscending,   // strictly rising
  kDescending,  // strictly falling
  kPeak,        // rising then falling (a monotone shape also qualifies)
  kValley,      // falling then rising (a monotone shape also qualifies)
  kNone,        // any shape
};

// How to bin. The defaults are the usual scorecard practice.
struct BinningOptions {
  // Quantile pre-bins of the numeric range before merging (2..200); also the
  // most categorical groups the merging starts from.
  int fine_bins = 20;
  // Most range (or category) bins (1..50), missing and special bins not counted.
  int max_bins = 8;
  // Least share of the non-missing, non-special rows in each range bin (0..1).
  double min_bin_share = 0.05;
  // Least bads, and least goods, in each range or category bin.
  int64_t min_bads_per_bin = 5;
  Monotonicity monotonicity = Monotonicity::kAuto;
  // Numeric values that mean something other than a magnitude (-1 "no
  // record", 999 "not applicable"); each gets its own bin when it occurs.
  std::vector<double> special_values;
  // Categorical levels with less than this share of the non-missing rows are
  // pooled into the "other" group (0..1).
  double rare_category_share = 0.01;
};

// Bins a modeler fixed by hand, by variable name: cut points (upper edges)
// of numeric variables and groups of levels of categorical ones. They replace
// the optimisation; missing and special bins are still added.
struct ManualBins {
  std::map<std::string, std::vector<double>> cuts;
  std::map<std::string, std::vector<std::vector<std::string>>> groups;
};

// Bins a numeric column. `bads[row]` is 1 for bad, 0 for good. `rows` selects
// the rows to use (a training split) without copying; all rows when absent.
// `user_cuts` (upper edges, any order) replace the optimisation. When no
// partition meets the constraints the range is one bin (-inf, inf) and the
// trend is kNone. Fails on length mismatch, a target other than 0/1, a row
// out of range, no bads or no goods, or invalid options; messages name the
// variable.
Result<models::VariableBins> BinNumeric(std::string name, std::span<const double> values,
                                        std::span<const uint8_t> bads, const BinningOptions& options,
                                        const std::vector<double>* user_cuts = nullptr,
                                        std::optional<std::span<const size_t>> rows = std::nullopt);

// Bins a categorical column given as level codes (-1 = missing) into
// `levels`. `user_groups` (lists of level names) replace the optimisation;
// seen levels named in no group form an extra "other" bin. Levels in `levels`
// but absent from the rows are treated as unseen.
Result<models::VariableBins> BinCategorical(
    std::string name, std::span<const int32_t> codes, const std::vector<std::string>& levels,
    std::span<const uint8_t> bads, const BinningOptions& options,
    const std::vector<std::vector<std::string>>* user_groups = nullptr,
    std::optional<std::span<const size_t>> rows = std::nullopt);

// Bins a data::Column by its type (dates bin as numbers), using `manual`'s
// entry for the column when there is one.
Result<models::VariableBins> BinColumn(const data::Column& column, std::span<const uint8_t> bads,
                                       const BinningOptions& options, const ManualBins* manual = nullptr,
                                       std::optional<std::span<const size_t>> rows = std::nullopt);

// Bins many columns on `threads` threads (0 = hardware concurrency), one
// variable per task; the result is in the order of `columns`. The first
// failing column (in that order) fails the call.
Result<std::vector<models::VariableBins>> BinAll(std::span<const data::Column* const> columns,
                                                 std::span<const uint8_t> bads, const BinningOptions& options,
                                                 const ManualBins* manual = nullptr,
                                                 std::optional<std::span<const size_t>> rows = std::nullopt,
                                                 int threads = 0);

// Cut points (upper edges of (lower, upper] buckets) that split the
// non-missing `values` into at most `buckets` buckets of near-equal counts.
// Cuts are finite data values, strictly increasing and below the maximum, so
// ties are never split and no bucket is empty. Runs in O(n log buckets).
std::vector<double> QuantileCuts(std::span<const double> values, int buckets);

// The bin index of every value, the same as VariableBins::Locate but fast
// for whole columns. `bins_out` has the length of `values`.
void LocateAll(const models::VariableBins& bins, std::span<const double> values, std::span<int32_t> bins_out);
// The same for level codes (-1 = missing) into `levels`.
void LocateAll(const models::VariableBins& bins, std::span<const int32_t> codes,
               const std::vector<std::string>& levels, std::span<int32_t> bins_out);

// The WOE of every value's bin. `woe_out` has the length of `values`.
void ApplyWoe(const models::VariableBins& bins, std::span<const double> values, std::span<double> woe_out);
// The same for level codes (-1 = missing) into `levels`.
void ApplyWoe(const models::VariableBins& bins, std::span<const int32_t> codes,
              const std::vector<std::string>& levels, std::span<double> woe_out);

}  // namespace credo::modeling
