#include "server/decision_recorder.h"

#include <chrono>

namespace credo::server {
namespace {

// How long a commit waits for more decisions to join it, and how many make
// it go at once ...
constexpr auto kGatherTime = std::chrono::microseconds(500);
constexpr size_t kFullBatch = 256;
// ... once the last batch held this many: under light load a decision is
// committed at once, since waiting would only add to its latency.
constexpr size_t kBusyBatch = 4;

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
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    records_.push_back(std::move(record));
    callbacks_.push_back(std::move(on_recorded));
    // The recorder waits for a first decision, then for a full batch or the
    // end of the gathering time: waking it for any other would cost a
    // context switch per decision for nothing.
    wake = records_.size() == 1 || records_.size() == kFullBatch;
  }
  if (wake) submitted_.notify_one();
}

void DecisionRecorder::Run() {
  std::vector<audit::DecisionRecord> records;
  std::vector<OnRecorded> callbacks;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      submitted_.wait(lock, [this] { return stopping_ || !records_.empty(); });
      if (records_.empty()) return;  // stopping, and nothing left to record
      // Under load, let a batch gather for a moment: every commit rewrites
      // the pages it touches, so committing decisions one by one writes
      // several times the bytes (and costs several times the CPU) of
      // committing them by the hundred.
      if (last_batch_ >= kBusyBatch) {
        submitted_.wait_for(lock, kGatherTime, [this] { return stopping_ || records_.size() >= kFullBatch; });
      }
      last_batch_ = records_.size();
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
