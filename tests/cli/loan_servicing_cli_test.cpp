// `credo loan quote|prepay|reverse|write-off|customer` and `credo line
// open|show|limit|draw` as a user runs them, against hand-computed figures;
// bad input names the flag to fix and posts nothing (`credo ledger check`).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "run_credo.h"

namespace {

using credo::testing::CredoRun;
using credo::testing::RunCredo;
using nlohmann::json;

const std::string kRevolving = std::string(CREDO_SOURCE_DIR) + "/examples/products/revolving_line.yaml";

class LoanServicingCliTest : public credo::testing::ScratchDirTest {
 protected:
  LoanServicingCliTest() : ScratchDirTest("credo_servicing_cli_") {}
  // Runs `credo ARGS --db <scratch ledger>`; expects exit 0 and returns its JSON.
  json Ok(const std::string& args) {
    const CredoRun run = RunCredo(args + " --db " + Path("ledger.db"), false);
    EXPECT_EQ(run.exit_code, 0) << args << "\n" << run.out;
    return run.exit_code == 0 ? json::parse(run.out) : json::object();
  }
  // Runs it expecting exit 2 (bad input) with `flag` in the message.
  void Fails(const std::string& args, const std::string& flag) {
    const CredoRun run = RunCredo(args + " --db " + Path("ledger.db"));
    EXPECT_EQ(run.exit_code, 2) << args << "\n" << run.out;
    EXPECT_NE(run.out.find(flag + ":"), std::string::npos) << run.out;
  }
  // The trial balance as `ledger trial-balance --json` prints it.
  std::string TrialBalance() {
    const CredoRun run = RunCredo("ledger trial-balance --json --db " + Path("ledger.db"), false);
    EXPECT_EQ(run.exit_code, 0) << run.out;
    return run.out;
  }
  void ExpectCheckOk() {
    const CredoRun run = RunCredo("ledger check --db " + Path("ledger.db"));
    EXPECT_EQ(run.exit_code, 0) << run.out;
  }
  // The 2,700.00 loan at 20% over 12 months from 2026-01-15, of customer c1,
  // with installment 1 (250.11 = 45.00 interest + 205.11 principal) paid.
  void OpenAndPayFirst() {
    Ok("loan open --request-key o1 --customer c1 --principal 2700.00 --term 12 --apr-bps 2000 --start "
       "2026-01-15");
    Ok("loan repay --request-key r1 --loan 1 --amount 250.11 --date 2026-02-15");
  }
};

TEST_F(LoanServicingCliTest, QuoteThenPayOff) {
  OpenAndPayFirst();
  // 2,494.89 of principal; interest of 02-15 .. 03-15 (41.58) for 14 of its 28 days: 20.79.
  json quote = Ok("loan quote --loan 1 --date 2026-03-01");
  EXPECT_EQ(quote.at("principal"), "2494.89");
  EXPECT_EQ(quote.at("interest"), "20.79");
  EXPECT_EQ(quote.at("total"), "2515.68");
  Fails("loan prepay --request-key p1 --loan 1 --amount 2515.67 --date 2026-03-01 --mode payoff", "--amount");
  json paid = Ok("loan prepay --request-key p1 --loan 1 --amount 2515.68 --date 2026-03-01 --mode payoff");
  EXPECT_EQ(paid.at("loan_closed"), true);
  EXPECT_EQ(Ok("loan show --loan 1").at("status"), "closed");
  Fails("loan quote --loan 1 --date 2026-03-02", "--loan");  // closed: nothing to quote
  const std::string closed = TrialBalance();
  Fails("loan repay --request-key r2 --loan 1 --amount 10.00 --date 2026-03-02", "--loan");  // nor to repay
  EXPECT_EQ(TrialBalance(), closed);
  ExpectCheckOk();
}

TEST_F(LoanServicingCliTest, PartialPrepaymentsReScheduleTheRest) {
  OpenAndPayFirst();
  // 1,000.00 ahead leaves 1,494.89; at 250.11 a month that is 6.35 months: 7 installments.
  json paid =
      Ok("loan prepay --request-key p1 --loan 1 --amount 1000.00 --date 2026-03-01 --mode shorten-term");
  EXPECT_EQ(paid.at("principal_prepaid"), "1000.00");
  EXPECT_EQ(paid.at("remaining_installments"), 7);
  EXPECT_EQ(paid.at("next_installment"), "250.11");
  const CredoRun unknown_mode =
      RunCredo("loan prepay --db " + Path("ledger.db") +
               " --request-key p2 --loan 1 --amount 10 --date 2026-03-01 --mode sideways");
  EXPECT_EQ(unknown_mode.exit_code, 1);  // a usage error
  EXPECT_NE(unknown_mode.out.find("--mode"), std::string::npos) << unknown_mode.out;
  ExpectCheckOk();
}

TEST_F(LoanServicingCliTest, ReverseARepaymentOnce) {
  OpenAndPayFirst();
  json reversed =
      Ok("loan reverse --request-key v1 --loan 1 --repayment-key r1 --date 2026-02-16 --reason bounced");
  EXPECT_EQ(reversed.at("amount"), "250.11");
  EXPECT_EQ(Ok("loan show --loan 1").at("installments")[0].at("owed"), "250.11");  // owed again
  Fails("loan reverse --request-key v2 --loan 1 --repayment-key r1 --date 2026-02-16", "--repayment-key");
  Fails("loan reverse --request-key v3 --loan 1 --repayment-key nope --date 2026-02-16", "--repayment-key");
  ExpectCheckOk();
}

TEST_F(LoanServicingCliTest, WriteOffAndCustomerDelinquency) {
  OpenAndPayFirst();
  Ok("loan open --request-key o2 --customer c1 --principal 1200.00 --term 12 --apr-bps 1200 --start "
     "2026-01-15");
  ASSERT_EQ(RunCredo("eod --date 2026-03-20 --db " + Path("ledger.db")).exit_code, 0);
  // Loan 2 has owed installment 1 since 02-15: 33 days on 03-20, bucket M2.
  json customer = Ok("loan customer --customer c1");
  EXPECT_EQ(customer.at("dpd_days"), 33);
  EXPECT_EQ(customer.at("bucket"), "M2");
  EXPECT_EQ(customer.at("active_loans"), 2);
  json written = Ok("loan write-off --request-key w1 --loan 2 --date 2026-06-30 --reason fraud");
  EXPECT_EQ(written.at("principal"), "1200.00");
  Fails("loan repay --request-key r9 --loan 2 --amount 10 --date 2026-07-01", "--loan");
  EXPECT_EQ(Ok("loan customer --customer c1").at("active_loans"), 1);
  Fails("loan customer --customer nobody", "--customer");
  ExpectCheckOk();
}

TEST_F(LoanServicingCliTest, CreditLineOpenDrawLimitShow) {
  json line = Ok("line open --request-key l1 --customer c7 --product " + kRevolving +
                 " --limit 10000.00 --date 2026-01-10");
  EXPECT_EQ(line.at("available"), "10000.00");
  Fails(
      "line open --request-key l2 --customer c7 --product " + kRevolving + " --limit 60000 --date 2026-01-10",
      "--limit");  // the product allows at most 50,000.00
  const std::string draw = "line draw --line 1 --product " + kRevolving + " --term 6 --date 2026-01-20";
  json drawn = Ok(draw + " --request-key d1 --amount 3000.00");
  EXPECT_EQ(drawn.at("cash_paid"), "3000.00");
  Fails(draw + " --request-key d2 --amount 7000.01", "--amount");  // 7,000.00 is left
  EXPECT_EQ(Ok("line show --line 1").at("available"), "7000.00");
  EXPECT_EQ(Ok("line limit --request-key f1 --line 1 freeze --date 2026-02-01").at("available"), "0.00");
  Fails(draw + " --request-key d3 --amount 100", "--line");
  Ok("line limit --request-key u1 --line 1 unfreeze --date 2026-02-02");
  const std::string raise = "line limit --line 1 raise --product " + kRevolving + " --date 2026-02-03";
  EXPECT_EQ(Ok(raise + " --request-key r1 --limit 20000").at("available"), "17000.00");
  Fails(raise + " --request-key r2 --limit 50000.01", "--limit");  // the product allows at most 50,000.00
  const CredoRun no_product = RunCredo(
      "line limit --request-key r3 --line 1 raise --limit 30000 --date 2026-02-03 --db " + Path("ledger.db"));
  EXPECT_EQ(no_product.exit_code, 1) << no_product.out;
  EXPECT_NE(no_product.out.find("--product"), std::string::npos) << no_product.out;
  EXPECT_EQ(Ok("line show --line 1").at("limit"), "20000.00");
  Fails("line limit --request-key c1 --line 1 close --date 2026-02-04", "--line");  // 3,000.00 outstanding
  ExpectCheckOk();
}

// Zero, negative and sub-fen amounts are bad input at the flag that carries
// them, for every servicing command that moves money or sets a limit; none
// of them posts anything.
TEST_F(LoanServicingCliTest, BadAmountsNameTheFlagAndPostNothing) {
  OpenAndPayFirst();
  Ok("line open --request-key l1 --customer c7 --product " + kRevolving +
     " --limit 10000.00 --date 2026-01-10");
  const std::string before = TrialBalance();
  const std::string prepay = "loan prepay --request-key p1 --loan 1 --date 2026-03-01 --mode shorten-term";
  for (const char* amount : {"0", "-1.00", "1.001", "1000.005"}) {
    Fails(prepay + " --amount=" + amount, "--amount");
    Fails("line draw --request-key d1 --line 1 --product " + kRevolving +
              " --term 6 --date 2026-01-20 --amount=" + amount,
          "--amount");
  }
  Fails("line open --request-key l2 --customer c8 --product " + kRevolving +
            " --limit 100.001 --date 2026-01-10",
        "--limit");
  Fails("line limit --request-key r1 --line 1 raise --product " + kRevolving +
            " --limit 20000.001 --date 2026-02-03",
        "--limit");
  EXPECT_EQ(TrialBalance(), before);
  EXPECT_EQ(Ok("line show --line 1").at("limit"), "10000.00");
  ExpectCheckOk();
}

}  // namespace
