#include "server/decision_recorder.h"

#include <chrono>

namespace credo::server {
namespace {

// How long a commit waits for more decisions to join it, and how many make
// it go at once.
constexpr auto kGatherTime = std::chrono::microseconds(500);
constexpr size_t kFullBatch = 256;

}  // namespace

DecisionRecorder::DecisionRecorder(audit::DecisionLog* log) : log_(log), thread_([this] { Run(); }) {}

DecisionRecorder::~DecisionRecorder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  submitted_.notify_one();
  thread_.join();
}

void DecisionRecorder::Submit(audit::DecisionRecord record, OnRecorded on_recorded) {
  {
    std::lock_guard lock(mutex_);
    records_.push_back(std::move(record));
    callbacks_.push_back(std::move(on_recorded));
  }
  submitted_.notify_one();
}

void DecisionRecorder::Run() {
  std::vector<audit::DecisionRecord> records;
  std::vector<OnRecorded> callbacks;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      submitted_.wait(lock, [this] { return stopping_ || !records_.empty(); });
      if (records_.empty()) return;  // stopping, and nothing left to record
      // Let a batch gather for a moment: every commit rewrites the pages it
      // touches, so committing decisions one by one writes several times
      // the bytes of committing them by the hundred.
      submitted_.wait_for(lock, kGatherTime, [this] { return stopping_ || records_.size() >= kFullBatch; });
      records.swap(records_);
      callbacks.swap(callbacks_);
    }
    const std::vector<Status> statuses = log_->AppendBatch(std::move(records));
    for (size_t i = 0; i < callbacks.size(); ++i) callbacks[i](statuses[i]);
    records.clear();
    callbacks.clear();
  }
}

}  // namespace credo::server
