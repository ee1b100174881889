// Runs `credo strategy backtest` the way a user does: exit codes, the JSON
// report's keys and counts, and usage and data errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "run_credo.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A table on age alone: under 18 decline, under `refer_age` refer, else approve.
std::string Graph(int refer_age) {
  json table = {{"hitPolicy", "first"},
                {"inputs", {{{"id", "age"}, {"name", "Age"}, {"field", "applicant.age"}}}},
                {"outputs", {{{"id", "decision"}, {"field", "decision"}}}},
                {"rules",
                 {{{"_id", "young"}, {"age", "< 18"}, {"decision", "'decline'"}},
                  {{"_id", "new"}, {"age", "< " + std::to_string(refer_age)}, {"decision", "'refer'"}},
                  {{"_id", "rest"}, {"age", ""}, {"decision", "'approve'"}}}}};
  return json{{"nodes",
               {{{"id", "in"}, {"type", "inputNode"}},
                {{"id", "t"}, {"name", "age rules"}, {"type", "decisionTableNode"}, {"content", table}},
                {{"id", "out"}, {"type", "outputNode"}}}},
              {"edges",
               {{{"id", "a"}, {"sourceId", "in"}, {"targetId", "t"}},
                {{"id", "b"}, {"sourceId", "t"}, {"targetId", "out"}}}}}
      .dump();
}

class StrategyBacktestTest : public credo::testing::ScratchDirTest {
 protected:
  StrategyBacktestTest() : ScratchDirTest("credo_backtest_cli_") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    v1_ = Write("v1.json", Graph(21));
    v2_ = Write("v2.json", Graph(25));
    // Ages 16, 19, 23, 30, 40 -> v1: decline, refer, approve, approve, approve;
    //                            v2: decline, refer, refer,   approve, approve.
    data_ = Write("apps.csv", "applicant.age,bad\n16,1\n19,0\n23,1\n30,0\n40,\n");
  }
  std::string v1_, v2_, data_;
};

TEST_F(StrategyBacktestTest, WritesTheTableAndTheJsonReport) {
  const std::string out = (dir_ / "report.json").string();
  const credo::testing::CredoRun run =
      credo::testing::RunCredo("strategy backtest --strategy " + v1_ + " --data " + data_ + " --compare " +
                               v2_ + " --label bad --now 2025-08-19T16:55:02Z --json " + out);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("Swap set"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Bad rate by decision"), std::string::npos) << run.out;
  std::ifstream in(out);
  const json report = json::parse(in);
  for (const char* key : {"strategy", "compare", "data", "label", "now_ms", "rows", "evaluated", "errors",
                          "decisions", "rule_hits", "outputs", "reasons", "swap_set", "bad_rate"}) {
    EXPECT_TRUE(report.contains(key)) << key;
  }
  EXPECT_EQ(report["rows"], 5);
  EXPECT_EQ(report["now_ms"], 1755622502000);
  EXPECT_EQ(report["decisions"][0], json({{"decision", "approve"}, {"count", 3}, {"rate", 0.6}}));
  EXPECT_EQ(report["swap_set"]["changed"], 1);  // age 23: approve -> refer
  EXPECT_EQ(report["rule_hits"][0]["node"], "age rules");
  EXPECT_EQ(report["rule_hits"][0]["entries"].size(), 3u);
  // approve: ages 23, 30 labelled (40 is not) -> 1 bad of 2.
  EXPECT_EQ(report["bad_rate"][0],
            json({{"decision", "approve"}, {"labelled", 2}, {"bad", 1}, {"bad_rate", 0.5}}));
}

TEST_F(StrategyBacktestTest, FormatJsonPrintsTheReportOnStdout) {
  const std::string jsonl =
      Write("apps.jsonl", "{\"applicant\": {\"age\": 16}}\n{\"applicant\": {\"age\": 40}}\n");
  const credo::testing::CredoRun run = credo::testing::RunCredo(
      "strategy backtest --format json --strategy " + v1_ + " --data " + jsonl, false);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const json report = json::parse(run.out);
  EXPECT_EQ(report["rows"], 2);
  EXPECT_FALSE(report.contains("swap_set"));
  EXPECT_FALSE(report.contains("bad_rate"));
}

TEST_F(StrategyBacktestTest, UsageAndDataErrors) {
  EXPECT_EQ(credo::testing::RunCredo("strategy backtest --strategy " + v1_).exit_code, 1);  // no --data
  EXPECT_EQ(credo::testing::RunCredo("strategy").exit_code, 1);
  const credo::testing::CredoRun missing_label = credo::testing::RunCredo(
      "strategy backtest --strategy " + v1_ + " --data " + data_ + " --label outcome");
  EXPECT_EQ(missing_label.exit_code, 2) << missing_label.out;
  EXPECT_NE(missing_label.out.find("outcome"), std::string::npos) << missing_label.out;
  const std::string bad = Write("bad.jsonl", "{\"applicant\": {\"age\": 16}}\nnot json\n");
  const credo::testing::CredoRun bad_line =
      credo::testing::RunCredo("strategy backtest --strategy " + v1_ + " --data " + bad);
  EXPECT_EQ(bad_line.exit_code, 2) << bad_line.out;
  EXPECT_NE(bad_line.out.find("bad.jsonl:2"), std::string::npos) << bad_line.out;
  const std::string out = (dir_ / "never.json").string();
  EXPECT_EQ(credo::testing::RunCredo("strategy backtest --strategy " + (dir_ / "nope.json").string() +
                                     " --data " + data_ + " --json " + out)
                .exit_code,
            2);
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
