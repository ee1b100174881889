// models/tree_walker.h — a gradient-boosted tree ensemble walked natively.
//
// CompiledTrees scores one applicant without XGBoost: it reads the same
// XGBoost JSON model text as TreeEnsemble::FromJson and lays every tree's
// nodes out in one contiguous array, siblings side by side. Scoring a row
// through XGBoost's C API costs a DMatrix and a prediction call each for the
// probability and for the SHAP contributions (hundreds of microseconds);
// walking the nodes directly costs microseconds, which is what the decision
// engine needs per applicant. Batches should still go through TreeEnsemble,
// which uses all cores.
//
// The margin and probability follow XGBoost 1.7's CPU predictor step for
// step, in float as XGBoost does, so they equal XGBoost's to the last bit.
// The SHAP contributions are exact TreeSHAP values computed in double from
// tables prepared at load (see Contributions()); they equal XGBoost's
// pred_contribs up to XGBoost's own float rounding.
//
// Thread-safety: build once, then call any method from any number of
// threads; nothing is mutated after FromXgboostJson.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace credo::models {

// An XGBoost gbtree binary classifier (binary:logistic or reg:logistic,
// numeric splits only) compiled for walking one row at a time. Rows are
// num_features() floats in the model's feature order; NaN is missing and
// takes each split's default direction. Rows must not hold infinities
// (TreeEnsemble rejects them; callers check before walking).
class CompiledTrees {
 public:
  // Compiles XGBoost JSON model text (booster.save_model("model.json")).
  // Errors name the JSON path of what is wrong: not JSON, another objective
  // or booster, a multi-class or multi-target model, a categorical split, a
  // child or feature index out of range, a node reached twice.
  // The SHAP tables (below) are built until they hold `table_budget_bytes`;
  // the leaves past that compute their shares while scoring: the same
  // values, more slowly, and memory stays bounded however large the model.
  static Result<CompiledTrees> FromXgboostJson(std::string_view xgboost_json,
                                               size_t table_budget_bytes = kDefaultTableBudgetBytes);
  static constexpr size_t kDefaultTableBudgetBytes = size_t{128} << 20;

  // How many features each row must hold.
  size_t num_features() const { return num_features_; }
  // How many trees the ensemble sums.
  size_t num_trees() const { return tree_roots_.size(); }
  // The memory the SHAP tables take, within the budget given at compile.
  size_t table_bytes() const { return unit_shares_.size() * sizeof(float); }

  // The log-odds of bad: the base margin plus the leaf each tree sends the row to.
  double Margin(const float* row) const;
  // The probability of bad: the logistic of Margin().
  double Probability(const float* row) const { return ProbabilityOf(Margin(row)); }
  // The probability of bad of a margin, in float as XGBoost computes it.
  static double ProbabilityOf(float margin);
  // Exact path-dependent TreeSHAP contributions to the margin (Lundberg et
  // al. 2018), the values XGBoost's pred_contribs gives: writes
  // num_features() + 1 values to `out`, feature i's contribution at out[i]
  // and the bias (the expected margin) last. They sum to Margin(row).
  // Returns Margin(row) itself, to the bit: the tables carry each tree's
  // leaf too, so the probability comes with the contributions for nothing.
  //
  // Method: a leaf's share of feature i's SHAP value depends on the row only
  // through which of the leaf's path features the row agrees with (Fast
  // TreeSHAP v2, Yang 2021), so only through the directions the row takes
  // at the splits on the leaf's path. Each tree is cut into units: the
  // largest subtrees whose own splits and ancestors number at most
  // kMaxUnitSplits. A unit's leaves' shares, summed per feature, are
  // tabulated at load for every combination of directions at those splits
  // (at most 2^kMaxUnitSplits rows). Scoring takes the row's direction at
  // every split (pass 1), reads one table row per unit (pass 2) and adds it
  // (pass 3); a row's last entry is the tree's leaf where the directions
  // lead into the unit, else 0, summed in tree order. A leaf deeper than
  // kMaxUnitSplits, or any leaf once the tables have reached their budget,
  // is a unit alone: tabulated by which of its path features the row agrees
  // with when it has at most kMaxLoneTableFeatures of them (and the budget
  // allows), else its shares are computed while scoring, all d in O(d^2).
  // Values are computed in double and tabulated in float.
  float Contributions(const float* row, double* out) const;

 private:
  // One node, 16 bytes. A leaf has left_child < 0 and its value in `value`;
  // a split sends x to left_child when x < value, to left_child + 1 when
  // not, and a missing x to its default side.
  struct Node {
    float value = 0;
    uint32_t feature : 31 = 0;
    uint32_t default_left : 1 = 0;
    int32_t left_child = -1;  // index into nodes_
    // A split: the bit of its feature in the path's distinct features (0 in a leaf).
    uint32_t shap_slot = 0;
  };
  // What TreeSHAP needs of one leaf.
  struct ShapLeaf {
    float value = 0;
    uint32_t path_features = 0;   // distinct features on the root-to-leaf path (d)
    uint32_t first_feature = 0;   // the d feature indices at leaf_features_[first_feature..]
    uint32_t first_fraction = 0;  // their cover fractions at leaf_zero_fractions_[first_fraction..]
  };
  // A subtree whose leaves' shares Contributions() reads in one step, or
  // one leaf alone (deeper than the subtree tables reach, or past their budget).
  struct ShapUnit {
    // Its splits at unit_splits_[first_split..]: ancestors root first, then its own.
    uint32_t first_split = 0;
    uint32_t splits = 0;        // how many; a table row's bit j is the direction at the j-th (1: right)
    uint32_t first_column = 0;  // the features its rows add to, at unit_columns_[first_column..]
    uint32_t columns = 0;       // how many
    // A subtree: 2^splits rows of `columns` shares and a leaf at unit_shares_[first_share..].
    uint32_t first_share = 0;
    // A leaf alone: its index in leaves_ (its columns are its path features); kNone in a subtree.
    uint32_t lone_leaf = kNone;
    int32_t lone_leaf_node = 0;  // a leaf alone: its index in nodes_
    uint32_t lone_table =
        kNone;  // a leaf alone: its shares by agreement pattern (2^columns rows), if tabulated
  };
  static constexpr uint32_t kNone = ~uint32_t{0};
  // A leaf alone with at most this many distinct path features gets a table
  // indexed by which of them the row agrees with (2^5 rows of 5 floats).
  static constexpr uint32_t kMaxLoneTableFeatures = 5;
  // Units of up to this many splits, with their ancestors, are tabulated: at
  // most 2^8 rows of 8 shares and a leaf each (9 KiB). Against 6: 300 trees
  // of depth 6 score 1.7x faster in 9.2 MB instead of 7.6, 800 of depth 8
  // 5.8x faster (in the full budget); depth 4 the same in 3.1 MB, not 0.7.
  static constexpr uint32_t kMaxUnitSplits = 8;
  // A path may split on at most this many distinct features (one bit each).
  static constexpr uint32_t kMaxPathFeatures = 64;

  // A node's distinct path features, while compiling.
  struct PathFeatures;

  CompiledTrees() = default;
  // Records a leaf reached by `path`.
  ShapLeaf AddLeaf(float value, const PathFeatures& path);
  // What the unit builder needs of the tree being compiled.
  struct TreeShape;
  // Cuts the subtree of `node` into units: the whole of it when its splits
  // and its `ancestors` fit kMaxUnitSplits, else its children's in turn.
  void AddUnits(const TreeShape& tree, int32_t node, std::vector<int32_t>* ancestors);
  // Groups the splits by feature (split_nodes_ and what goes with it) and
  // points unit_splits_, which held indices in nodes_, at them.
  void GroupSplitsByFeature();
  // Adds the subtree of `node` as one tabulated unit.
  void AddTabulatedUnit(const TreeShape& tree, int32_t node, const std::vector<int32_t>& ancestors);
  // The leaf's share of each of its d path features' SHAP values, written to
  // shares[0..d), when the row agrees with the path on the features whose
  // bits are set in `agrees`. O(d^2).
  void LeafShares(const ShapLeaf& leaf, uint64_t agrees, double* shares) const;
  // Index of the child of split `node` that `row` goes to.
  static int32_t NextNode(const Node& node, const float* row) {
    const float x = row[node.feature];
    const bool left = (x < node.value) | ((x != x) & static_cast<bool>(node.default_left));  // x != x: NaN
    return node.left_child + static_cast<int32_t>(!left);
  }

  std::vector<Node> nodes_;            // every tree's nodes, tree after tree, parents before children
  std::vector<int32_t> tree_roots_;    // per tree: index of its root in nodes_
  std::vector<uint32_t> tree_depths_;  // per tree: its deepest leaf's depth (the root's is 0)
  // Every split, grouped by feature (feature f's at [feature_splits_[f],
  // feature_splits_[f + 1])): its index in nodes_, its threshold, and 1
  // when a missing value goes right. Contributions() compares a row's value
  // with all of its feature's thresholds in one run.
  std::vector<int32_t> split_nodes_;
  std::vector<float> split_thresholds_;
  std::vector<uint8_t> split_missing_right_;
  std::vector<uint32_t> feature_splits_;
  std::vector<ShapLeaf> leaves_;
  std::vector<uint32_t> leaf_features_;
  std::vector<double> leaf_zero_fractions_;  // per leaf and path feature: product of cover ratios
  std::vector<ShapUnit> units_;              // every leaf in exactly one unit, tree after tree
  std::vector<uint32_t> unit_splits_;        // positions in split_nodes_
  std::vector<uint32_t> unit_columns_;
  std::vector<float> unit_shares_;
  size_t table_budget_floats_ = 0;       // how large unit_shares_ may grow
  std::vector<double> shapley_weights_;  // [d][s]: s! (d - s - 1)! / d!, row d at d * (d - 1) / 2
  float base_margin_ = 0;                // logit of the model's base_score
  // The SHAP bias: base_margin_ plus each tree's cover-weighted mean leaf.
  double expected_margin_ = 0;
  size_t num_features_ = 0;
};

}  // namespace credo::models
