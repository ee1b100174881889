// Credo's credit nodes, JDM customNodes told apart by `kind`:
//   model       scores with a model artifact (scorecard or GBDT);
//   matrix      a two-way lookup with bands on each axis (grade × income → limit);
//   challenger  a stable split of applicants into named arms by a hash of a key;
//   features    the declared features of the request document (features_node.cpp).
// Each passes its input through and adds its result at `outputPath`.
// docs/strategies.md documents their configuration.
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "decision/node.h"
#include "decision/value_ops.h"
#include "models/artifact.h"

namespace credo::decision {

using expr::CompiledExpression;
using expr::Object;
using expr::Value;
using nlohmann::json;

Value PassThrough(const Value& input, const std::string& output_path, Value result) {
  Object at;
  DotInsert(at, output_path, std::move(result));
  return Merge(input, Value(std::move(at)));
}

Result<CompiledExpression> CompileConfigExpression(const json& config, const char* key,
                                                   const std::string& where) {
  const std::string text = TextMember(config, key);
  if (text.empty()) return Status::Invalid(where + ": config." + key + " is required");
  auto compiled = expr::CompileStandard(text);
  if (!compiled.ok()) return Status::Invalid(where + ": config." + key + ": " + compiled.status().ToString());
  return compiled;
}

std::string ResolveNodeFile(const std::string& file, const GraphResolver& resolver) {
  const std::filesystem::path path(file);
  return path.is_absolute() ? file : (std::filesystem::path(resolver.base_dir) / path).string();
}

namespace {

// ---- model ---------------------------------------------------------------

class ModelNode final : public NodeHandler {
 public:
  std::shared_ptr<const models::ModelArtifact> model;
  std::optional<CompiledExpression> from;                  // the object holding the features
  std::vector<std::optional<CompiledExpression>> sources;  // per feature: an expression, or by name
  std::string output_path;
  size_t reason_count = 3;
  // When set, reason codes are computed only for the applicants it is true
  // for (it sees {probability, score}): a GBDT's SHAP values cost more than
  // its score, and approvals often need no reasons.
  std::optional<CompiledExpression> reasons_when;

  Result<Value> Run(const Value& input, NodeRun& run, Value* matched) const override {
    Value holder = input;
    if (from) {
      CREDO_ASSIGN_OR_RETURN(holder, from->Evaluate(input, run.eval));
    }
    const auto& features = model->features();
    models::FeatureValues values;
    values.numbers.assign(features.size(), std::nan(""));
    values.levels.assign(features.size(), "");
    for (size_t i = 0; i < features.size(); ++i) {
      Value v;
      if (sources[i]) {
        CREDO_ASSIGN_OR_RETURN(v, sources[i]->Evaluate(input, run.eval));
      } else if (const Value* found = holder.Find(features[i].name)) {
        v = *found;
      }
      if (v.is_null()) continue;
      if (features[i].categorical) {
        values.levels[i] = v.is_string() ? v.as_string() : v.ToText();
      } else if (v.is_number()) {
        values.numbers[i] = v.as_number().ToDouble();
      } else if (v.is_bool()) {
        values.numbers[i] = v.as_bool() ? 1 : 0;
      } else {
        return Status::Invalid("feature '" + features[i].name + "' must be a number, got " + v.TypeName());
      }
    }
    CREDO_ASSIGN_OR_RETURN(models::ScoredApplicant scored,
                           model->Score(values, reasons_when ? 0 : reason_count));
    Object result;
    result.emplace_back("probability",
                        Value(expr::Decimal::FromDouble(scored.probability).value_or(expr::Decimal())));
    if (scored.score) result.emplace_back("score", Value::Int(*scored.score));
    if (reasons_when && reason_count > 0) {
      CREDO_ASSIGN_OR_RETURN(Value wanted, reasons_when->Evaluate(Value(result), run.eval));
      if (!wanted.is_bool()) {
        return Status::Invalid(std::string("config.reasonsWhen must give true or false, not ") +
                               wanted.TypeName());
      }
      if (wanted.as_bool()) {
        CREDO_ASSIGN_OR_RETURN(scored, model->Score(values, reason_count));
      }
    }
    expr::Array reasons;
    for (const auto& r : scored.reasons) {
      reasons.emplace_back(
          Object{{"feature", Value(r.feature)},
                 {"detail", Value(r.detail)},
                 {"impact", Value(expr::Decimal::FromDouble(r.impact).value_or(expr::Decimal()))}});
    }
    result.emplace_back("reason_codes", Value(std::move(reasons)));
    Value out{std::move(result)};
    if (matched) *matched = out;
    return PassThrough(input, output_path, std::move(out));
  }
};

Result<std::unique_ptr<NodeHandler>> CompileModel(const json& config, const std::string& where,
                                                  const GraphResolver& resolver) {
  const std::string file = TextMember(config, "model");
  if (file.empty()) return Status::Invalid(where + ": config.model (the model.json path) is required");
  auto loaded = models::ModelArtifact::Load(ResolveNodeFile(file, resolver));
  if (!loaded.ok()) return Status::Invalid(where + ": " + loaded.status().ToString());
  auto node = std::make_unique<ModelNode>();
  node->model = std::make_shared<const models::ModelArtifact>(std::move(loaded).value());
  node->output_path = TextMember(config, "outputPath");
  if (node->output_path.empty()) node->output_path = "model";
  if (config.contains("from")) {
    CREDO_ASSIGN_OR_RETURN(node->from, CompileConfigExpression(config, "from", where));
  }
  const json overrides = config.value("features", json::object());
  for (const auto& feature : node->model->features()) {
    std::optional<CompiledExpression> source;
    if (overrides.contains(feature.name)) {
      const json& text = overrides[feature.name];
      auto compiled = text.is_string() ? expr::CompileStandard(text.get<std::string>())
                                       : Result<CompiledExpression>(Status::Invalid("must be text"));
      if (!compiled.ok()) {
        return Status::Invalid(where + ": config.features." + feature.name + ": " +
                               compiled.status().ToString());
      }
      source = std::move(compiled).value();
    }
    node->sources.push_back(std::move(source));
  }
  for (const auto& [name, _] : overrides.items()) {
    bool known = false;
    for (const auto& feature : node->model->features()) known = known || feature.name == name;
    if (!known) return Status::Invalid(where + ": config.features." + name + " is not a feature of " + file);
  }
  if (config.contains("reasonsWhen")) {
    CREDO_ASSIGN_OR_RETURN(node->reasons_when, CompileConfigExpression(config, "reasonsWhen", where));
  }
  if (config.contains("reasonCount")) {
    if (!config["reasonCount"].is_number_unsigned())
      return Status::Invalid(where + ": config.reasonCount must be a count");
    node->reason_count = config["reasonCount"].get<size_t>();
  }
  return std::unique_ptr<NodeHandler>(std::move(node));
}

// ---- matrix --------------------------------------------------------------

// One axis: the value tested, and its bands as unary tests, first match wins.
struct Axis {
  CompiledExpression field;
  std::vector<CompiledExpression> bands;
  std::vector<std::string> band_texts;
};

Result<Axis> CompileAxis(const json& config, const char* key, const std::string& where) {
  const json axis = config.value(key, json::object());
  const std::string at = where + ": config." + key;
  CREDO_ASSIGN_OR_RETURN(CompiledExpression field, CompileConfigExpression(axis, "field", at));
  Axis out{std::move(field), {}, {}};
  const json bands = axis.value("bands", json::array());
  if (!bands.is_array() || bands.empty()) return Status::Invalid(at + ".bands must list at least one band");
  for (size_t i = 0; i < bands.size(); ++i) {
    if (!bands[i].is_string())
      return Status::Invalid(at + ".bands[" + std::to_string(i) + "] must be a unary test");
    auto compiled = expr::CompileUnary(bands[i].get<std::string>());
    if (!compiled.ok()) {
      return Status::Invalid(at + ".bands[" + std::to_string(i) + "]: " + compiled.status().ToString());
    }
    out.bands.push_back(std::move(compiled).value());
    out.band_texts.push_back(bands[i].get<std::string>());
  }
  return out;
}

class MatrixNode final : public NodeHandler {
 public:
  std::optional<Axis> rows, columns;
  std::vector<std::vector<Value>> cells;
  Value default_value;
  std::string output_path;

  Result<Value> Run(const Value& input, NodeRun& run, Value* matched) const override {
    const int r = Band(*rows, input, run);
    const int c = Band(*columns, input, run);
    const Value value = r >= 0 && c >= 0 ? cells[r][c] : default_value;
    if (matched) {
      *matched = Value(Object{{"row", r >= 0 ? Value(rows->band_texts[r]) : Value()},
                              {"column", c >= 0 ? Value(columns->band_texts[c]) : Value()}});
    }
    return PassThrough(input, output_path, value);
  }

 private:
  // The first band the axis value falls in, or -1 (then the default applies).
  static int Band(const Axis& axis, const Value& input, NodeRun& run) {
    auto v = axis.field.Evaluate(input, run.eval);
    if (!v.ok()) return -1;
    expr::EvalContext context = run.eval;
    context.dollar = &*v;
    for (size_t i = 0; i < axis.bands.size(); ++i) {
      if (axis.bands[i].Holds(input, context)) return static_cast<int>(i);
    }
    return -1;
  }
};

Result<std::unique_ptr<NodeHandler>> CompileMatrix(const json& config, const std::string& where) {
  auto node = std::make_unique<MatrixNode>();
  CREDO_ASSIGN_OR_RETURN(node->rows, CompileAxis(config, "rows", where));
  CREDO_ASSIGN_OR_RETURN(node->columns, CompileAxis(config, "columns", where));
  node->output_path = TextMember(config, "outputPath");
  if (node->output_path.empty()) return Status::Invalid(where + ": config.outputPath is required");
  const json values = config.value("values", json::array());
  const size_t want_rows = node->rows->bands.size();
  const size_t want_columns = node->columns->bands.size();
  if (!values.is_array() || values.size() != want_rows) {
    return Status::Invalid(where + ": config.values must have one row per row band (" +
                           std::to_string(want_rows) + ")");
  }
  for (size_t r = 0; r < values.size(); ++r) {
    if (!values[r].is_array() || values[r].size() != want_columns) {
      return Status::Invalid(where + ": config.values[" + std::to_string(r) +
                             "] must have one cell per column band (" + std::to_string(want_columns) + ")");
    }
    std::vector<Value> row;
    for (const json& cell : values[r]) row.push_back(Value::FromJson(cell));
    node->cells.push_back(std::move(row));
  }
  if (!config.contains("default"))
    return Status::Invalid(where + ": config.default (the value outside every band) is required");
  node->default_value = Value::FromJson(config["default"]);
  return std::unique_ptr<NodeHandler>(std::move(node));
}

// ---- challenger ----------------------------------------------------------

// 64-bit FNV-1a: stable across machines, releases and restarts.
uint64_t StableHash(std::string_view text) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char ch : text) {
    hash ^= ch;
    hash *= 1099511628211ULL;
  }
  return hash;
}

class ChallengerNode final : public NodeHandler {
 public:
  CompiledExpression key;
  std::string salt;
  std::vector<std::pair<std::string, int>> arms;  // name, cumulative basis points
  std::string output_path;

  explicit ChallengerNode(CompiledExpression k) : key(std::move(k)) {}

  Result<Value> Run(const Value& input, NodeRun& run, Value* matched) const override {
    CREDO_ASSIGN_OR_RETURN(Value v, key.Evaluate(input, run.eval));
    if (v.is_null() || (v.is_string() && v.as_string().empty())) {
      return Status::Invalid("the split key '" + key.text() + "' is missing from the input");
    }
    const int bucket = static_cast<int>(StableHash(salt + '\x1f' + v.ToText()) % 10000);
    const std::string* arm = &arms.back().first;
    for (const auto& [name, upto] : arms) {
      if (bucket < upto) {
        arm = &name;
        break;
      }
    }
    run.arm = *arm;
    if (matched) *matched = Value(Object{{"arm", Value(*arm)}, {"bucket", Value::Int(bucket)}});
    return PassThrough(input, output_path, Value(*arm));
  }
};

Result<std::unique_ptr<NodeHandler>> CompileChallenger(const json& config, const std::string& where) {
  CREDO_ASSIGN_OR_RETURN(CompiledExpression key, CompileConfigExpression(config, "key", where));
  auto node = std::make_unique<ChallengerNode>(std::move(key));
  node->salt = TextMember(config, "salt");
  node->output_path = TextMember(config, "outputPath");
  if (node->output_path.empty()) node->output_path = "arm";
  const json arms = config.value("arms", json::array());
  if (!arms.is_array() || arms.empty()) return Status::Invalid(where + ": config.arms must list the arms");
  int total_bps = 0;
  for (size_t i = 0; i < arms.size(); ++i) {
    const std::string name = TextMember(arms[i], "name");
    const std::string at = where + ": config.arms[" + std::to_string(i) + "]";
    if (name.empty()) return Status::Invalid(at + " needs a name");
    if (!arms[i].contains("percent") || !arms[i]["percent"].is_number() ||
        arms[i]["percent"].get<double>() < 0) {
      return Status::Invalid(at + " ('" + name + "') needs a percent of at least 0");
    }
    total_bps += static_cast<int>(std::lround(arms[i]["percent"].get<double>() * 100));
    node->arms.emplace_back(name, total_bps);
  }
  if (total_bps != 10000) {
    return Status::Invalid(where + ": config.arms percents add up to " + std::to_string(total_bps / 100.0) +
                           ", not 100");
  }
  return std::unique_ptr<NodeHandler>(std::move(node));
}

}  // namespace

Result<std::unique_ptr<NodeHandler>> CompileCustomNode(const NodeSource& source) {
  const json content = source.node.value("content", json::object());
  const std::string kind = TextMember(content, "kind");
  const json config = content.value("config", json::object());
  if (kind == "model") return CompileModel(config, source.where, source.resolver);
  if (kind == "matrix") return CompileMatrix(config, source.where);
  if (kind == "challenger") return CompileChallenger(config, source.where);
  if (kind == "features") return CompileFeaturesNode(config, source.where, source.resolver);
  return Status::Invalid(source.where + ": unknown custom node kind '" + kind +
                         "' (model, matrix, challenger or features)");
}

}  // namespace credo::decision
