// server/decision_recorder.h — records decisions in the decision log from a
// thread of its own, so that the threads answering requests never wait for
// a commit: each decision is handed over with what to do once it is stored.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "audit/decision_log.h"
#include "core/status.h"

namespace credo::server {

// Commits the decisions handed to it in batches: everything submitted while
// one commit runs goes into the next, so a busy server commits hundreds of
// decisions per transaction. Thread-safe.
class DecisionRecorder {
 public:
  // Called on the recorder's thread once the record is committed (OK) or
  // refused (the log's status).
  using OnRecorded = std::function<void(Status)>;

  // `log` must outlive the recorder.
  explicit DecisionRecorder(audit::DecisionLog* log);
  // Records what was submitted, runs its callbacks, then stops the thread.
  ~DecisionRecorder();
  DecisionRecorder(const DecisionRecorder&) = delete;
  DecisionRecorder& operator=(const DecisionRecorder&) = delete;

  void Submit(audit::DecisionRecord record, OnRecorded on_recorded);

 private:
  void Run();

  audit::DecisionLog* const log_;
  std::mutex mutex_;
  std::condition_variable submitted_;
  std::vector<audit::DecisionRecord> records_;  // waiting for the next commit
  std::vector<OnRecorded> callbacks_;
  size_t last_batch_ = 0;  // decisions in the last commit: a sign of the load
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace credo::server
