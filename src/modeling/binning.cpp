#include "modeling/binning.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>
#include <unordered_map>
#include <utility>

namespace credo::modeling {
namespace {

using models::Bin;
using models::BinKind;
using models::Trend;
using models::VariableBins;
using RowSelection = std::optional<std::span<const size_t>>;

// Bounds that keep the dynamic programme within ~50 MB and a fraction of a second.
constexpr int kMaxFineBins = 200;
constexpr int kMaxBins = 50;
constexpr size_t kMaxQuantileSample = size_t{1} << 16;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Rows and bads of a fine bin, a group or a final bin.
struct Tally {
  int64_t count = 0;
  int64_t bads = 0;

  int64_t goods() const { return count - bads; }
  void Add(uint8_t bad) {
    ++count;
    bads += bad;
  }
  Tally& operator+=(const Tally& o) {
    count += o.count;
    bads += o.bads;
    return *this;
  }
};

// -1, 0 or +1 as the event rate of `a` is below, equal to or above that of
// `b`; exact (cross-multiplied integers). Both tallies must have rows.
int CompareEventRate(const Tally& a, const Tally& b) {
  const __int128 lhs = static_cast<__int128>(a.bads) * b.count;
  const __int128 rhs = static_cast<__int128>(b.bads) * a.count;
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

// WOE and IV of one bin against the variable's totals (see binning.h).
struct Evidence {
  double woe = 0;
  double iv = 0;
};
Evidence WeighEvidence(const Tally& bin, const Tally& total) {
  if (bin.count == 0) return {};
  const double all_goods = static_cast<double>(total.goods());
  const double all_bads = static_cast<double>(total.bads);
  double goods = static_cast<double>(bin.goods());
  double bads = static_cast<double>(bin.bads);
  const double good_share = goods / all_goods;
  const double bad_share = bads / all_bads;
  if (goods == 0 || bads == 0) {
    goods += 0.5;
    bads += 0.5;
  }
  const double woe = std::log((goods / all_goods) / (bads / all_bads));
  return {woe, (good_share - bad_share) * woe};
}

// Calls fn(row) for every selected row. Flattened so that `fn` is inlined
// into both loops (measured: 2.5x faster counting of a 1M-row column).
template <class Fn>
[[gnu::flatten]] void ForEachRow(size_t num_rows, const RowSelection& rows, Fn&& fn) {
  if (rows) {
    for (size_t row : *rows) fn(row);
  } else {
    for (size_t row = 0; row < num_rows; ++row) fn(row);
  }
}

Status CheckOptions(const BinningOptions& o, const std::string& name) {
  auto bad = [&](const std::string& what) {
    return Status::Invalid("binning option " + what, "variable '" + name + "'");
  };
  if (o.fine_bins < 2 || o.fine_bins > kMaxFineBins) return bad("fine_bins must be in 2..200");
  if (o.max_bins < 1 || o.max_bins > kMaxBins) return bad("max_bins must be in 1..50");
  if (!(o.min_bin_share >= 0 && o.min_bin_share < 1)) return bad("min_bin_share must be in [0, 1)");
  if (o.min_bads_per_bin < 0) return bad("min_bads_per_bin must not be negative");
  if (!(o.rare_category_share >= 0 && o.rare_category_share < 1)) {
    return bad("rare_category_share must be in [0, 1)");
  }
  for (double s : o.special_values) {
    if (std::isnan(s)) return bad("special_values must not contain NaN");
  }
  return Status::Ok();
}

// Checks lengths, the rows and the target; returns the totals of the selected rows.
Result<Tally> CheckInputs(const std::string& name, size_t num_values, std::span<const uint8_t> bads,
                          const RowSelection& rows) {
  const std::string where = "variable '" + name + "'";
  if (bads.size() != num_values) {
    return Status::Invalid(
        "has " + std::to_string(num_values) + " values but the target has " + std::to_string(bads.size()),
        where);
  }
  if (rows) {
    for (size_t row : *rows) {
      if (row >= num_values) {
        return Status::Invalid(
            "row " + std::to_string(row) + " is out of range (" + std::to_string(num_values) + " rows)",
            where);
      }
    }
  }
  Tally total;
  size_t invalid_row = num_values;
  ForEachRow(num_values, rows, [&](size_t row) {
    if (bads[row] > 1 && invalid_row == num_values) invalid_row = row;
    total.Add(bads[row] & 1);
  });
  if (invalid_row != num_values) {
    return Status::Invalid("target of row " + std::to_string(invalid_row) + " is " +
                               std::to_string(bads[invalid_row]) + "; it must be 0 (good) or 1 (bad)",
                           where);
  }
  if (total.count == 0) return Status::Invalid("has no rows to bin", where);
  if (total.bads == 0) return Status::Invalid("has no bads in the rows binned", where);
  if (total.goods() == 0) return Status::Invalid("has no goods in the rows binned", where);
  return total;
}

// Moves the order statistics at `positions` (sorted, within [lo, hi)) of
// values[lo, hi) into place, as a full sort would, in O(n log k).
void SelectOrderStatistics(std::vector<double>& values, size_t lo, size_t hi,
                           std::span<const size_t> positions) {
  if (positions.empty()) return;
  const size_t middle = positions.size() / 2;
  const size_t pos = positions[middle];
  std::nth_element(values.begin() + lo, values.begin() + pos, values.begin() + hi);
  SelectOrderStatistics(values, lo, pos, positions.first(middle));
  SelectOrderStatistics(values, pos + 1, hi, positions.subspan(middle + 1));
}

// QuantileCuts over a scratch buffer it may reorder.
std::vector<double> QuantileCutsInPlace(std::vector<double>& values, int buckets) {
  const size_t n = values.size();
  if (n == 0 || buckets < 2) return {};
  // The last row of the j-th of `buckets` equal chunks: ceil(j n / buckets) - 1.
  std::vector<size_t> positions;
  for (int j = 1; j < buckets; ++j) {
    const size_t pos = (static_cast<size_t>(j) * n + buckets - 1) / buckets - 1;
    if (pos + 1 < n && (positions.empty() || pos > positions.back())) positions.push_back(pos);
  }
  SelectOrderStatistics(values, 0, n, positions);
  // After the selection, every value right of the last position is >= it.
  const double max_value =
      *std::max_element(values.begin() + (positions.empty() ? 0 : positions.back()), values.end());
  std::vector<double> cuts;
  for (size_t pos : positions) {
    const double cut = values[pos];
    // Infinite cuts are skipped: the artifact's JSON cannot hold them as edges.
    if (std::isfinite(cut) && cut < max_value && (cuts.empty() || cut > cuts.back())) cuts.push_back(cut);
  }
  return cuts;
}

// Index of the (lower, upper] bucket of `value` given the upper edges `cuts`
// (the last bucket is unbounded): std::lower_bound without branches, whose
// loop compiles to conditional moves (no mispredictions on random data).
size_t BucketOf(std::span<const double> cuts, double value) {
  if (cuts.empty()) return 0;
  const double* base = cuts.data();
  for (size_t n = cuts.size(); n > 1;) {
    const size_t half = n / 2;
    base = base[half] < value ? base + half : base;
    n -= half;
  }
  return static_cast<size_t>(base - cuts.data()) + (*base < value);
}

// The optimal partition of ordered fine bins into contiguous groups.
struct Partition {
  std::vector<size_t> group_ends;  // last fine bin of each group, increasing
  double iv = -kInf;               // -inf when no partition is feasible
};

// Exact dynamic programme over contiguous groups of `fine` (see binning.h).
// State: (groups so far, phase, first and last fine bin of the last group);
// the phase records whether a peak/valley has turned. The event rate of each
// group is compared with that of the group before it.
class GroupOptimizer {
 public:
  GroupOptimizer(std::span<const Tally> fine, const Tally& total, const BinningOptions& options)
      : k_(fine.size()), total_(total), options_(options), prefix_(k_ + 1) {
    for (size_t i = 0; i < k_; ++i) {
      prefix_[i + 1] = prefix_[i];
      prefix_[i + 1] += fine[i];
    }
    min_count_ = options.min_bin_share * static_cast<double>(prefix_[k_].count);
  }

  // The best partition for a fixed shape (not kAuto).
  Partition Solve(Monotonicity shape) const {
    assert(shape != Monotonicity::kAuto);
    const size_t max_groups = std::min<size_t>(options_.max_bins, k_);
    const size_t cells = max_groups * 2 * k_ * k_;
    // value[g][phase][first][last] with g = groups - 1; back pointer to the previous state.
    std::vector<double> value(cells, -kInf);
    std::vector<uint32_t> from(cells, 0);
    auto index = [&](size_t g, size_t phase, size_t first, size_t last) {
      return ((g * 2 + phase) * k_ + first) * k_ + last;
    };
    std::vector<double> iv(k_ * k_, -kInf);  // iv of group [first, last], -inf if infeasible
    for (size_t first = 0; first < k_; ++first) {
      for (size_t last = first; last < k_; ++last) {
        const Tally t = Group(first, last);
        if (Feasible(t)) iv[first * k_ + last] = WeighEvidence(t, total_).iv;
      }
    }
    for (size_t last = 0; last < k_; ++last) value[index(0, 0, 0, last)] = iv[last];
    for (size_t g = 1; g < max_groups; ++g) {
      for (size_t first = 1; first < k_; ++first) {
        for (size_t last = first; last < k_; ++last) {
          const double group_iv = iv[first * k_ + last];
          if (group_iv == -kInf) continue;
          const Tally current = Group(first, last);
          for (size_t prev_first = 0; prev_first < first; ++prev_first) {
            const int rising = CompareEventRate(current, Group(prev_first, first - 1));
            for (size_t phase = 0; phase < 2; ++phase) {
              const size_t prev = index(g - 1, phase, prev_first, first - 1);
              if (value[prev] == -kInf) continue;
              const int next_phase = NextPhase(shape, static_cast<int>(phase), rising);
              if (next_phase < 0) continue;
              const size_t cell = index(g, next_phase, first, last);
              if (value[prev] + group_iv > value[cell]) {
                value[cell] = value[prev] + group_iv;
                from[cell] = static_cast<uint32_t>(prev);
              }
            }
          }
        }
      }
    }
    // Best end state; fewer groups win ties.
    Partition best;
    size_t best_cell = cells;
    for (size_t g = 0; g < max_groups; ++g) {
      for (size_t phase = 0; phase < 2; ++phase) {
        for (size_t first = 0; first < k_; ++first) {
          const size_t cell = index(g, phase, first, k_ - 1);
          if (value[cell] > best.iv) {
            best.iv = value[cell];
            best_cell = cell;
          }
        }
      }
    }
    if (best_cell == cells) return best;
    for (size_t cell = best_cell;;) {
      const size_t last = cell % k_;
      const size_t g = cell / (2 * k_ * k_);
      best.group_ends.push_back(last);
      if (g == 0) break;
      cell = from[cell];
    }
    std::reverse(best.group_ends.begin(), best.group_ends.end());
    return best;
  }

 private:
  Tally Group(size_t first, size_t last) const {
    return {prefix_[last + 1].count - prefix_[first].count, prefix_[last + 1].bads - prefix_[first].bads};
  }
  bool Feasible(const Tally& t) const {
    return static_cast<double>(t.count) >= min_count_ && t.bads >= options_.min_bads_per_bin &&
           t.goods() >= options_.min_bads_per_bin && t.count > 0;
  }
  // The phase after a group whose event rate is `rising` (-1, 0, +1) against
  // the previous group, or -1 when the shape forbids it. Phase 1 = turned.
  static int NextPhase(Monotonicity shape, int phase, int rising) {
    switch (shape) {
      case Monotonicity::kNone:
        return 0;
      case Monotonicity::kAscending:
        return rising > 0 ? 0 : -1;
      case Monotonicity::kDescending:
        return rising < 0 ? 0 : -1;
      case Monotonicity::kPeak:
        if (rising > 0) return phase == 0 ? 0 : -1;
        return rising < 0 ? 1 : -1;
      case Monotonicity::kValley:
        if (rising < 0) return phase == 0 ? 0 : -1;
        return rising > 0 ? 1 : -1;
      case Monotonicity::kAuto:
        break;
    }
    return -1;
  }

  size_t k_;
  Tally total_;
  const BinningOptions& options_;
  std::vector<Tally> prefix_;
  double min_count_ = 0;
};

// The best partition for the requested shape; kAuto tries both directions.
Partition OptimalPartition(std::span<const Tally> fine, const Tally& total, const BinningOptions& options) {
  if (fine.empty()) return {};
  const GroupOptimizer optimizer(fine, total, options);
  if (options.monotonicity != Monotonicity::kAuto) return optimizer.Solve(options.monotonicity);
  Partition ascending = optimizer.Solve(Monotonicity::kAscending);
  Partition descending = optimizer.Solve(Monotonicity::kDescending);
  return descending.iv > ascending.iv ? std::move(descending) : std::move(ascending);
}

// The group ends of `fine` to use: the optimum, or one group when none is feasible.
std::vector<size_t> ChooseGroups(std::span<const Tally> fine, const Tally& total,
                                 const BinningOptions& options) {
  Partition best = OptimalPartition(fine, total, options);
  if (best.group_ends.empty() && !fine.empty()) best.group_ends.push_back(fine.size() - 1);
  return best.group_ends;
}

// The shape of the event rates of `bins` in order (empty bins skipped).
Trend ResolveTrend(const std::vector<Bin>& bins) {
  int first_step = 0, last_step = 0, turns = 0;
  const Bin* previous = nullptr;
  for (const Bin& b : bins) {
    if (b.count == 0) continue;
    if (previous != nullptr) {
      const int step = CompareEventRate({b.count, b.bads}, {previous->count, previous->bads});
      if (step == 0) return Trend::kNone;
      if (first_step == 0) first_step = step;
      if (last_step != 0 && step != last_step) ++turns;
      last_step = step;
    }
    previous = &b;
  }
  if (first_step == 0 || turns > 1) return Trend::kNone;
  if (turns == 0) return first_step > 0 ? Trend::kAscending : Trend::kDescending;
  return first_step > 0 ? Trend::kPeak : Trend::kValley;
}

// Fills WOE and IV of every bin, the variable's IV and trend (from the range
// or category bins, in order).
void Finish(VariableBins& v, const Tally& total) {
  v.iv = 0;
  std::vector<Bin> ordered;
  for (Bin& b : v.bins) {
    const Evidence e = WeighEvidence({b.count, b.bads}, total);
    b.woe = e.woe;
    b.iv = e.iv;
    v.iv += e.iv;
    if (b.kind == BinKind::kRange || b.kind == BinKind::kCategories) ordered.push_back(b);
  }
  v.trend = ResolveTrend(ordered);
}

Bin MakeBin(BinKind kind, const Tally& t) {
  Bin b;
  b.kind = kind;
  b.count = t.count;
  b.bads = t.bads;
  return b;
}

// User cut points: sorted, without duplicates or infinities; NaN is an error.
Result<std::vector<double>> NormalizeCuts(const std::vector<double>& user_cuts, const std::string& name) {
  std::vector<double> cuts;
  for (double c : user_cuts) {
    if (std::isnan(c))
      return Status::Invalid("user cut points must not contain NaN", "variable '" + name + "'");
    if (!std::isinf(c)) cuts.push_back(c);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

// Index into `specials` of `value`, or -1.
int SpecialIndex(const std::vector<double>& specials, double value) {
  for (size_t i = 0; i < specials.size(); ++i) {
    if (specials[i] == value) return static_cast<int>(i);
  }
  return -1;
}

// The non-missing, non-special values of every k-th selected row, k chosen
// so that at most kMaxQuantileSample rows are read: enough to place the fine
// cuts (a rank error of about 0.2% on a 5% fine bin); the counts made with
// the cuts are exact. Small data (up to kMaxQuantileSample rows) is read whole.
std::vector<double> SampleRangeValues(std::span<const double> values, const RowSelection& rows,
                                      const std::vector<double>& specials) {
  const size_t n = rows ? rows->size() : values.size();
  const size_t stride = std::max<size_t>(1, (n + kMaxQuantileSample - 1) / kMaxQuantileSample);
  std::vector<double> sample;
  sample.reserve(n / stride + 1);
  for (size_t i = 0; i < n; i += stride) {
    const double v = values[rows ? (*rows)[i] : i];
    if (!std::isnan(v) && SpecialIndex(specials, v) < 0) sample.push_back(v);
  }
  return sample;
}

// Adds a categorical row's tally into per-code tallies; the missing tally takes code -1.
Status TallyCodes(const std::string& name, std::span<const int32_t> codes, size_t num_levels,
                  std::span<const uint8_t> bads, const RowSelection& rows, std::vector<Tally>& by_code,
                  Tally& missing) {
  by_code.assign(num_levels, {});
  size_t bad_row = codes.size();
  ForEachRow(codes.size(), rows, [&](size_t row) {
    const int32_t code = codes[row];
    if (code < 0) {
      missing.Add(bads[row]);
    } else if (static_cast<size_t>(code) < num_levels) {
      by_code[code].Add(bads[row]);
    } else if (bad_row == codes.size()) {
      bad_row = row;
    }
  });
  if (bad_row != codes.size()) {
    return Status::Invalid("row " + std::to_string(bad_row) + " has level code " +
                               std::to_string(codes[bad_row]) + " but there are " +
                               std::to_string(num_levels) + " levels",
                           "variable '" + name + "'");
  }
  return Status::Ok();
}

// A run of category levels treated as one unit by the merging.
struct LevelGroup {
  std::vector<int32_t> codes;
  Tally tally;
  bool holds_rare = false;
};

// Merges neighbouring groups (already in event-rate order) into at most
// `max_groups` of near-equal counts, never splitting a group.
std::vector<LevelGroup> MergeToAtMost(std::vector<LevelGroup> groups, int max_groups) {
  if (groups.size() <= static_cast<size_t>(max_groups)) return groups;
  int64_t n = 0;
  for (const LevelGroup& g : groups) n += g.tally.count;
  std::vector<LevelGroup> merged;
  int64_t through = 0;
  int next_chunk = 1;
  bool open = false;
  for (LevelGroup& g : groups) {
    if (!open) {
      merged.push_back({});
      open = true;
    }
    LevelGroup& m = merged.back();
    m.codes.insert(m.codes.end(), g.codes.begin(), g.codes.end());
    m.tally += g.tally;
    m.holds_rare |= g.holds_rare;
    through += g.tally.count;
    // Close the chunk once it reaches the j-th quantile, as numeric pre-binning does.
    while (next_chunk < max_groups && through >= (next_chunk * n + max_groups - 1) / max_groups) {
      open = false;
      ++next_chunk;
    }
  }
  return merged;
}

}  // namespace

std::vector<double> QuantileCuts(std::span<const double> values, int buckets) {
  std::vector<double> scratch;
  scratch.reserve(values.size());
  for (double v : values) {
    if (!std::isnan(v)) scratch.push_back(v);
  }
  return QuantileCutsInPlace(scratch, buckets);
}

Result<VariableBins> BinNumeric(std::string name, std::span<const double> values,
                                std::span<const uint8_t> bads, const BinningOptions& options,
                                const std::vector<double>* user_cuts,
                                std::optional<std::span<const size_t>> rows) {
  CREDO_RETURN_IF_ERROR(CheckOptions(options, name));
  CREDO_ASSIGN_OR_RETURN(const Tally total, CheckInputs(name, values.size(), bads, rows));
  std::vector<double> specials = options.special_values;
  std::sort(specials.begin(), specials.end());
  specials.erase(std::unique(specials.begin(), specials.end()), specials.end());

  std::vector<double> cuts;
  if (user_cuts != nullptr) {
    CREDO_ASSIGN_OR_RETURN(cuts, NormalizeCuts(*user_cuts, name));
  } else {
    std::vector<double> sample = SampleRangeValues(values, rows, specials);
    cuts = QuantileCutsInPlace(sample, options.fine_bins);
  }

  // One pass over the rows: missing, special, or the (lower, upper] bucket of `cuts`.
  Tally missing;
  std::vector<Tally> special(specials.size());
  std::vector<Tally> fine(cuts.size() + 1);
  ForEachRow(values.size(), rows, [&](size_t row) {
    const double v = values[row];
    if (std::isnan(v)) {
      missing.Add(bads[row]);
    } else if (const int s = SpecialIndex(specials, v); s >= 0) {
      special[s].Add(bads[row]);
    } else {
      fine[BucketOf(cuts, v)].Add(bads[row]);
    }
  });

  std::vector<size_t> group_ends;
  if (user_cuts != nullptr) {
    group_ends.resize(fine.size());
    std::iota(group_ends.begin(), group_ends.end(), size_t{0});
  } else if (cuts.empty() && fine[0].count == 0) {
    group_ends.push_back(0);  // nothing in range: one empty (-inf, inf) bin
  } else {
    group_ends = ChooseGroups(fine, total, options);
  }

  VariableBins result;
  result.variable = std::move(name);
  size_t first = 0;
  for (size_t last : group_ends) {
    Tally t;
    for (size_t i = first; i <= last; ++i) t += fine[i];
    Bin b = MakeBin(BinKind::kRange, t);
    b.lower = first == 0 ? -kInf : cuts[first - 1];
    b.upper = last < cuts.size() ? cuts[last] : kInf;
    result.bins.push_back(std::move(b));
    first = last + 1;
  }
  for (size_t s = 0; s < specials.size(); ++s) {
    if (special[s].count == 0) continue;
    Bin b = MakeBin(BinKind::kSpecial, special[s]);
    b.special_value = specials[s];
    result.bins.push_back(std::move(b));
  }
  result.bins.push_back(MakeBin(BinKind::kMissing, missing));
  Finish(result, total);
  return result;
}

Result<VariableBins> BinCategorical(std::string name, std::span<const int32_t> codes,
                                    const std::vector<std::string>& levels, std::span<const uint8_t> bads,
                                    const BinningOptions& options,
                                    const std::vector<std::vector<std::string>>* user_groups,
                                    std::optional<std::span<const size_t>> rows) {
  CREDO_RETURN_IF_ERROR(CheckOptions(options, name));
  CREDO_ASSIGN_OR_RETURN(const Tally total, CheckInputs(name, codes.size(), bads, rows));
  std::vector<Tally> by_code;
  Tally missing;
  CREDO_RETURN_IF_ERROR(TallyCodes(name, codes, levels.size(), bads, rows, by_code, missing));
  const int64_t non_missing = total.count - missing.count;

  // The units the bins are made of, in bin order.
  std::vector<LevelGroup> groups;
  std::vector<size_t> group_ends;
  if (user_groups != nullptr) {
    std::unordered_map<std::string, size_t> group_of;
    for (size_t g = 0; g < user_groups->size(); ++g) {
      if ((*user_groups)[g].empty()) {
        return Status::Invalid("user group " + std::to_string(g + 1) + " is empty",
                               "variable '" + name + "'");
      }
      for (const std::string& level : (*user_groups)[g]) {
        if (!group_of.emplace(level, g).second) {
          return Status::Invalid("level '" + level + "' is in more than one user group",
                                 "variable '" + name + "'");
        }
      }
    }
    groups.resize(user_groups->size());
    LevelGroup unnamed{{}, {}, true};
    for (size_t code = 0; code < levels.size(); ++code) {
      if (by_code[code].count == 0) continue;
      auto it = group_of.find(levels[code]);
      LevelGroup& g = it == group_of.end() ? unnamed : groups[it->second];
      g.codes.push_back(static_cast<int32_t>(code));
      g.tally += by_code[code];
    }
    if (unnamed.tally.count > 0) groups.push_back(std::move(unnamed));
    group_ends.resize(groups.size());
    std::iota(group_ends.begin(), group_ends.end(), size_t{0});
  } else {
    LevelGroup rare{{}, {}, true};
    for (size_t code = 0; code < levels.size(); ++code) {
      const Tally& t = by_code[code];
      if (t.count == 0) continue;
      if (static_cast<double>(t.count) < options.rare_category_share * static_cast<double>(non_missing)) {
        rare.codes.push_back(static_cast<int32_t>(code));
        rare.tally += t;
      } else {
        groups.push_back({{static_cast<int32_t>(code)}, t, false});
      }
    }
    if (rare.tally.count > 0) groups.push_back(std::move(rare));
    // Event rate ascending; ties by more rows first, then by level code.
    std::stable_sort(groups.begin(), groups.end(), [](const LevelGroup& a, const LevelGroup& b) {
      const int c = CompareEventRate(a.tally, b.tally);
      if (c != 0) return c < 0;
      return a.tally.count > b.tally.count;
    });
    groups = MergeToAtMost(std::move(groups), options.fine_bins);
    std::vector<Tally> fine;
    for (const LevelGroup& g : groups) fine.push_back(g.tally);
    BinningOptions ascending = options;
    ascending.monotonicity = Monotonicity::kAscending;
    group_ends = ChooseGroups(fine, total, ascending);
  }

  VariableBins result;
  result.variable = std::move(name);
  result.categorical = true;
  size_t first = 0;
  bool any_unseen = false;
  for (size_t last : group_ends) {
    Bin b = MakeBin(BinKind::kCategories, {});
    for (size_t i = first; i <= last; ++i) {
      for (int32_t code : groups[i].codes) b.categories.push_back(levels[code]);
      b.count += groups[i].tally.count;
      b.bads += groups[i].tally.bads;
      b.takes_unseen |= groups[i].holds_rare;
    }
    any_unseen |= b.takes_unseen;
    result.bins.push_back(std::move(b));
    first = last + 1;
  }
  if (result.bins.empty()) {
    Bin b = MakeBin(BinKind::kCategories, {});
    b.takes_unseen = true;
    result.bins.push_back(std::move(b));
  } else if (!any_unseen) {
    auto largest = std::max_element(result.bins.begin(), result.bins.end(),
                                    [](const Bin& a, const Bin& b) { return a.count < b.count; });
    largest->takes_unseen = true;
  }
  result.bins.push_back(MakeBin(BinKind::kMissing, missing));
  Finish(result, total);
  return result;
}

Result<VariableBins> BinColumn(const data::Column& column, std::span<const uint8_t> bads,
                               const BinningOptions& options, const ManualBins* manual,
                               std::optional<std::span<const size_t>> rows) {
  if (column.type == data::ColumnType::kCategorical) {
    const std::vector<std::vector<std::string>>* groups = nullptr;
    if (manual != nullptr) {
      if (auto it = manual->groups.find(column.name); it != manual->groups.end()) groups = &it->second;
    }
    return BinCategorical(column.name, column.codes, column.levels, bads, options, groups, rows);
  }
  const std::vector<double>* cuts = nullptr;
  if (manual != nullptr) {
    if (auto it = manual->cuts.find(column.name); it != manual->cuts.end()) cuts = &it->second;
  }
  return BinNumeric(column.name, column.numbers, bads, options, cuts, rows);
}

Result<std::vector<VariableBins>> BinAll(std::span<const data::Column* const> columns,
                                         std::span<const uint8_t> bads, const BinningOptions& options,
                                         const ManualBins* manual,
                                         std::optional<std::span<const size_t>> rows, int threads) {
  std::vector<std::optional<Result<VariableBins>>> results(columns.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < columns.size(); i = next++) {
      results[i].emplace(BinColumn(*columns[i], bads, options, manual, rows));
    }
  };
  size_t num_threads = threads > 0 ? static_cast<size_t>(threads) : std::thread::hardware_concurrency();
  num_threads = std::clamp<size_t>(num_threads, 1, std::max<size_t>(columns.size(), 1));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < num_threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  std::vector<VariableBins> all;
  all.reserve(columns.size());
  for (auto& r : results) {
    if (!r->ok()) return r->status();
    all.push_back(std::move(*r).value());
  }
  return all;
}

namespace {

// Finds bins of numeric values quickly: the same answers as VariableBins::Locate.
class NumericLocator {
 public:
  explicit NumericLocator(const VariableBins& bins) : missing_(bins.missing_bin()) {
    for (size_t i = 0; i < bins.bins.size(); ++i) {
      const Bin& b = bins.bins[i];
      if (b.kind == BinKind::kSpecial) specials_.emplace_back(b.special_value, static_cast<int32_t>(i));
      if (b.kind == BinKind::kRange) {
        if (uppers_.empty()) first_range_ = static_cast<int32_t>(i);
        uppers_.push_back(b.upper);
      }
    }
  }
  int32_t operator()(double value) const {
    if (std::isnan(value)) return missing_;
    for (const auto& [special, bin] : specials_) {
      if (special == value) return bin;
    }
    if (uppers_.empty()) return missing_;
    return first_range_ + static_cast<int32_t>(std::min(BucketOf(uppers_, value), uppers_.size() - 1));
  }

 private:
  int32_t missing_;
  int32_t first_range_ = 0;
  std::vector<std::pair<double, int32_t>> specials_;
  std::vector<double> uppers_;
};

// The bin of each level code (by name), so a column maps with one lookup per row.
std::vector<int32_t> BinOfLevel(const VariableBins& bins, const std::vector<std::string>& levels) {
  std::vector<int32_t> bin_of(levels.size());
  for (size_t code = 0; code < levels.size(); ++code) bin_of[code] = bins.LocateCategory(levels[code]);
  return bin_of;
}

int32_t BinOfCode(const std::vector<int32_t>& bin_of, int32_t missing, int32_t code) {
  return code < 0 || static_cast<size_t>(code) >= bin_of.size() ? missing : bin_of[code];
}

}  // namespace

void LocateAll(const VariableBins& bins, std::span<const double> values, std::span<int32_t> bins_out) {
  assert(values.size() == bins_out.size());
  const NumericLocator locate(bins);
  for (size_t i = 0; i < values.size(); ++i) bins_out[i] = locate(values[i]);
}

void LocateAll(const VariableBins& bins, std::span<const int32_t> codes,
               const std::vector<std::string>& levels, std::span<int32_t> bins_out) {
  assert(codes.size() == bins_out.size());
  const std::vector<int32_t> bin_of = BinOfLevel(bins, levels);
  const int32_t missing = bins.missing_bin();
  for (size_t i = 0; i < codes.size(); ++i) bins_out[i] = BinOfCode(bin_of, missing, codes[i]);
}

void ApplyWoe(const VariableBins& bins, std::span<const double> values, std::span<double> woe_out) {
  assert(values.size() == woe_out.size());
  const NumericLocator locate(bins);
  for (size_t i = 0; i < values.size(); ++i) woe_out[i] = bins.bins[locate(values[i])].woe;
}

void ApplyWoe(const VariableBins& bins, std::span<const int32_t> codes,
              const std::vector<std::string>& levels, std::span<double> woe_out) {
  assert(codes.size() == woe_out.size());
  std::vector<int32_t> bin_of = BinOfLevel(bins, levels);
  const int32_t missing = bins.missing_bin();
  for (size_t i = 0; i < codes.size(); ++i) woe_out[i] = bins.bins[BinOfCode(bin_of, missing, codes[i])].woe;
}

}  // namespace credo::modeling
