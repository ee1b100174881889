// server/event_intake.h — POST /v1/events: velocity events (an application
// from this device, a login from this IP...) recorded in the velocity store
// that strategies read `velocity.*` features from (docs/features.md).
#pragma once

#include <string_view>

#include "features/velocity_store.h"
#include "server/decision_service.h"

namespace credo::server {

// Records one event (the body, docs/features.md "Velocity features") in
// `store`: 200 {"outcome": "recorded"} or {"outcome": "duplicate"} when its
// event_id was recorded before; 400 for a body that is not JSON, 422 naming
// the field for a bad event, 503 when the server runs without a store.
Reply RecordEvent(features::VelocityStore* store, std::string_view body);

}  // namespace credo::server
