// cli/progress.h — progress lines on stderr for work that takes more than a second.
#pragma once

#include <chrono>
#include <string>

namespace credo::cli {

// Prints "[  3.2s] message" lines to stderr; on a terminal, repeated
// updates of the same kind overwrite one line. Not thread-safe.
class Progress {
 public:
  Progress();
  void Say(const std::string& message);
  // Overwrites the previous Update on a terminal; prints at most twice a second elsewhere.
  void Update(const std::string& message);
  void Done();
  double elapsed_seconds() const;

 private:
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_update_;
  bool tty_;
  bool pending_line_ = false;
};

}  // namespace credo::cli
