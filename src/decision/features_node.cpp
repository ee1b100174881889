// The `features` credit node: computes declared features from the request
// document, with the same plan `credo features build` computes training
// tables with, so a strategy scores a model on exactly the values it was
// trained on. docs/strategies.md documents its configuration:
//   {"kind": "features", "config": {"defs": "features/applicant", "from": "applicant",
//                                   "velocity": ["velocity.device_id.application.24h"],
//                                   "outputPath": "features"}}
// The output is an object of every feature by its full name (missing: null):
// the definitions' features, then the velocity counts, read at the
// evaluation clock from the velocity store the strategy was loaded with.
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "decision/node.h"
#include "features/feature_plan.h"
#include "features/velocity_features.h"

namespace credo::decision {
namespace {

using expr::Object;
using expr::Value;

constexpr int64_t kMsPerDay = 86'400'000;

class FeaturesNode final : public NodeHandler {
 public:
  std::shared_ptr<const features::FeaturePlan> plan;
  std::optional<expr::CompiledExpression> from;  // the object holding the document
  std::optional<features::VelocityFeatureReader> velocity;
  features::VelocityStore* store = nullptr;  // set when `velocity` is
  std::string output_path;

  Result<Value> Run(const Value& input, NodeRun& run, Value* matched) const override {
    Value document = input;
    if (from) {
      CREDO_ASSIGN_OR_RETURN(document, from->Evaluate(input, run.eval));
    }
    // One workspace per thread, reused across requests.
    thread_local features::FeatureWorkspace workspace;
    thread_local std::vector<double> values;
    values.resize(plan->size());
    // "Now" is the document's observation date, else the evaluation clock's day.
    const int64_t day =
        run.eval.now_ms >= 0 ? run.eval.now_ms / kMsPerDay : (run.eval.now_ms + 1) / kMsPerDay - 1;
    const CivilDate today = CivilDate::FromDaysSinceEpoch(static_cast<int32_t>(day));
    CREDO_RETURN_IF_ERROR(plan->ComputeValue(document, today, workspace, values));
    Object result;
    result.reserve(values.size());
    int64_t missing = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      result.emplace_back(plan->features()[i].name, features::NumberValue(values[i]));
      missing += std::isnan(values[i]);
    }
    if (velocity) {
      thread_local std::vector<double> counts;
      counts.resize(velocity->features().size());
      CREDO_RETURN_IF_ERROR(velocity->Read(*store, document, run.eval.now_ms, counts));
      for (size_t i = 0; i < counts.size(); ++i) {
        result.emplace_back(velocity->features()[i].name, features::NumberValue(counts[i]));
        missing += std::isnan(counts[i]);
      }
    }
    if (matched) {
      *matched = Value(Object{{"features", Value::Int(static_cast<int64_t>(values.size()))},
                              {"missing", Value::Int(missing)}});
    }
    return PassThrough(input, output_path, Value(std::move(result)));
  }
};

}  // namespace

Result<std::unique_ptr<NodeHandler>> CompileFeaturesNode(const nlohmann::json& config,
                                                         const std::string& where,
                                                         const GraphResolver& resolver) {
  const std::string defs = TextMember(config, "defs");
  if (defs.empty())
    return Status::Invalid(where + ": config.defs (the feature definitions directory) is required");
  auto plan = features::FeaturePlan::Load(ResolveNodeFile(defs, resolver));
  if (!plan.ok()) return Status::Invalid(where + ": " + plan.status().ToString());
  auto node = std::make_unique<FeaturesNode>();
  node->plan = std::make_shared<const features::FeaturePlan>(std::move(plan).value());
  if (config.contains("from")) {
    CREDO_ASSIGN_OR_RETURN(node->from, CompileConfigExpression(config, "from", where));
  }
  if (config.contains("velocity")) {
    const nlohmann::json& names = config["velocity"];
    std::vector<std::string> list;
    for (const auto& name : names.is_array() ? names : nlohmann::json::array()) {
      if (!name.is_string()) break;
      list.push_back(name.get<std::string>());
    }
    if (!names.is_array() || list.size() != names.size()) {
      return Status::Invalid(where + ": config.velocity must be a list of velocity.* feature names");
    }
    auto reader = features::VelocityFeatureReader::Create(list);
    if (!reader.ok()) return Status::Invalid(where + ": config.velocity: " + reader.status().ToString());
    if (resolver.velocity == nullptr) {
      return Status::Invalid(where +
                             ": config.velocity needs a velocity store (credo serve --velocity-store, "
                             "credo decide --velocity-store)");
    }
    node->velocity = std::move(reader).value();
    node->store = resolver.velocity;
  }
  node->output_path = TextMember(config, "outputPath");
  if (node->output_path.empty()) node->output_path = "features";
  return std::unique_ptr<NodeHandler>(std::move(node));
}

}  // namespace credo::decision
