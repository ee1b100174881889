#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace credo::cli {

Progress::Progress()
    : start_(std::chrono::steady_clock::now()), last_update_(start_), tty_(isatty(STDERR_FILENO) == 1) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::Say(const std::string& message) {
  if (pending_line_) std::fputc('\n', stderr);
  pending_line_ = false;
  std::fprintf(stderr, "[%6.1fs] %s\n", elapsed_seconds(), message.c_str());
}

void Progress::Update(const std::string& message) {
  const auto now = std::chrono::steady_clock::now();
  if (tty_) {
    std::fprintf(stderr, "\r\033[K[%6.1fs] %s", elapsed_seconds(), message.c_str());
    pending_line_ = true;
  } else if (now - last_update_ >= std::chrono::milliseconds(500)) {
    std::fprintf(stderr, "[%6.1fs] %s\n", elapsed_seconds(), message.c_str());
    last_update_ = now;
  }
}

void Progress::Done() {
  if (pending_line_) std::fputc('\n', stderr);
  pending_line_ = false;
}

}  // namespace credo::cli
