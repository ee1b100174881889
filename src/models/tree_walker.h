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
  static Result<CompiledTrees> FromXgboostJson(std::string_view xgboost_json);

  // How many features each row must hold.
  size_t num_features() const { return num_features_; }
  // How many trees the ensemble sums.
  size_t num_trees() const { return tree_roots_.size(); }

  // The log-odds of bad: the base margin plus the leaf each tree sends the row to.
  double Margin(const float* row) const;
  // The probability of bad: the logistic of Margin().
  double Probability(const float* row) const;
  // Exact path-dependent TreeSHAP contributions to the margin (Lundberg et
  // al. 2018), the values XGBoost's pred_contribs gives: writes
  // num_features() + 1 values to `out`, feature i's contribution at out[i]
  // and the bias (the expected margin) last. They sum to Margin(row).
  //
  // Method: a leaf's share of feature i's SHAP value depends on the row only
  // through which of the leaf's path features the row agrees with (Fast
  // TreeSHAP v2, Yang 2021). For leaves with at most kMaxTabulatedFeatures
  // distinct features on their path, every such pattern is tabulated at
  // load, two sibling leaves in one table: one pass over the nodes finds
  // each leaf's pattern, a second adds the tables' rows. Deeper leaves
  // compute their shares while scoring. Values are computed in double and
  // tabulated in float.
  void Contributions(const float* row, double* out) const;

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
  // The leaves whose shares Contributions() reads in one step: one leaf, or
  // two sibling leaves, whose paths split on the same d features and whose
  // agreement patterns differ only in their parent's split. A pair's table
  // has 2^(d+1) rows, indexed by the first leaf's pattern plus 2^d times the
  // second leaf's bit of the parent's feature; each row holds the two leaves'
  // d shares summed. One row read instead of two, half as many additions.
  struct ShapUnit {
    uint32_t first_leaf = 0;     // index in leaves_; a pair's second leaf is first_leaf + 1
    uint32_t first_node = 0;     // the first leaf's index in nodes_; a pair's second is first_node + 1
    uint32_t path_features = 0;  // d
    uint32_t first_feature = 0;  // the d feature indices at leaf_features_[first_feature..]
    uint32_t first_share = 0;    // tabulated: rows of d shares at unit_shares_[first_share..]
    uint16_t pair = 0;           // 1: two sibling leaves
    uint16_t split_slot = 0;     // a pair: the bit of the parent's split feature
  };
  // Units whose leaves have up to this many distinct path features are
  // tabulated: at most 2^6 x 5 floats per unit.
  static constexpr uint32_t kMaxTabulatedFeatures = 5;
  // A path may split on at most this many distinct features (one bit each).
  static constexpr uint32_t kMaxPathFeatures = 64;

  // A node's distinct path features, while compiling.
  struct PathFeatures;

  CompiledTrees() = default;
  // Records a leaf reached by `path`.
  ShapLeaf AddLeaf(float value, const PathFeatures& path);
  // Adds the unit of leaf `first_leaf` (and of the next leaf when `pair`,
  // split from it on path feature `split_slot`), tabulating it if shallow.
  void AddUnit(uint32_t first_leaf, uint32_t first_node, bool pair, uint32_t split_slot);
  // The leaf's share of its `i`-th path feature's SHAP value when the row
  // agrees with the path on the features whose bits are set in `agrees`.
  double LeafShare(const ShapLeaf& leaf, uint32_t i, uint64_t agrees) const;
  // Index of the child of split `node` that `row` goes to.
  static int32_t NextNode(const Node& node, const float* row) {
    const float x = row[node.feature];
    const bool left = (x < node.value) | ((x != x) & static_cast<bool>(node.default_left));  // x != x: NaN
    return node.left_child + static_cast<int32_t>(!left);
  }

  std::vector<Node> nodes_;            // every tree's nodes, tree after tree, parents before children
  std::vector<int32_t> tree_roots_;    // per tree: index of its root in nodes_
  std::vector<uint32_t> tree_depths_;  // per tree: its deepest leaf's depth (the root's is 0)
  std::vector<int32_t> splits_;        // every split's index in nodes_, parents before children
  std::vector<ShapLeaf> leaves_;
  std::vector<uint32_t> leaf_features_;
  std::vector<double> leaf_zero_fractions_;  // per leaf and path feature: product of cover ratios
  std::vector<ShapUnit> units_;              // every leaf in exactly one unit, in leaf order
  std::vector<float> unit_shares_;
  std::vector<double> shapley_weights_;  // [d][s]: s! (d - s - 1)! / d!, row d at d * (d - 1) / 2
  float base_margin_ = 0;                // logit of the model's base_score
  // The SHAP bias: base_margin_ plus each tree's cover-weighted mean leaf.
  double expected_margin_ = 0;
  size_t num_features_ = 0;
};

}  // namespace credo::models
