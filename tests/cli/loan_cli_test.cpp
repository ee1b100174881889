// `credo loan schedule` as a user runs it: the JSON against the annuity
// formula computed here, the 16.2% flat-fee example, products, the table,
// and bad input that names the flag.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "run_credo.h"

namespace {

using credo::testing::CredoRun;
using credo::testing::RunCredo;
using nlohmann::json;

const std::string kProducts = std::string(CREDO_SOURCE_DIR) + "/examples/products/";

json ScheduleJson(const std::string& args) {
  const CredoRun run = RunCredo("loan schedule " + args + " --json", false);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  return run.exit_code == 0 ? json::parse(run.out) : json::object();
}

// "225.45" -> 22545.
long long Fen(const json& amount) { return std::llround(std::stod(amount.get<std::string>()) * 100); }

TEST(LoanCliTest, EqualInstallmentJsonMatchesTheAnnuityFormula) {
  const json s = ScheduleJson("--principal 2700.00 --term 12 --apr-bps 2000 --start 2026-01-15");
  const json& rows = s.at("installments");
  ASSERT_EQ(rows.size(), 12u);
  // A = P·r / (1 − (1+r)^−12), r = 20% / 12: 250.1132 -> 250.11.
  const double r = 0.20 / 12;
  const long long level = std::llround(270000 * r / (1 - std::pow(1 + r, -12)));
  long long principal = 0;
  for (size_t k = 0; k < rows.size(); ++k) {
    EXPECT_EQ(rows[k].at("number"), k + 1);
    if (k + 1 < rows.size()) {
      EXPECT_EQ(Fen(rows[k].at("installment")), level) << k;
    }
    EXPECT_EQ(Fen(rows[k].at("installment")),
              Fen(rows[k].at("principal")) + Fen(rows[k].at("interest")) + Fen(rows[k].at("fee")));
    principal += Fen(rows[k].at("principal"));
  }
  EXPECT_EQ(principal, 270000);
  EXPECT_EQ(rows[0].at("due_date"), "2026-02-15");
  EXPECT_EQ(rows[11].at("due_date"), "2027-01-15");
  EXPECT_EQ(rows[0].at("interest"), "45.00");  // 2,700 × 20% / 12
  EXPECT_EQ(rows[0].at("installment"), "250.11");
  EXPECT_EQ(rows[11].at("remaining_principal"), "0.00");
  EXPECT_EQ(s.at("apr_irr_bps"), 2000);
}

TEST(LoanCliTest, FlatFeeAdvertisedAsNinePercentShowsAboutSixteenPointTwo) {
  const json s =
      ScheduleJson("--method flat-fee --principal 2700 --term 12 --apr-bps 900 --start 2026-01-15");
  EXPECT_EQ(s.at("installments")[0].at("fee"), "20.25");  // 0.75% of 2,700
  EXPECT_EQ(s.at("installments")[0].at("principal"), "225.00");
  EXPECT_GE(s.at("apr_irr_bps").get<int>(), 1615);
  EXPECT_LE(s.at("apr_irr_bps").get<int>(), 1625);
}

TEST(LoanCliTest, OtherMethodsAndRounding) {
  // Equal principal, 1,000 over 3 months at 12%: 333.33 + 10.00, 333.33 + 6.67, 333.34 + 3.33.
  json s =
      ScheduleJson("--method equal-principal --principal 1000 --term 3 --apr-bps 1200 --start 2026-01-31");
  EXPECT_EQ(s.at("installments")[0].at("installment"), "343.33");
  EXPECT_EQ(s.at("installments")[1].at("interest"), "6.67");
  EXPECT_EQ(s.at("installments")[2].at("principal"), "333.34");
  EXPECT_EQ(s.at("installments")[0].at("due_date"), "2026-02-28");
  // Rounded up: 333.34, 333.34, 333.32; interest 10.00, 6.67 (6.6666 up), 3.34 (3.3332 up).
  s = ScheduleJson(
      "--method equal-principal --principal 1000 --term 3 --apr-bps 1200 --start 2026-01-31 --rounding up");
  EXPECT_EQ(s.at("installments")[0].at("principal"), "333.34");
  EXPECT_EQ(s.at("installments")[2].at("principal"), "333.32");
  EXPECT_EQ(s.at("installments")[2].at("interest"), "3.34");
  // Interest-only: 10.00 a month, 1,010.00 at the end.
  s = ScheduleJson("--method interest-only --principal 1000 --term 3 --apr-bps 1200 --start 2026-01-31");
  EXPECT_EQ(s.at("installments")[1].at("installment"), "10.00");
  EXPECT_EQ(s.at("installments")[2].at("installment"), "1010.00");
  EXPECT_EQ(s.at("apr_irr_bps"), 1200);
}

TEST(LoanCliTest, FromAProduct) {
  // Goods installment: 3,600 over 12 months, 0.60% a month = 21.60 fee, 300.00 principal.
  const json s = ScheduleJson("--product " + kProducts +
                              "goods_installment.yaml --principal 3600 --term 12 --start 2026-03-01");
  EXPECT_EQ(s.at("installments")[0].at("fee"), "21.60");
  EXPECT_EQ(s.at("installments")[0].at("interest"), "0.00");
  EXPECT_EQ(s.at("installments")[0].at("installment"), "321.60");
}

TEST(LoanCliTest, PrintsATable) {
  const CredoRun run =
      RunCredo("loan schedule --principal 2700.00 --term 12 --apr-bps 2000 --start 2026-01-15");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("2026-02-15"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("250.11"), std::string::npos);
  EXPECT_NE(run.out.find("2,700.00"), std::string::npos);  // the principal total
  EXPECT_NE(run.out.find("APR (IRR method, all fees included, monthly IRR x 12): 20.00%"), std::string::npos);
}

// A failed run: its exit code, and its message names `flag`.
void ExpectFlagError(const std::string& args, int exit_code, const std::string& flag,
                     const std::string& words) {
  const CredoRun run = RunCredo("loan schedule " + args);
  EXPECT_EQ(run.exit_code, exit_code) << args << "\n" << run.out;
  EXPECT_NE(run.out.find(flag), std::string::npos) << args << "\n" << run.out;
  EXPECT_NE(run.out.find(words), std::string::npos) << args << "\n" << run.out;
}

TEST(LoanCliTest, BadInputNamesTheFlag) {
  const std::string rest = " --term 12 --apr-bps 2000 --start 2026-01-15";
  ExpectFlagError("--principal 0" + rest, 2, "--principal: the principal 0.00 must be more than 0", "");
  ExpectFlagError("--principal=-5" + rest, 2, "--principal:", "must be more than 0");
  ExpectFlagError("--principal 2700.001" + rest, 2, "--principal:", "more than two decimals");
  ExpectFlagError("--principal abc" + rest, 2, "--principal:", "not an amount of money");
  ExpectFlagError("--principal 2700 --method balloon" + rest, 1, "--method", "balloon");
  ExpectFlagError("--principal 2700 --term 0 --apr-bps 2000 --start 2026-01-15", 2, "--term:", "1 to 600");
  ExpectFlagError("--principal 2700 --term 12 --apr-bps 2000 --start 2026-02-30", 2, "--start:", "");
  ExpectFlagError("--principal 2700 --term 12 --start 2026-01-15", 1, "--apr-bps",
                  "required without --product");
  ExpectFlagError("--principal 2700 --term 12 --apr-bps 2500 --start 2026-01-15", 2,
                  "--apr-bps:", "above the cap of 24.00%");
  ExpectFlagError("--method flat-fee --principal 2700 --term 12 --apr-bps 1500 --start 2026-01-15", 2,
                  "--apr-bps:", "above the cap");
}

TEST(LoanCliTest, BadInputAgainstAProduct) {
  const std::string cash = "--product " + kProducts + "cash_installment.yaml --start 2026-01-15";
  ExpectFlagError(cash + " --principal 2700 --term 7", 2, "--term: 7 months is not a term",
                  "(6, 9, 12, 18, 24, 36)");
  ExpectFlagError(cash + " --principal 100 --term 12", 2, "--principal:", "outside the range");
  ExpectFlagError(cash + " --principal 2700 --term 12 --apr-bps 2300", 2, "--apr-bps:", "outside the range");
  ExpectFlagError(cash + " --principal 2700 --term 12 --method flat-fee", 2, "--method:", "repays by");
  ExpectFlagError("--product /nonexistent.yaml --principal 2700 --term 12 --start 2026-01-15", 2,
                  "/nonexistent.yaml", "cannot read");
}

}  // namespace
