// Runs the `credo` binary the way a user does and checks exit codes, messages
// and that a failed command leaves no half-finished artifact behind.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "run_credo.h"

namespace {

using credo::testing::RunCredo;

namespace fs = std::filesystem;

class CliTest : public credo::testing::ScratchDirTest {
 protected:
  CliTest() : ScratchDirTest("credo_cli_test_") {}
};

TEST_F(CliTest, HelpAndUsageErrors) {
  credo::testing::CredoRun help = RunCredo("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("model"), std::string::npos);
  EXPECT_NE(help.out.find("gen"), std::string::npos);
  EXPECT_EQ(RunCredo("model train --help").exit_code, 0);
  credo::testing::CredoRun unknown = RunCredo("frobnicate");
  EXPECT_EQ(unknown.exit_code, 1);
  credo::testing::CredoRun missing = RunCredo("model train --data x.csv");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("--target"), std::string::npos) << missing.out;
}

// Each bad input: exit code 2, a message naming the file and the place, no model directory.
TEST_F(CliTest, BadTrainingInputIsRejectedWithoutWritingAnArtifact) {
  struct Case {
    const char* name;
    const char* text;
    const char* expected;
  } cases[] = {
      {"empty.csv", "", "empty"},
      {"wrong_fields.csv", "age,income,bad\n30,100,0\n41,200\n", ":3"},
      {"text_in_numbers.csv", nullptr, "'monthly_income'"},
      {"nonbinary.csv", "age,bad\n30,0\n41,1\n52,2\n", "0 or 1"},
      {"missing_target.csv", "age,bad\n30,0\n41,\n52,1\n", "missing on data line 3"},
      {"no_bads.csv", "age,bad\n30,0\n41,0\n52,0\n", "no bads"},
      {"all_missing_target.csv", "age,bad\n30,\n41,\n52,\n", "'bad'"},
  };
  for (const Case& c : cases) {
    std::string text;
    if (c.text) {
      text = c.text;
    } else {
      std::ostringstream s;
      s << "age,monthly_income,bad\n";
      for (int i = 0; i < 100; ++i)
        s << 20 + i % 40 << ',' << (i == 57 ? "abc" : std::to_string(3000 + i)) << ',' << i % 2 << '\n';
      text = s.str();
    }
    const std::string data = Write(c.name, text);
    const std::string out = Path(std::string(c.name) + ".model");
    credo::testing::CredoRun r =
        RunCredo("model train --data " + data + " --target bad --time-budget 2 --out " + out);
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.out;
    EXPECT_NE(r.out.find(c.name), std::string::npos) << c.name << " not named in: " << r.out;
    EXPECT_NE(r.out.find(c.expected), std::string::npos) << c.name << ": " << r.out;
    EXPECT_FALSE(fs::exists(out)) << c.name << " left " << out;
  }
}

TEST_F(CliTest, GenTrainScoreAndBinEndToEnd) {
  ASSERT_EQ(RunCredo("gen --rows 4000 --seed 3 --out " + Path("train.csv")).exit_code, 0);
  ASSERT_EQ(RunCredo("gen --rows 300 --seed 4 --out " + Path("new.csv.gz")).exit_code, 0);
  credo::testing::CredoRun train =
      RunCredo("model train --data " + Path("train.csv") +
               " --target bad --method scorecard --time-budget 5 --out " + Path("m"));
  ASSERT_EQ(train.exit_code, 0) << train.out;
  for (const char* f : {"model.json", "report.html", "report.json"})
    EXPECT_TRUE(fs::exists(dir_ / "m" / f)) << f;

  credo::testing::CredoRun score = RunCredo("model score --model " + Path("m/model.json") + " --data " +
                                            Path("new.csv.gz") + " --out " + Path("scores.csv"));
  ASSERT_EQ(score.exit_code, 0) << score.out;
  std::ifstream in(Path("scores.csv"));
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("applicant_id,probability,score,reason_1,reason_1_detail", 0), 0u) << header;
  size_t rows = 0;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, 300u);

  credo::testing::CredoRun bin =
      RunCredo("model bin --data " + Path("train.csv") + " --target bad --out " + Path("bins"));
  ASSERT_EQ(bin.exit_code, 0) << bin.out;
  EXPECT_TRUE(fs::exists(dir_ / "bins" / "binning.json"));
  EXPECT_NE(bin.out.find("worst_dpd_24m"), std::string::npos);

  // The report opens with no network: no external scripts, styles or images.
  std::ifstream html_in(dir_ / "m" / "report.html");
  const std::string html((std::istreambuf_iterator<char>(html_in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  for (const char* section : {"ROC curve", "KS curve", "Decile table", "Scorecard",
                              "Variables by information value", "Calibration", "Score stability"}) {
    EXPECT_NE(html.find(section), std::string::npos) << section;
  }
}

TEST_F(CliTest, ScoringDataMissingAFeatureNamesTheColumn) {
  ASSERT_EQ(RunCredo("gen --rows 3000 --seed 3 --out " + Path("train.csv")).exit_code, 0);
  ASSERT_EQ(RunCredo("model train --data " + Path("train.csv") +
                     " --target bad --method scorecard --time-budget 5 --out " + Path("m"))
                .exit_code,
            0);
  const std::string data = Write("few.csv", "applicant_id,age\nA1,30\n");
  credo::testing::CredoRun r =
      RunCredo("model score --model " + Path("m/model.json") + " --data " + data + " --out " + Path("s.csv"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("the model needs column"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(Path("s.csv")));
}

// A model saved by XGBoost in Python (tests/models/fixtures/xgboost/make_fixture.py)
// imports and, through `credo model score`, gives XGBoost's own probabilities.
TEST_F(CliTest, ImportedXgboostModelScoresAsXgboostDid) {
  const std::string fixtures = std::string(CREDO_SOURCE_DIR) + "/tests/models/fixtures/xgboost/";
  credo::testing::CredoRun imported = RunCredo(
      "model import-xgboost --json " + fixtures + "model.json" +
      " --features utilization,months_on_book,inquiries_6m,income_k --out " + Path("imported/model.json"));
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  credo::testing::CredoRun score =
      RunCredo("model score --model " + Path("imported/model.json") + " --data " + fixtures +
               "input.csv --out " + Path("scores.csv") + " --reasons 1");
  ASSERT_EQ(score.exit_code, 0) << score.out;
  std::ifstream got(Path("scores.csv")), want(fixtures + "expected.csv");
  std::string got_line, want_line;
  std::getline(got, got_line);
  std::getline(want, want_line);
  size_t rows = 0;
  while (std::getline(want, want_line)) {
    ASSERT_TRUE(std::getline(got, got_line));
    const double expected = std::stod(want_line.substr(0, want_line.find(',')));
    const double actual = std::stod(got_line.substr(0, got_line.find(',')));
    EXPECT_NEAR(actual, expected, 1e-6) << "row " << rows;
    ++rows;
  }
  EXPECT_GT(rows, 10u);

  credo::testing::CredoRun wrong = RunCredo("model import-xgboost --json " + fixtures +
                                            "model.json --features a,b --out " + Path("wrong/model.json"));
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.out.find("reads 4 features but 2"), std::string::npos) << wrong.out;
  EXPECT_FALSE(fs::exists(Path("wrong/model.json")));
}

}  // namespace
