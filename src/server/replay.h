// server/replay.h — re-evaluates a recorded decision with the strategy
// version and clock it was made with, to show it is reproduced exactly
// (`credo decision replay`).
#pragma once

#include <string>

#include "audit/decision_log.h"
#include "core/status.h"
#include "decision/registry.h"

namespace credo::server {

// What re-evaluating one recorded decision gave.
struct Replay {
  bool reproduced = false;   // output, reasons and arm all equal the record's
  std::string output_json;   // the replayed output (compact JSON)
  std::string reasons_json;  // the replayed reasons
  std::string arm;
  std::string difference;  // what differs first, "" when reproduced
};

// Evaluates `record.input_json` with version `record.version` of
// `record.strategy` at `record.clock_ms` and compares the result with the
// record. Fails when the strategy version is gone or the evaluation fails.
// Sub-graphs are those bound when the registry compiled the version.
Result<Replay> ReplayDecision(const decision::StrategyRegistry& registry,
                              const audit::DecisionRecord& record);

}  // namespace credo::server
