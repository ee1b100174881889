#include "server/replay.h"

#include <nlohmann/json.hpp>

#include "decision/graph.h"

namespace credo::server {
namespace {

using nlohmann::json;

Result<json> ParseRecorded(const std::string& text, const audit::DecisionRecord& record, const char* field) {
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) {
    return Status::Invalid("decision '" + record.decision_id + "': " + field + " is not JSON", field);
  }
  return parsed;
}

}  // namespace

Result<Replay> ReplayDecision(const decision::StrategyRegistry& registry,
                              const audit::DecisionRecord& record) {
  CREDO_ASSIGN_OR_RETURN(auto strategy, registry.Get(record.strategy, record.version));
  CREDO_ASSIGN_OR_RETURN(json input, ParseRecorded(record.input_json, record, "input_json"));
  CREDO_ASSIGN_OR_RETURN(json stored_output, ParseRecorded(record.output_json, record, "output_json"));
  CREDO_ASSIGN_OR_RETURN(json stored_reasons, ParseRecorded(record.reasons_json, record, "reasons_json"));
  decision::EvaluateOptions options;
  options.now_ms = record.clock_ms;
  CREDO_ASSIGN_OR_RETURN(decision::Evaluation evaluation,
                         strategy->graph->Evaluate(expr::Value::FromJson(input), options));
  const json output = evaluation.output.ToJson();
  const json reasons = evaluation.reasons.ToJson();
  Replay replay;
  replay.output_json = output.dump();
  replay.reasons_json = reasons.dump();
  replay.arm = evaluation.arm;
  if (output != stored_output) {
    replay.difference = "output: recorded " + stored_output.dump() + ", replayed " + replay.output_json;
  } else if (reasons != stored_reasons) {
    replay.difference = "reasons: recorded " + stored_reasons.dump() + ", replayed " + replay.reasons_json;
  } else if (evaluation.arm != record.arm) {
    replay.difference = "arm: recorded '" + record.arm + "', replayed '" + evaluation.arm + "'";
  }
  replay.reproduced = replay.difference.empty();
  return replay;
}

}  // namespace credo::server
