// `credo loan open|repay|show` and `credo ledger check|trial-balance` as a
// user runs them, against hand-computed postings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "run_credo.h"

namespace {

using credo::testing::CredoRun;
using credo::testing::RunCredo;
using nlohmann::json;

TEST(LedgerCliTest, OpenRepayShowCheckAndTrialBalance) {
  const std::string db =
      (std::filesystem::temp_directory_path() / ("credo_ledger_cli_" + std::to_string(::getpid()) + ".db"))
          .string();
  const std::string at = " --db " + db;
  CredoRun run = RunCredo(
      "loan open" + at + " --request-key o1 --principal 2700.00 --term 12 --apr-bps 2000 --start 2026-01-15",
      false);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(json::parse(run.out).at("cash_paid"), "2700.00");
  // Month 1: interest 2,700 × 20% / 12 = 45.00; the rest of 250.11 is principal.
  run = RunCredo("loan repay" + at + " --request-key r1 --loan 1 --amount 250.11 --date 2026-02-15", false);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(json::parse(run.out).at("allocation").at("interest"), "45.00");
  EXPECT_EQ(json::parse(run.out).at("allocation").at("principal"), "205.11");
  run = RunCredo("loan repay" + at + " --request-key r1 --loan 1 --amount 250.11 --date 2026-02-15", false);
  EXPECT_EQ(json::parse(run.out).at("replayed"), true);

  run = RunCredo("loan repay" + at + " --request-key r2 --loan 1 --amount 1.001 --date 2026-02-15");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("--amount"), std::string::npos) << run.out;
  run = RunCredo("loan repay" + at + " --request-key r2 --loan 7 --amount 1 --date 2026-02-15");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("--loan: no loan 7"), std::string::npos) << run.out;

  run = RunCredo("ledger trial-balance --json" + at, false);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  std::map<std::string, std::string> balances;
  for (const json& row : json::parse(run.out))
    balances[row.at("account").get<std::string>()] = row.at("balance").get<std::string>();
  EXPECT_EQ(balances["principal_receivable"], "2494.89") << run.out;  // 2700 − 205.11
  EXPECT_EQ(balances["cash"], "-2449.89") << run.out;                 // −2700 + 250.11
  EXPECT_EQ(balances["interest_income"], "45.00") << run.out;
  run = RunCredo("ledger check" + at);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find(": ok"), std::string::npos) << run.out;
  run = RunCredo("loan show --loan 1" + at, false);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(json::parse(run.out).at("installments")[0].at("owed"), "0.00");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
}

TEST(LedgerCliTest, EndOfDaySummaryIdempotencyAndBackwardsDate) {
  const std::string db =
      (std::filesystem::temp_directory_path() / ("credo_eod_cli_" + std::to_string(::getpid()) + ".db"))
          .string();
  const std::string at = " --db " + db;
  ASSERT_EQ(RunCredo("loan open" + at +
                     " --request-key o1 --principal 2700.00 --term 12 --apr-bps 2000 "
                     "--start 2026-01-15")
                .exit_code,
            0);
  // 2026-03-18: installment 1 (due 02-15) is 31 days late -> M2. Interest due:
  // 45.00 + 41.58; penalty at 18%/360 = 0.05% a day: 205.11 × 31 days -> 3.18,
  // 208.53 × 3 days -> 0.31.
  CredoRun run = RunCredo("eod" + at + " --date 2026-03-18", false);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  for (const char* line : {"loans processed 1\n", "interest recognised 86.58\n", "penalty charged 3.49\n",
                           "events became_overdue 1\n", "events bucket_changed 1\n", "bucket M2 1\n"}) {
    EXPECT_NE(run.out.find(line), std::string::npos) << line << " in " << run.out;
  }
  run = RunCredo("eod" + at + " --date 2026-03-18", false);
  EXPECT_NE(run.out.find("already run, nothing posted"), std::string::npos) << run.out;
  run = RunCredo("eod" + at + " --date 2026-03-01");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("--date: business date 2026-03-01 is before"), std::string::npos) << run.out;
  run = RunCredo("ledger check" + at);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
}

}  // namespace
