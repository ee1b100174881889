#include "models/xgboost_booster.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

namespace credo::models {
namespace {

using nlohmann::json;

// From this many rows on, a batch is scored on all cores. XGBoost's CPU
// predictor walks rows in blocks of 64, so smaller batches gain little from
// threads and would only wake (and spin) a thread team per applicant.
constexpr size_t kRowsForAllCores = 256;

using DMatrixOwner = std::unique_ptr<void, int (*)(DMatrixHandle)>;
using BoosterOwner = std::unique_ptr<void, int (*)(BoosterHandle)>;

// A booster holding a loaded model, and the model's number of trees.
struct LoadedBooster {
  BoosterOwner booster{nullptr, XGBoosterFree};
  size_t num_trees = 0;
};

// Reads XGBoost's configuration of a loaded booster (which also makes XGBoost
// configure it); checks that it is a gbtree binary classifier whose output is
// a probability and returns its number of trees.
Result<size_t> CheckBinaryTreeModel(BoosterHandle booster) {
  bst_ulong length = 0;
  const char* text = nullptr;
  if (XGBoosterSaveJsonConfig(booster, &length, &text) != 0) return XgboostError("XGBoosterSaveJsonConfig");
  const json config = json::parse(text, text + length, nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded()) return Status::Internal("XGBoost returned a configuration that is not JSON");
  const std::string objective = config.value(json::json_pointer("/learner/objective/name"), std::string());
  if (objective != "binary:logistic" && objective != "reg:logistic") {
    return Status::Invalid("XGBoost model objective '" + objective +
                               "' does not output a probability of bad; expected binary:logistic or "
                               "reg:logistic",
                           "learner.objective.name");
  }
  const std::string booster_name =
      config.value(json::json_pointer("/learner/gradient_booster/name"), std::string());
  if (booster_name != "gbtree") {
    return Status::Invalid("XGBoost booster '" + booster_name + "' is not supported; expected gbtree",
                           "learner.gradient_booster.name");
  }
  const std::string trees =
      config.value(json::json_pointer("/learner/gradient_booster/gbtree_model_param/num_trees"), "0");
  return static_cast<size_t>(std::strtoull(trees.c_str(), nullptr, 10));
}

// Loads `xgboost_json` into a new booster that predicts with `threads`
// threads (0 = all cores). Every parameter is set and the booster configured
// here, at load, so that prediction never changes it.
Result<LoadedBooster> LoadBooster(std::string_view xgboost_json, int threads) {
  LoadedBooster loaded;
  BoosterHandle booster = nullptr;
  if (XGBoosterCreate(nullptr, 0, &booster) != 0) return XgboostError("XGBoosterCreate");
  loaded.booster.reset(booster);
  if (XGBoosterLoadModelFromBuffer(booster, xgboost_json.data(), xgboost_json.size()) != 0) {
    return XgboostError("XGBoosterLoadModelFromBuffer", ErrorCode::kInvalidInput);
  }
  if (XGBoosterSetParam(booster, "nthread", std::to_string(threads).c_str()) != 0) {
    return XgboostError("XGBoosterSetParam(nthread)");
  }
  CREDO_ASSIGN_OR_RETURN(loaded.num_trees, CheckBinaryTreeModel(booster));
  return loaded;
}

// NumPy's __array_interface__ for a C-contiguous rows x cols float32 matrix,
// which is what XGBoost's in-place prediction reads.
std::string DenseArrayInterface(const float* row_major, size_t rows, size_t cols) {
  return "{\"data\":[" + std::to_string(reinterpret_cast<std::uintptr_t>(row_major)) + ",true],\"shape\":[" +
         std::to_string(rows) + "," + std::to_string(cols) +
         "],\"strides\":null,\"typestr\":\"<f4\",\"version\":3}";
}

// XGBoost's prediction configuration; NaN marks a missing value (XGBoost's
// JSON reader accepts the NaN literal, as Python's json.dumps writes it).
std::string PredictConfig(int type) {
  return "{\"type\":" + std::to_string(type) +
         ",\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":false,"
         "\"missing\":NaN,\"cache_id\":0}";
}

}  // namespace

Status XgboostError(std::string_view call, ErrorCode code) {
  // XGBoost appends a stack trace after the first line; the first line is the message.
  const std::string_view error = XGBGetLastError();
  return Status(code, std::string(call) + " failed: " + std::string(error.substr(0, error.find('\n'))));
}

Result<TreeEnsemble> TreeEnsemble::FromJson(std::string_view xgboost_json) {
  const size_t first = xgboost_json.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || xgboost_json[first] != '{') {
    return Status::Invalid("not an XGBoost JSON model: the text does not start with '{'");
  }
  TreeEnsemble trees;
  CREDO_ASSIGN_OR_RETURN(LoadedBooster single_thread, LoadBooster(xgboost_json, 1));
  CREDO_ASSIGN_OR_RETURN(LoadedBooster all_cores, LoadBooster(xgboost_json, 0));
  trees.single_thread_booster_ = single_thread.booster.release();
  trees.all_cores_booster_ = all_cores.booster.release();
  trees.num_trees_ = single_thread.num_trees;

  bst_ulong features = 0;
  if (XGBoosterGetNumFeature(trees.single_thread_booster_, &features) != 0) {
    return XgboostError("XGBoosterGetNumFeature");
  }
  trees.num_features_ = features;
  bst_ulong names = 0;
  const char** name_texts = nullptr;
  if (XGBoosterGetStrFeatureInfo(trees.single_thread_booster_, "feature_name", &names, &name_texts) != 0) {
    return XgboostError("XGBoosterGetStrFeatureInfo(feature_name)");
  }
  trees.feature_names_.assign(name_texts, name_texts + names);
  return trees;
}

TreeEnsemble::TreeEnsemble(TreeEnsemble&& other) noexcept
    : single_thread_booster_(std::exchange(other.single_thread_booster_, nullptr)),
      all_cores_booster_(std::exchange(other.all_cores_booster_, nullptr)),
      num_features_(other.num_features_),
      num_trees_(other.num_trees_),
      feature_names_(std::move(other.feature_names_)) {}

TreeEnsemble& TreeEnsemble::operator=(TreeEnsemble&& other) noexcept {
  std::swap(single_thread_booster_, other.single_thread_booster_);
  std::swap(all_cores_booster_, other.all_cores_booster_);
  std::swap(num_features_, other.num_features_);
  std::swap(num_trees_, other.num_trees_);
  std::swap(feature_names_, other.feature_names_);
  return *this;
}

TreeEnsemble::~TreeEnsemble() {
  // XGBoosterFree only fails on a null handle, which is skipped.
  if (single_thread_booster_ != nullptr) XGBoosterFree(single_thread_booster_);
  if (all_cores_booster_ != nullptr) XGBoosterFree(all_cores_booster_);
}

Result<std::string> TreeEnsemble::ToJson() const {
  bst_ulong length = 0;
  const char* text = nullptr;
  if (XGBoosterSaveModelToBuffer(single_thread_booster_, "{\"format\":\"json\"}", &length, &text) != 0) {
    return XgboostError("XGBoosterSaveModelToBuffer");
  }
  return std::string(text, length);
}

Status TreeEnsemble::CheckRows(const float* row_major, size_t rows, size_t cols) const {
  if (cols != num_features_) {
    return Status::Invalid("rows hold " + std::to_string(cols) + " values but the model reads " +
                           std::to_string(num_features_) + " features");
  }
  for (size_t i = 0; i < rows * cols; ++i) {
    if (std::isinf(row_major[i])) {
      return Status::Invalid("value is infinite; use NaN for a missing value",
                             "row " + std::to_string(i / cols) + " column " + std::to_string(i % cols));
    }
  }
  return Status::Ok();
}

Result<std::vector<double>> TreeEnsemble::Predict(Output output, const float* row_major, size_t rows,
                                                  size_t cols) const {
  CREDO_RETURN_IF_ERROR(CheckRows(row_major, rows, cols));
  if (rows == 0) return std::vector<double>();
  const bool all_cores = rows >= kRowsForAllCores;
  BoosterHandle booster = all_cores ? all_cores_booster_ : single_thread_booster_;
  const std::string config = PredictConfig(static_cast<int>(output));
  const bst_ulong* shape = nullptr;
  bst_ulong dimensions = 0;
  const float* values = nullptr;
  if (output == Output::kContributions) {
    // In-place prediction does not compute contributions; they need a DMatrix.
    DMatrixHandle matrix = nullptr;
    if (XGDMatrixCreateFromMat_omp(row_major, rows, cols, std::nanf(""), &matrix, all_cores ? 0 : 1) != 0) {
      return XgboostError("XGDMatrixCreateFromMat_omp");
    }
    const DMatrixOwner matrix_owner(matrix, XGDMatrixFree);
    if (XGBoosterPredictFromDMatrix(booster, matrix, config.c_str(), &shape, &dimensions, &values) != 0) {
      return XgboostError("XGBoosterPredictFromDMatrix");
    }
  } else {
    const std::string array = DenseArrayInterface(row_major, rows, cols);
    if (XGBoosterPredictFromDense(booster, array.c_str(), config.c_str(), nullptr, &shape, &dimensions,
                                  &values) != 0) {
      return XgboostError("XGBoosterPredictFromDense");
    }
  }
  size_t count = 1;
  for (bst_ulong d = 0; d < dimensions; ++d) count *= shape[d];
  const size_t expected = output == Output::kContributions ? rows * (cols + 1) : rows;
  if (count != expected) {
    return Status::Internal("XGBoost returned " + std::to_string(count) + " values for " +
                            std::to_string(rows) + " rows; expected " + std::to_string(expected));
  }
  // `values` lives in XGBoost's per-thread buffer until this thread's next call: copy now.
  return std::vector<double>(values, values + count);
}

Result<std::vector<double>> TreeEnsemble::PredictProbability(const float* row_major, size_t rows,
                                                             size_t cols) const {
  return Predict(Output::kProbability, row_major, rows, cols);
}

Result<std::vector<double>> TreeEnsemble::PredictMargin(const float* row_major, size_t rows,
                                                        size_t cols) const {
  return Predict(Output::kMargin, row_major, rows, cols);
}

Result<std::vector<double>> TreeEnsemble::Contributions(const float* row_major, size_t rows,
                                                        size_t cols) const {
  return Predict(Output::kContributions, row_major, rows, cols);
}

}  // namespace credo::models
