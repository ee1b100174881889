// tests/cli/run_credo.h — runs the `credo` binary the way a user does, for
// the CLI tests.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace credo::testing {

// What a run of `credo` gave.
struct CredoRun {
  int exit_code;
  std::string out;  // stdout, and stderr too unless the run was asked for stdout only
};

// Runs `credo ARGS` (a shell command line after the binary's name).
inline CredoRun RunCredo(const std::string& args, bool stderr_too = true) {
  const std::string cmd = std::string(CREDO_BINARY) + " " + args + (stderr_too ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace credo::testing
