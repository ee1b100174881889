// features/velocity_events.h — velocity events as JSON, as `credo features
// ingest` reads them (one per line) and `POST /v1/events` receives them:
//
//   {"entity": {"device_id": "D1", "phone": "13800138000"},
//    "event": "application", "time": "2025-08-19T16:55:02Z", "event_id": "app-123"}
//
// `entity`: the entities the event belongs to (at least one): each value a
// non-empty string or an integer (13800138000 and "13800138000" are the same
// entity); a null value is skipped. `event`: the event type. `time`: ISO 8601
// / RFC 3339 (no offset = UTC; a date alone is its midnight UTC). `event_id`
// (optional): an idempotency key; an event with an id recorded before counts
// once. Entity kinds and the event type are letters, digits and '_'. Any
// other field is an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "expr/value.h"
#include "features/velocity_store.h"

namespace credo::features {

// Parses one event. Errors name the field ("entity.phone", "time") in the
// Status path, or say where the JSON is broken.
Result<VelocityEvent> ParseVelocityEvent(std::string_view json_text);

// Parses one event and records it: what the server's POST /v1/events does.
// A bad event is kInvalidInput naming the field; a store failure is kIo.
Result<RecordOutcome> RecordVelocityEventJson(VelocityStore& store, std::string_view json_text);

// How an entity value is keyed: a non-empty string as is, an integral number
// as its decimal digits; nullopt for anything else. Events and documents both
// go through it, so their values match.
std::optional<std::string> EntityValueText(const expr::Value& value);

}  // namespace credo::features
