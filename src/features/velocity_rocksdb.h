// features/velocity_rocksdb.h — the velocity store embedded in the process,
// kept in a RocksDB directory that survives restarts.
//
// Layout. Every event adds 1 to four counters of each of its entities: the
// counter of its exact millisecond, of its minute, its hour and its UTC day
// (RocksDB merge operands, so recording never reads a counter). A count over
// [now - window, now] first scans the millisecond counters in the window: for
// an entity with at most 32 of them (most devices, phones, ids) that is the
// count. A busier entity adds the day counters wholly inside the window, then
// the hour counters of the partial days at both ends, then minutes, and last
// the millisecond counters of the partial minutes at the very edges: at most
// seven range scans of about 30 + 2 x (23 + 59) counters plus two partial
// minutes of events, whatever the window. Either way the count is EXACT to the
// millisecond for every window and every `now` (no bucket rounding).
//
// Cost. Recording is one write of 4 merges per entity (plus a lookup and a
// write of the event id when there is one). A count reads a handful of keys
// for a quiet entity; for a busy one (an employer on many applications) it
// also folds each of the entity's increments still in the memtable (at most
// ~5,000 events of all entities; RocksDB folds them when it flushes).
//
// Expiry. The store keeps `retention_ms` of events (the longest window a count
// may ask for) behind the latest event time it has recorded (capped at the wall
// clock, so a mistyped far-future time cannot expire everything). Counters and
// event ids older than that are dropped by a compaction filter as RocksDB
// compacts in the background; until then they are still counted. So counts
// are exact for any `now` at or after the latest event time minus
// (retention - window) — in practice, every count at the present.
//
// Durability. A write is in the write-ahead log when Record returns: it
// survives a crash of the process; with `sync` it also survives a power cut.
// One process at a time may open a store directory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "features/velocity_store.h"

namespace credo::features {

// How a RocksDbVelocityStore is opened.
struct RocksDbVelocityOptions {
  // How long events are kept, the longest window a count may ask for.
  // 0 keeps the store's current setting (a new store gets kDefaultRetentionMs);
  // a positive value becomes the store's setting from now on.
  int64_t retention_ms = 0;
  // fsync the write-ahead log on every write.
  bool sync = false;

  // 90 days.
  static constexpr int64_t kDefaultRetentionMs = int64_t{90} * 86'400'000;
};

// The RocksDB velocity store. Thread-safe.
class RocksDbVelocityStore final : public VelocityStore {
 public:
  // Opens the store in directory `dir`, creating it when the directory is
  // absent or empty. Fails, naming the directory, when another process holds
  // it, when it holds something else (files that are not a RocksDB store, or
  // a RocksDB store that is not a velocity store), or when RocksDB fails.
  static Result<std::unique_ptr<RocksDbVelocityStore>> Open(const std::string& dir,
                                                            const RocksDbVelocityOptions& options = {});
  ~RocksDbVelocityStore() override;
  RocksDbVelocityStore(const RocksDbVelocityStore&) = delete;
  RocksDbVelocityStore& operator=(const RocksDbVelocityStore&) = delete;

  Result<std::vector<RecordOutcome>> RecordBatch(std::span<const VelocityEvent> events) override;
  Status CountMany(std::span<const CountQuery> queries, int64_t now_ms, std::span<int64_t> counts) override;

  // The store's retention (see RocksDbVelocityOptions::retention_ms).
  int64_t retention_ms() const override;
  // Compacts the whole store now, dropping what has expired (RocksDB
  // otherwise does this in the background as data grows).
  Status Compact();

 private:
  struct State;
  explicit RocksDbVelocityStore(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace credo::features
