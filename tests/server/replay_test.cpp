// Replay: a recorded decision re-evaluates to exactly what was answered,
// with the version and clock it was made with; a tampered record does not.
#include "server/replay.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server_test_support.h"

namespace credo::server {
namespace {

using nlohmann::json;

class ReplayTest : public ServiceTest {
 protected:
  // Decides `body` with "cash" and returns the record the log kept.
  audit::DecisionRecord DecideAndFind(const std::string& body) {
    const Reply reply = service_->Decide("cash", body, false);
    EXPECT_EQ(reply.http_status, 200) << reply.body;
    auto found = log_->Find(BodyOf(reply.body)["decision_id"].get<std::string>());
    EXPECT_TRUE(found.ok() && found->has_value());
    return **found;
  }
};

TEST_F(ReplayTest, ARecordedDecisionIsReproducedExactly) {
  const audit::DecisionRecord record = DecideAndFind(R"({"score": 550, "applicant_id": "A-7"})");
  auto replay = ReplayDecision(*registry_, record);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_TRUE(replay->reproduced) << replay->difference;
  EXPECT_EQ(replay->difference, "");
  EXPECT_EQ(json::parse(replay->output_json), json::parse(record.output_json));
  EXPECT_EQ(replay->reasons_json, R"(["score_below_cutoff"])");
}

TEST_F(ReplayTest, ReplayUsesTheRecordedVersionAfterAnotherIsActivated) {
  const audit::DecisionRecord record = DecideAndFind(R"({"score": 650})");  // v1, cutoff 600: approve
  ASSERT_EQ(registry_->Upload("cash", CashLoanGraph(680)).value(), 2);
  ASSERT_TRUE(registry_->Activate("cash", 2).ok());  // under v2 650 would decline
  auto replay = ReplayDecision(*registry_, record);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_TRUE(replay->reproduced) << replay->difference;
  EXPECT_EQ(json::parse(replay->output_json)["decision"], "approve");
}

TEST_F(ReplayTest, ATamperedRecordIsDetected) {
  const audit::DecisionRecord record = DecideAndFind(R"({"score": 650})");

  audit::DecisionRecord tampered_output = record;
  json output = json::parse(record.output_json);
  output["decision"] = "decline";
  tampered_output.output_json = output.dump();
  auto replay = ReplayDecision(*registry_, tampered_output);
  ASSERT_TRUE(replay.ok());
  EXPECT_FALSE(replay->reproduced);
  EXPECT_EQ(replay->difference.rfind("output:", 0), 0u) << replay->difference;

  audit::DecisionRecord tampered_reasons = record;
  tampered_reasons.reasons_json = R"(["fraud_suspected"])";
  EXPECT_FALSE(ReplayDecision(*registry_, tampered_reasons)->reproduced);

  audit::DecisionRecord tampered_input = record;
  tampered_input.input_json = R"({"score": 550})";  // would decline
  EXPECT_FALSE(ReplayDecision(*registry_, tampered_input)->reproduced);

  // decided_on is the clock to the second: a clock one day later changes the output.
  audit::DecisionRecord tampered_clock = record;
  tampered_clock.clock_ms += 86'400'000;
  auto shifted = ReplayDecision(*registry_, tampered_clock);
  ASSERT_TRUE(shifted.ok());
  EXPECT_FALSE(shifted->reproduced);
  EXPECT_NE(shifted->difference.find("decided_on"), std::string::npos) << shifted->difference;

  audit::DecisionRecord gone_version = record;
  gone_version.version = 5;
  EXPECT_EQ(ReplayDecision(*registry_, gone_version).status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace credo::server
