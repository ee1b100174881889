// Helpers for the feature engine's tests: plans from YAML text, features by name.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "features/feature_plan.h"

namespace credo::features::testing {

// Compiles definition files given as (file name, YAML text); fails the test on an error.
inline FeaturePlan PlanFrom(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<DefinitionFile> parsed;
  for (const auto& [name, text] : files) {
    auto file = ParseDefinitionFile(text, name);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    if (file.ok()) parsed.push_back(std::move(file).value());
  }
  auto plan = FeaturePlan::Compile(parsed);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return std::move(plan).value();
}

// The error of compiling `files` ("" when they compile).
inline std::string CompileError(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<DefinitionFile> parsed;
  for (const auto& [name, text] : files) {
    auto file = ParseDefinitionFile(text, name);
    if (!file.ok()) return file.status().ToString();
    parsed.push_back(std::move(file).value());
  }
  auto plan = FeaturePlan::Compile(parsed);
  return plan.ok() ? "" : plan.status().ToString();
}

// Every feature of a JSON document by name; fails the test on an error.
inline std::map<std::string, double> Features(const FeaturePlan& plan, const std::string& json) {
  FeatureWorkspace workspace;
  std::vector<double> out(plan.size());
  const Status status = plan.ComputeJson(json, std::nullopt, workspace, out);
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::map<std::string, double> named;
  for (size_t i = 0; i < out.size(); ++i) named[plan.features()[i].name] = out[i];
  return named;
}

// Equal as feature values: both missing, or the same double.
inline bool SameValue(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

}  // namespace credo::features::testing
