// decision/evaluation_json.h — the JSON forms of an evaluation, shared by
// `credo decide`, the HTTP API, the audit log and replay.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "decision/graph.h"

namespace credo::decision {

// The per-node trace as JSON text, [{id, name, type, matched[, input,
// output]}] in run order (keys sorted, as everywhere). Without `with_values`
// each node's input and output are left out: what the audit log keeps.
std::string TraceJson(const std::vector<NodeTrace>& trace, bool with_values = true);

// {"output": ..., "reasons": [...]} plus "arm" when one was chosen and
// "trace" when the evaluation kept one.
nlohmann::json EvaluationToJson(const Evaluation& evaluation);

// Parses an ISO 8601 / RFC 3339 instant ("2025-08-19T16:55:02.078Z"; a
// date or a time without an offset is UTC) to milliseconds since the epoch.
Result<int64_t> ParseInstantMs(std::string_view text);

// The current wall clock, milliseconds since the epoch.
int64_t NowMs();

}  // namespace credo::decision
