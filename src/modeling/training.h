// modeling/training.h — build a credit model from a table: the pipeline
// behind `credo model train` and `credo model bin`.
//
// TrainModel: validates the target, decides each column's role (identifier
// and constant columns are left out with a notice), splits train/validation
// (random stratified, or out-of-time by a column), bins every candidate,
// then fits a WOE scorecard, a GBDT, or both (`auto`: the higher validation
// AUC wins), evaluates on the validation rows and returns the artifact and
// the report JSON. Deterministic for a seed. Progress goes to a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/table.h"
#include "modeling/binning.h"
#include "modeling/selection.h"
#include "models/artifact.h"
#include "models/scorecard.h"

namespace credo::modeling {

enum class ModelMethod { kScorecard, kGbdt, kAuto };

// Everything a modeler can set; defaults are sensible for a first run.
struct TrainingOptions {
  std::string target;
  std::string id_column;             // left out of the features; "" = detect
  std::vector<std::string> exclude;  // columns never used as features
  ModelMethod method = ModelMethod::kAuto;
  double time_budget_seconds = 45;  // the whole run, GBDT search included
  uint64_t seed = 42;
  // Out-of-time split: rows whose `split_by` value is below `split_at`
  // (a date or a number) train, the rest validate. Empty = random split.
  std::string split_by;
  std::string split_at;
  double validation_share = 0.25;  // random split only
  BinningOptions binning;
  // User cut points (numeric) or level groups (categorical) by variable.
  std::map<std::string, std::vector<double>> user_cuts;
  std::map<std::string, std::vector<std::vector<std::string>>> user_groups;
  models::ScorecardScaling scaling;
  // Scorecard variable selection: IV, correlation, VIF, stepwise, L2.
  SelectionOptions selection;
  // GBDT monotone constraints by feature: +1 risk rises with the value, -1 falls.
  std::map<std::string, int> gbdt_monotone;
  // Called with one line of progress at a time ("binning 12/40 variables").
  std::function<void(const std::string&)> progress;
};

// The artifact and the report JSON (the numbers behind report.html).
struct TrainedModel {
  models::ModelArtifact artifact;
  std::unique_ptr<nlohmann::json> report;
};

// 0/1 labels from a target column: numeric 0/1, or two levels such as
// yes/no, bad/good, true/false (the first of each pair is bad). Errors
// name the column and the first offending row (1-based data line).
Result<std::vector<uint8_t>> ReadTarget(const data::Table& table, const std::string& target);

Result<TrainedModel> TrainModel(const data::Table& table, const TrainingOptions& options);

// Binning tables only (`credo model bin`): the report JSON with the
// variables section and the column-role notices.
Result<nlohmann::json> BinTable(const data::Table& table, const TrainingOptions& options);

}  // namespace credo::modeling
