// The decision API without sockets: a decision is answered and recorded;
// each kind of bad input gets its status and JSON error and changes neither
// the active version nor the audit log.
#include "server/decision_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server_test_support.h"

namespace credo::server {
namespace {

using nlohmann::json;

TEST_F(ServiceTest, ADecisionIsAnsweredAndRecorded) {
  // Score 650 with cutoff 600: rule grade_a (>= 700) misses, grade_b (>= 600) hits -> B -> approve.
  const Reply reply = service_->Decide("cash", R"({"score": 650, "applicant_id": "A-1"})", false);
  ASSERT_EQ(reply.http_status, 200) << reply.body;
  EXPECT_EQ(reply.error_code, "");
  const json answer = BodyOf(reply.body);
  EXPECT_EQ(answer["strategy"], "cash");
  EXPECT_EQ(answer["version"], 1);
  EXPECT_TRUE(answer["arm"].is_null());
  EXPECT_EQ(answer["output"]["decision"], "approve");
  EXPECT_EQ(answer["output"]["grade"], "B");
  EXPECT_EQ(answer["reasons"], json::array());
  EXPECT_FALSE(answer.contains("trace"));
  const std::string id = answer["decision_id"];
  EXPECT_EQ(id.rfind("dec_", 0), 0u) << id;
  EXPECT_EQ(id.size(), 4u + 26u) << id;  // "dec_" and the 26 characters of core/id.h

  auto record = log_->Find(id);
  ASSERT_TRUE(record.ok() && record->has_value());
  const audit::DecisionRecord& stored = **record;
  EXPECT_EQ(stored.strategy, "cash");
  EXPECT_EQ(stored.version, 1);
  EXPECT_EQ(stored.outcome, "approve");
  EXPECT_EQ(json::parse(stored.input_json), json::parse(R"({"score": 650, "applicant_id": "A-1"})"));
  EXPECT_EQ(json::parse(stored.output_json), answer["output"]);
  EXPECT_EQ(json::parse(stored.reasons_json), json::array());
  EXPECT_EQ(stored.clock_ms, stored.decided_at_ms);
  // The audit trace keeps the matched rule of the grade table, not node inputs/outputs.
  const json trace = json::parse(stored.trace_json);
  ASSERT_TRUE(trace.is_array());
  bool saw_grade = false;
  for (const json& node : trace) {
    EXPECT_FALSE(node.contains("input")) << node;
    if (node["id"] == "grade") {
      saw_grade = true;
      EXPECT_NE(node["matched"].dump().find("grade_b"), std::string::npos) << node;
    }
  }
  EXPECT_TRUE(saw_grade) << trace;

  const Reply found = service_->FindDecision(id);
  ASSERT_EQ(found.http_status, 200) << found.body;
  EXPECT_EQ(BodyOf(found.body)["output"], answer["output"]);
}

TEST_F(ServiceTest, ADeclineCarriesItsReasonsAndTheFullTraceWhenAskedFor) {
  // Score 550 < 600: rule grade_c -> C -> decline with reason score_below_cutoff.
  const Reply reply = service_->Decide("cash", R"({"score": 550})", true);
  ASSERT_EQ(reply.http_status, 200) << reply.body;
  const json answer = BodyOf(reply.body);
  EXPECT_EQ(answer["output"]["decision"], "decline");
  EXPECT_EQ(answer["reasons"], json::array({"score_below_cutoff"}));
  ASSERT_TRUE(answer.contains("trace"));
  bool saw_input = false;
  for (const json& node : answer["trace"]) saw_input |= node.contains("input");
  EXPECT_TRUE(saw_input) << answer["trace"];
  const auto stored = log_->Find(answer["decision_id"].get<std::string>()).value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->outcome, "decline");
  EXPECT_EQ(stored->trace_json.find("\"input\""), std::string::npos) << stored->trace_json;
}

TEST_F(ServiceTest, EachBadDecisionRequestGetsItsErrorAndRecordsNothing) {
  const int64_t recorded = DecisionCount();
  struct Case {
    std::string strategy;
    std::string body;
    int http_status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"cash", R"({"score": 650,)", 400, "invalid_json"},
      {"cash", "", 400, "invalid_json"},
      // A number past double is nlohmann's out_of_range, not a parse_error:
      // it once escaped the handler and ended the server.
      {"cash", R"({"score": 1e400})", 400, "invalid_json"},
      // Not UTF-8: the error message quotes the bytes read, and must still be JSON.
      {"cash", "{\"name\": \"\xff\"}", 400, "invalid_json"},
      {"cash", std::string(100000, '[') + std::string(100000, ']'), 400, "invalid_json"},
      {"cash", R"([{"score": 650}])", 422, "invalid_input"},
      {"cash", R"("score")", 422, "invalid_input"},
      {"nobody", R"({"score": 650})", 404, "not_found"},
      {"nobody\xff", R"({"score": 650})", 404, "not_found"},
      {"shout", R"({"name": 5})", 422, "evaluation_failed"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.strategy + " " + c.body.substr(0, 40));
    const Reply reply = service_->Decide(c.strategy, c.body, false);
    EXPECT_EQ(reply.http_status, c.http_status) << reply.body;
    EXPECT_EQ(reply.error_code, c.code);
    ExpectError(reply.body, c.code);
  }
  EXPECT_EQ(DecisionCount(), recorded);
  EXPECT_EQ(ActiveVersion("cash"), 1);

  // The JSON error says where the body broke; the evaluation error names the node.
  const json malformed = BodyOf(service_->Decide("cash", "{\"score\": }", false).body);
  EXPECT_NE(malformed["error"]["message"].get<std::string>().find("column 11"), std::string::npos)
      << malformed;
  EXPECT_EQ(malformed["error"]["path"], "$");
  const json failed = BodyOf(service_->Decide("shout", R"({"name": 5})", false).body);
  EXPECT_NE(failed["error"]["message"].get<std::string>().find("shout"), std::string::npos) << failed;

  // Missing fields are not an error (ZEN null semantics): no score -> grade C -> decline, recorded.
  const Reply missing = service_->Decide("cash", "{}", false);
  ASSERT_EQ(missing.http_status, 200) << missing.body;
  EXPECT_EQ(BodyOf(missing.body)["output"]["decision"], "decline");
  EXPECT_EQ(DecisionCount(), recorded + 1);
}

TEST_F(ServiceTest, AnInvalidUploadIsRefusedAndChangesNothing) {
  const auto files_before = StrategyFiles();
  const int64_t recorded = DecisionCount();

  std::string bad_cell = CashLoanGraph(600);
  bad_cell.replace(bad_cell.find(">= 600"), 6, ">= +* 600");
  const Reply refused = service_->UploadStrategy("cash", bad_cell);
  EXPECT_EQ(refused.http_status, 422) << refused.body;
  ExpectError(refused.body, "invalid_input");
  EXPECT_NE(BodyOf(refused.body)["error"]["message"].get<std::string>().find("grade"), std::string::npos)
      << refused.body;

  const Reply malformed = service_->UploadStrategy("cash", "{\"nodes\": [");
  EXPECT_EQ(malformed.http_status, 400) << malformed.body;
  ExpectError(malformed.body, "invalid_json");
  const Reply overflow = service_->UploadStrategy("cash", "{\"nodes\": [1e400]}");
  EXPECT_EQ(overflow.http_status, 400) << overflow.body;
  ExpectError(overflow.body, "invalid_json");

  const Reply bad_name = service_->UploadStrategy("Cash Loan", CashLoanGraph(650));
  EXPECT_EQ(bad_name.http_status, 422) << bad_name.body;
  ExpectError(bad_name.body, "invalid_input");

  EXPECT_EQ(StrategyFiles(), files_before);
  EXPECT_EQ(ActiveVersion("cash"), 1);
  EXPECT_EQ(DecisionCount(), recorded);
  EXPECT_EQ(BodyOf(service_->ListStrategies().body)["strategies"][0]["versions"], json::array({1}));
}

TEST_F(ServiceTest, UploadActivateAndRollBack) {
  const Reply uploaded = service_->UploadStrategy("cash", CashLoanGraph(680));
  ASSERT_EQ(uploaded.http_status, 201) << uploaded.body;
  EXPECT_EQ(BodyOf(uploaded.body), json::parse(R"({"name": "cash", "version": 2, "active_version": 1})"));

  // Score 650: approve under cutoff 600 (version 1), decline under cutoff 680 (version 2).
  EXPECT_EQ(BodyOf(service_->Decide("cash", R"({"score": 650})", false).body)["output"]["decision"],
            "approve");
  const Reply activated = service_->ActivateStrategy("cash", R"({"version": 2})");
  ASSERT_EQ(activated.http_status, 200) << activated.body;
  const json under_v2 = BodyOf(service_->Decide("cash", R"({"score": 650})", false).body);
  EXPECT_EQ(under_v2["version"], 2);
  EXPECT_EQ(under_v2["output"]["decision"], "decline");

  const int64_t recorded = DecisionCount();
  const Reply unknown_version = service_->ActivateStrategy("cash", R"({"version": 9})");
  EXPECT_EQ(unknown_version.http_status, 404) << unknown_version.body;
  ExpectError(unknown_version.body, "not_found");
  const Reply unknown_strategy = service_->ActivateStrategy("nobody", R"({"version": 1})");
  EXPECT_EQ(unknown_strategy.http_status, 404) << unknown_strategy.body;
  for (const char* body :
       {R"({"version": "2"})", R"({})", R"([2])", R"({"version": 0})", R"({"version": 1.5})"}) {
    const Reply bad = service_->ActivateStrategy("cash", body);
    EXPECT_EQ(bad.http_status, 422) << body << " " << bad.body;
    ExpectError(bad.body, "invalid_input");
  }
  EXPECT_EQ(service_->ActivateStrategy("cash", "{version: 1}").http_status, 400);
  EXPECT_EQ(ActiveVersion("cash"), 2);
  EXPECT_EQ(DecisionCount(), recorded);

  ASSERT_EQ(service_->ActivateStrategy("cash", R"({"version": 1})").http_status, 200);  // roll back
  EXPECT_EQ(BodyOf(service_->Decide("cash", R"({"score": 650})", false).body)["output"]["decision"],
            "approve");
  EXPECT_EQ(BodyOf(service_->ListStrategies().body)["strategies"][0],
            json::parse(R"({"name": "cash", "active_version": 1, "versions": [1, 2]})"));
}

TEST_F(ServiceTest, AnUnknownDecisionIsNotFound) {
  const Reply reply = service_->FindDecision("dec_00000000000000000000000000");
  EXPECT_EQ(reply.http_status, 404);
  ExpectError(reply.body, "not_found");
}

TEST_F(ServiceTest, HealthCountsTheStrategies) {
  const Reply reply = service_->Health();
  EXPECT_EQ(reply.http_status, 200);
  EXPECT_EQ(BodyOf(reply.body), json::parse(R"({"status": "ok", "strategies": 2})"));
}

}  // namespace
}  // namespace credo::server
