#include "decision/evaluation_json.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "expr/date_time.h"

namespace credo::decision {

using nlohmann::json;

json TraceToJson(const std::vector<NodeTrace>& trace) {
  json nodes = json::array();
  for (const NodeTrace& t : trace) {
    json node = {{"id", t.id}, {"name", t.name}, {"type", t.type}, {"matched", t.matched.ToJson()}};
    if (!t.input.is_null()) node["input"] = t.input.ToJson();
    if (!t.output.is_null()) node["output"] = t.output.ToJson();
    nodes.push_back(std::move(node));
  }
  return nodes;
}

json EvaluationToJson(const Evaluation& evaluation) {
  json out = {{"output", evaluation.output.ToJson()}, {"reasons", evaluation.reasons.ToJson()}};
  if (!evaluation.arm.empty()) out["arm"] = evaluation.arm;
  if (!evaluation.trace.empty()) out["trace"] = TraceToJson(evaluation.trace);
  return out;
}

Result<int64_t> ParseInstantMs(std::string_view text) {
  auto parsed = expr::ParseDateTime(text, nullptr);
  if (!parsed || !parsed->valid) {
    return Status::Invalid("'" + std::string(text) +
                           "' is not an ISO 8601 instant such as 2025-08-19T16:55:02.078Z");
  }
  return parsed->epoch_ms;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace credo::decision
