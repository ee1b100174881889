#include "decision/evaluation_json.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "core/json_string.h"
#include "expr/date_time.h"
#include "expr/value_json.h"

namespace credo::decision {

using nlohmann::json;

std::string TraceJson(const std::vector<NodeTrace>& trace, bool with_values) {
  std::string out = "[";
  // A node's input or output: only with values, and only when it has one.
  const auto values_member = [&](const char* key, const expr::Value& value) {
    if (!with_values || value.is_null()) return;
    out += key;
    expr::AppendValueJson(value, out);
  };
  for (const NodeTrace& node : trace) {
    if (out.size() > 1) out += ',';
    out += "{\"id\":";
    AppendJsonString(node.id, out);
    values_member(",\"input\":", node.input);
    out += ",\"matched\":";
    expr::AppendValueJson(node.matched, out);
    out += ",\"name\":";
    AppendJsonString(node.name, out);
    values_member(",\"output\":", node.output);
    out += ",\"type\":";
    AppendJsonString(node.type, out);
    out += '}';
  }
  out += ']';
  return out;
}

json EvaluationToJson(const Evaluation& evaluation) {
  json out = {{"output", evaluation.output.ToJson()}, {"reasons", evaluation.reasons.ToJson()}};
  if (!evaluation.arm.empty()) out["arm"] = evaluation.arm;
  if (!evaluation.trace.empty()) out["trace"] = json::parse(TraceJson(evaluation.trace));
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
