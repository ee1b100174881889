// server/decision_service.h — what the HTTP API does, without the sockets:
// each call takes the request's path parameters and body and gives the
// status and JSON body to answer. `Server` (server/http_server.h) maps
// routes to these calls; tests call them directly.
//
// Errors are always `{"error": {"code", "message", "path"}}`: 400 for a body
// that is not JSON, 404 for an unknown strategy, version or decision, 413
// for a body over kMaxBodyBytes, 422 for JSON that is wrong (an input that
// is not an object, a graph that does not compile, an evaluation that
// fails), 500 when the decision could not be recorded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "audit/decision_log.h"
#include "core/status.h"
#include "decision/registry.h"
#include "server/decision_recorder.h"
#include "server/metrics.h"

namespace credo::server {

// The largest request body accepted (1 MiB).
inline constexpr size_t kMaxBodyBytes = size_t{1} << 20;

// An HTTP answer: status, JSON body, and the error code when it is an error.
struct Reply {
  int http_status = 200;
  std::string body;
  std::string error_code;  // "" on success
};

// The error reply `{"error": {"code", "message", "path"}}`.
Reply ErrorReply(int http_status, std::string code, const std::string& message, const std::string& path);
// The error reply for a Status: kUsage 400, kInvalidInput 422, kNotFound 404,
// kConflict 409, anything else 500; the code is ErrorCodeName's.
Reply ErrorReply(const Status& status);

// Decides with the active strategies and records every decision.
//
// Thread-safe: any number of threads may call any method at once. A decision
// is answered only after its record is committed to the decision log (by a
// DecisionRecorder, which commits many at once); if the log refuses it the
// request fails with 500 and no decision is answered.
class DecisionService {
 public:
  // Both must outlive the service.
  DecisionService(decision::StrategyRegistry* registry, audit::DecisionLog* log);

  // POST /v1/decide/{strategy}: evaluates the body (a JSON object) with the
  // active version of `strategy` at the wall clock, records it, and answers
  // {decision_id, strategy, version, arm, output, reasons} (+ the full
  // per-node trace when `trace`).
  Reply Decide(std::string_view strategy, std::string_view body, bool trace);
  // Decide without waiting for the commit: evaluates on the calling thread
  // and calls `answer` once the decision is recorded, from the recorder's
  // thread (or at once, from this one, when the request fails before that).
  void DecideAsync(std::string_view strategy, std::string_view body, bool trace,
                   std::function<void(Reply)> answer);
  // GET /v1/decisions/{id}: the recorded decision.
  Reply FindDecision(std::string_view decision_id);
  // GET /v1/strategies: {strategies: [{name, active_version, versions}]}.
  Reply ListStrategies() const;
  // PUT /v1/strategies/{name}: stores the body (a JDM graph) as the next
  // version, after it compiles; 201 {name, version, active_version}.
  Reply UploadStrategy(const std::string& name, std::string_view body);
  // POST /v1/strategies/{name}/activate with {"version": N}.
  Reply ActivateStrategy(const std::string& name, std::string_view body);
  // GET /healthz: {status: "ok", strategies: N}.
  Reply Health() const;

  ServerMetrics& metrics() { return metrics_; }

 private:
  decision::StrategyRegistry* const registry_;
  audit::DecisionLog* const log_;
  ServerMetrics metrics_;
  DecisionRecorder recorder_;  // last: its thread stops before the rest goes
};

}  // namespace credo::server
