// models/xgboost_booster.h — a gradient-boosted tree ensemble scored by XGBoost.
//
// A TreeEnsemble is a binary classifier of bad (label 1) against good,
// loaded from XGBoost's own JSON model format: exactly the file a modeler
// writes in Python with `booster.save_model("model.json")`, or the one
// `credo` training produces. Scoring goes through XGBoost's C API, so an
// imported model scores as it did in Python (the import test checks this
// against Python's own predictions).
//
// Thread-safety: load once, then call Predict*/Contributions from any number
// of threads. Scoring never changes the ensemble (XGBoost 1.4+ documents
// prediction of tree models as thread-safe; every parameter is set at load,
// never while scoring). Small batches run on the calling thread only; large
// batches use all cores.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace credo::models {

// The Status for a failed XGBoost C API call: names the call and carries
// the first line of XGBGetLastError() (per thread: call right after the failure).
Status XgboostError(std::string_view call, ErrorCode code = ErrorCode::kInternal);

// A loaded tree ensemble (objective binary:logistic or reg:logistic,
// booster gbtree). Movable, not copyable: it owns XGBoost handles.
class TreeEnsemble {
 public:
  // Loads XGBoost JSON model text. Errors name what is wrong: not JSON, an
  // objective whose output is not a probability of bad, a multi-class model.
  static Result<TreeEnsemble> FromJson(std::string_view xgboost_json);

  TreeEnsemble(TreeEnsemble&& other) noexcept;
  TreeEnsemble& operator=(TreeEnsemble&& other) noexcept;
  TreeEnsemble(const TreeEnsemble&) = delete;
  TreeEnsemble& operator=(const TreeEnsemble&) = delete;
  ~TreeEnsemble();

  // The model as XGBoost JSON; FromJson(ToJson()) scores identically.
  Result<std::string> ToJson() const;

  // How many features each row must hold, in the model's order.
  size_t num_features() const { return num_features_; }
  // How many trees the ensemble sums.
  size_t num_trees() const { return num_trees_; }
  // The feature names saved with the model (empty when it has none).
  const std::vector<std::string>& feature_names() const { return feature_names_; }

  // Probability of bad for each of `rows` rows of `cols` floats, row-major;
  // NaN is a missing value. `cols` must equal num_features(); an infinite
  // value is an error naming its row and column.
  Result<std::vector<double>> PredictProbability(const float* row_major, size_t rows, size_t cols) const;
  // The same rows' log-odds of bad (the margin: bias plus the sum of leaves).
  Result<std::vector<double>> PredictMargin(const float* row_major, size_t rows, size_t cols) const;
  // Exact tree SHAP contributions to the log-odds of bad: rows x (cols + 1)
  // values, row-major; entry [r][f] is feature f's contribution and the last
  // entry of each row is the bias. Each row sums to its margin (up to float
  // rounding). Used for reason codes.
  Result<std::vector<double>> Contributions(const float* row_major, size_t rows, size_t cols) const;

 private:
  // Which XGBoost prediction a call asks for (its "type" field).
  enum class Output { kProbability = 0, kMargin = 1, kContributions = 2 };

  TreeEnsemble() = default;
  Status CheckRows(const float* row_major, size_t rows, size_t cols) const;
  Result<std::vector<double>> Predict(Output output, const float* row_major, size_t rows, size_t cols) const;

  // Two XGBoost boosters holding the same model: one set to one thread for
  // small batches (no thread team woken per applicant), one set to all cores.
  // Two handles because changing a booster's thread count while another
  // thread predicts with it is not safe.
  void* single_thread_booster_ = nullptr;
  void* all_cores_booster_ = nullptr;
  size_t num_features_ = 0;
  size_t num_trees_ = 0;
  std::vector<std::string> feature_names_;
};

}  // namespace credo::models
