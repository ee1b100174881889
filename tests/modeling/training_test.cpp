#include "modeling/training.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/civil_date.h"
#include "modeling/metrics.h"
#include "population/population.h"

namespace credo::modeling {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint64_t kSeed = 11;
constexpr int64_t kRows = 8000;

// One generated population shared by the tests (credo gen, seed 11).
class TrainingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("credo_training_test_" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    const std::string path = (*dir_ / "applicants.csv").string();
    ASSERT_TRUE(population::WritePopulation({kRows, kSeed, 0, 2}, path).ok());
    auto t = data::ReadCsv(path);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    table_ = new data::Table(std::move(t).value());
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete table_;
    delete dir_;
  }
  static TrainingOptions Options(ModelMethod method) {
    TrainingOptions o;
    o.target = "bad";
    o.method = method;
    o.time_budget_seconds = 8;
    o.seed = 5;
    return o;
  }
  // AUC on `rows` of the generator's observed risk logit: ranking by it is
  // the best any model of the written columns can do (docs/population.md),
  // an independent yardstick for what a model should reach.
  static double OracleAuc(const std::vector<size_t>& rows) {
    std::vector<double> p;
    std::vector<uint8_t> bads;
    const data::Column& bad = *table_->Find("bad");
    for (size_t r : rows) {
      p.push_back(
          population::ObservedRiskLogit(population::GenerateApplicant(kSeed, static_cast<int64_t>(r))));
      bads.push_back(bad.numbers[r] == 1);
    }
    return *Auc(p, bads);
  }
  static inline fs::path* dir_ = nullptr;
  static inline data::Table* table_ = nullptr;
};

TEST_F(TrainingTest, ScorecardRanksNearlyAsWellAsTheTrueDefaultProcess) {
  auto trained = TrainModel(*table_, Options(ModelMethod::kScorecard));
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const json& r = *trained->report;
  EXPECT_EQ(r["model"]["kind"], "scorecard");
  ASSERT_NE(trained->artifact.scorecard(), nullptr);
  // Yardstick: the AUC of the generator's observed risk over the population.
  std::vector<size_t> all(kRows);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const double oracle = OracleAuc(all);
  const double auc = r["metrics"]["validation"]["auc"].get<double>();
  // A model cannot beat the process that generated the labels by more than
  // sampling noise, and a sound scorecard gets within 0.06 of it.
  EXPECT_LT(auc, oracle + 0.03);
  EXPECT_GT(auc, oracle - 0.06);
  EXPECT_NEAR(r["metrics"]["validation"]["gini"].get<double>(), 2 * auc - 1, 1e-12);
}

TEST_F(TrainingTest, LeavesOutIdentifierDateAndConstantColumnsWithNotices) {
  data::Table t = *table_;
  data::Column constant;
  constant.name = "branch_code";
  constant.numbers.assign(t.num_rows(), 7.0);
  ASSERT_TRUE(t.AddColumn(constant).ok());
  auto trained = TrainModel(t, Options(ModelMethod::kScorecard));
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  std::set<std::string> used;
  for (const auto& f : trained->artifact.features()) used.insert(f.name);
  for (const char* left_out : {"applicant_id", "application_date", "branch_code", "bad"}) {
    EXPECT_EQ(used.count(left_out), 0u) << left_out;
  }
  const std::string notices = (*trained->report)["notices"].dump();
  EXPECT_NE(notices.find("'applicant_id' is unique per row"), std::string::npos) << notices;
  EXPECT_NE(notices.find("'application_date' holds dates"), std::string::npos) << notices;
  EXPECT_NE(notices.find("'branch_code' has one value in every row"), std::string::npos) << notices;
  EXPECT_EQ((*trained->report)["data"]["id_column"], "applicant_id");
}

TEST_F(TrainingTest, SavedAndReloadedArtifactsScorePointForPoint) {
  for (ModelMethod method : {ModelMethod::kScorecard, ModelMethod::kGbdt}) {
    TrainingOptions o = Options(method);
    o.time_budget_seconds = 4;
    auto trained = TrainModel(*table_, o);
    ASSERT_TRUE(trained.ok()) << trained.status().ToString();
    const std::string path = (*dir_ / "model.json").string();
    ASSERT_TRUE(trained->artifact.Save(path).ok());
    auto loaded = models::ModelArtifact::Load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    auto before = trained->artifact.ScoreTable(*table_, 3);
    auto after = loaded->ScoreTable(*table_, 3);
    ASSERT_TRUE(before.ok() && after.ok());
    ASSERT_EQ(before->size(), after->size());
    for (size_t r = 0; r < before->size(); ++r) {
      ASSERT_EQ((*before)[r].probability, (*after)[r].probability) << "row " << r;
      ASSERT_EQ((*before)[r].score, (*after)[r].score) << "row " << r;
      ASSERT_EQ((*before)[r].reasons.size(), (*after)[r].reasons.size());
    }
  }
}

TEST_F(TrainingTest, ScorecardReasonsAreThePointsLostAgainstEachCharacteristicsBestBin) {
  auto trained = TrainModel(*table_, Options(ModelMethod::kScorecard));
  ASSERT_TRUE(trained.ok());
  const models::Scorecard& card = *trained->artifact.scorecard();
  auto scored = trained->artifact.ScoreTable(*table_, 100);
  ASSERT_TRUE(scored.ok());
  for (size_t r = 0; r < 200; ++r) {
    // Recompute each characteristic's loss from the bins and points directly.
    int total = 0;
    std::map<std::string, double> lost;
    for (const auto& ch : card.characteristics) {
      const data::Column& c = *table_->Find(ch.bins.variable);
      const int bin = c.type == data::ColumnType::kCategorical ? ch.bins.LocateCategory(c.ValueText(r))
                                                               : ch.bins.Locate(c.numbers[r]);
      total += ch.points[bin];
      lost[ch.bins.variable] = *std::max_element(ch.points.begin(), ch.points.end()) - ch.points[bin];
    }
    EXPECT_EQ(*(*scored)[r].score, total);
    double previous = 1e9;
    for (const auto& reason : (*scored)[r].reasons) {
      EXPECT_EQ(reason.impact, lost[reason.feature]) << reason.feature;
      EXPECT_GT(reason.impact, 0);
      EXPECT_LE(reason.impact, previous);
      previous = reason.impact;
    }
  }
}

TEST_F(TrainingTest, GbdtReasonsNameTheApplicantsOwnCategoryLevel) {
  TrainingOptions o = Options(ModelMethod::kGbdt);
  o.time_budget_seconds = 3;
  auto trained = TrainModel(*table_, o);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  auto scored = trained->artifact.ScoreTable(*table_, 5);
  ASSERT_TRUE(scored.ok());
  size_t categorical_reasons = 0;
  for (size_t r = 0; r < 500; ++r) {
    for (const auto& reason : (*scored)[r].reasons) {
      const data::Column& c = *table_->Find(reason.feature);
      if (c.type != data::ColumnType::kCategorical || c.IsMissing(r)) continue;
      EXPECT_EQ(reason.detail, c.ValueText(r)) << "row " << r << " " << reason.feature;
      ++categorical_reasons;
    }
  }
  EXPECT_GT(categorical_reasons, 0u);
}

TEST_F(TrainingTest, OutOfTimeSplitTrainsOnEarlierApplications) {
  TrainingOptions o = Options(ModelMethod::kScorecard);
  o.split_by = "application_date";
  o.split_at = "2026-01-01";
  auto trained = TrainModel(*table_, o);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const data::Column& date = *table_->Find("application_date");
  const double cut = CivilDate::Parse("2026-01-01")->days_since_epoch();
  size_t earlier = 0;
  for (double d : date.numbers) earlier += d < cut;
  EXPECT_EQ((*trained->report)["data"]["train_rows"].get<size_t>(), earlier);
  EXPECT_EQ((*trained->report)["data"]["validation_rows"].get<size_t>(), kRows - earlier);

  o.split_at = "next year";
  auto bad = TrainModel(*table_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--split-at"), std::string::npos);
}

TEST_F(TrainingTest, UserCutPointsReplaceTheOptimisation) {
  TrainingOptions o = Options(ModelMethod::kScorecard);
  o.user_cuts["age"] = {25, 35, 50};
  auto binned = BinTable(*table_, o);
  ASSERT_TRUE(binned.ok()) << binned.status().ToString();
  for (const json& v : (*binned)["variables"]) {
    if (v["variable"] != "age") continue;
    std::vector<std::string> labels;
    for (const json& b : v["bins"]) labels.push_back(b["label"]);
    EXPECT_EQ(labels,
              (std::vector<std::string>{"(-inf, 25]", "(25, 35]", "(35, 50]", "(50, inf]", "missing"}));
  }
}

TEST_F(TrainingTest, AutoReportsBothCandidatesAndKeepsTheHigherValidationAuc) {
  TrainingOptions o = Options(ModelMethod::kAuto);
  o.time_budget_seconds = 6;
  auto trained = TrainModel(*table_, o);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const json& c = (*trained->report)["candidates"];
  ASSERT_EQ(c.size(), 2u);
  const std::string best = c[0]["validation_auc"] >= c[1]["validation_auc"] ? c[0]["method"] : c[1]["method"];
  EXPECT_EQ((*trained->report)["model"]["kind"], best);
}

TEST_F(TrainingTest, GbdtMonotoneConstraintHoldsAlongTheFeature) {
  TrainingOptions o = Options(ModelMethod::kGbdt);
  o.time_budget_seconds = 3;
  o.gbdt_monotone["age"] = -1;  // the generator's age effect is U-shaped: the constraint must flatten it
  auto trained = TrainModel(*table_, o);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const auto& features = trained->artifact.features();
  for (size_t row = 0; row < 20; ++row) {
    models::FeatureValues v;
    for (const auto& f : features) {
      const data::Column& c = *table_->Find(f.name);
      v.numbers.push_back(f.categorical ? NAN : c.numbers[row]);
      v.levels.push_back(f.categorical ? c.ValueText(row) : "");
    }
    const size_t age =
        std::find_if(features.begin(), features.end(), [](auto& f) { return f.name == "age"; }) -
        features.begin();
    double previous = 2;
    for (int years = 18; years <= 60; ++years) {
      v.numbers[age] = years;
      auto s = trained->artifact.Score(v, 0);
      ASSERT_TRUE(s.ok());
      EXPECT_LE(s->probability, previous + 1e-12) << "row " << row << " age " << years;
      previous = s->probability;
    }
  }
  o.gbdt_monotone = {{"shoe_size", 1}};
  auto unknown = TrainModel(*table_, o);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("shoe_size"), std::string::npos);
}

data::Table TableFromText(const std::string& text) {
  auto t = data::ParseCsv(text, "inline.csv");
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

TEST(ReadTargetTest, AcceptsZeroOneAndYesNo) {
  auto numeric = ReadTarget(TableFromText("x,bad\n1,0\n2,1\n3,0\n"), "bad");
  ASSERT_TRUE(numeric.ok());
  EXPECT_EQ(*numeric, (std::vector<uint8_t>{0, 1, 0}));
  auto words = ReadTarget(TableFromText("x,y\n1,no\n2,YES\n3,no\n"), "y");
  ASSERT_TRUE(words.ok()) << words.status().ToString();
  EXPECT_EQ(*words, (std::vector<uint8_t>{0, 1, 0}));
}

TEST(ReadTargetTest, RejectsNonBinaryMissingAndOneClassTargetsNamingTheLine) {
  auto two = ReadTarget(TableFromText("x,bad\n1,0\n2,2\n"), "bad");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.status().ToString().find("found 2 on data line 3"), std::string::npos)
      << two.status().ToString();

  auto missing = ReadTarget(TableFromText("x,bad\n1,0\n2,\n3,1\n"), "bad");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().ToString().find("missing on data line 3"), std::string::npos);

  auto levels = ReadTarget(TableFromText("x,grade\n1,A\n2,B\n3,C\n"), "grade");
  ASSERT_FALSE(levels.ok());
  EXPECT_NE(levels.status().ToString().find("must be binary"), std::string::npos);

  auto no_bads = ReadTarget(TableFromText("x,bad\n1,0\n2,0\n"), "bad");
  ASSERT_FALSE(no_bads.ok());
  EXPECT_NE(no_bads.status().ToString().find("no bads"), std::string::npos);

  auto unknown = ReadTarget(TableFromText("x,bad\n1,0\n2,1\n"), "default_flag");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace credo::modeling
