#include "server/decision_service.h"

#include <chrono>
#include <future>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "core/id.h"
#include "core/json_string.h"
#include "decision/evaluation_json.h"
#include "expr/value_json.h"

namespace credo::server {
namespace {

using nlohmann::json;

constexpr std::string_view kDecisionIdPrefix = "dec";

Reply JsonReply(int http_status, const json& body) { return {http_status, body.dump(), ""}; }

int64_t MicrosecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
      .count();
}

// The request body, or the 400 reply naming where it broke.
std::variant<expr::Value, Reply> ParseBody(std::string_view body) {
  Result<expr::Value> parsed = expr::ParseValueJson(body);
  if (!parsed.ok()) {
    return ErrorReply(400, "invalid_json", "the body is not valid JSON: " + parsed.status().message(), "$");
  }
  return std::move(parsed).value();
}

}  // namespace

Reply ErrorReply(int http_status, std::string code, const std::string& message, const std::string& path) {
  const json body = {{"error", {{"code", code}, {"message", message}, {"path", path}}}};
  // Messages may quote what the client sent, which need not be UTF-8 (a
  // parse error's "last read: ..."): such bytes become U+FFFD.
  return {http_status, body.dump(-1, ' ', false, json::error_handler_t::replace), std::move(code)};
}

Reply ErrorReply(const Status& status) {
  int http_status = 500;
  switch (status.code()) {
    case ErrorCode::kUsage:
      http_status = 400;
      break;
    case ErrorCode::kInvalidInput:
      http_status = 422;
      break;
    case ErrorCode::kNotFound:
      http_status = 404;
      break;
    case ErrorCode::kConflict:
      http_status = 409;
      break;
    default:
      break;
  }
  return ErrorReply(http_status, ErrorCodeName(status.code()), status.message(), status.path());
}

DecisionService::DecisionService(decision::StrategyRegistry* registry, audit::DecisionLog* log)
    : registry_(registry), log_(log), recorder_(log) {}

Reply DecisionService::Decide(std::string_view strategy, std::string_view body, bool trace) {
  std::promise<Reply> answered;
  std::future<Reply> reply = answered.get_future();
  DecideAsync(strategy, body, trace, [&answered](Reply r) { answered.set_value(std::move(r)); });
  return reply.get();
}

void DecisionService::DecideAsync(std::string_view strategy_name, std::string_view body, bool trace,
                                  std::function<void(Reply)> answer) {
  const auto start = std::chrono::steady_clock::now();
  auto strategy = registry_->Active(strategy_name);
  if (!strategy.ok()) return answer(ErrorReply(strategy.status()));
  auto parsed = ParseBody(body);
  if (Reply* error = std::get_if<Reply>(&parsed)) return answer(std::move(*error));
  const expr::Value& input = std::get<expr::Value>(parsed);
  if (!input.is_object()) {
    return answer(ErrorReply(
        422, "invalid_input",
        std::string("the decision input must be a JSON object, not ") + expr::JsonTypeName(input), "$"));
  }

  decision::EvaluateOptions options;
  options.now_ms = decision::NowMs();
  options.trace = trace ? decision::TraceLevel::kFull : decision::TraceLevel::kMatched;
  auto evaluation = (*strategy)->graph->Evaluate(input, options);
  if (!evaluation.ok()) {
    const Status& status = evaluation.status();
    return answer(
        ErrorReply(422, "evaluation_failed", status.message(), status.path().empty() ? "$" : status.path()));
  }

  audit::DecisionRecord record;
  record.decision_id = NewId(kDecisionIdPrefix);
  record.decided_at_ms = options.now_ms;
  record.clock_ms = options.now_ms;
  record.strategy = (*strategy)->name;
  record.version = (*strategy)->version;
  record.arm = evaluation->arm;
  if (const expr::Value* decision = evaluation->output.Find("decision"); decision && decision->is_string()) {
    record.outcome = decision->as_string();
  }
  record.input_json.assign(body);  // the request exactly as received
  record.output_json = expr::ValueJson(evaluation->output);
  record.reasons_json = expr::ValueJson(evaluation->reasons);
  record.trace_json = decision::TraceJson(evaluation->trace, /*with_values=*/false);
  record.latency_us = MicrosecondsSince(start);

  // The answer is ready before the commit; it is sent only after.
  std::string reply = "{\"decision_id\":";
  AppendJsonString(record.decision_id, reply);
  reply += ",\"strategy\":";
  AppendJsonString(record.strategy, reply);
  reply += ",\"version\":" + std::to_string(record.version) + ",\"arm\":";
  if (record.arm.empty()) {
    reply += "null";
  } else {
    AppendJsonString(record.arm, reply);
  }
  reply += ",\"output\":" + record.output_json + ",\"reasons\":" + record.reasons_json;
  if (trace) reply += ",\"trace\":" + decision::TraceJson(evaluation->trace);
  reply += '}';
  std::string outcome = record.outcome;
  recorder_.Submit(std::move(record), [this, start, reply = std::move(reply), answer = std::move(answer),
                                       strategy = (*strategy)->name,
                                       outcome = std::move(outcome)](const Status& recorded) mutable {
    if (!recorded.ok()) {
      return answer(ErrorReply(500, "audit_failed",
                               "the decision was not recorded, so it is not answered: " + recorded.ToString(),
                               "$"));
    }
    metrics_.CountDecision(strategy, outcome, MicrosecondsSince(start));
    answer(Reply{200, std::move(reply), ""});
  });
}

Reply DecisionService::FindDecision(std::string_view decision_id) {
  auto found = log_->Find(decision_id);
  if (!found.ok()) return ErrorReply(500, "audit_failed", found.status().ToString(), "id");
  if (!found->has_value())
    return ErrorReply(404, "not_found", "no decision '" + std::string(decision_id) + "'", "id");
  const audit::DecisionRecord& record = **found;
  return JsonReply(200, {{"decision_id", record.decision_id},
                         {"decided_at_ms", record.decided_at_ms},
                         {"clock_ms", record.clock_ms},
                         {"strategy", record.strategy},
                         {"version", record.version},
                         {"arm", record.arm.empty() ? json(nullptr) : json(record.arm)},
                         {"outcome", record.outcome},
                         {"input", json::parse(record.input_json)},
                         {"output", json::parse(record.output_json)},
                         {"reasons", json::parse(record.reasons_json)},
                         {"trace", json::parse(record.trace_json)},
                         {"latency_us", record.latency_us}});
}

Reply DecisionService::ListStrategies() const {
  json strategies = json::array();
  for (const decision::StrategySummary& summary : registry_->List()) {
    strategies.push_back(
        {{"name", summary.name}, {"active_version", summary.active_version}, {"versions", summary.versions}});
  }
  return JsonReply(200, {{"strategies", std::move(strategies)}});
}

Reply DecisionService::UploadStrategy(const std::string& name, std::string_view body) {
  auto parsed = ParseBody(body);
  if (Reply* error = std::get_if<Reply>(&parsed)) return std::move(*error);
  auto version = registry_->Upload(name, body);
  if (!version.ok()) return ErrorReply(version.status());
  auto active = registry_->Active(name);
  if (!active.ok()) return ErrorReply(active.status());
  return JsonReply(201, {{"name", name}, {"version", *version}, {"active_version", (*active)->version}});
}

Reply DecisionService::ActivateStrategy(const std::string& name, std::string_view body) {
  auto parsed = ParseBody(body);
  if (Reply* error = std::get_if<Reply>(&parsed)) return std::move(*error);
  const expr::Value* given = std::get<expr::Value>(parsed).Find("version");
  const std::optional<int64_t> version =
      given && given->is_number() ? given->as_number().ToInt64() : std::nullopt;
  if (!version || *version < 1 || *version > std::numeric_limits<int>::max()) {
    return ErrorReply(422, "invalid_input", "the body must be {\"version\": N} with N a version number",
                      "$.version");
  }
  if (Status activated = registry_->Activate(name, static_cast<int>(*version)); !activated.ok()) {
    return ErrorReply(activated);
  }
  return JsonReply(200, {{"name", name}, {"active_version", *version}});
}

Reply DecisionService::Health() const {
  return JsonReply(200, {{"status", "ok"}, {"strategies", registry_->List().size()}});
}

}  // namespace credo::server
