#include "features/velocity_events.h"

#include <nlohmann/json.hpp>

#include "expr/date_time.h"

namespace credo::features {

std::optional<std::string> EntityValueText(const expr::Value& value) {
  if (value.is_string()) {
    if (value.as_string().empty()) return std::nullopt;
    return value.as_string();
  }
  if (value.is_number() && value.as_number().IsInteger()) return value.as_number().ToString();
  return std::nullopt;
}

namespace {

Result<std::string> RequiredString(const nlohmann::json& event, const char* field) {
  const auto it = event.find(field);
  if (it == event.end() || it->is_null()) return Status::Invalid("missing", field);
  if (!it->is_string())
    return Status::Invalid(std::string("must be a string, not ") + it->type_name(), field);
  return it->get<std::string>();
}

}  // namespace

Result<VelocityEvent> ParseVelocityEvent(std::string_view json_text) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    const size_t bracket = what.find("] ");
    return Status::Invalid("not valid JSON: " +
                           (bracket == std::string::npos ? what : what.substr(bracket + 2)));
  }
  if (!json.is_object())
    return Status::Invalid(std::string("an event must be a JSON object, not ") + json.type_name());
  for (const auto& [key, value] : json.items()) {
    if (key != "entity" && key != "event" && key != "time" && key != "event_id") {
      return Status::Invalid("unknown field (an event has entity, event, time and event_id)", key);
    }
  }

  VelocityEvent event;
  const auto entity = json.find("entity");
  if (entity == json.end() || entity->is_null()) return Status::Invalid("missing", "entity");
  if (!entity->is_object()) {
    return Status::Invalid(
        std::string("must be an object of entity kind to value, not ") + entity->type_name(), "entity");
  }
  for (const auto& [kind, value] : entity->items()) {
    if (value.is_null()) continue;
    std::optional<std::string> text = EntityValueText(expr::Value::FromJson(value));
    if (!text) return Status::Invalid("must be a non-empty string or an integer", "entity." + kind);
    event.entities.push_back({kind, std::move(*text)});
  }
  CREDO_ASSIGN_OR_RETURN(event.type, RequiredString(json, "event"));
  CREDO_ASSIGN_OR_RETURN(const std::string time, RequiredString(json, "time"));
  const std::optional<expr::DateTime> instant = expr::ParseDateTime(time, nullptr);
  if (!instant || !instant->valid) {
    return Status::Invalid("'" + time + "' is not an ISO 8601 time such as 2025-08-19T16:55:02Z", "time");
  }
  event.time_ms = instant->epoch_ms;
  if (json.contains("event_id") && !json["event_id"].is_null()) {
    CREDO_ASSIGN_OR_RETURN(event.event_id, RequiredString(json, "event_id"));
    if (event.event_id.empty()) return Status::Invalid("must not be empty", "event_id");
  }
  CREDO_RETURN_IF_ERROR(ValidateEvent(event));
  return event;
}

Result<RecordOutcome> RecordVelocityEventJson(VelocityStore& store, std::string_view json_text) {
  CREDO_ASSIGN_OR_RETURN(const VelocityEvent event, ParseVelocityEvent(json_text));
  return store.Record(event);
}

}  // namespace credo::features
