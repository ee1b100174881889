#include "features/velocity_rocksdb.h"

#include <rocksdb/cache.h>
#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <unordered_set>

namespace credo::features {
namespace {

// Keys (all integers big-endian so that RocksDB's byte order is time order):
//   counter   'c' <kind> <value> <type> <tier:1> <bucket start ms:8>  -> int64 count (merge operands)
//   event id  'i' <event_id>                                         -> int64 event time ms
//   metadata  'm' <name>                                             -> text
// <kind> <value> <type> are each a varint length and the bytes, so that the
// counter prefix is self-delimiting whatever bytes an entity value holds.

// Counter resolutions, finest first; each divides the next (ms, minute, hour, UTC day).
constexpr std::array<int64_t, 4> kTierMs = {1, 60'000, 3'600'000, 86'400'000};
constexpr int kCoarsestTier = static_cast<int>(kTierMs.size()) - 1;
constexpr char kCounterTag = 'c';
constexpr char kIdTag = 'i';
constexpr std::string_view kFormatKey = "mformat";
constexpr std::string_view kRetentionKey = "mretention_ms";
constexpr std::string_view kLatestKey = "mlatest_ms";
constexpr std::string_view kFormat = "credo-velocity-1";
constexpr int64_t kNoEvents = std::numeric_limits<int64_t>::min();
constexpr size_t kIdLockStripes = 64;
// A count first scans the millisecond counters of the window; past this many
// it adds up the coarser tiers instead.
constexpr int64_t kDirectScanLimit = 32;

void AppendBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

uint64_t ReadBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// Counts and times as values: 8 bytes big-endian two's complement.
std::string EncodeInt64(int64_t v) {
  std::string out;
  AppendBigEndian64(&out, static_cast<uint64_t>(v));
  return out;
}

int64_t DecodeInt64(const rocksdb::Slice& s) { return static_cast<int64_t>(ReadBigEndian64(s.data())); }

void AppendLengthPrefixed(std::string* out, std::string_view s) {
  for (size_t n = s.size();; n >>= 7) {
    if (n < 0x80) {
      out->push_back(static_cast<char>(n));
      break;
    }
    out->push_back(static_cast<char>((n & 0x7f) | 0x80));
  }
  out->append(s);
}

// The key prefix every bucket of one counter shares.
std::string CounterPrefix(std::string_view kind, std::string_view value, std::string_view type) {
  std::string key(1, kCounterTag);
  AppendLengthPrefixed(&key, kind);
  AppendLengthPrefixed(&key, value);
  AppendLengthPrefixed(&key, type);
  return key;
}

int64_t FloorTo(int64_t t, int64_t size) { return t - t % size; }  // t >= 0
int64_t CeilTo(int64_t t, int64_t size) { return FloorTo(t + size - 1, size); }

Status FromRocks(const rocksdb::Status& s, const std::string& dir) {
  return Status::Io("velocity store: " + s.ToString(), dir);
}

// Adds 8-byte counts.
class Int64AddOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    if (value.size() != 8 || (existing != nullptr && existing->size() != 8)) return false;
    *new_value = EncodeInt64((existing != nullptr ? DecodeInt64(*existing) : 0) + DecodeInt64(value));
    return true;
  }
  const char* Name() const override { return "credo.Int64Add"; }
};

// Drops counters and event ids older than the store's horizon as RocksDB
// compacts. Called from RocksDB's compaction threads; reads only atomics.
class ExpiryFilter final : public rocksdb::CompactionFilter {
 public:
  explicit ExpiryFilter(const std::atomic<int64_t>* latest_ms, const std::atomic<int64_t>* retention_ms)
      : latest_ms_(latest_ms), retention_ms_(retention_ms) {}

  // Everything wholly before this instant may go.
  int64_t Horizon() const {
    const int64_t latest = latest_ms_->load(std::memory_order_relaxed);
    if (latest == kNoEvents) return kNoEvents;
    const int64_t wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
    return std::min(latest, wall_ms) - retention_ms_->load(std::memory_order_relaxed);
  }

  Decision FilterV2(int, const rocksdb::Slice& key, ValueType type, const rocksdb::Slice& value, std::string*,
                    std::string*) const override {
    if (type == ValueType::kBlobIndex || key.empty()) return Decision::kKeep;
    const int64_t horizon = Horizon();
    if (key[0] == kCounterTag && key.size() >= 10) {
      const auto tier = static_cast<unsigned char>(key[key.size() - 9]);
      const auto start = static_cast<int64_t>(ReadBigEndian64(key.data() + key.size() - 8));
      if (tier < kTierMs.size() && start + kTierMs[tier] <= horizon) return Decision::kRemove;
    } else if (key[0] == kIdTag && type == ValueType::kValue && value.size() == 8) {
      if (DecodeInt64(value) < horizon) return Decision::kRemove;
    }
    return Decision::kKeep;
  }
  const char* Name() const override { return "credo.VelocityExpiry"; }

 private:
  const std::atomic<int64_t>* latest_ms_;
  const std::atomic<int64_t>* retention_ms_;
};

// Sums the buckets of one counter over a time range, reusing one iterator.
class CounterReader {
 public:
  explicit CounterReader(rocksdb::Iterator* it) : it_(it) {}

  // Events of the counter with prefix `prefix` at a time in [lo, hi).
  Result<int64_t> Count(std::string prefix, int64_t lo, int64_t hi) {
    key_ = std::move(prefix);
    base_ = key_.size();
    sum_ = 0;
    corrupt_ = false;
    // Most entities have few events: their millisecond counters in the window,
    // read in one scan, are the count. Only a busy one needs the coarser tiers.
    if (!SumBuckets(0, lo, hi, kDirectScanLimit)) {
      sum_ = 0;
      CountRange(lo, hi, kCoarsestTier);
    }
    if (corrupt_) return Status::Internal("velocity store: a counter value is not 8 bytes");
    if (!it_->status().ok()) return Status::Io("velocity store: " + it_->status().ToString());
    return sum_;
  }

 private:
  // The coarsest buckets wholly inside [lo, hi), then the finer tiers for the rest at both ends.
  void CountRange(int64_t lo, int64_t hi, int tier) {
    if (lo >= hi) return;
    if (tier == 0) {
      SumBuckets(0, lo, hi);
      return;
    }
    const int64_t inner_lo = CeilTo(lo, kTierMs[tier]);
    const int64_t inner_hi = FloorTo(hi, kTierMs[tier]);
    if (inner_lo >= inner_hi) return CountRange(lo, hi, tier - 1);
    CountRange(lo, inner_lo, tier - 1);
    SumBuckets(tier, inner_lo, inner_hi);
    CountRange(inner_hi, hi, tier - 1);
  }

  // Adds the tier's buckets starting in [lo, hi); false (having added some)
  // when there are more than `limit` of them.
  bool SumBuckets(int tier, int64_t lo, int64_t hi, int64_t limit = std::numeric_limits<int64_t>::max()) {
    key_.resize(base_);
    key_.push_back(static_cast<char>(tier));
    AppendBigEndian64(&key_, static_cast<uint64_t>(lo));
    int64_t buckets = 0;
    for (it_->Seek(key_); it_->Valid(); it_->Next()) {
      const rocksdb::Slice k = it_->key();
      if (k.size() != base_ + 9 || std::memcmp(k.data(), key_.data(), base_ + 1) != 0) break;
      if (static_cast<int64_t>(ReadBigEndian64(k.data() + base_ + 1)) >= hi) break;
      if (++buckets > limit) return false;
      const rocksdb::Slice v = it_->value();
      if (v.size() != 8) {
        corrupt_ = true;
        break;
      }
      sum_ += DecodeInt64(v);
    }
    return true;
  }

  rocksdb::Iterator* it_;
  std::string key_;
  size_t base_ = 0;
  int64_t sum_ = 0;
  bool corrupt_ = false;
};

}  // namespace

struct RocksDbVelocityStore::State {
  std::string dir;
  std::atomic<int64_t> retention_ms{RocksDbVelocityOptions::kDefaultRetentionMs};
  std::atomic<int64_t> latest_ms{kNoEvents};
  ExpiryFilter filter{&latest_ms, &retention_ms};
  rocksdb::WriteOptions write_options;
  // Event ids are checked and written under the lock of their stripe, so two
  // threads recording the same id cannot both count it.
  std::array<std::mutex, kIdLockStripes> id_locks;
  std::unique_ptr<rocksdb::DB> db;  // last: closed before the filter it uses goes

  Result<std::optional<std::string>> GetMeta(std::string_view key) const {
    std::string value;
    const rocksdb::Status s = db->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocks(s, dir);
    return std::optional<std::string>(std::move(value));
  }
};

RocksDbVelocityStore::RocksDbVelocityStore(std::unique_ptr<State> state) : state_(std::move(state)) {}

RocksDbVelocityStore::~RocksDbVelocityStore() {
  if (state_->db) state_->db->Close().PermitUncheckedError();
}

Result<std::unique_ptr<RocksDbVelocityStore>> RocksDbVelocityStore::Open(
    const std::string& dir, const RocksDbVelocityOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::exists(fs::path(dir) / "CURRENT", ec)) {
    if (!fs::is_directory(dir, ec)) return Status::Invalid("the velocity store must be a directory", dir);
    if (!fs::is_empty(dir, ec)) {
      return Status::Invalid(
          "the directory is not empty and holds no velocity store (no RocksDB CURRENT file)", dir);
    }
  }
  if (options.retention_ms < 0) return Status::Invalid("retention must not be negative", dir);

  auto state = std::make_unique<State>();
  state->dir = dir;
  state->write_options.sync = options.sync;
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.merge_operator = std::make_shared<Int64AddOperator>();
  db_options.compaction_filter = &state->filter;
  // A busy entity merges into the same counters on every event; until a flush
  // folds them, a read adds up each of its operands in the memtable, so that
  // cost grows with the entity's share of the memtable: 4 MiB (~5,000 events)
  // bounds it. (max_successive_merges would fold
  // them on write, but it lost counts in the randomized test with RocksDB 7.8
  // and is unsafe with concurrent memtable writes: facebook/rocksdb#8502.)
  db_options.write_buffer_size = size_t{4} << 20;
  // Event-id lookups mostly miss: a whole-key Bloom filter in the memtable too.
  db_options.memtable_prefix_bloom_size_ratio = 0.02;
  db_options.memtable_whole_key_filtering = true;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(size_t{64} << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));  // event-id lookups mostly miss
  db_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status opened = rocksdb::DB::Open(db_options, dir, &raw);
  if (!opened.ok()) {
    return Status::Io("cannot open the velocity store (is another process using it?): " + opened.ToString(),
                      dir);
  }
  state->db.reset(raw);

  CREDO_ASSIGN_OR_RETURN(std::optional<std::string> format, state->GetMeta(kFormatKey));
  rocksdb::WriteBatch setup;
  if (!format) {
    std::unique_ptr<rocksdb::Iterator> it(state->db->NewIterator(rocksdb::ReadOptions()));
    it->SeekToFirst();
    if (it->Valid()) return Status::Invalid("this RocksDB database is not a velocity store", dir);
    setup.Put(rocksdb::Slice(kFormatKey.data(), kFormatKey.size()),
              rocksdb::Slice(kFormat.data(), kFormat.size()));
  } else if (*format != kFormat) {
    return Status::Invalid(
        "the velocity store has format '" + *format + "', this Credo reads '" + std::string(kFormat) + "'",
        dir);
  }
  CREDO_ASSIGN_OR_RETURN(std::optional<std::string> retention, state->GetMeta(kRetentionKey));
  if (options.retention_ms > 0) {
    state->retention_ms = options.retention_ms;
  } else if (retention) {
    int64_t stored = 0;
    const auto [end, error] =
        std::from_chars(retention->data(), retention->data() + retention->size(), stored);
    if (error != std::errc() || end != retention->data() + retention->size() || stored <= 0) {
      return Status::Invalid("the velocity store's retention setting '" + *retention + "' is not a number",
                             dir);
    }
    state->retention_ms = stored;
  }
  const std::string retention_text = std::to_string(state->retention_ms.load());
  if (!retention || *retention != retention_text) {
    setup.Put(rocksdb::Slice(kRetentionKey.data(), kRetentionKey.size()), retention_text);
  }
  CREDO_ASSIGN_OR_RETURN(std::optional<std::string> latest, state->GetMeta(kLatestKey));
  if (latest && latest->size() == 8) state->latest_ms = DecodeInt64(*latest);
  if (setup.Count() > 0) {
    const rocksdb::Status s = state->db->Write(state->write_options, &setup);
    if (!s.ok()) return FromRocks(s, dir);
  }
  return std::unique_ptr<RocksDbVelocityStore>(new RocksDbVelocityStore(std::move(state)));
}

int64_t RocksDbVelocityStore::retention_ms() const { return state_->retention_ms.load(); }

Result<std::vector<RecordOutcome>> RocksDbVelocityStore::RecordBatch(std::span<const VelocityEvent> events) {
  for (size_t i = 0; i < events.size(); ++i) {
    const Status status = ValidateEvent(events[i]);
    if (!status.ok()) {
      return Status(
          status.code(), status.message(),
          events.size() == 1 ? status.path() : "events[" + std::to_string(i) + "]." + status.path());
    }
  }
  // Lock the stripes of every event id in the batch, in stripe order (no deadlock).
  std::array<bool, kIdLockStripes> stripe_needed{};
  for (const VelocityEvent& event : events) {
    if (!event.event_id.empty())
      stripe_needed[std::hash<std::string>()(event.event_id) % kIdLockStripes] = true;
  }
  std::vector<std::unique_lock<std::mutex>> locks;
  for (size_t s = 0; s < kIdLockStripes; ++s) {
    if (stripe_needed[s]) locks.emplace_back(state_->id_locks[s]);
  }

  std::vector<RecordOutcome> outcomes(events.size(), RecordOutcome::kRecorded);
  std::unordered_set<std::string_view> batch_ids;
  rocksdb::WriteBatch batch;
  const std::string one = EncodeInt64(1);
  std::string key;
  std::string value;
  int64_t batch_latest = kNoEvents;
  for (size_t i = 0; i < events.size(); ++i) {
    const VelocityEvent& event = events[i];
    if (!event.event_id.empty()) {
      key.assign(1, kIdTag);
      key += event.event_id;
      if (!batch_ids.insert(event.event_id).second) {
        outcomes[i] = RecordOutcome::kDuplicate;
        continue;
      }
      const rocksdb::Status s = state_->db->Get(rocksdb::ReadOptions(), key, &value);
      if (s.ok()) {
        outcomes[i] = RecordOutcome::kDuplicate;
        continue;
      }
      if (!s.IsNotFound()) return FromRocks(s, state_->dir);
      batch.Put(key, EncodeInt64(event.time_ms));
    }
    for (const VelocityEntity& entity : event.entities) {
      key = CounterPrefix(entity.kind, entity.value, event.type);
      const size_t base = key.size();
      for (size_t tier = 0; tier < kTierMs.size(); ++tier) {
        key.resize(base);
        key.push_back(static_cast<char>(tier));
        AppendBigEndian64(&key, static_cast<uint64_t>(FloorTo(event.time_ms, kTierMs[tier])));
        batch.Merge(key, one);
      }
    }
    batch_latest = std::max(batch_latest, event.time_ms);
  }
  if (batch_latest > state_->latest_ms.load()) {
    batch.Put(rocksdb::Slice(kLatestKey.data(), kLatestKey.size()), EncodeInt64(batch_latest));
  }
  if (batch.Count() > 0) {
    const rocksdb::Status s = state_->db->Write(state_->write_options, &batch);
    if (!s.ok()) return FromRocks(s, state_->dir);
  }
  int64_t latest = state_->latest_ms.load();
  while (batch_latest > latest && !state_->latest_ms.compare_exchange_weak(latest, batch_latest)) {
  }
  return outcomes;
}

Status RocksDbVelocityStore::CountMany(std::span<const CountQuery> queries, int64_t now_ms,
                                       std::span<int64_t> counts) {
  assert(queries.size() == counts.size());
  const int64_t retention = state_->retention_ms.load();
  for (size_t i = 0; i < queries.size(); ++i) {
    const int64_t window = queries[i].window_ms;
    if (window <= 0)
      return Status::Invalid("the window must be positive", "queries[" + std::to_string(i) + "]");
    if (window > retention) {
      return Status::Invalid("a window of " + std::to_string(window) +
                                 " ms is longer than the store keeps events (" + std::to_string(retention) +
                                 " ms)",
                             "queries[" + std::to_string(i) + "]");
    }
  }
  // One iterator is one consistent view of the store for every query.
  std::unique_ptr<rocksdb::Iterator> it(state_->db->NewIterator(rocksdb::ReadOptions()));
  CounterReader reader(it.get());
  const int64_t now = std::min(now_ms, kVelocityEndOfTimeMs);
  for (size_t i = 0; i < queries.size(); ++i) {
    const CountQuery& q = queries[i];
    if (now < 0) {
      counts[i] = 0;  // events are never before 1970
      continue;
    }
    CREDO_ASSIGN_OR_RETURN(
        counts[i], reader.Count(CounterPrefix(q.key.entity_kind, q.key.entity_value, q.key.event_type),
                                std::max<int64_t>(0, now - q.window_ms), now + 1));
  }
  return Status::Ok();
}

Status RocksDbVelocityStore::Compact() {
  const rocksdb::Status s = state_->db->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr);
  return s.ok() ? Status::Ok() : FromRocks(s, state_->dir);
}

}  // namespace credo::features
