// `credo decide` as a user runs it: the example cash-loan strategy end to end
// (generated data, a trained scorecard, the model node scoring exactly as
// `credo model score` does), knock-out reasons, the pinned clock, and errors.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "run_credo.h"

namespace {

namespace fs = std::filesystem;
using credo::testing::CredoRun;

// Only stdout: it is the JSON the tests parse.
CredoRun Credo(const std::string& args) { return credo::testing::RunCredo(args, false); }
using nlohmann::json;

class DecideTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("credo_decide_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    // The example strategy with a scorecard trained on generated applicants, as make run sets it up.
    ASSERT_EQ(Credo("gen --rows 5000 --seed 7 --out " + Path("applicants.csv")).exit_code, 0);
    ASSERT_EQ(Credo("model train --data " + Path("applicants.csv") +
                    " --target bad --id applicant_id --method scorecard --out " + Path("models/cash_loan"))
                  .exit_code,
              0);
    fs::copy_file(CREDO_SOURCE_DIR "/examples/strategies/cash_loan_application.json", dir_ / "strategy.json");
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string Path(const std::string& name) { return (dir_ / name).string(); }
  static std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return Path(name);
  }
  static json Request() {
    std::ifstream in(CREDO_SOURCE_DIR "/examples/strategies/cash_loan_request.json");
    return json::parse(in);
  }
  static fs::path dir_;
};
fs::path DecideTest::dir_;

TEST_F(DecideTest, ModelNodeScoresAsModelScoreDoes) {
  const json request = Request();
  CredoRun decided =
      Credo("decide " + Path("strategy.json") + " --input " + Write("request.json", request.dump()));
  ASSERT_EQ(decided.exit_code, 0) << decided.out;
  const json output = json::parse(decided.out).at("output");

  // The same applicant through the batch scorer: a one-row CSV of its fields.
  std::string header, row;
  for (const auto& [key, value] : request.at("applicant").items()) {
    header += (header.empty() ? "" : ",") + key;
    row += (row.empty() ? "" : ",") + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  Write("one.csv", header + "\n" + row + "\n");
  ASSERT_EQ(Credo("model score --model " + Path("models/cash_loan/model.json") + " --data " +
                  Path("one.csv") + " --out " + Path("scored.csv"))
                .exit_code,
            0);
  std::ifstream scored(Path("scored.csv"));
  std::string columns, values;
  std::getline(scored, columns);
  std::getline(scored, values);
  auto field = [&](const std::string& name) {
    std::stringstream c(columns), v(values);
    std::string cn, vv;
    while (std::getline(c, cn, ',') && std::getline(v, vv, ',')) {
      if (cn == name) return vv;
    }
    return std::string();
  };
  EXPECT_EQ(output.at("score").get<int>(), std::stoi(field("score")));
  // The strategy rounds the probability to 4 decimals.
  EXPECT_NEAR(output.at("probability_of_default").get<double>(), std::stod(field("probability")), 0.00005);
  EXPECT_TRUE(output.contains("decision"));
}

TEST_F(DecideTest, KnockOutsDeclineWithTheirReasonsInRuleOrder) {
  json request = Request();
  request["applicant"]["age"] = 20;             // knock-out rule 1: under 22
  request["id_number"] = "110105194912310021";  // check digit should be X (GB 11643 example): rule 3
  CredoRun decided =
      Credo("decide " + Path("strategy.json") + " --input " + Write("young.json", request.dump()));
  ASSERT_EQ(decided.exit_code, 0) << decided.out;
  const json result = json::parse(decided.out);
  EXPECT_EQ(result.at("output").at("decision"), "decline");
  EXPECT_EQ(result.at("output").at("limit_fen"), 0);
  EXPECT_EQ(result.at("reasons"), json::parse(R"(["AGE_UNDER_22", "ID_NUMBER_INVALID"])"));
}

TEST_F(DecideTest, NowPinsTheClockAndTraceListsNodes) {
  const std::string graph = Write("clock.json", R"js({"nodes":[
      {"id":"i","type":"inputNode","name":"in"},
      {"id":"e","type":"expressionNode","name":"clock","content":{"expressions":[
        {"id":"1","key":"year","value":"d().year()"},{"id":"2","key":"day","value":"d().format('%Y-%m-%d')"}]}}],
      "edges":[{"id":"a","sourceId":"i","targetId":"e"}]})js");
  CredoRun decided = Credo("decide " + graph + " --now 2025-08-19T16:55:02.078Z --trace --input " +
                           Write("empty.json", "{}"));
  ASSERT_EQ(decided.exit_code, 0);
  const json result = json::parse(decided.out);
  EXPECT_EQ(result.at("output"), json::parse(R"({"year":2025,"day":"2025-08-19"})"));
  ASSERT_EQ(result.at("trace").size(), 1u);
  EXPECT_EQ(result.at("trace")[0].at("name"), "clock");
}

TEST_F(DecideTest, BadInputAndBadGraphsExitTwo) {
  EXPECT_EQ(Credo("decide " + Path("strategy.json") + " --input " + Write("bad.json", "{\"applicant\": "))
                .exit_code,
            2);
  EXPECT_EQ(Credo("decide " + Path("missing.json") + " --input " + Write("ok.json", "{}")).exit_code, 2);
  const std::string js =
      Write("js.json", R"({"nodes":[{"id":"i","type":"inputNode"},{"id":"f","type":"functionNode",
      "name":"script"}],"edges":[{"id":"a","sourceId":"i","targetId":"f"}]})");
  EXPECT_EQ(Credo("decide " + js + " --input " + Path("ok.json")).exit_code, 2);
  EXPECT_EQ(
      Credo("decide " + Path("strategy.json") + " --now yesterday --input " + Path("ok.json")).exit_code, 2);
}

}  // namespace

// reasonsWhen: reason codes only where the condition on {probability, score}
// holds; the score itself never changes, and a condition that is not a
// yes/no is an error naming the option.
TEST_F(DecideTest, ReasonCodesOnlyWhereReasonsWhenHolds) {
  auto graph = [](const std::string& when) {
    json model_node = {{"id", "m"},
                       {"name", "scorecard"},
                       {"type", "customNode"},
                       {"content",
                        {{"kind", "model"},
                         {"config",
                          {{"model", "models/cash_loan/model.json"},
                           {"from", "applicant"},
                           {"reasonCount", 2},
                           {"reasonsWhen", when}}}}}};
    return json{{"nodes",
                 {{{"id", "in"}, {"name", "request"}, {"type", "inputNode"}},
                  model_node,
                  {{"id", "out"}, {"name", "response"}, {"type", "outputNode"}}}},
                {"edges",
                 {{{"id", "e1"}, {"sourceId", "in"}, {"targetId", "m"}},
                  {{"id", "e2"}, {"sourceId", "m"}, {"targetId", "out"}}}}};
  };
  const std::string request = Write("reasons_request.json", Request().dump());
  auto decide = [&](const std::string& name, const std::string& when) {
    return Credo("decide " + Write(name, graph(when).dump()) + " --input " + request);
  };
  // Scorecard scores are positive points, so "score >= 0" always holds and "score < 0" never does.
  CredoRun with = decide("with.json", "score >= 0");
  CredoRun without = decide("without.json", "score < 0");
  ASSERT_EQ(with.exit_code, 0) << with.out;
  ASSERT_EQ(without.exit_code, 0) << without.out;
  const json scored = json::parse(with.out).at("output").at("model");
  const json bare = json::parse(without.out).at("output").at("model");
  EXPECT_EQ(scored.at("reason_codes").size(), 2u);
  EXPECT_TRUE(bare.at("reason_codes").empty());
  EXPECT_EQ(scored.at("score"), bare.at("score"));
  EXPECT_EQ(scored.at("probability"), bare.at("probability"));

  CredoRun not_a_condition = decide("number.json", "score + 1");
  EXPECT_EQ(not_a_condition.exit_code, 2);
  EXPECT_NE(credo::testing::RunCredo("decide " + Path("number.json") + " --input " + request)
                .out.find("reasonsWhen"),
            std::string::npos);
}
