// The HTTP layer on a real socket (an ephemeral loopback port): routes,
// the body limit, unknown routes, and the metrics the server exposes.
#include "server/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "server_test_support.h"

namespace credo::server {
namespace {

using nlohmann::json;

class HttpServerTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    server_ = std::make_unique<Server>(service_.get());
    ASSERT_TRUE(server_->Start("127.0.0.1", 0, 4).ok());
    ASSERT_GT(server_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    // One connection for the whole test: the server counts a request before
    // it reads the next one from the same connection.
    client_->set_keep_alive(true);
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    ServiceTest::TearDown();
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, ADecisionRoundTripsThroughTheDecisionsRoute) {
  auto decided = client_->Post("/v1/decide/cash", R"({"score": 720})", "application/json");
  ASSERT_TRUE(decided) << httplib::to_string(decided.error());
  ASSERT_EQ(decided->status, 200) << decided->body;
  EXPECT_EQ(decided->get_header_value("Content-Type"), "application/json");
  const json answer = BodyOf(decided->body);
  EXPECT_EQ(answer["output"]["grade"], "A");  // 720 >= 700: rule grade_a
  EXPECT_EQ(answer["output"]["decision"], "approve");

  auto found = client_->Get(("/v1/decisions/" + answer["decision_id"].get<std::string>()).c_str());
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200) << found->body;
  const json record = BodyOf(found->body);
  EXPECT_EQ(record["decision_id"], answer["decision_id"]);
  EXPECT_EQ(record["output"], answer["output"]);
  EXPECT_EQ(record["reasons"], answer["reasons"]);
  EXPECT_EQ(record["strategy"], "cash");
  EXPECT_EQ(record["version"], 1);
  EXPECT_EQ(record["input"], json::parse(R"({"score": 720})"));

  auto traced = client_->Post("/v1/decide/cash?trace=true", R"({"score": 720})", "application/json");
  ASSERT_TRUE(traced);
  EXPECT_TRUE(BodyOf(traced->body).contains("trace")) << traced->body;

  auto missing = client_->Get("/v1/decisions/dec_nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  ExpectError(missing->body, "not_found");
}

TEST_F(HttpServerTest, AnOversizedBodyIsRefusedWith413AndRecordsNothing) {
  const int64_t recorded = DecisionCount();
  // A valid JSON object just over the 1 MiB limit.
  const std::string padding(kMaxBodyBytes, 'x');
  const std::string body = R"({"score": 650, "padding": ")" + padding + "\"}";
  auto reply = client_->Post("/v1/decide/cash", body, "application/json");
  ASSERT_TRUE(reply) << httplib::to_string(reply.error());
  EXPECT_EQ(reply->status, 413);
  ExpectError(reply->body, "body_too_large");
  EXPECT_EQ(DecisionCount(), recorded);

  auto upload = client_->Put("/v1/strategies/cash", body, "application/json");
  ASSERT_TRUE(upload) << httplib::to_string(upload.error());
  EXPECT_EQ(upload->status, 413);
  EXPECT_EQ(ActiveVersion("cash"), 1);
}

TEST_F(HttpServerTest, ABodyManyTimesTheConnectionBufferIsDecidedInFull) {
  // 900 KiB: under the 1 MiB limit, far over the 32 KiB each connection
  // reads into, so the body arrives in many chunks.
  const std::string padding(900 * 1024, 'x');
  auto reply = client_->Post("/v1/decide/cash", R"({"score": 720, "padding": ")" + padding + "\"}",
                             "application/json");
  ASSERT_TRUE(reply) << httplib::to_string(reply.error());
  ASSERT_EQ(reply->status, 200) << reply->body.substr(0, 200);
  EXPECT_EQ(BodyOf(reply->body)["output"]["grade"], "A");
  auto found =
      client_->Get(("/v1/decisions/" + BodyOf(reply->body)["decision_id"].get<std::string>()).c_str());
  ASSERT_TRUE(found);
  EXPECT_EQ(BodyOf(found->body)["input"]["padding"].get<std::string>().size(), padding.size());
}

TEST_F(HttpServerTest, UnknownRoutesAndMethodsGetAJsonNotFound) {
  for (const char* path : {"/v2/decide/cash", "/", "/v1/decide"}) {
    auto reply = client_->Get(path);
    ASSERT_TRUE(reply) << path;
    EXPECT_EQ(reply->status, 404) << path;
    ExpectError(reply->body, "not_found");
  }
  auto wrong_method = client_->Get("/v1/decide/cash");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 404);
  ExpectError(wrong_method->body, "not_found");
}

TEST_F(HttpServerTest, StrategiesCanBeUploadedListedAndActivated) {
  auto refused =
      client_->Put("/v1/strategies/cash", R"({"nodes": [{"id": "x", "type": "functionNode"}], "edges": []})",
                   "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422) << refused->body;
  ExpectError(refused->body, "invalid_input");

  auto uploaded = client_->Put("/v1/strategies/cash", CashLoanGraph(700), "application/json");
  ASSERT_TRUE(uploaded);
  EXPECT_EQ(uploaded->status, 201) << uploaded->body;
  auto activated = client_->Post("/v1/strategies/cash/activate", R"({"version": 2})", "application/json");
  ASSERT_TRUE(activated);
  EXPECT_EQ(activated->status, 200) << activated->body;

  auto listed = client_->Get("/v1/strategies");
  ASSERT_TRUE(listed);
  EXPECT_EQ(BodyOf(listed->body)["strategies"][0],
            json::parse(R"({"name": "cash", "active_version": 2, "versions": [1, 2]})"));
  auto health = client_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(BodyOf(health->body)["status"], "ok");
}

TEST_F(HttpServerTest, MetricsCountRequestsDecisionsAndErrors) {
  ASSERT_EQ(client_->Post("/v1/decide/cash", R"({"score": 650})", "application/json")->status, 200);
  ASSERT_EQ(client_->Post("/v1/decide/cash", R"({"score": 640})", "application/json")->status, 200);
  ASSERT_EQ(client_->Post("/v1/decide/cash", R"({"score": 500})", "application/json")->status, 200);
  ASSERT_EQ(client_->Post("/v1/decide/cash", R"({"score": )", "application/json")->status, 400);
  ASSERT_EQ(client_->Get("/nowhere")->status, 404);
  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4");
  const std::string& text = metrics->body;
  // 650 and 640 approve (>= 600), 500 declines; the malformed body is a 400.
  for (const char* line : {
           "credo_http_requests_total{route=\"/v1/decide/{strategy}\",status=\"200\"} 3\n",
           "credo_http_requests_total{route=\"/v1/decide/{strategy}\",status=\"400\"} 1\n",
           "credo_http_requests_total{route=\"other\",status=\"404\"} 1\n",
           "credo_decisions_total{strategy=\"cash\",outcome=\"approve\"} 2\n",
           "credo_decisions_total{strategy=\"cash\",outcome=\"decline\"} 1\n",
           "credo_errors_total{code=\"invalid_json\"} 1\n",
           "credo_errors_total{code=\"not_found\"} 1\n",
           "credo_decision_latency_seconds_bucket{le=\"+Inf\"} 3\n",
           "credo_decision_latency_seconds_count 3\n",
           "# TYPE credo_decision_latency_seconds histogram\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "in:\n" << text;
  }
}

}  // namespace
}  // namespace credo::server
