// features/velocity_store.h — counters of events over sliding time windows,
// keyed by an entity ("applications from device D1 in the last 24 hours").
//
// An event happens at one instant to one or more entities: an application
// arrives from device_id D1 with phone 138...; each entity gets one count.
// A count asks how many events of one type one entity had in the window
// [now - window, now], both ends included, to the millisecond.
//
// VelocityStore is the interface the feature engine and the server use; the
// embedded RocksDB store (velocity_rocksdb.h) implements it, and a shared
// store (Redis) can implement it later without touching the callers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace credo::features {

// 10000-01-01T00:00:00Z: event times are before it (and bucket arithmetic stays far from overflow).
inline constexpr int64_t kVelocityEndOfTimeMs = 253'402'300'800'000;

// One entity an event belongs to: its kind ("device_id", "phone") and value ("D1").
struct VelocityEntity {
  std::string kind;
  std::string value;
};

// One event to count: its type ("application"), instant, the entities it
// belongs to, and an optional idempotency id.
struct VelocityEvent {
  std::vector<VelocityEntity> entities;  // at least one; kinds distinct
  std::string type;
  int64_t time_ms = 0;   // milliseconds since the Unix epoch (UTC), in [0, kVelocityEndOfTimeMs)
  std::string event_id;  // "" = none; a non-empty id is counted once however often it is recorded
};

// What recording an event did.
enum class RecordOutcome {
  kRecorded,   // counted for each of its entities
  kDuplicate,  // its event_id was recorded before; nothing changed
};

// One counter: an entity and an event type. Views; the strings must outlive the call.
struct CounterKey {
  std::string_view entity_kind;
  std::string_view entity_value;
  std::string_view event_type;
};

// One count to read: a counter over the window [now - window_ms, now].
struct CountQuery {
  CounterKey key;
  int64_t window_ms = 0;  // > 0
};

// Checks the parts of an event every store relies on: at least one entity,
// distinct kinds, kinds and type made of letters, digits and '_' (they become
// parts of feature names), non-empty values, time_ms in range. The message names
// the field ("entity.phone", "event", "time").
Status ValidateEvent(const VelocityEvent& event);

// Whether `name` is a valid entity kind or event type: [A-Za-z0-9_]+.
bool IsVelocityName(std::string_view name);

// Event counters over sliding windows. Implementations are thread-safe: any
// number of threads may record and count at once.
class VelocityStore {
 public:
  virtual ~VelocityStore() = default;

  // Records `events` together (one write where the store allows it) and
  // says what happened to each. An event whose event_id was recorded before,
  // or appears earlier in the same batch, is a kDuplicate. An invalid event
  // (ValidateEvent) fails the whole batch with its index in the path, and
  // nothing is recorded.
  virtual Result<std::vector<RecordOutcome>> RecordBatch(std::span<const VelocityEvent> events) = 0;

  // counts[i] = the number of events of queries[i] at a time in
  // [now_ms - window_ms, now_ms], all read from one consistent view of the
  // store. Fails when a window is not positive or is longer than the store
  // keeps events.
  virtual Status CountMany(std::span<const CountQuery> queries, int64_t now_ms,
                           std::span<int64_t> counts) = 0;

  // How long the store keeps events: the longest window CountMany accepts.
  virtual int64_t retention_ms() const = 0;

  // One event; see RecordBatch.
  Result<RecordOutcome> Record(const VelocityEvent& event);
  // One count; see CountMany.
  Result<int64_t> Count(const CounterKey& key, int64_t now_ms, int64_t window_ms);
};

}  // namespace credo::features
