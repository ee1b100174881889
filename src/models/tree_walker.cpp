#include "models/tree_walker.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace credo::models {
namespace {

// JSON whose numbers parse straight to float (nlohmann reads them with
// strtof), so split thresholds and leaf values are XGBoost's floats exactly,
// with no detour through double.
using FloatJson =
    nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t, std::uint64_t, float>;

constexpr int32_t kNoChild = -1;  // XGBoost's left_children entry of a leaf

// The member `key` of `parent` when it is of the type `is_type` accepts,
// else a Status naming `path`.
Result<const FloatJson*> Member(const FloatJson& parent, const char* key, bool (FloatJson::*is_type)() const,
                                const std::string& path) {
  if (!parent.is_object()) return Status::Invalid("expected an object", path);
  const auto it = parent.find(key);
  if (it == parent.end() || !((*it).*is_type)()) {
    return Status::Invalid(std::string("missing or of the wrong type: '") + key + "'", path + "." + key);
  }
  return &*it;
}

// A string member of XGBoost's configuration-style sections ("num_class": "0").
Result<std::string> StringMember(const FloatJson& parent, const char* key, const std::string& path) {
  CREDO_ASSIGN_OR_RETURN(const FloatJson* member, Member(parent, key, &FloatJson::is_string, path));
  return member->get<std::string>();
}

// The array member `key` of a tree as `T`s; it must hold `size` numbers
// (or booleans, which XGBoost's UBJSON-converted models write for default_left).
template <class T>
Result<std::vector<T>> TreeArray(const FloatJson& tree, const char* key, size_t size,
                                 const std::string& path) {
  CREDO_ASSIGN_OR_RETURN(const FloatJson* array, Member(tree, key, &FloatJson::is_array, path));
  const std::string where = path + "." + key;
  if (array->size() != size) {
    return Status::Invalid("holds " + std::to_string(array->size()) + " entries, but the tree has " +
                               std::to_string(size) + " nodes",
                           where);
  }
  std::vector<T> values;
  values.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    const FloatJson& v = (*array)[i];
    if (v.is_boolean()) {
      values.push_back(static_cast<T>(v.get<bool>()));
    } else if (v.is_number()) {
      values.push_back(v.get<T>());
    } else {
      return Status::Invalid("is not a number", where + "[" + std::to_string(i) + "]");
    }
  }
  return values;
}

// Checks that the model is a gbtree binary classifier whose output is a
// probability of bad, and returns its base margin: XGBoost 1.7 keeps
// base_score as a probability and starts every margin at its logit,
// computed in float as binary:logistic's ProbToMargin does.
Result<float> BaseMargin(const FloatJson& learner) {
  CREDO_ASSIGN_OR_RETURN(const FloatJson* objective,
                         Member(learner, "objective", &FloatJson::is_object, "learner"));
  CREDO_ASSIGN_OR_RETURN(std::string objective_name, StringMember(*objective, "name", "learner.objective"));
  if (objective_name != "binary:logistic" && objective_name != "reg:logistic") {
    return Status::Invalid(
        "XGBoost model objective '" + objective_name +
            "' does not output a probability of bad; expected binary:logistic or reg:logistic",
        "learner.objective.name");
  }
  CREDO_ASSIGN_OR_RETURN(const FloatJson* param,
                         Member(learner, "learner_model_param", &FloatJson::is_object, "learner"));
  CREDO_ASSIGN_OR_RETURN(std::string num_class,
                         StringMember(*param, "num_class", "learner.learner_model_param"));
  if (num_class != "0" && num_class != "1") {
    return Status::Invalid("a model of " + num_class + " classes is not a binary classifier",
                           "learner.learner_model_param.num_class");
  }
  if (param->contains("num_target") && param->at("num_target") != "1") {
    return Status::Invalid("a model of several targets is not supported",
                           "learner.learner_model_param.num_target");
  }
  CREDO_ASSIGN_OR_RETURN(std::string base_score_text,
                         StringMember(*param, "base_score", "learner.learner_model_param"));
  const float base_score = std::strtof(base_score_text.c_str(), nullptr);
  if (!(base_score > 0.0f && base_score < 1.0f)) {
    return Status::Invalid(
        "base_score '" + base_score_text + "' is not a probability strictly between 0 and 1",
        "learner.learner_model_param.base_score");
  }
  return -std::log(1.0f / base_score - 1.0f);
}

}  // namespace

// A node's distinct path features and, for each, the product of the cover
// ratios child / parent of the path's splits on it: the fraction of training
// rows that would follow the path were that feature unknown (TreeSHAP's
// "zero fraction").
struct CompiledTrees::PathFeatures {
  std::vector<uint32_t> features;
  std::vector<double> zero_fractions;
};

// One tree while its SHAP units are cut: where it starts in nodes_, and
// per node of it (index relative to the root) the leaf's index in leaves_
// or the number of splits in the node's subtree.
struct CompiledTrees::TreeShape {
  int32_t root = 0;
  std::vector<uint32_t> leaf_of;
  std::vector<uint32_t> splits_below;
};

Result<CompiledTrees> CompiledTrees::FromXgboostJson(std::string_view xgboost_json,
                                                     size_t table_budget_bytes) {
  const FloatJson model = FloatJson::parse(xgboost_json, nullptr, /*allow_exceptions=*/false);
  if (model.is_discarded()) return Status::Invalid("not an XGBoost JSON model: the text is not JSON");
  CREDO_ASSIGN_OR_RETURN(const FloatJson* learner, Member(model, "learner", &FloatJson::is_object, "$"));
  CompiledTrees compiled;
  // Tables are found by 32-bit offsets: at most 16 GiB, whatever the budget.
  compiled.table_budget_floats_ = std::min<size_t>(table_budget_bytes / sizeof(float), UINT32_MAX);
  CREDO_ASSIGN_OR_RETURN(compiled.base_margin_, BaseMargin(*learner));
  compiled.expected_margin_ = compiled.base_margin_;
  CREDO_ASSIGN_OR_RETURN(std::string num_feature, StringMember(learner->at("learner_model_param"),
                                                               "num_feature", "learner.learner_model_param"));
  compiled.num_features_ = std::strtoull(num_feature.c_str(), nullptr, 10);

  CREDO_ASSIGN_OR_RETURN(const FloatJson* booster,
                         Member(*learner, "gradient_booster", &FloatJson::is_object, "learner"));
  CREDO_ASSIGN_OR_RETURN(std::string booster_name,
                         StringMember(*booster, "name", "learner.gradient_booster"));
  if (booster_name != "gbtree") {
    return Status::Invalid("XGBoost booster '" + booster_name + "' is not supported; expected gbtree",
                           "learner.gradient_booster.name");
  }
  CREDO_ASSIGN_OR_RETURN(const FloatJson* gbtree,
                         Member(*booster, "model", &FloatJson::is_object, "learner.gradient_booster"));
  CREDO_ASSIGN_OR_RETURN(const FloatJson* trees,
                         Member(*gbtree, "trees", &FloatJson::is_array, "learner.gradient_booster.model"));

  // Shapley weights s! (d - s - 1)! / d! = 1 / (d * C(d - 1, s)) of a
  // coalition of s among the other d - 1 features of a path of d.
  for (uint32_t d = 1; d <= kMaxPathFeatures; ++d) {
    double choose = 1;  // C(d - 1, s)
    for (uint32_t s = 0; s < d; ++s) {
      compiled.shapley_weights_.push_back(1 / (d * choose));
      choose = choose * (d - 1 - s) / (s + 1);
    }
  }

  for (size_t t = 0; t < trees->size(); ++t) {
    const FloatJson& tree = (*trees)[t];
    const std::string path = "learner.gradient_booster.model.trees[" + std::to_string(t) + "]";
    CREDO_ASSIGN_OR_RETURN(const FloatJson* left_json,
                           Member(tree, "left_children", &FloatJson::is_array, path));
    const size_t size = left_json->size();
    if (size == 0) return Status::Invalid("a tree has no nodes", path + ".left_children");
    CREDO_ASSIGN_OR_RETURN(std::vector<int64_t> left, TreeArray<int64_t>(tree, "left_children", size, path));
    CREDO_ASSIGN_OR_RETURN(std::vector<int64_t> right,
                           TreeArray<int64_t>(tree, "right_children", size, path));
    CREDO_ASSIGN_OR_RETURN(std::vector<int64_t> feature,
                           TreeArray<int64_t>(tree, "split_indices", size, path));
    CREDO_ASSIGN_OR_RETURN(std::vector<float> condition,
                           TreeArray<float>(tree, "split_conditions", size, path));
    CREDO_ASSIGN_OR_RETURN(std::vector<int64_t> default_left,
                           TreeArray<int64_t>(tree, "default_left", size, path));
    CREDO_ASSIGN_OR_RETURN(std::vector<float> cover, TreeArray<float>(tree, "sum_hessian", size, path));
    if (tree.contains("split_type")) {
      CREDO_ASSIGN_OR_RETURN(std::vector<int64_t> split_type,
                             TreeArray<int64_t>(tree, "split_type", size, path));
      const auto categorical =
          std::find_if(split_type.begin(), split_type.end(), [](int64_t s) { return s != 0; });
      if (categorical != split_type.end()) {
        return Status::Invalid(
            "node " + std::to_string(categorical - split_type.begin()) +
                " splits on categories; only numeric splits are supported (encode categories "
                "as WOE)",
            path + ".split_type");
      }
    }

    // Number the nodes breadth first from the root, the two children of a
    // split side by side. Every reachable split must name a feature of the
    // model and two nodes of this tree, and no node may be reached twice
    // (which would make walking loop or count a leaf twice).
    std::vector<int64_t> order = {0};  // old index of each new index
    std::vector<int32_t> new_index(size, -1);
    new_index[0] = 0;
    for (size_t k = 0; k < order.size(); ++k) {
      const int64_t node = order[k];
      if (left[node] == kNoChild) continue;
      const std::string node_path = path + " node " + std::to_string(node);
      if (feature[node] < 0 || feature[node] >= static_cast<int64_t>(compiled.num_features_)) {
        return Status::Invalid("splits on feature " + std::to_string(feature[node]) + " but the model has " +
                                   std::to_string(compiled.num_features_) + " features",
                               node_path);
      }
      for (int64_t child : {left[node], right[node]}) {
        if (child <= 0 || child >= static_cast<int64_t>(size)) {
          return Status::Invalid("child " + std::to_string(child) + " is not a node of this tree", node_path);
        }
        if (new_index[child] >= 0) {
          return Status::Invalid(
              "child " + std::to_string(child) + " is reached twice; the tree is malformed", node_path);
        }
        new_index[child] = static_cast<int32_t>(order.size());
        order.push_back(child);
      }
    }

    const auto root = static_cast<int32_t>(compiled.nodes_.size());
    std::vector<uint32_t> leaf_of(order.size());  // per leaf of this tree (new index): its index in leaves_
    compiled.tree_roots_.push_back(root);
    std::vector<PathFeatures> paths(order.size());
    std::vector<uint32_t> depths(order.size(), 0);
    for (size_t k = 0; k < order.size(); ++k) {
      const int64_t old = order[k];
      Node node;
      node.value = condition[old];  // a leaf's value is in split_conditions too
      PathFeatures& here = paths[k];
      if (left[old] == kNoChild) {
        const auto d = static_cast<uint32_t>(here.features.size());
        if (d > kMaxPathFeatures) {
          return Status::Invalid("the path to this leaf splits on " + std::to_string(d) +
                                     " distinct features; at most " + std::to_string(kMaxPathFeatures) +
                                     " are supported",
                                 path + " node " + std::to_string(old));
        }
        leaf_of[k] = static_cast<uint32_t>(compiled.leaves_.size());
        compiled.leaves_.push_back(compiled.AddLeaf(node.value, here));
      } else {
        node.feature = static_cast<uint32_t>(feature[old]);
        node.default_left = default_left[old] != 0;
        node.left_child = root + new_index[left[old]];
        // The children's paths: this split's feature joins, or its fraction shrinks.
        const auto found = std::find(here.features.begin(), here.features.end(), node.feature);
        node.shap_slot = static_cast<uint32_t>(found - here.features.begin());
        for (int64_t child : {left[old], right[old]}) {
          depths[new_index[child]] = depths[k] + 1;
          PathFeatures& below = paths[new_index[child]];
          below = here;
          const double ratio = static_cast<double>(cover[child]) / cover[old];
          if (node.shap_slot < below.features.size()) {
            below.zero_fractions[node.shap_slot] *= ratio;
          } else {
            below.features.push_back(node.feature);
            below.zero_fractions.push_back(ratio);
          }
        }
      }
      here = PathFeatures();  // no longer needed
      compiled.nodes_.push_back(node);
    }

    // The tree's expected value over the training rows: the cover-weighted
    // mean of its leaves, folded from the leaves up (children come after
    // their parent in `order`).
    std::vector<double> mean(order.size());
    for (size_t k = order.size(); k-- > 0;) {
      const Node& node = compiled.nodes_[root + k];
      if (node.left_child == kNoChild) {
        mean[k] = node.value;
      } else {
        const int32_t l = node.left_child - root;
        mean[k] = (mean[l] * cover[order[l]] + mean[l + 1] * cover[order[l + 1]]) / cover[order[k]];
      }
    }
    compiled.expected_margin_ += mean[0];

    // The tree's SHAP units, from the root down.
    TreeShape shape{root, std::move(leaf_of), std::vector<uint32_t>(order.size(), 0)};
    for (size_t k = order.size(); k-- > 0;) {
      const Node& node = compiled.nodes_[root + k];
      if (node.left_child == kNoChild) continue;
      const size_t l = node.left_child - root;
      shape.splits_below[k] = 1 + shape.splits_below[l] + shape.splits_below[l + 1];
    }
    std::vector<int32_t> ancestors;
    compiled.AddUnits(shape, root, &ancestors);
    compiled.tree_depths_.push_back(*std::max_element(depths.begin(), depths.end()));
  }
  compiled.GroupSplitsByFeature();
  return compiled;
}

CompiledTrees::ShapLeaf CompiledTrees::AddLeaf(float value, const PathFeatures& path) {
  ShapLeaf leaf;
  leaf.value = value;
  leaf.path_features = static_cast<uint32_t>(path.features.size());
  leaf.first_feature = static_cast<uint32_t>(leaf_features_.size());
  leaf.first_fraction = static_cast<uint32_t>(leaf_zero_fractions_.size());
  leaf_features_.insert(leaf_features_.end(), path.features.begin(), path.features.end());
  leaf_zero_fractions_.insert(leaf_zero_fractions_.end(), path.zero_fractions.begin(),
                              path.zero_fractions.end());
  return leaf;
}

void CompiledTrees::GroupSplitsByFeature() {
  for (size_t k = 0; k < nodes_.size(); ++k) {
    if (nodes_[k].left_child != kNoChild) split_nodes_.push_back(static_cast<int32_t>(k));
  }
  std::stable_sort(split_nodes_.begin(), split_nodes_.end(),
                   [&](int32_t a, int32_t b) { return nodes_[a].feature < nodes_[b].feature; });
  feature_splits_.assign(num_features_ + 1, 0);
  std::vector<uint32_t> position_of(nodes_.size());
  for (size_t p = 0; p < split_nodes_.size(); ++p) {
    const Node& split = nodes_[split_nodes_[p]];
    split_thresholds_.push_back(split.value);
    split_missing_right_.push_back(split.default_left ? 0 : 1);
    ++feature_splits_[split.feature + 1];
    position_of[split_nodes_[p]] = static_cast<uint32_t>(p);
  }
  for (size_t f = 0; f < num_features_; ++f) feature_splits_[f + 1] += feature_splits_[f];
  for (uint32_t& split : unit_splits_) split = position_of[split];
}

void CompiledTrees::AddUnits(const TreeShape& tree, int32_t node, std::vector<int32_t>* ancestors) {
  const size_t local = node - tree.root;
  if (const size_t splits = ancestors->size() + tree.splits_below[local]; splits <= kMaxUnitSplits) {
    // At most 2^splits rows of `splits` shares and a leaf.
    if (unit_shares_.size() + ((splits + 1) << splits) <= table_budget_floats_) {
      AddTabulatedUnit(tree, node, *ancestors);
      return;
    }
  }
  if (nodes_[node].left_child == kNoChild) {
    const ShapLeaf& leaf = leaves_[tree.leaf_of[local]];
    ShapUnit unit;
    unit.first_split = static_cast<uint32_t>(unit_splits_.size());
    unit.splits = static_cast<uint32_t>(ancestors->size());
    unit.first_column = static_cast<uint32_t>(unit_columns_.size());
    unit.columns = leaf.path_features;
    unit.lone_leaf = tree.leaf_of[local];
    unit.lone_leaf_node = node;
    const uint32_t d = leaf.path_features;
    if (d <= kMaxLoneTableFeatures && unit_shares_.size() + (d << d) <= table_budget_floats_) {
      unit.lone_table = static_cast<uint32_t>(unit_shares_.size());
      double shares[kMaxLoneTableFeatures];
      for (uint64_t agrees = 0; agrees < (uint64_t{1} << d); ++agrees) {
        LeafShares(leaf, agrees, shares);
        unit_shares_.insert(unit_shares_.end(), shares, shares + d);
      }
    }
    unit_splits_.insert(unit_splits_.end(), ancestors->begin(), ancestors->end());  // nodes until grouped
    unit_columns_.insert(unit_columns_.end(), leaf_features_.begin() + leaf.first_feature,
                         leaf_features_.begin() + leaf.first_feature + leaf.path_features);
    units_.push_back(unit);
    return;
  }
  ancestors->push_back(node);
  AddUnits(tree, nodes_[node].left_child, ancestors);
  AddUnits(tree, nodes_[node].left_child + 1, ancestors);
  ancestors->pop_back();
}

void CompiledTrees::AddTabulatedUnit(const TreeShape& tree, int32_t node,
                                     const std::vector<int32_t>& ancestors) {
  // The unit's splits (ancestors, then its own in depth-first order) and
  // each leaf's path through them: (position among the splits, 1 if right).
  struct UnitLeaf {
    uint32_t leaf;
    std::vector<std::pair<uint32_t, uint32_t>> path;
  };
  std::vector<int32_t> splits = ancestors;
  std::vector<UnitLeaf> leaves;
  std::vector<std::pair<uint32_t, uint32_t>> path;
  for (size_t j = 0; j < ancestors.size(); ++j) {
    const int32_t next = j + 1 < ancestors.size() ? ancestors[j + 1] : node;
    path.emplace_back(j, static_cast<uint32_t>(next - nodes_[ancestors[j]].left_child));
  }
  const auto collect = [&](const auto& self, int32_t at) -> void {
    if (nodes_[at].left_child == kNoChild) {
      leaves.push_back({tree.leaf_of[at - tree.root], path});
      return;
    }
    const auto position = static_cast<uint32_t>(splits.size());
    splits.push_back(at);
    for (uint32_t right = 0; right < 2; ++right) {
      path.emplace_back(position, right);
      self(self, nodes_[at].left_child + static_cast<int32_t>(right));
      path.pop_back();
    }
  };
  collect(collect, node);

  std::vector<uint32_t> columns;  // the features any of the leaves' paths split on
  for (const UnitLeaf& unit_leaf : leaves) {
    const ShapLeaf& leaf = leaves_[unit_leaf.leaf];
    for (uint32_t i = 0; i < leaf.path_features; ++i) {
      const uint32_t feature = leaf_features_[leaf.first_feature + i];
      if (std::find(columns.begin(), columns.end(), feature) == columns.end()) columns.push_back(feature);
    }
  }
  // (A tree that is one leaf has no columns: it adds to the bias, and its leaf to the margin.)

  ShapUnit unit;
  unit.first_split = static_cast<uint32_t>(unit_splits_.size());
  unit.splits = static_cast<uint32_t>(splits.size());
  unit.first_column = static_cast<uint32_t>(unit_columns_.size());
  unit.columns = static_cast<uint32_t>(columns.size());
  unit.first_share = static_cast<uint32_t>(unit_shares_.size());
  unit_splits_.insert(unit_splits_.end(), splits.begin(), splits.end());  // nodes until grouped
  unit_columns_.insert(unit_columns_.end(), columns.begin(), columns.end());
  units_.push_back(unit);
  std::vector<double> shares(columns.size());
  double leaf_shares[kMaxUnitSplits];  // a unit's leaf has at most kMaxUnitSplits path splits
  for (uint64_t row = 0; row < (uint64_t{1} << splits.size()); ++row) {
    std::fill(shares.begin(), shares.end(), 0.0);
    float reached = 0;  // the leaf the row reaches, if its directions lead into this unit
    for (const UnitLeaf& unit_leaf : leaves) {
      const ShapLeaf& leaf = leaves_[unit_leaf.leaf];
      // The leaf's path features the row disagrees with: those of the path's
      // splits where the row's direction is not the path's. Where there are
      // none, the row reaches the leaf.
      uint64_t agrees = ~uint64_t{0};
      for (const auto& [position, right] : unit_leaf.path) {
        if (((row >> position) & 1) != right) agrees &= ~(uint64_t{1} << nodes_[splits[position]].shap_slot);
      }
      if (agrees == ~uint64_t{0}) reached = leaf.value;
      LeafShares(leaf, agrees, leaf_shares);
      for (uint32_t i = 0; i < leaf.path_features; ++i) {
        const uint32_t feature = leaf_features_[leaf.first_feature + i];
        const size_t column = std::find(columns.begin(), columns.end(), feature) - columns.begin();
        shares[column] += leaf_shares[i];
      }
    }
    for (double share : shares) unit_shares_.push_back(static_cast<float>(share));
    unit_shares_.push_back(reached);
  }
}

void CompiledTrees::LeafShares(const ShapLeaf& leaf, uint64_t agrees, double* shares) const {
  // With P the leaf's d path features, z_j their zero fractions, o_j = 1
  // when the row agrees with the path on j (else 0), the leaf adds to
  // feature i's SHAP value
  //   v (o_i - z_i) sum over S in P \ {i} of w(|S|, d) prod_{j in S} o_j prod_{j in P \ {i} \ S} z_j
  // with w the Shapley weight. Only S within the agreeing set A_i = A \ {i}
  // count, so the sum is prod_{j not in A, j != i} z_j * sum_t w(|A_i| - t, d) e_t(z over A_i),
  // e_t the elementary symmetric polynomials (the t features of A_i left
  // out of S). The e_t over A are built once; those over A \ {i} follow by
  // dividing their generating polynomial prod (1 + z_j x) by (1 + z_i x).
  const uint32_t d = leaf.path_features;
  const double* z = &leaf_zero_fractions_[leaf.first_fraction];
  const double* w = &shapley_weights_[d * (d - 1) / 2];
  double e[kMaxPathFeatures + 1] = {1};
  uint32_t agreeing = 0;
  double disagreeing_product = 1;
  for (uint32_t j = 0; j < d; ++j) {
    if ((agrees >> j) & 1) {
      e[agreeing + 1] = e[agreeing] * z[j];
      for (uint32_t t = agreeing; t > 0; --t) e[t] += e[t - 1] * z[j];
      ++agreeing;
    } else {
      disagreeing_product *= z[j];
    }
  }
  double sum_over_a = 0;  // the sum for a feature outside A, where A_i = A
  for (uint32_t t = 0; t <= agreeing; ++t) sum_over_a += w[agreeing - t] * e[t];
  for (uint32_t i = 0; i < d; ++i) {
    if ((agrees >> i) & 1) {
      double without_i = 1;  // e_t over A \ {i}, from t = 0
      double sum = w[agreeing - 1];
      for (uint32_t t = 1; t < agreeing; ++t) {
        without_i = e[t] - z[i] * without_i;
        sum += w[agreeing - 1 - t] * without_i;
      }
      shares[i] = leaf.value * (1 - z[i]) * disagreeing_product * sum;
    } else {
      double others = 1;  // the disagreeing features but i
      for (uint32_t j = 0; j < d; ++j) {
        if (j != i && !((agrees >> j) & 1)) others *= z[j];
      }
      shares[i] = leaf.value * -z[i] * others * sum_over_a;
    }
  }
}

double CompiledTrees::Margin(const float* row) const {
  // Walking one tree is a chain of dependent loads, so kLanes trees are
  // walked side by side, level by level, for the loads to overlap; a lane
  // that has reached its leaf stays there. The leaves are then added in
  // float, tree after tree, as XGBoost's CPU predictor adds them.
  constexpr size_t kLanes = 8;
  float margin = base_margin_;
  for (size_t first = 0; first < tree_roots_.size(); first += kLanes) {
    const size_t lanes = std::min(kLanes, tree_roots_.size() - first);
    int32_t at[kLanes];
    uint32_t depth = 0;
    for (size_t l = 0; l < lanes; ++l) {
      at[l] = tree_roots_[first + l];
      depth = std::max(depth, tree_depths_[first + l]);
    }
    for (uint32_t level = 0; level < depth; ++level) {
      for (size_t l = 0; l < lanes; ++l) {
        const Node& node = nodes_[at[l]];
        const int32_t next = NextNode(node, row);
        at[l] = node.left_child == kNoChild ? at[l] : next;
      }
    }
    for (size_t l = 0; l < lanes; ++l) margin += nodes_[at[l]].value;
  }
  return margin;
}

double CompiledTrees::ProbabilityOf(float margin) {
  return 1.0f / (1.0f + std::exp(-margin));  // XGBoost's float logistic
}

float CompiledTrees::Contributions(const float* row, double* out) const {
  // Pass 1: the row's direction at every split (1: right), a feature's
  // thresholds compared with its value in one run (which vectorizes).
  const auto right = std::make_unique_for_overwrite<uint8_t[]>(split_nodes_.size());
  for (size_t f = 0; f < num_features_; ++f) {
    const float x = row[f];
    const uint32_t end = feature_splits_[f + 1];
    if (x != x) {  // NaN: missing, each split's default side
      for (uint32_t p = feature_splits_[f]; p < end; ++p) right[p] = split_missing_right_[p];
    } else {
      for (uint32_t p = feature_splits_[f]; p < end; ++p) right[p] = !(x < split_thresholds_[p]);
    }
  }
  // Pass 2: each tabulated unit's table row, fetched ahead of pass 3: the
  // tables are scattered over megabytes.
  const auto rows = std::make_unique_for_overwrite<const float*[]>(units_.size());
  for (size_t u = 0; u < units_.size(); ++u) {
    const ShapUnit& unit = units_[u];
    if (unit.lone_leaf != kNone) continue;
    const uint32_t* splits = &unit_splits_[unit.first_split];
    uint32_t index = 0;
    for (uint32_t j = 0; j < unit.splits; ++j) index |= uint32_t{right[splits[j]]} << j;
    rows[u] = &unit_shares_[unit.first_share + index * (unit.columns + 1)];
    __builtin_prefetch(rows[u]);
  }
  // Pass 3: the rows added, unit after unit. Four sets of sums, taken in
  // turn, keep the additions to one feature from waiting on each other.
  // The leaves go into the margin in float, tree after tree (one unit per
  // tree adds a leaf, the others 0), as Margin() adds them.
  float margin = base_margin_;
  constexpr size_t kSums = 4;
  const size_t width = num_features_ + 1;
  std::vector<double> sums(kSums * width, 0.0);
  for (size_t u = 0; u < units_.size(); ++u) {
    const ShapUnit& unit = units_[u];
    const uint32_t* columns = &unit_columns_[unit.first_column];
    double* sum = &sums[(u % kSums) * width];
    if (unit.lone_leaf == kNone) {
      const float* shares = rows[u];
      for (uint32_t i = 0; i < unit.columns; ++i) sum[columns[i]] += shares[i];
      margin += shares[unit.columns];
      continue;
    }
    // A leaf alone: it agrees with its path except on the features of the
    // splits where the row turns off it; where it turns off none, the row
    // reaches it.
    const uint32_t* splits = &unit_splits_[unit.first_split];
    uint64_t agrees = ~uint64_t{0};
    for (uint32_t j = 0; j < unit.splits; ++j) {
      const Node& split = nodes_[split_nodes_[splits[j]]];
      const int32_t next = j + 1 < unit.splits ? split_nodes_[splits[j + 1]] : unit.lone_leaf_node;
      if (split.left_child + right[splits[j]] != next) agrees &= ~(uint64_t{1} << split.shap_slot);
    }
    const ShapLeaf& leaf = leaves_[unit.lone_leaf];
    if (agrees == ~uint64_t{0}) margin += leaf.value;
    if (unit.lone_table != kNone) {
      const float* shares =  // through data(): a leaf with no path features has an empty table
          unit_shares_.data() + unit.lone_table +
          (agrees & ((uint64_t{1} << unit.columns) - 1)) * unit.columns;
      for (uint32_t i = 0; i < unit.columns; ++i) sum[columns[i]] += shares[i];
    } else {
      double shares[kMaxPathFeatures];
      LeafShares(leaf, agrees, shares);
      for (uint32_t i = 0; i < unit.columns; ++i) sum[columns[i]] += shares[i];
    }
  }
  for (size_t f = 0; f < num_features_; ++f) {
    out[f] = (sums[f] + sums[width + f]) + (sums[2 * width + f] + sums[3 * width + f]);
  }
  out[num_features_] = expected_margin_;
  return margin;
}

}  // namespace credo::models
