// tests/models/fixture_file.h — where the models tests' fixtures are, and how they read one.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace credo::models::testing {

inline const std::string kFixtureDir = CREDO_SOURCE_DIR "/tests/models/fixtures/xgboost/";

// The whole file; a missing file fails the test that asked for it.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace credo::models::testing
