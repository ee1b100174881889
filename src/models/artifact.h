// models/artifact.h — the one model artifact format (model.json).
//
// A ModelArtifact is everything needed to score an applicant exactly as the
// model was trained: the feature list with types, the preprocessing (bins
// and WOE), the model itself (scorecard points, or an XGBoost tree ensemble
// embedded as XGBoost's own JSON), plus metrics, a fingerprint of the
// training data and the creation time. `credo model train` writes it,
// `credo model import-xgboost` wraps a model saved by XGBoost itself, and
// the decision engine loads it. Versioned by "format_version".
//
// Load once, then score from any number of threads: scoring never mutates.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "data/table.h"
#include "models/reason_code.h"
#include "models/scorecard.h"
#include "models/variable_bins.h"

namespace credo::models {

inline constexpr int kArtifactFormatVersion = 1;

enum class ModelKind { kScorecard, kGbdt };
const char* ModelKindName(ModelKind kind);

// One input the model reads, in the order the model expects.
struct FeatureSpec {
  std::string name;
  bool categorical = false;
};

// What scoring one applicant gives.
struct ScoredApplicant {
  double probability = 0;    // of bad
  std::optional<int> score;  // scorecards only: points, higher = safer
  std::vector<ReasonCode> reasons;
};

// One applicant's inputs, in features() order: `numbers[i]` for a numeric
// feature (NaN = missing), `levels[i]` for a categorical one ("" = missing).
struct FeatureValues {
  std::vector<double> numbers;
  std::vector<std::string> levels;
};

class CompiledTrees;
class TreeEnsemble;

// A loaded, ready-to-score model.
class ModelArtifact {
 public:
  ModelArtifact();
  ModelArtifact(ModelArtifact&&) noexcept;
  ModelArtifact& operator=(ModelArtifact&&) noexcept;
  ~ModelArtifact();

  // A scorecard model.
  static ModelArtifact FromScorecard(Scorecard scorecard);
  // A tree ensemble in XGBoost's JSON format over `features`. Categorical
  // features enter the trees as the WOE of their bin (`categorical_bins`,
  // one per categorical feature, by name); numeric features enter raw.
  static Result<ModelArtifact> FromXgboostJson(std::string_view xgboost_json,
                                               std::vector<FeatureSpec> features,
                                               std::vector<VariableBins> categorical_bins = {});

  // Reads model.json; errors name the file and the JSON path.
  static Result<ModelArtifact> Load(const std::string& path);
  static Result<ModelArtifact> Parse(std::string_view json_text, const std::string& source);
  // Writes model.json atomically (temporary file, then rename).
  Status Save(const std::string& path) const;
  std::string ToJson() const;

  ModelKind kind() const { return kind_; }
  const std::string& id() const { return id_; }
  const std::string& created_at() const { return created_at_; }
  const std::vector<FeatureSpec>& features() const { return features_; }
  // Trees in the ensemble (0 for a scorecard).
  size_t num_trees() const;
  const Scorecard* scorecard() const { return kind_ == ModelKind::kScorecard ? &scorecard_ : nullptr; }

  // Free-form sections kept with the model: "metrics", "training_data"
  // (file, rows, fingerprint, target, id column) and "notes". Set by training.
  void SetSection(const std::string& name, const nlohmann::json& value);
  const nlohmann::json* Section(const std::string& name) const;

  // Scores one applicant. A tree ensemble is walked natively (CompiledTrees),
  // not through XGBoost's C API; the numbers are the same.
  Result<ScoredApplicant> Score(const FeatureValues& values, size_t top_reasons = 3) const;
  // Scores every row of a table whose columns include every feature (by
  // name). A numeric feature in a text column is an error naming it.
  Result<std::vector<ScoredApplicant>> ScoreTable(const data::Table& table, size_t top_reasons = 3) const;
  // Probabilities only (no reasons): the fast path for evaluation.
  Result<std::vector<double>> PredictTable(const data::Table& table) const;

 private:
  struct Columns;
  Result<Columns> ResolveColumns(const data::Table& table) const;
  std::vector<float> DenseRows(const Columns& columns, size_t first_row, size_t rows) const;
  std::vector<int> BinsOf(const Columns& columns, size_t row) const;
  ScoredApplicant ScoreBins(const std::vector<int>& bins, size_t top_reasons) const;
  // `level_of(i)` gives the applicant's level of categorical feature i.
  std::vector<ReasonCode> TreeReasons(const float* row, const double* contributions, size_t top_reasons,
                                      const std::function<std::string(size_t)>& level_of) const;

  ModelKind kind_ = ModelKind::kScorecard;
  std::string id_;
  std::string created_at_;
  std::vector<FeatureSpec> features_;
  Scorecard scorecard_;
  std::vector<std::optional<VariableBins>> tree_bins_;  // per feature: bins of categoricals
  std::unique_ptr<TreeEnsemble> trees_;                 // batches: XGBoost's C API, all cores
  std::unique_ptr<CompiledTrees> compiled_trees_;       // one applicant: the same trees walked natively
  std::unique_ptr<nlohmann::json> sections_;
};

}  // namespace credo::models
