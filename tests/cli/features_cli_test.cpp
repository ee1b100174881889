// `credo features list` and `credo features build` as a user runs them:
// the data dictionary, the table, data errors counted and skipped,
// definition errors that stop the command, and a table `credo model train` reads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "run_credo.h"

namespace {

using credo::testing::RunCredo;
namespace fs = std::filesystem;

const std::string kApplicantDefs = CREDO_SOURCE_DIR "/examples/features/applicant";

class FeaturesCliTest : public credo::testing::ScratchDirTest {
 protected:
  FeaturesCliTest() : ScratchDirTest("credo_features_cli_") {}
  static std::vector<std::string> Lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

TEST_F(FeaturesCliTest, ListPrintsEveryFeatureWithItsDescription) {
  const auto run = RunCredo("features list --defs " + kApplicantDefs, /*stderr_too=*/false);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(
      run.out.find(
          "bureau_accounts.all.count.90d\tnumber of bureau_accounts records, dated in the last 90 days\n"),
      std::string::npos);
  EXPECT_NE(run.out.find(
                "bureau_accounts.active.ratio.utilisation.all\tsum.balance_fen / sum.credit_limit_fen over "
                "bureau_accounts records where status == 'Active'\n"),
            std::string::npos);
  const auto json_run = RunCredo("features list --json --defs " + kApplicantDefs, false);
  ASSERT_EQ(json_run.exit_code, 0);
  const auto all = nlohmann::json::parse(json_run.out);
  ASSERT_TRUE(all.is_array());
  EXPECT_EQ(all.size(), static_cast<size_t>(std::count(run.out.begin(), run.out.end(), '\n')));
  EXPECT_GT(all.size(), 300u);
  const auto& first = all[0];
  EXPECT_EQ(first["name"], "bureau_accounts.all.count.90d");
  EXPECT_EQ(first["aggregation"], "count");
  EXPECT_EQ(first["window"], "90d");
  EXPECT_EQ(first["list"], "bureau_accounts");
}

TEST_F(FeaturesCliTest, ADefinitionErrorStopsTheCommandNamingFileAndLine) {
  const std::string defs = Path("defs");
  Write("defs/loans.yaml", "list: loans\nfilters:\n  late: \"dpd >> 3\"\naggregations: {count: true}\n");
  const auto list = RunCredo("features list --defs " + defs);
  EXPECT_EQ(list.exit_code, 2);
  EXPECT_NE(list.out.find("loans.yaml:3"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("filter 'late'"), std::string::npos) << list.out;
  const std::string docs = Write("docs.jsonl", "{\"observation_date\": \"2025-01-01\"}\n");
  const auto build =
      RunCredo("features build --defs " + defs + " --docs " + docs + " --out " + Path("t.csv"));
  EXPECT_EQ(build.exit_code, 2);
  EXPECT_FALSE(fs::exists(Path("t.csv")));
}

TEST_F(FeaturesCliTest, BuildSkipsAndReportsBadDocuments) {
  const std::string defs = Write(
      "defs/loans.yaml", "list: loans\nwindows: [30d, all]\naggregations:\n  count: true\n  sum: [amount]\n");
  const std::string docs =
      Write("docs.jsonl",
            "{\"id\": \"a\", \"bad\": 0, \"observation_date\": \"2025-01-31\", \"loans\": "
            "[{\"date\": \"2025-01-10\", \"amount\": 5}, {\"date\": \"2024-06-01\", \"amount\": 7}]}\n"
            "{\"id\": \"b\", \"bad\": 1, \"observation_date\": \"2025-01-31\", \"loans\": [}\n"
            "\n"
            "{\"id\": \"c, d\", \"bad\": 0, \"observation_date\": \"2025-01-31\", \"loans\": []}\n"
            "{\"id\": \"e\", \"bad\": 1, \"observation_date\": \"2025-01-31\", \"loans\": "
            "[{\"date\": \"2025-02-30\"}]}\n"
            "{\"id\": \"f\", \"bad\": 1, \"observation_date\": \"2025-01-31\", \"loans\": 3}\n");
  const std::string out = Path("table.csv");
  const auto run =
      RunCredo("features build --threads 2 --defs " + defs + " --docs " + docs + " --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("skipped 3 of 5 documents"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("line 2: column"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("line 5: loans[0].date: 2025-02-30 is not a calendar date"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("line 6: loans: expected an array of records, got number"), std::string::npos)
      << run.out;
  // Every top-level scalar field is kept, then the features; a field with a comma is quoted.
  const auto lines = Lines(out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "id,bad,observation_date,loans.all.count.30d,loans.all.count.all,loans.all.sum.amount.30d,"
            "loans.all.sum.amount.all");
  EXPECT_EQ(lines[1], "a,0,2025-01-31,1,2,5,12");
  EXPECT_EQ(lines[2], "\"c, d\",0,2025-01-31,0,0,0,0");

  const auto kept =
      RunCredo("features build --keep-fields bad,id --defs " + defs + " --docs " + docs + " --out " + out);
  ASSERT_EQ(kept.exit_code, 0) << kept.out;
  EXPECT_EQ(Lines(out)[1], "0,a,1,2,5,12");
}

TEST_F(FeaturesCliTest, NoReadableDocumentIsAnError) {
  const std::string defs = Write("defs/loans.yaml", "list: loans\naggregations: {count: true}\n");
  const std::string docs = Write("docs.jsonl", "not json\n{\"loans\": []}\n");
  const auto run = RunCredo("features build --defs " + defs + " --docs " + docs + " --out " + Path("t.csv"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("no document could be computed"), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(Path("t.csv")));
}

TEST_F(FeaturesCliTest, GeneratedDocumentsBecomeATableModelTrainReads) {
  const std::string docs = Path("docs.jsonl.gz"), table = Path("table.csv.gz");
  ASSERT_EQ(RunCredo("gen --documents --rows 1500 --seed 5 --out " + docs).exit_code, 0);
  const auto build =
      RunCredo("features build --defs " + kApplicantDefs + " --docs " + docs + " --out " + table);
  ASSERT_EQ(build.exit_code, 0) << build.out;
  EXPECT_NE(build.out.find("wrote 1500 rows"), std::string::npos) << build.out;
  const auto train =
      RunCredo("model train --data " + table + " --target bad --id applicant_id --method scorecard " +
               "--time-budget 20 --out " + Path("model"));
  ASSERT_EQ(train.exit_code, 0) << train.out;
  EXPECT_TRUE(fs::exists(Path("model/model.json")));
}

}  // namespace
