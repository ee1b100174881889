// tests/features/velocity_test_support.h — what the velocity tests share: a
// scratch directory, and NaiveVelocityStore, an independent second
// implementation of VelocityStore (a plain list of every recorded event,
// counted by looking at each one) that the RocksDB store is checked against.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "features/velocity_store.h"

namespace credo::testing {

// A fresh empty directory path under the system temp dir, removed at destruction.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("credo_velocity_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Every event in a list; a count looks at all of them. Keeps everything forever.
class NaiveVelocityStore final : public features::VelocityStore {
 public:
  explicit NaiveVelocityStore(int64_t retention_ms) : retention_ms_(retention_ms) {}

  Result<std::vector<features::RecordOutcome>> RecordBatch(
      std::span<const features::VelocityEvent> events) override {
    std::lock_guard lock(mutex_);
    std::vector<features::RecordOutcome> outcomes;
    for (const features::VelocityEvent& event : events) {
      if (!event.event_id.empty() && !ids_.insert(event.event_id).second) {
        outcomes.push_back(features::RecordOutcome::kDuplicate);
        continue;
      }
      outcomes.push_back(features::RecordOutcome::kRecorded);
      for (const features::VelocityEntity& entity : event.entities) {
        rows_.push_back({entity.kind, entity.value, event.type, event.time_ms});
      }
    }
    return outcomes;
  }

  Status CountMany(std::span<const features::CountQuery> queries, int64_t now_ms,
                   std::span<int64_t> counts) override {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < queries.size(); ++i) {
      const features::CountQuery& q = queries[i];
      counts[i] = 0;
      for (const Row& row : rows_) {
        if (row.kind == q.key.entity_kind && row.value == q.key.entity_value &&
            row.type == q.key.event_type && row.time_ms >= now_ms - q.window_ms && row.time_ms <= now_ms) {
          ++counts[i];
        }
      }
    }
    return Status::Ok();
  }

  int64_t retention_ms() const override { return retention_ms_; }

 private:
  struct Row {
    std::string kind, value, type;
    int64_t time_ms;
  };
  const int64_t retention_ms_;
  std::mutex mutex_;
  std::vector<Row> rows_;
  std::set<std::string> ids_;
};

}  // namespace credo::testing
