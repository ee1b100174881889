// Shared by the loan route tests: a server with a LoanService on a fresh
// ledger (the example products, a tiny pre-disbursement strategy) and an
// HTTP client that speaks JSON to it.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "server/http_server.h"
#include "server/loan_routes.h"
#include "server_test_support.h"

namespace credo::server {

// The pre-disbursement strategy "precheck", one expression node:
//   decision = applicant.score >= 600 ? "approve" : "decline"
//   reasons  = applicant.score >= 600 ? [] : ["score_below_600"]
inline std::string PrecheckGraph() {
  using nlohmann::json;
  const json decide = {
      {"expressions",
       {{{"id", "e1"}, {"key", "decision"}, {"value", "applicant.score >= 600 ? 'approve' : 'decline'"}},
        {{"id", "e2"}, {"key", "reasons"}, {"value", "applicant.score >= 600 ? [] : ['score_below_600']"}}}}};
  return json{{"nodes",
               {{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}},
                {{"id", "decide"}, {"type", "expressionNode"}, {"name", "decide"}, {"content", decide}},
                {{"id", "out"}, {"type", "outputNode"}, {"name", "response"}}}},
              {"edges",
               {{{"id", "a"}, {"sourceId", "in"}, {"targetId", "decide"}},
                {{"id", "b"}, {"sourceId", "decide"}, {"targetId", "out"}}}}}
      .dump();
}

// A status and a JSON body.
struct Answer {
  int status = 0;
  nlohmann::json body;
};

// The server of ServiceTest with loan routes on ledger.db, pricing from
// examples/products, checking disbursements with the strategies of
// ServiceTest plus "precheck".
class LoanRoutesTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    const Reply uploaded = service_->UploadStrategy("precheck", PrecheckGraph());
    ASSERT_EQ(uploaded.http_status, 201) << uploaded.body;
    LoanServiceOptions options;
    options.ledger_db = (root_ / "ledger.db").string();
    options.products_dir = CREDO_SOURCE_DIR "/examples/products";
    options.decisions = service_.get();
    auto loans = LoanService::Open(options);
    ASSERT_TRUE(loans.ok()) << loans.status().ToString();
    loans_ = std::move(loans).value();
    server_ = std::make_unique<Server>(service_.get(), nullptr, loans_.get());
    ASSERT_TRUE(server_->Start("127.0.0.1", 0, 2).ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    loans_.reset();
    ServiceTest::TearDown();
  }

  Answer PostText(const std::string& path, const std::string& body) {
    return AnswerOf(client_->Post(path.c_str(), body, "application/json"));
  }
  Answer Post(const std::string& path, const nlohmann::json& body) { return PostText(path, body.dump()); }
  Answer Get(const std::string& path) { return AnswerOf(client_->Get(path.c_str())); }

  // Opens the plain loan the tests work on: 2700.00 over 12 months at 20%
  // a year from 2026-01-15, equal installments, for customer C1. Its first
  // installment (hand check): interest 2700.00 × 20% / 12 = 45.00; the level
  // installment 2700 × r / (1 − (1 + r)^−12), r = 0.2 / 12, = 250.11; so
  // principal 250.11 − 45.00 = 205.11. Returns the 201 body.
  nlohmann::json OpenPlainLoan(const std::string& request_key) {
    const Answer opened = Post("/v1/loans", PlainLoanBody(request_key));
    EXPECT_EQ(opened.status, 201) << opened.body;
    return opened.body;
  }
  static nlohmann::json PlainLoanBody(const std::string& request_key) {
    return {{"request_key", request_key},
            {"customer_id", "C1"},
            {"principal", "2700.00"},
            {"term", 12},
            {"apr_bps", 2000},
            {"start", "2026-01-15"}};
  }

  std::unique_ptr<LoanService> loans_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;

 private:
  static Answer AnswerOf(const httplib::Result& result) {
    if (!result) {
      ADD_FAILURE() << httplib::to_string(result.error());
      return {};
    }
    return {result->status, BodyOf(result->body)};
  }
};

// Checks an answer is the error {code, message, path} with this status, code and path.
inline void ExpectErrorAt(const Answer& answer, int status, const std::string& code,
                          const std::string& path) {
  EXPECT_EQ(answer.status, status) << answer.body;
  ExpectError(answer.body.dump(), code);
  EXPECT_EQ(answer.body["error"].value("path", ""), path) << answer.body;
}

}  // namespace credo::server
