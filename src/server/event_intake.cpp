#include "server/event_intake.h"

#include <nlohmann/json.hpp>

#include "features/velocity_events.h"

namespace credo::server {

Reply RecordEvent(features::VelocityStore* store, std::string_view body) {
  if (store == nullptr) {
    return ErrorReply(503, "no_velocity_store", "this server runs without a velocity store", "$");
  }
  // A body that is not JSON at all is a 400, like every other route's.
  if (!nlohmann::json::accept(body))
    return ErrorReply(400, "invalid_json", "the body is not valid JSON", "$");
  auto outcome = features::RecordVelocityEventJson(*store, body);
  if (!outcome.ok()) {
    const Status& status = outcome.status();
    if (status.code() == ErrorCode::kInvalidInput) {
      return ErrorReply(422, "invalid_event", status.message(),
                        status.path().empty() ? "$" : "$." + status.path());
    }
    return ErrorReply(status);
  }
  return {200,
          *outcome == features::RecordOutcome::kRecorded ? R"({"outcome":"recorded"})"
                                                         : R"({"outcome":"duplicate"})",
          ""};
}

}  // namespace credo::server
