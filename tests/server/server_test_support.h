// Shared by the server tests: a strategy directory and a decision log in a
// fresh temporary folder, and the small strategies the tests decide with.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "audit/decision_log.h"
#include "decision/registry.h"
#include "server/decision_service.h"

namespace credo::server {

// A cash-loan strategy small enough to check by hand:
//   grade table (first hit): score >= 700 -> "A"; score >= cutoff -> "B"; else "C"
//   decide: grade "C" -> decision "decline", reasons ["score_below_cutoff"];
//           otherwise "approve", no reasons; decided_on = the clock, to the second.
inline std::string CashLoanGraph(int cutoff_score) {
  using nlohmann::json;
  const json grade_table = {
      {"hitPolicy", "first"},
      {"passThrough", true},
      {"inputs", {{{"id", "score_in"}, {"name", "Score"}, {"field", "score"}}}},
      {"outputs", {{{"id", "grade_out"}, {"name", "Grade"}, {"field", "grade"}}}},
      {"rules",
       {{{"_id", "grade_a"}, {"score_in", ">= 700"}, {"grade_out", "'A'"}},
        {{"_id", "grade_b"}, {"score_in", ">= " + std::to_string(cutoff_score)}, {"grade_out", "'B'"}},
        {{"_id", "grade_c"}, {"score_in", ""}, {"grade_out", "'C'"}}}}};
  const json decide = {
      {"expressions",
       {{{"id", "e1"}, {"key", "decision"}, {"value", "grade == 'C' ? 'decline' : 'approve'"}},
        {{"id", "e2"}, {"key", "reasons"}, {"value", "grade == 'C' ? ['score_below_cutoff'] : []"}},
        {{"id", "e3"}, {"key", "grade"}, {"value", "grade"}},
        {{"id", "e4"}, {"key", "decided_on"}, {"value", "string(d())"}}}}};
  return json{{"nodes",
               {{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}},
                {{"id", "grade"}, {"type", "decisionTableNode"}, {"name", "grade"}, {"content", grade_table}},
                {{"id", "decide"}, {"type", "expressionNode"}, {"name", "decide"}, {"content", decide}},
                {{"id", "out"}, {"type", "outputNode"}, {"name", "response"}}}},
              {"edges",
               {{{"id", "a"}, {"sourceId", "in"}, {"targetId", "grade"}},
                {{"id", "b"}, {"sourceId", "grade"}, {"targetId", "decide"}},
                {{"id", "c"}, {"sourceId", "decide"}, {"targetId", "out"}}}}}
      .dump();
}

// A strategy whose evaluation fails when `name` is not a string (node "shout").
inline std::string ShoutGraph() {
  using nlohmann::json;
  return json{{"nodes",
               {{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}},
                {{"id", "shout"},
                 {"type", "expressionNode"},
                 {"name", "shout"},
                 {"content", {{"expressions", {{{"id", "e1"}, {"key", "name"}, {"value", "upper(name)"}}}}}}},
                {{"id", "out"}, {"type", "outputNode"}, {"name", "response"}}}},
              {"edges",
               {{{"id", "a"}, {"sourceId", "in"}, {"targetId", "shout"}},
                {{"id", "b"}, {"sourceId", "shout"}, {"targetId", "out"}}}}}
      .dump();
}

// A temporary folder holding strategies/ (cash = CashLoanGraph(600),
// shout = ShoutGraph()) and decisions.db, opened as a registry, a log and a
// service; removed at the end of the test.
class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("credo_server_test_" + std::to_string(std::random_device{}()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(strategies_dir());
    std::ofstream(strategies_dir() / "cash.json") << CashLoanGraph(600);
    std::ofstream(strategies_dir() / "shout.json") << ShoutGraph();
    auto registry = decision::StrategyRegistry::Open(strategies_dir().string());
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry).value();
    auto log = audit::DecisionLog::Open((root_ / "decisions.db").string());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
    service_ = std::make_unique<DecisionService>(registry_.get(), log_.get());
  }
  void TearDown() override {
    service_.reset();
    log_.reset();
    registry_.reset();
    std::filesystem::remove_all(root_);
  }

  std::filesystem::path strategies_dir() const { return root_ / "strategies"; }
  int64_t DecisionCount() { return log_->Count().value(); }
  int ActiveVersion(const std::string& name) { return registry_->Active(name).value()->version; }

  // Every file of the strategy directory with its content.
  std::map<std::string, std::string> StrategyFiles() const {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(strategies_dir())) {
      if (!entry.is_regular_file()) continue;
      std::stringstream text;
      text << std::ifstream(entry.path()).rdbuf();
      files[entry.path().string()] = text.str();
    }
    return files;
  }

  std::filesystem::path root_;
  std::unique_ptr<decision::StrategyRegistry> registry_;
  std::unique_ptr<audit::DecisionLog> log_;
  std::unique_ptr<DecisionService> service_;
};

// The body of a reply as JSON (a test failure, not a crash, when it is not).
inline nlohmann::json BodyOf(const std::string& body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << body;
  return parsed;
}

// Checks an error body is {"error": {"code", "message", "path"}} with this code.
inline void ExpectError(const std::string& body, const std::string& code) {
  const nlohmann::json parsed = BodyOf(body);
  ASSERT_TRUE(parsed.contains("error")) << body;
  EXPECT_EQ(parsed["error"].value("code", ""), code) << body;
  EXPECT_TRUE(parsed["error"].contains("message") && parsed["error"]["message"].is_string()) << body;
  EXPECT_TRUE(parsed["error"].contains("path") && parsed["error"]["path"].is_string()) << body;
  EXPECT_EQ(parsed["error"].size(), 3u) << body;
}

}  // namespace credo::server
