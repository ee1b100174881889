// tests/cli/run_credo.h — runs the `credo` binary the way a user does, for
// the CLI tests.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
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

// A test fixture with a fresh scratch directory per test (named after the
// prefix, the process id and the test, removed afterwards) and helpers to put
// files in it.
class ScratchDirTest : public ::testing::Test {
 protected:
  explicit ScratchDirTest(const std::string& prefix) : prefix_(prefix) {}
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           (prefix_ + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Writes `text` to `name` under the scratch directory; returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = dir_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  // The path of `name` under the scratch directory.
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::string prefix_;
  std::filesystem::path dir_;
};

}  // namespace credo::testing
