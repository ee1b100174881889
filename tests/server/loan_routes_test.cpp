// The loan routes through real HTTP: opening plain and product loans,
// schedules, repayments and their replay, the pre-disbursement check, the
// end-of-day batch, and the errors that name the field at fault.
#include <nlohmann/json.hpp>

#include "core/money.h"
#include "loan_routes_test_support.h"

namespace credo::server {
namespace {

using nlohmann::json;

// The sum of one amount column of a schedule, in fen.
int64_t ColumnFen(const json& installments, const char* column) {
  int64_t sum = 0;
  for (const json& row : installments) sum += ParseMoneyFen(row[column].get<std::string>()).value();
  return sum;
}

TEST_F(LoanRoutesTest, APlainLoanOpensWithItsHandCheckedSchedule) {
  const json opened = OpenPlainLoan("open-1");
  EXPECT_EQ(opened["replayed"], false);
  EXPECT_EQ(opened["cash_paid"], "2700.00");  // no fees: all of the principal is paid out
  const json& loan = opened["loan"];
  EXPECT_EQ(loan["id"], opened["loan_id"]);
  EXPECT_EQ(loan["customer_id"], "C1");
  EXPECT_EQ(loan["credit_line_id"], nullptr);
  EXPECT_EQ(loan["product"], "plain");
  EXPECT_EQ(loan["status"], "active");
  EXPECT_EQ(loan["terms"]["method"], "equal-installment");
  ASSERT_EQ(loan["installments"].size(), 12u);
  const json& first = loan["installments"][0];
  EXPECT_EQ(first["due_date"], "2026-02-15");
  EXPECT_EQ(first["interest"], "45.00");
  EXPECT_EQ(first["principal"], "205.11");
  EXPECT_EQ(first["installment"], "250.11");
  EXPECT_EQ(first["principal_paid"], "0.00");
  // Without fees the IRR of an annuity is its own rate, 20%, up to the fen rounding of the installment.
  EXPECT_NEAR(loan["apr_irr_bps"].get<int64_t>(), 2000, 1);

  const Answer schedule = Get("/v1/loans/" + opened["loan_id"].dump() + "/schedule");
  ASSERT_EQ(schedule.status, 200) << schedule.body;
  // The principal column sums exactly to the amount lent, and the totals say so.
  EXPECT_EQ(ColumnFen(schedule.body["installments"], "principal"), 270000);
  EXPECT_EQ(schedule.body["totals"]["principal"], "2700.00");
  EXPECT_EQ(schedule.body["installments"][11]["remaining_principal"], "0.00");
  // Nothing is paid yet: all that is owed is the plan.
  EXPECT_EQ(loan["owed"]["total"], schedule.body["totals"]["installment"]);
}

TEST_F(LoanRoutesTest, ProductLoansArePricedFromTheCatalogue) {
  // goods_installment: 3600.00 over 12 months, no interest, a fee of 0.60% of
  // 3600.00 = 21.60 a month, principal 3600 / 12 = 300.00 a month; the
  // merchant's 3% discount (108.00) is kept: 3600.00 − 108.00 = 3492.00 paid out.
  const Answer goods = Post("/v1/loans", {{"request_key", "goods-1"},
                                          {"product", "goods_installment"},
                                          {"principal", "3600.00"},
                                          {"term", 12},
                                          {"start", "2026-03-01"}});
  ASSERT_EQ(goods.status, 201) << goods.body;
  EXPECT_EQ(goods.body["cash_paid"], "3492.00");
  const json& row = goods.body["loan"]["installments"][0];
  EXPECT_EQ(row["principal"], "300.00");
  EXPECT_EQ(row["interest"], "0.00");
  EXPECT_EQ(row["fee"], "21.60");
  EXPECT_EQ(row["installment"], "321.60");
  EXPECT_EQ(goods.body["loan"]["product"], "goods_installment");
  EXPECT_EQ(goods.body["loan"]["customer_id"], nullptr);

  // cash_installment at its lowest rate, 7.20%: its 0.5% upfront fee on
  // 2700.00 is 13.50, so 2686.50 is paid out.
  const Answer cash = Post("/v1/loans", {{"request_key", "cash-1"},
                                         {"product", "cash_installment"},
                                         {"principal", "2700.00"},
                                         {"term", 12},
                                         {"start", "2026-01-15"}});
  ASSERT_EQ(cash.status, 201) << cash.body;
  EXPECT_EQ(cash.body["cash_paid"], "2686.50");
  EXPECT_EQ(cash.body["loan"]["terms"]["interest_annual_bps"], 720);
  EXPECT_EQ(cash.body["loan"]["terms"]["upfront_fee"], "13.50");
}

TEST_F(LoanRoutesTest, ARepaymentReplayedByItsKeyPostsNothingNew) {
  const std::string loan = "/v1/loans/" + OpenPlainLoan("open-1")["loan_id"].dump();
  const json payment = {{"request_key", "pay-1"}, {"amount", "250.11"}, {"date", "2026-02-15"}};
  const Answer paid = Post(loan + "/repayments", payment);
  ASSERT_EQ(paid.status, 201) << paid.body;
  // Exactly the first installment: interest 45.00 first, then principal 205.11.
  EXPECT_EQ(paid.body["allocation"]["interest"], "45.00");
  EXPECT_EQ(paid.body["allocation"]["principal"], "205.11");
  EXPECT_EQ(paid.body["allocation"]["overpayment"], "0.00");
  EXPECT_EQ(paid.body["loan_closed"], false);
  EXPECT_EQ(paid.body["replayed"], false);

  const Answer replayed = Post(loan + "/repayments", payment);
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(replayed.body["replayed"], true);
  EXPECT_EQ(replayed.body["entry_id"], paid.body["entry_id"]);
  EXPECT_EQ(replayed.body["allocation"], paid.body["allocation"]);

  // Paid once, not twice: installment 1 settled, installment 2 untouched.
  const Answer shown = Get(loan);
  ASSERT_EQ(shown.status, 200) << shown.body;
  const json& installments = shown.body["installments"];
  EXPECT_EQ(installments[0]["principal_paid"], "205.11");
  EXPECT_EQ(installments[0]["interest_paid"], "45.00");
  EXPECT_EQ(installments[0]["owed"], "0.00");
  EXPECT_EQ(installments[1]["principal_paid"], "0.00");
  EXPECT_EQ(installments[1]["interest_paid"], "0.00");
  EXPECT_EQ(ColumnFen(installments, "principal_paid"), 20511);
  EXPECT_EQ(shown.body["owed"]["principal"], "2494.89");  // 2700.00 − 205.11

  // The same key for another amount is another request.
  ExpectErrorAt(
      Post(loan + "/repayments", {{"request_key", "pay-1"}, {"amount", "1.00"}, {"date", "2026-02-15"}}), 409,
      "conflict", "$.request_key");
}

TEST_F(LoanRoutesTest, ALoanOpenedTwiceByItsKeyIsReplayed) {
  const json first = OpenPlainLoan("open-1");
  const Answer again = Post("/v1/loans", PlainLoanBody("open-1"));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body["replayed"], true);
  EXPECT_EQ(again.body["loan_id"], first["loan_id"]);
  EXPECT_EQ(again.body["entry_id"], first["entry_id"]);
  json other = PlainLoanBody("open-1");
  other["principal"] = "2800.00";
  ExpectErrorAt(Post("/v1/loans", other), 409, "conflict", "$.request_key");
}

TEST_F(LoanRoutesTest, BadRequestsNameTheField) {
  ExpectErrorAt(PostText("/v1/loans", "{\"request_key\": "), 400, "invalid_json", "$");
  ExpectErrorAt(PostText("/v1/loans", "[1, 2]"), 422, "invalid_input", "$");
  const auto with = [](const char* field, json value) {
    json body = PlainLoanBody("bad");
    if (value.is_null())
      body.erase(field);
    else
      body[field] = std::move(value);
    return body;
  };
  ExpectErrorAt(Post("/v1/loans", with("principal", "27.001")), 422, "invalid_input", "$.principal");
  ExpectErrorAt(Post("/v1/loans", with("principal", 2700)), 422, "invalid_input", "$.principal");
  ExpectErrorAt(Post("/v1/loans", with("principal", "-5.00")), 422, "invalid_input", "$.principal");
  ExpectErrorAt(Post("/v1/loans", with("term", 0)), 422, "invalid_input", "$.term");
  ExpectErrorAt(Post("/v1/loans", with("start", nullptr)), 422, "invalid_input", "$.start");
  ExpectErrorAt(Post("/v1/loans", with("start", "2026-02-30")), 422, "invalid_input", "$.start");
  ExpectErrorAt(Post("/v1/loans", with("apr_bps", nullptr)), 422, "invalid_input", "$.apr_bps");
  ExpectErrorAt(Post("/v1/loans", with("request_key", nullptr)), 422, "invalid_input", "$.request_key");
  ExpectErrorAt(Post("/v1/loans", with("method", "balloon")), 422, "invalid_input", "$.method");
  // 30% a year is above the default APR cap of 24%.
  ExpectErrorAt(Post("/v1/loans", with("apr_bps", 3000)), 422, "invalid_input", "$.apr_bps");
  ExpectErrorAt(Post("/v1/loans", with("product", "gold_card")), 422, "invalid_input", "$.product");
  // A revolving line is drawn on, not opened as a loan.
  ExpectErrorAt(Post("/v1/loans", with("product", "revolving_line")), 422, "invalid_input", "$.product");
  // 60000.00 is above cash_installment's largest amount, 50000.00.
  json too_much = with("product", "cash_installment");
  too_much.erase("apr_bps");
  too_much["principal"] = "60000.00";
  ExpectErrorAt(Post("/v1/loans", too_much), 422, "invalid_input", "$.principal");
  // cash_installment repays by equal installments; another method is refused at $.method.
  json other_method = with("product", "cash_installment");
  other_method.erase("apr_bps");
  other_method["method"] = "equal-principal";
  ExpectErrorAt(Post("/v1/loans", other_method), 422, "invalid_input", "$.method");
  EXPECT_EQ(Get("/v1/loans/1").status, 404);  // none of these opened a loan

  const std::string loan = "/v1/loans/" + OpenPlainLoan("open-1")["loan_id"].dump();
  const auto repay = [&](const char* amount) {
    return Post(loan + "/repayments",
                {{"request_key", std::string("pay-") + amount}, {"amount", amount}, {"date", "2026-02-15"}});
  };
  ExpectErrorAt(repay("0.00"), 422, "invalid_input", "$.amount");
  ExpectErrorAt(repay("-1.00"), 422, "invalid_input", "$.amount");
  ExpectErrorAt(repay("1.001"), 422, "invalid_input", "$.amount");
  ExpectErrorAt(
      Post(loan + "/repayments", {{"request_key", "p"}, {"amount", "1.00"}, {"date", "15/02/2026"}}), 422,
      "invalid_input", "$.date");
}

// Zero, negative and sub-fen amounts, and a draw above what is available,
// are refused at the field that carries them, and post nothing: the loan and
// the line read back exactly as before.
TEST_F(LoanRoutesTest, BadAmountsAreRefusedAndPostNothing) {
  const std::string loan = "/v1/loans/" + OpenPlainLoan("open-1")["loan_id"].dump();
  const Answer line_opened = Post("/v1/credit-lines", {{"request_key", "line-1"},
                                                       {"customer_id", "C9"},
                                                       {"product", "revolving_line"},
                                                       {"limit", "10000.00"},
                                                       {"date", "2026-01-01"}});
  ASSERT_EQ(line_opened.status, 201) << line_opened.body;
  const std::string line = "/v1/credit-lines/" + line_opened.body["id"].dump();
  const json loan_before = Get(loan).body;
  const json line_before = Get(line).body;
  for (const char* amount : {"0.00", "-1.00", "1.001", "250.115"}) {
    const std::string key = std::string("bad-") + amount;
    ExpectErrorAt(
        Post(loan + "/prepayments",
             {{"request_key", key}, {"amount", amount}, {"date", "2026-02-15"}, {"mode", "shorten-term"}}),
        422, "invalid_input", "$.amount");
    ExpectErrorAt(Post(line + "/draws",
                       {{"request_key", key}, {"amount", amount}, {"term", 3}, {"date", "2026-01-10"}}),
                  422, "invalid_input", "$.amount");
  }
  // 10000.01 is a fen above the 10000.00 available.
  ExpectErrorAt(Post(line + "/draws",
                     {{"request_key", "over"}, {"amount", "10000.01"}, {"term", 3}, {"date", "2026-01-10"}}),
                409, "conflict", "$.amount");
  ExpectErrorAt(
      Post(line + "/limit",
           {{"request_key", "raise"}, {"kind", "raise"}, {"limit", "20000.001"}, {"date", "2026-01-12"}}),
      422, "invalid_input", "$.limit");
  ExpectErrorAt(Post("/v1/credit-lines", {{"request_key", "line-2"},
                                          {"customer_id", "C9"},
                                          {"product", "revolving_line"},
                                          {"limit", "100.001"},
                                          {"date", "2026-01-01"}}),
                422, "invalid_input", "$.limit");
  EXPECT_EQ(Get(loan).body, loan_before);
  EXPECT_EQ(Get(line).body, line_before);
  EXPECT_EQ(Get("/v1/credit-lines/2").status, 404);
}

TEST_F(LoanRoutesTest, UnknownAndClosedLoansAreRefused) {
  ExpectErrorAt(Get("/v1/loans/99"), 404, "not_found", "id");
  ExpectErrorAt(Get("/v1/loans/abc"), 404, "not_found", "id");
  ExpectErrorAt(Get("/v1/loans/99/schedule"), 404, "not_found", "id");
  const json payment = {{"request_key", "pay-1"}, {"amount", "100.00"}, {"date", "2026-02-15"}};
  ExpectErrorAt(Post("/v1/loans/99/repayments", payment), 404, "not_found", "id");

  // 4000.00 is more than everything the loan will ever owe (11 × 250.11 +
  // 250.15, the last absorbing the rounding, = 3001.36): it closes the loan
  // and the rest is customer credit.
  const std::string loan = "/v1/loans/" + OpenPlainLoan("open-1")["loan_id"].dump();
  const Answer closing =
      Post(loan + "/repayments", {{"request_key", "pay-all"}, {"amount", "4000.00"}, {"date", "2026-01-20"}});
  ASSERT_EQ(closing.status, 201) << closing.body;
  EXPECT_EQ(closing.body["loan_closed"], true);
  const Answer closed = Get(loan);
  EXPECT_EQ(closed.body["status"], "closed");
  EXPECT_EQ(closed.body["owed"]["total"], "0.00");
  // Held for the borrower: 4000.00 − 3001.36; interest is the plan's 3001.36 − 2700.00.
  EXPECT_EQ(closing.body["allocation"]["overpayment"], "998.64");
  EXPECT_EQ(closing.body["allocation"]["interest"], "301.36");
  ExpectErrorAt(Post(loan + "/repayments", payment), 409, "conflict", "id");
}

TEST_F(LoanRoutesTest, APreDisbursementCheckThatDeclinesRefusesTheLoan) {
  const int64_t decisions = DecisionCount();
  json body = PlainLoanBody("open-checked");
  body["check_strategy"] = "precheck";
  body["applicant"] = {{"score", 550}};  // below 600: decline
  const Answer declined = Post("/v1/loans", body);
  ExpectErrorAt(declined, 422, "declined", "$.applicant");
  EXPECT_EQ(declined.body["decision"]["decision"], "decline");
  EXPECT_EQ(declined.body["decision"]["reasons"], json::array({"score_below_600"}));
  EXPECT_EQ(declined.body["decision"]["strategy"], "precheck");
  EXPECT_EQ(DecisionCount(), decisions + 1);  // the check is an audited decision
  EXPECT_EQ(Get("/v1/loans/1").status, 404);  // nothing was posted

  body["applicant"] = {{"score", 650}};  // 650 >= 600: approve
  const Answer approved = Post("/v1/loans", body);
  ASSERT_EQ(approved.status, 201) << approved.body;
  EXPECT_EQ(DecisionCount(), decisions + 2);
  // A replay returns the loan without deciding again.
  const Answer replayed = Post("/v1/loans", body);
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(replayed.body["loan_id"], approved.body["loan_id"]);
  EXPECT_EQ(DecisionCount(), decisions + 2);

  json unknown = PlainLoanBody("open-unknown-check");
  unknown["check_strategy"] = "no_such_strategy";
  ExpectErrorAt(Post("/v1/loans", unknown), 422, "check_failed", "$.check_strategy");
  unknown["check_strategy"] = "precheck";
  unknown["applicant"] = "Li Lei";
  ExpectErrorAt(Post("/v1/loans", unknown), 422, "invalid_input", "$.applicant");

  // A whole decision request as the application: the strategy reads the same
  // applicant.score, and the loan it would pay out under `loan`.
  json application = PlainLoanBody("open-application");
  application["check_strategy"] = "precheck";
  application["application"] = {{"applicant", {{"score", 590}}}, {"channel", "app"}};  // 590 < 600
  const Answer declined_application = Post("/v1/loans", application);
  ExpectErrorAt(declined_application, 422, "declined", "$.application");
  const std::string decision_id = declined_application.body["decision"]["decision_id"];
  const Answer recorded = Get("/v1/decisions/" + decision_id);
  ASSERT_EQ(recorded.status, 200) << recorded.body;
  EXPECT_EQ(recorded.body["input"]["channel"], "app");
  EXPECT_EQ(recorded.body["input"]["loan"]["principal_fen"], 270000);
  EXPECT_EQ(recorded.body["input"]["loan"]["term_months"], 12);
}

TEST_F(LoanRoutesTest, EndOfDayRunsOnceADate) {
  const std::string loan = "/v1/loans/" + OpenPlainLoan("open-1")["loan_id"].dump();
  // 2026-02-20: installment 1 (due 02-15, unpaid) is 5 days past due, no
  // grace for a plain loan: its interest 45.00 is recognised; penalty at the
  // default 18% a year on a 360-day year: 205.11 × 0.18 × 5 / 360 = 0.5128 -> 0.51;
  // the loan becomes overdue and moves from M0 to M1 (1–30 days).
  const Answer run = Post("/v1/eod", {{"date", "2026-02-20"}});
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(run.body["business_date"], "2026-02-20");
  EXPECT_EQ(run.body["already_done"], false);
  EXPECT_EQ(run.body["loans_processed"], 1);
  EXPECT_EQ(run.body["interest"], "45.00");
  EXPECT_EQ(run.body["penalty"], "0.51");
  EXPECT_EQ(run.body["events"]["became_overdue"], 1);
  EXPECT_EQ(run.body["events"]["bucket_changed"], 1);
  EXPECT_EQ(run.body["loans_by_bucket"]["M1"], 1);
  EXPECT_EQ(run.body["loans_by_bucket"]["M0"], 0);

  const Answer shown = Get(loan);
  EXPECT_EQ(shown.body["installments"][0]["interest_recognised"], "45.00");
  EXPECT_EQ(shown.body["installments"][0]["penalty_charged"], "0.51");
  EXPECT_EQ(shown.body["owed"]["penalty"], "0.51");

  const Answer again = Post("/v1/eod", {{"date", "2026-02-20"}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body["already_done"], true);
  EXPECT_EQ(again.body["interest"], "0.00");
  ExpectErrorAt(Post("/v1/eod", {{"date", "2026-02-19"}}), 422, "invalid_input", "$.date");
  ExpectErrorAt(Post("/v1/eod", json::object()), 422, "invalid_input", "$.date");
}

TEST_F(LoanRoutesTest, LoanRoutesAreCountedByTheirPattern) {
  OpenPlainLoan("open-1");
  ASSERT_EQ(Get("/v1/loans/1").status, 200);
  ASSERT_EQ(Get("/v1/loans/2").status, 404);
  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("credo_http_requests_total{route=\"/v1/loans\",status=\"201\"} 1"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("credo_http_requests_total{route=\"/v1/loans/{id}\",status=\"200\"} 1"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("credo_http_requests_total{route=\"/v1/loans/{id}\",status=\"404\"} 1"),
            std::string::npos)
      << metrics->body;
}

TEST_F(LoanRoutesTest, AServerWithoutALedgerAnswers503) {
  Server decisions_only(service_.get());
  ASSERT_TRUE(decisions_only.Start("127.0.0.1", 0, 2).ok());
  httplib::Client client("127.0.0.1", decisions_only.port());
  auto reply = client.Post("/v1/loans", PlainLoanBody("open-1").dump(), "application/json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503);
  ExpectError(reply->body, "no_ledger");
}

}  // namespace
}  // namespace credo::server
