#include "models/artifact.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/id.h"
#include "models/tree_walker.h"
#include "models/xgboost_booster.h"

namespace credo::models {
namespace {

using nlohmann::json;

std::string UtcNowIso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Rows are scored in blocks so that the dense matrix handed to XGBoost stays small.
constexpr size_t kRowsPerBlock = 4096;

}  // namespace

const char* ModelKindName(ModelKind kind) { return kind == ModelKind::kScorecard ? "scorecard" : "gbdt"; }

// Where each feature's values come from in a table being scored.
struct ModelArtifact::Columns {
  std::vector<const data::Column*> columns;
  // Categorical features: bin index for each level code of the table column.
  std::vector<std::vector<int>> level_bins;
};

ModelArtifact::ModelArtifact() : sections_(std::make_unique<json>(json::object())) {}
ModelArtifact::ModelArtifact(ModelArtifact&&) noexcept = default;
ModelArtifact& ModelArtifact::operator=(ModelArtifact&&) noexcept = default;
ModelArtifact::~ModelArtifact() = default;

ModelArtifact ModelArtifact::FromScorecard(Scorecard scorecard) {
  ModelArtifact a;
  a.kind_ = ModelKind::kScorecard;
  a.id_ = NewId("mdl");
  a.created_at_ = UtcNowIso8601();
  for (const Characteristic& c : scorecard.characteristics) {
    a.features_.push_back({c.bins.variable, c.bins.categorical});
  }
  a.scorecard_ = std::move(scorecard);
  return a;
}

Result<ModelArtifact> ModelArtifact::FromXgboostJson(std::string_view xgboost_json,
                                                     std::vector<FeatureSpec> features,
                                                     std::vector<VariableBins> categorical_bins) {
  CREDO_ASSIGN_OR_RETURN(TreeEnsemble trees, TreeEnsemble::FromJson(xgboost_json));
  CREDO_ASSIGN_OR_RETURN(CompiledTrees compiled, CompiledTrees::FromXgboostJson(xgboost_json));
  if (compiled.num_features() != trees.num_features() || compiled.num_trees() != trees.num_trees()) {
    return Status::Internal("the native tree walker read " + std::to_string(compiled.num_trees()) +
                            " trees over " + std::to_string(compiled.num_features()) +
                            " features where XGBoost read " + std::to_string(trees.num_trees()) + " over " +
                            std::to_string(trees.num_features()));
  }
  if (trees.num_features() != features.size()) {
    return Status::Invalid("the XGBoost model reads " + std::to_string(trees.num_features()) +
                           " features but " + std::to_string(features.size()) + " feature names were given");
  }
  ModelArtifact a;
  a.kind_ = ModelKind::kGbdt;
  a.id_ = NewId("mdl");
  a.created_at_ = UtcNowIso8601();
  a.tree_bins_.resize(features.size());
  for (size_t i = 0; i < features.size(); ++i) {
    if (!features[i].categorical) continue;
    auto it = std::find_if(categorical_bins.begin(), categorical_bins.end(),
                           [&](const VariableBins& b) { return b.variable == features[i].name; });
    if (it == categorical_bins.end()) {
      return Status::Invalid("categorical feature '" + features[i].name + "' has no bins to encode it");
    }
    a.tree_bins_[i] = std::move(*it);
  }
  a.features_ = std::move(features);
  a.trees_ = std::make_unique<TreeEnsemble>(std::move(trees));
  a.compiled_trees_ = std::make_unique<CompiledTrees>(std::move(compiled));
  return a;
}

size_t ModelArtifact::num_trees() const { return trees_ ? trees_->num_trees() : 0; }

void ModelArtifact::SetSection(const std::string& name, const json& value) { (*sections_)[name] = value; }

const json* ModelArtifact::Section(const std::string& name) const {
  auto it = sections_->find(name);
  return it == sections_->end() ? nullptr : &*it;
}

std::string ModelArtifact::ToJson() const {
  json features = json::array();
  for (const FeatureSpec& f : features_) {
    features.push_back({{"name", f.name}, {"type", f.categorical ? "categorical" : "numeric"}});
  }
  json j = {{"format", "credo.model"},
            {"format_version", kArtifactFormatVersion},
            {"id", id_},
            {"created_at", created_at_},
            {"kind", ModelKindName(kind_)},
            {"features", std::move(features)}};
  if (kind_ == ModelKind::kScorecard) {
    j["scorecard"] = scorecard_;
  } else {
    json bins = json::array();
    for (const auto& b : tree_bins_) {
      if (b) bins.push_back(*b);
    }
    auto xgb = trees_->ToJson();
    j["gbdt"] = {{"categorical_encoding", "woe"},
                 {"categorical_bins", std::move(bins)},
                 {"xgboost", xgb.ok() ? json::parse(*xgb) : json(nullptr)}};
  }
  for (const auto& [name, value] : sections_->items()) j[name] = value;
  return j.dump(1);
}

Status ModelArtifact::Save(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Io("cannot write the model file", tmp);
    out << ToJson() << '\n';
    if (!out.flush()) return Status::Io("cannot write the model file", tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Io("cannot move the model into place: " + ec.message(), path);
  return Status::Ok();
}

Result<ModelArtifact> ModelArtifact::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open the model file", path);
  std::stringstream buf;
  buf << in.rdbuf();
  return Parse(buf.str(), path);
}

Result<ModelArtifact> ModelArtifact::Parse(std::string_view json_text, const std::string& source) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Invalid("not valid JSON", source);
  try {
    if (j.value("format", "") != "credo.model") {
      return Status::Invalid("not a Credo model (\"format\" is not \"credo.model\")", source);
    }
    const int version = j.at("format_version").get<int>();
    if (version > kArtifactFormatVersion) {
      return Status::Invalid("model format_version " + std::to_string(version) +
                                 " is newer than this credo reads (" +
                                 std::to_string(kArtifactFormatVersion) + ")",
                             source);
    }
    std::vector<FeatureSpec> features;
    for (const json& f : j.at("features")) {
      features.push_back({f.at("name").get<std::string>(), f.at("type").get<std::string>() == "categorical"});
    }
    const std::string kind = j.at("kind").get<std::string>();
    ModelArtifact a;
    if (kind == "scorecard") {
      a = FromScorecard(j.at("scorecard").get<Scorecard>());
    } else if (kind == "gbdt") {
      const json& g = j.at("gbdt");
      auto built =
          FromXgboostJson(g.at("xgboost").dump(), features,
                          g.value("categorical_bins", json::array()).get<std::vector<VariableBins>>());
      if (!built.ok()) return Status::Invalid(built.status().message(), source + ": $.gbdt");
      a = std::move(built).value();
    } else {
      return Status::Invalid("unknown model kind '" + kind + "' (expected scorecard or gbdt)",
                             source + ": $.kind");
    }
    a.id_ = j.value("id", a.id_);
    a.created_at_ = j.value("created_at", a.created_at_);
    a.features_ = std::move(features);
    for (const char* name : {"metrics", "training_data", "notes"}) {
      if (j.contains(name)) (*a.sections_)[name] = j[name];
    }
    return a;
  } catch (const json::exception& e) {
    return Status::Invalid(std::string("malformed model: ") + e.what(), source);
  }
}

Result<ModelArtifact::Columns> ModelArtifact::ResolveColumns(const data::Table& table) const {
  Columns c;
  c.level_bins.resize(features_.size());
  for (size_t i = 0; i < features_.size(); ++i) {
    const FeatureSpec& f = features_[i];
    const data::Column* col = table.Find(f.name);
    if (col == nullptr) {
      return Status::NotFound("the model needs column '" + f.name + "', which the data does not have",
                              table.source());
    }
    if (!f.categorical && col->type == data::ColumnType::kCategorical) {
      return Status::Invalid("column '" + f.name + "' holds text, but the model reads it as a number",
                             table.source());
    }
    c.columns.push_back(col);
    if (f.categorical && col->type == data::ColumnType::kCategorical) {
      const VariableBins* bins =
          kind_ == ModelKind::kScorecard ? &scorecard_.characteristics[i].bins : &*tree_bins_[i];
      for (const std::string& level : col->levels) c.level_bins[i].push_back(bins->LocateCategory(level));
    }
  }
  return c;
}

// The bin of every feature of one row (scorecards).
std::vector<int> ModelArtifact::BinsOf(const Columns& c, size_t row) const {
  std::vector<int> bins(features_.size());
  for (size_t i = 0; i < features_.size(); ++i) {
    const data::Column& col = *c.columns[i];
    const VariableBins& vb = scorecard_.characteristics[i].bins;
    if (!features_[i].categorical) {
      bins[i] = vb.Locate(col.numbers[row]);
    } else if (col.type == data::ColumnType::kCategorical) {
      const int32_t code = col.codes[row];
      bins[i] = code < 0 ? vb.missing_bin() : c.level_bins[i][code];
    } else {
      bins[i] = vb.LocateCategory(col.ValueText(row));
    }
  }
  return bins;
}

// Rows [first_row, first_row + rows) as the tree ensemble's input matrix.
std::vector<float> ModelArtifact::DenseRows(const Columns& c, size_t first_row, size_t rows) const {
  const size_t n = features_.size();
  std::vector<float> x(rows * n);
  for (size_t i = 0; i < n; ++i) {
    const data::Column& col = *c.columns[i];
    for (size_t r = 0; r < rows; ++r) {
      const size_t row = first_row + r;
      float v;
      if (!features_[i].categorical) {
        v = static_cast<float>(col.numbers[row]);
      } else {
        const VariableBins& vb = *tree_bins_[i];
        int bin;
        if (col.type == data::ColumnType::kCategorical) {
          bin = col.codes[row] < 0 ? -1 : c.level_bins[i][col.codes[row]];
        } else {
          const std::string text = col.ValueText(row);
          bin = text.empty() ? -1 : vb.LocateCategory(text);
        }
        v = bin < 0 ? std::nanf("") : static_cast<float>(vb.bins[bin].woe);
      }
      x[r * n + i] = v;
    }
  }
  return x;
}

ScoredApplicant ModelArtifact::ScoreBins(const std::vector<int>& bins, size_t top_reasons) const {
  ScoredApplicant s;
  s.probability = scorecard_.Probability(bins);
  s.score = scorecard_.Score(bins);
  s.reasons = scorecard_.Reasons(bins, top_reasons);
  return s;
}

// The features that pushed this applicant's log-odds of bad up the most.
std::vector<ReasonCode> ModelArtifact::TreeReasons(const float* row, const double* contributions,
                                                   size_t top_reasons,
                                                   const std::function<std::string(size_t)>& level_of) const {
  // The top features first, then their details written: formatting a value
  // costs more than ranking it.
  std::vector<size_t> raising;
  for (size_t i = 0; i < features_.size(); ++i) {
    if (contributions[i] > 0) raising.push_back(i);
  }
  std::stable_sort(raising.begin(), raising.end(),
                   [&](size_t a, size_t b) { return contributions[a] > contributions[b]; });
  if (raising.size() > top_reasons) raising.resize(top_reasons);
  std::vector<ReasonCode> reasons;
  for (const size_t i : raising) {
    std::string detail;
    if (std::isnan(row[i])) {
      detail = "missing";
    } else if (features_[i].categorical) {
      detail = level_of(i);
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", row[i]);
      detail = buf;
    }
    reasons.push_back({features_[i].name, std::move(detail), contributions[i]});
  }
  return reasons;
}

Result<ScoredApplicant> ModelArtifact::Score(const FeatureValues& values, size_t top_reasons) const {
  const size_t n = features_.size();
  if (values.numbers.size() != n || values.levels.size() != n) {
    return Status::Invalid("expected " + std::to_string(n) + " feature values");
  }
  if (kind_ == ModelKind::kScorecard) {
    std::vector<int> bins(n);
    for (size_t i = 0; i < n; ++i) {
      const VariableBins& vb = scorecard_.characteristics[i].bins;
      bins[i] = features_[i].categorical ? vb.LocateCategory(values.levels[i]) : vb.Locate(values.numbers[i]);
    }
    return ScoreBins(bins, top_reasons);
  }
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) {
    if (!features_[i].categorical) {
      x[i] = static_cast<float>(values.numbers[i]);
      if (std::isinf(x[i])) {
        return Status::Invalid("value is infinite (or beyond float range); use NaN for a missing value",
                               features_[i].name);
      }
    } else if (values.levels[i].empty()) {
      x[i] = std::nanf("");
    } else {
      const VariableBins& vb = *tree_bins_[i];
      x[i] = static_cast<float>(vb.bins[vb.LocateCategory(values.levels[i])].woe);
    }
  }
  ScoredApplicant s;
  if (top_reasons == 0) {  // contributions cost several times the probability alone
    s.probability = compiled_trees_->Probability(x.data());
    return s;
  }
  std::vector<double> contributions(n + 1);
  s.probability =
      CompiledTrees::ProbabilityOf(compiled_trees_->Contributions(x.data(), contributions.data()));
  s.reasons =
      TreeReasons(x.data(), contributions.data(), top_reasons, [&](size_t i) { return values.levels[i]; });
  return s;
}

Result<std::vector<ScoredApplicant>> ModelArtifact::ScoreTable(const data::Table& table,
                                                               size_t top_reasons) const {
  CREDO_ASSIGN_OR_RETURN(Columns c, ResolveColumns(table));
  const size_t rows = table.num_rows();
  std::vector<ScoredApplicant> out(rows);
  if (kind_ == ModelKind::kScorecard) {
    for (size_t r = 0; r < rows; ++r) out[r] = ScoreBins(BinsOf(c, r), top_reasons);
    return out;
  }
  const size_t n = features_.size();
  for (size_t first = 0; first < rows; first += kRowsPerBlock) {
    const size_t block = std::min(kRowsPerBlock, rows - first);
    const std::vector<float> x = DenseRows(c, first, block);
    CREDO_ASSIGN_OR_RETURN(std::vector<double> p, trees_->PredictProbability(x.data(), block, n));
    for (size_t r = 0; r < block; ++r) out[first + r].probability = p[r];
    if (top_reasons == 0) continue;  // contributions cost more than the prediction itself
    CREDO_ASSIGN_OR_RETURN(std::vector<double> contrib, trees_->Contributions(x.data(), block, n));
    for (size_t r = 0; r < block; ++r) {
      out[first + r].reasons = TreeReasons(&x[r * n], &contrib[r * (n + 1)], top_reasons,
                                           [&](size_t i) { return c.columns[i]->ValueText(first + r); });
    }
  }
  return out;
}

Result<std::vector<double>> ModelArtifact::PredictTable(const data::Table& table) const {
  CREDO_ASSIGN_OR_RETURN(std::vector<ScoredApplicant> scored, ScoreTable(table, 0));
  std::vector<double> out(scored.size());
  for (size_t r = 0; r < scored.size(); ++r) out[r] = scored[r].probability;
  return out;
}

}  // namespace credo::models
