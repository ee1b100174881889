// The loan routes over the servicing operations: payoff quote and
// prepayment, reversal, write-off, credit lines and draws, a customer's
// delinquency.
#include <nlohmann/json.hpp>

#include "loan_routes_test_support.h"

namespace credo::server {
namespace {

using nlohmann::json;

class LoanServicingRoutesTest : public LoanRoutesTest {
 protected:
  // The path of the plain loan of OpenPlainLoan.
  std::string PlainLoan() { return "/v1/loans/" + OpenPlainLoan("open-1")["loan_id"].dump(); }
};

TEST_F(LoanServicingRoutesTest, APayoffQuoteOnTheStartDateIsThePrincipal) {
  const std::string loan = PlainLoan();
  // On the disbursement date no interest has accrued and nothing is due: the
  // loan is paid off by its principal, 2700.00.
  const Answer quote = Post(loan + "/payoff-quote", {{"date", "2026-01-15"}});
  ASSERT_EQ(quote.status, 200) << quote.body;
  EXPECT_EQ(quote.body["principal"], "2700.00");
  EXPECT_EQ(quote.body["interest"], "0.00");
  EXPECT_EQ(quote.body["total"], "2700.00");
  ExpectErrorAt(Post("/v1/loans/99/payoff-quote", {{"date", "2026-01-15"}}), 404, "not_found", "id");

  const json payoff = {
      {"request_key", "prepay-1"}, {"amount", "2700.00"}, {"date", "2026-01-15"}, {"mode", "payoff"}};
  const Answer paid = Post(loan + "/prepayments", payoff);
  ASSERT_EQ(paid.status, 201) << paid.body;
  EXPECT_EQ(paid.body["loan_closed"], true);
  EXPECT_EQ(Post(loan + "/prepayments", payoff).status, 200);  // replayed
  EXPECT_EQ(Get(loan).body["status"], "closed");
  json bad_mode = payoff;
  bad_mode["request_key"] = "prepay-2";
  bad_mode["mode"] = "sideways";
  ExpectErrorAt(Post(loan + "/prepayments", bad_mode), 422, "invalid_input", "$.mode");
}

TEST_F(LoanServicingRoutesTest, AReversalTakesTheRepaymentBack) {
  const std::string loan = PlainLoan();
  ASSERT_EQ(
      Post(loan + "/repayments", {{"request_key", "pay-1"}, {"amount", "250.11"}, {"date", "2026-02-15"}})
          .status,
      201);
  const json reversal = {
      {"request_key", "rev-1"}, {"repayment_key", "pay-1"}, {"date", "2026-02-16"}, {"reason", "bounced"}};
  const Answer reversed = Post(loan + "/reversals", reversal);
  ASSERT_EQ(reversed.status, 201) << reversed.body;
  // The mirror of the repayment: 45.00 interest and 205.11 principal taken back.
  EXPECT_EQ(reversed.body["amount"], "250.11");
  EXPECT_EQ(reversed.body["allocation"]["principal"], "205.11");
  EXPECT_EQ(reversed.body["allocation"]["interest"], "45.00");
  EXPECT_EQ(Get(loan).body["installments"][0]["principal_paid"], "0.00");
  EXPECT_EQ(Post(loan + "/reversals", reversal).body["replayed"], true);
}

TEST_F(LoanServicingRoutesTest, AWrittenOffLoanTakesNoMorePayments) {
  const std::string loan = PlainLoan();
  const Answer written_off = Post(
      loan + "/write-off", {{"request_key", "wo-1"}, {"date", "2026-06-30"}, {"reason", "uncollectable"}});
  ASSERT_EQ(written_off.status, 201) << written_off.body;
  EXPECT_EQ(written_off.body["principal"], "2700.00");  // nothing was repaid
  EXPECT_EQ(Get(loan).body["status"], "written_off");
  ExpectErrorAt(
      Post(loan + "/repayments", {{"request_key", "pay-1"}, {"amount", "1.00"}, {"date", "2026-07-01"}}), 409,
      "conflict", "id");
}

TEST_F(LoanServicingRoutesTest, ACreditLineIsDrawnOnWithinItsLimit) {
  const json line_body = {{"request_key", "line-1"},
                          {"customer_id", "C9"},
                          {"product", "revolving_line"},
                          {"limit", "10000.00"},
                          {"date", "2026-01-01"}};
  const Answer opened = Post("/v1/credit-lines", line_body);
  ASSERT_EQ(opened.status, 201) << opened.body;
  EXPECT_EQ(opened.body["available"], "10000.00");
  EXPECT_EQ(Post("/v1/credit-lines", line_body).status, 200);  // replayed
  const std::string line = "/v1/credit-lines/" + opened.body["id"].dump();

  // A 3000.00 draw over 3 months at the product's lowest rate, 10%.
  const Answer drawn =
      Post(line + "/draws",
           {{"request_key", "draw-1"}, {"amount", "3000.00"}, {"term", 3}, {"date", "2026-01-10"}});
  ASSERT_EQ(drawn.status, 201) << drawn.body;
  EXPECT_EQ(drawn.body["loan"]["credit_line_id"], opened.body["id"]);
  EXPECT_EQ(drawn.body["loan"]["terms"]["interest_annual_bps"], 1000);
  EXPECT_EQ(drawn.body["cash_paid"], "3000.00");  // the line's product has no fees
  const Answer shown = Get(line);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.body["outstanding_principal"], "3000.00");
  EXPECT_EQ(shown.body["available"], "7000.00");  // 10000.00 − 3000.00

  // 8000.00 is more than the 7000.00 left.
  const Answer over =
      Post(line + "/draws",
           {{"request_key", "draw-2"}, {"amount", "8000.00"}, {"term", 3}, {"date", "2026-01-11"}});
  EXPECT_EQ(over.status, 409) << over.body;
  ExpectError(over.body.dump(), "conflict");
  const Answer cut = Post(line + "/limit", {{"request_key", "cut-1"},
                                            {"kind", "cut"},
                                            {"limit", "5000.00"},
                                            {"date", "2026-01-12"},
                                            {"reason", "review"}});
  ASSERT_EQ(cut.status, 200) << cut.body;
  EXPECT_EQ(cut.body["limit"], "5000.00");
  EXPECT_EQ(cut.body["available"], "2000.00");  // 5000.00 − 3000.00
  ExpectErrorAt(Post(line + "/limit", {{"request_key", "cut-2"}, {"kind", "cut"}, {"date", "2026-01-12"}}),
                422, "invalid_input", "$.limit");
  // revolving_line.yaml allows at most 50,000.00: one fen more is refused, the maximum is not.
  ExpectErrorAt(
      Post(line + "/limit",
           {{"request_key", "raise-1"}, {"kind", "raise"}, {"limit", "50000.01"}, {"date", "2026-01-13"}}),
      422, "invalid_input", "$.limit");
  const Answer raised =
      Post(line + "/limit",
           {{"request_key", "raise-2"}, {"kind", "raise"}, {"limit", "50000.00"}, {"date", "2026-01-13"}});
  ASSERT_EQ(raised.status, 200) << raised.body;
  EXPECT_EQ(raised.body["limit"], "50000.00");
  EXPECT_EQ(raised.body["replayed"], false);
  EXPECT_EQ(
      Post(line + "/limit",
           {{"request_key", "raise-2"}, {"kind", "raise"}, {"limit", "50000.00"}, {"date", "2026-01-13"}})
          .body["replayed"],
      true);
  ExpectErrorAt(Post(line + "/limit", {{"request_key", "cut-3"}, {"kind", "shrink"}, {"date", "2026-01-12"}}),
                422, "invalid_input", "$.kind");
  ExpectErrorAt(Get("/v1/credit-lines/99"), 404, "not_found", "id");
}

TEST_F(LoanServicingRoutesTest, ACustomersDelinquencyFollowsTheEndOfDay) {
  PlainLoan();
  ASSERT_EQ(Post("/v1/eod", {{"date", "2026-02-20"}}).status, 200);
  const Answer late = Get("/v1/customers/C1/delinquency");
  ASSERT_EQ(late.status, 200) << late.body;
  // Installment 1 fell due 2026-02-15: 5 days past due, bucket M1 (1–30).
  EXPECT_EQ(late.body["dpd_days"], 5);
  EXPECT_EQ(late.body["bucket"], "M1");
  EXPECT_EQ(late.body["loans"], 1);
  EXPECT_EQ(late.body["active_loans"], 1);
  EXPECT_EQ(late.body["outstanding_principal"], "2700.00");
  ExpectErrorAt(Get("/v1/customers/nobody/delinquency"), 404, "not_found", "id");
}

}  // namespace
}  // namespace credo::server
