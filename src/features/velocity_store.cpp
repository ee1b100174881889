#include "features/velocity_store.h"

#include <algorithm>

namespace credo::features {

bool IsVelocityName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Status ValidateEvent(const VelocityEvent& event) {
  if (!IsVelocityName(event.type)) {
    return Status::Invalid("event type '" + event.type + "' must be letters, digits and '_'", "event");
  }
  if (event.time_ms < 0) return Status::Invalid("time must not be before 1970-01-01", "time");
  if (event.time_ms >= kVelocityEndOfTimeMs)
    return Status::Invalid("time must be before the year 10000", "time");
  if (event.entities.empty()) return Status::Invalid("an event needs at least one entity", "entity");
  for (size_t i = 0; i < event.entities.size(); ++i) {
    const VelocityEntity& entity = event.entities[i];
    if (!IsVelocityName(entity.kind)) {
      return Status::Invalid("entity kind '" + entity.kind + "' must be letters, digits and '_'", "entity");
    }
    if (entity.value.empty()) return Status::Invalid("entity value is empty", "entity." + entity.kind);
    for (size_t j = 0; j < i; ++j) {
      if (event.entities[j].kind == entity.kind) {
        return Status::Invalid("entity kind given twice", "entity." + entity.kind);
      }
    }
  }
  return Status::Ok();
}

Result<RecordOutcome> VelocityStore::Record(const VelocityEvent& event) {
  CREDO_ASSIGN_OR_RETURN(std::vector<RecordOutcome> outcomes, RecordBatch(std::span(&event, 1)));
  return outcomes[0];
}

Result<int64_t> VelocityStore::Count(const CounterKey& key, int64_t now_ms, int64_t window_ms) {
  const CountQuery query{key, window_ms};
  int64_t count = 0;
  CREDO_RETURN_IF_ERROR(CountMany(std::span(&query, 1), now_ms, std::span(&count, 1)));
  return count;
}

}  // namespace credo::features
