// Paths for the data module's tests: committed fixtures and scratch files.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace credo::data {

// A file under tests/data/fixtures/.
inline std::string Fixture(const std::string& name) {
  return CREDO_SOURCE_DIR "/tests/data/fixtures/" + name;
}

// A scratch file path unique to this process and the running test.
inline std::string ScratchPath(const std::string& name) {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + "credo_data_" + std::to_string(getpid()) + "_" + test->name() + "_" + name;
}

}  // namespace credo::data
