// Tests of models/tree_walker.h. The second implementation every number is
// checked against is XGBoost itself: its C API through TreeEnsemble on the
// same model and rows, and Python's own predictions in expected.csv
// (tests/models/fixtures/xgboost/make_fixture.py). The models are
//   model.json                40 trees, depth 3, 4 features (make_fixture.py)
//   gbdt300_with_missing.json 300 trees, depth 4, 8 features, trained with
//                             ~15% missing values
//   deep_paths.json           6 trees, depth 10: 757 leaves deeper than the
//                             walker's subtree tables reach (8 splits), 109
//                             of them on paths of at most 5 distinct features
//                             (tabulated by agreement pattern), 648 on 6 to 8
//                             (their SHAP shares computed while scoring)
// (the last two: /usr/bin/python3 tests/models/fixtures/xgboost/make_tree_walker_fixtures.py).
#include "models/tree_walker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "data/table.h"
#include "fixture_file.h"
#include "models/artifact.h"
#include "models/xgboost_booster.h"

namespace credo::models {
namespace {

using nlohmann::json;

using testing::kFixtureDir;
using testing::ReadFile;

// `rows` rows that reach every corner of the model's trees: each value is
// missing (20%), exactly one of the model's thresholds for that feature
// (20%, which checks that a tie goes right, as `x < threshold` sends it), or
// a threshold scaled by 0.5..1.5. Row 0 is all missing.
std::vector<float> RowsAroundThresholds(const json& model, size_t rows) {
  const size_t features =
      std::stoul(model["learner"]["learner_model_param"]["num_feature"].get<std::string>());
  std::vector<std::vector<float>> thresholds(features);
  for (const json& tree : model["learner"]["gradient_booster"]["model"]["trees"]) {
    for (size_t node = 0; node < tree["left_children"].size(); ++node) {
      if (tree["left_children"][node] == -1) continue;
      thresholds[tree["split_indices"][node].get<size_t>()].push_back(
          tree["split_conditions"][node].get<float>());
    }
  }
  std::mt19937 random(20240502);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<float> x(rows * features, std::nanf(""));
  for (size_t r = 1; r < rows; ++r) {
    for (size_t f = 0; f < features; ++f) {
      const double draw = unit(random);
      if (draw < 0.2 || thresholds[f].empty()) continue;  // missing
      const float threshold = thresholds[f][random() % thresholds[f].size()];
      x[r * features + f] = draw < 0.4 ? threshold : static_cast<float>(threshold * (0.5 + unit(random)));
    }
  }
  return x;
}

// A fixture model loaded both natively and through XGBoost's C API.
struct LoadedModel {
  std::string xgboost_json;
  std::unique_ptr<CompiledTrees> native;
  std::unique_ptr<TreeEnsemble> xgboost;
};

LoadedModel Load(const std::string& file,
                 size_t table_budget_bytes = CompiledTrees::kDefaultTableBudgetBytes) {
  LoadedModel m;
  m.xgboost_json = ReadFile(kFixtureDir + file);
  auto native = CompiledTrees::FromXgboostJson(m.xgboost_json, table_budget_bytes);
  auto xgboost = TreeEnsemble::FromJson(m.xgboost_json);
  EXPECT_TRUE(native.ok()) << native.status().ToString();
  EXPECT_TRUE(xgboost.ok()) << xgboost.status().ToString();
  if (native.ok()) m.native = std::make_unique<CompiledTrees>(std::move(native).value());
  if (xgboost.ok()) m.xgboost = std::make_unique<TreeEnsemble>(std::move(xgboost).value());
  return m;
}

// A fixture, and the SHAP tables' budget: the default (all tabulated), none
// (every leaf computed while scoring) or 64 KiB (tables for the first
// trees, the rest computed).
class AgainstXgboostTest : public ::testing::TestWithParam<std::tuple<const char*, size_t>> {};

TEST_P(AgainstXgboostTest, MarginProbabilityAndContributionsEqualTheCApi) {
  const LoadedModel m = Load(std::get<0>(GetParam()), std::get<1>(GetParam()));
  ASSERT_TRUE(m.native && m.xgboost);
  ASSERT_EQ(m.native->num_features(), m.xgboost->num_features());
  ASSERT_EQ(m.native->num_trees(), m.xgboost->num_trees());
  EXPECT_LE(m.native->table_bytes(), std::get<1>(GetParam()));
  const size_t rows = 1000;
  const size_t cols = m.native->num_features();
  const std::vector<float> x = RowsAroundThresholds(json::parse(m.xgboost_json), rows);
  const std::vector<double> margin = *m.xgboost->PredictMargin(x.data(), rows, cols);
  const std::vector<double> probability = *m.xgboost->PredictProbability(x.data(), rows, cols);
  const std::vector<double> contributions = *m.xgboost->Contributions(x.data(), rows, cols);
  std::vector<double> native_contributions(cols + 1);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = &x[r * cols];
    EXPECT_NEAR(m.native->Margin(row), margin[r], 1e-6) << "row " << r;
    EXPECT_NEAR(m.native->Probability(row), probability[r], 1e-6) << "row " << r;
    // The margin that comes with the contributions (from the SHAP tables)
    // is the one the tree walk gives, to the bit.
    EXPECT_EQ(m.native->Contributions(row, native_contributions.data()),
              static_cast<float>(m.native->Margin(row)))
        << "row " << r;
    double sum = 0;
    for (size_t f = 0; f <= cols; ++f) {
      EXPECT_NEAR(native_contributions[f], contributions[r * (cols + 1) + f], 1e-5)
          << "row " << r << " f " << f;
      sum += native_contributions[f];
    }
    // SHAP's local accuracy: the contributions and the bias add up to the margin.
    EXPECT_NEAR(sum, m.native->Margin(row), 1e-5) << "row " << r;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, AgainstXgboostTest,
    ::testing::Combine(::testing::Values("model.json", "gbdt300_with_missing.json", "deep_paths.json"),
                       ::testing::Values(CompiledTrees::kDefaultTableBudgetBytes, 0, 64 << 10)));

TEST(CompiledTreesTest, TheTablesStayWithinTheirBudget) {
  const std::string model = ReadFile(kFixtureDir + "gbdt300_with_missing.json");
  const size_t all = CompiledTrees::FromXgboostJson(model)->table_bytes();
  EXPECT_GT(all, size_t{64} << 10);  // 300 trees of depth 4: tables for all of them need more
  const size_t some = CompiledTrees::FromXgboostJson(model, size_t{64} << 10)->table_bytes();
  EXPECT_GT(some, 0u);
  EXPECT_LE(some, size_t{64} << 10);
  EXPECT_EQ(CompiledTrees::FromXgboostJson(model, 0)->table_bytes(), 0u);
}

TEST(CompiledTreesTest, DescribesTheFixturesAsTheirScriptsTrainedThem) {
  // make_fixture.py: 40 rounds over 4 features; make_tree_walker_fixtures.py: 300 over 8.
  const LoadedModel small = Load("model.json");
  const LoadedModel large = Load("gbdt300_with_missing.json");
  ASSERT_TRUE(small.native && large.native);
  EXPECT_EQ(small.native->num_trees(), 40u);
  EXPECT_EQ(small.native->num_features(), 4u);
  EXPECT_EQ(large.native->num_trees(), 300u);
  EXPECT_EQ(large.native->num_features(), 8u);
}

TEST(CompiledTreesTest, EqualsPythonsOwnPredictions) {
  // expected.csv: per row of input.csv, Python's predict(), predict(output_margin=True)
  // and predict(pred_contribs=True), printed with 17 digits (make_fixture.py).
  const LoadedModel m = Load("model.json");
  ASSERT_TRUE(m.native);
  std::istringstream inputs(ReadFile(kFixtureDir + "input.csv"));
  std::istringstream expected(ReadFile(kFixtureDir + "expected.csv"));
  std::string input_line;
  std::string expected_line;
  std::getline(inputs, input_line);  // headers
  std::getline(expected, expected_line);
  const auto cells = [](const std::string& line) {
    std::vector<double> values;
    std::istringstream cells(line + ",");
    std::string cell;
    while (std::getline(cells, cell, ',')) values.push_back(cell.empty() ? std::nan("") : std::stod(cell));
    return values;
  };
  size_t rows = 0;
  while (std::getline(inputs, input_line) && std::getline(expected, expected_line)) {
    const std::vector<double> wide = cells(input_line);
    const std::vector<float> row(wide.begin(), wide.end());
    const std::vector<double> want = cells(expected_line);  // probability, margin, 4 contributions, bias
    ASSERT_EQ(row.size(), 4u);
    ASSERT_EQ(want.size(), 7u);
    EXPECT_NEAR(m.native->Probability(row.data()), want[0], 1e-6) << "row " << rows;
    EXPECT_NEAR(m.native->Margin(row.data()), want[1], 1e-6) << "row " << rows;
    std::vector<double> contributions(5);
    m.native->Contributions(row.data(), contributions.data());
    for (size_t f = 0; f < 5; ++f) EXPECT_NEAR(contributions[f], want[2 + f], 1e-5) << "row " << rows;
    ++rows;
  }
  EXPECT_EQ(rows, 26u);  // 24 training rows, one all missing, one out of range
}

TEST(CompiledTreesTest, WalksAHandWrittenTreeByTheSplitRule) {
  // One tree: node 0 splits feature 1 at 2.5 (missing goes left) into
  // leaves 0.5 (left) and -0.25 (right); base_score 0.5, so the margin
  // starts at logit(0.5) = 0. Covers 10 = 4 + 6, so the tree's mean is
  // (4 * 0.5 + 6 * -0.25) / 10 = 0.05, and the bias is 0.05. SHAP of
  // feature 1 is the leaf reached minus that mean: 0.5 - 0.05 = 0.45 left,
  // -0.25 - 0.05 = -0.3 right.
  const std::string model = R"({"learner":{
    "gradient_booster":{"name":"gbtree","model":{"trees":[{
      "left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[1,0,0],
      "split_conditions":[2.5,0.5,-0.25],"default_left":[1,0,0],"sum_hessian":[10,4,6],
      "split_type":[0,0,0]}]}},
    "learner_model_param":{"base_score":"5E-1","num_class":"0","num_feature":"2","num_target":"1"},
    "objective":{"name":"binary:logistic"}}})";
  auto trees = CompiledTrees::FromXgboostJson(model);
  ASSERT_TRUE(trees.ok()) << trees.status().ToString();
  const float nan = std::nanf("");
  const float below[2] = {nan, 2.0f};
  const float tie[2] = {nan, 2.5f};  // not below the threshold: right
  const float missing[2] = {7.0f, nan};
  EXPECT_DOUBLE_EQ(trees->Margin(below), 0.5);
  EXPECT_DOUBLE_EQ(trees->Margin(tie), -0.25);
  EXPECT_DOUBLE_EQ(trees->Margin(missing), 0.5);
  EXPECT_NEAR(trees->Probability(tie), 1 / (1 + std::exp(0.25)), 1e-7);  // 0.437823...
  double contributions[3];
  EXPECT_DOUBLE_EQ(trees->Contributions(tie, contributions), -0.25);  // the margin comes along
  EXPECT_DOUBLE_EQ(contributions[0], 0.0);                            // never split on
  EXPECT_NEAR(contributions[1], -0.3, 1e-7);
  EXPECT_NEAR(contributions[2], 0.05, 1e-7);
  EXPECT_DOUBLE_EQ(trees->Contributions(missing, contributions), 0.5);
  EXPECT_NEAR(contributions[1], 0.45, 1e-7);
}

TEST(CompiledTreesTest, ATreeThatIsOneLeafAddsItsValueToMarginAndBiasOnly) {
  // The tree above, then a tree that is a single leaf of 0.1 (no split
  // improved it): every row's margin rises by 0.1, and so does the bias;
  // no feature's contribution changes. Row `tie` goes right: margin
  // -0.25 + 0.1 = -0.15 = -0.3 (feature 1) + 0.15 (bias).
  const std::string model = R"({"learner":{
    "gradient_booster":{"name":"gbtree","model":{"trees":[{
      "left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[1,0,0],
      "split_conditions":[2.5,0.5,-0.25],"default_left":[1,0,0],"sum_hessian":[10,4,6],
      "split_type":[0,0,0]},{
      "left_children":[-1],"right_children":[-1],"split_indices":[0],
      "split_conditions":[0.1],"default_left":[0],"sum_hessian":[10],"split_type":[0]}]}},
    "learner_model_param":{"base_score":"5E-1","num_class":"0","num_feature":"2","num_target":"1"},
    "objective":{"name":"binary:logistic"}}})";
  auto trees = CompiledTrees::FromXgboostJson(model);
  ASSERT_TRUE(trees.ok()) << trees.status().ToString();
  const float tie[2] = {std::nanf(""), 2.5f};
  EXPECT_NEAR(trees->Margin(tie), -0.15, 1e-7);
  double contributions[3];
  EXPECT_NEAR(trees->Contributions(tie, contributions), -0.15, 1e-7);
  EXPECT_DOUBLE_EQ(contributions[0], 0.0);
  EXPECT_NEAR(contributions[1], -0.3, 1e-7);
  EXPECT_NEAR(contributions[2], 0.15, 1e-7);
}

// The fixture model.json with one edit, compiled: its Status.
Status CompileEdited(const std::function<void(json&)>& edit) {
  json model = json::parse(ReadFile(kFixtureDir + "model.json"));
  edit(model);
  return CompiledTrees::FromXgboostJson(model.dump()).status();
}

json& Tree(json& model, size_t t) { return model["learner"]["gradient_booster"]["model"]["trees"][t]; }

TEST(CompiledTreesTest, RefusesWhatItCannotWalkNamingThePlace) {
  struct Case {
    const char* what;
    std::function<void(json&)> edit;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"categorical split", [](json& m) { Tree(m, 3)["split_type"][2] = 1; },
       "learner.gradient_booster.model.trees[3].split_type"},
      {"objective", [](json& m) { m["learner"]["objective"]["name"] = "reg:squarederror"; },
       "learner.objective.name"},
      {"booster", [](json& m) { m["learner"]["gradient_booster"]["name"] = "gblinear"; },
       "learner.gradient_booster.name"},
      {"classes", [](json& m) { m["learner"]["learner_model_param"]["num_class"] = "3"; },
       "learner.learner_model_param.num_class"},
      {"base_score", [](json& m) { m["learner"]["learner_model_param"]["base_score"] = "1E0"; },
       "learner.learner_model_param.base_score"},
      {"feature", [](json& m) { Tree(m, 5)["split_indices"][0] = 4; },
       "learner.gradient_booster.model.trees[5] node 0"},
      {"child", [](json& m) { Tree(m, 6)["left_children"][1] = 99; },
       "learner.gradient_booster.model.trees[6] node 1"},
      {"cycle", [](json& m) { Tree(m, 7)["left_children"][1] = 1; },
       "learner.gradient_booster.model.trees[7] node 1"},
      {"short array", [](json& m) { Tree(m, 8)["sum_hessian"].erase(0); },
       "learner.gradient_booster.model.trees[8].sum_hessian"},
  };
  for (const Case& c : cases) {
    const Status status = CompileEdited(c.edit);
    EXPECT_EQ(status.code(), ErrorCode::kInvalidInput) << c.what;
    EXPECT_EQ(status.path(), c.path) << c.what << ": " << status.ToString();
  }
  EXPECT_FALSE(CompiledTrees::FromXgboostJson("not json").ok());
  // The unedited fixture compiles: the edits above are what is refused.
  EXPECT_TRUE(CompileEdited([](json&) {}).ok());
}

// ModelArtifact::Score (one applicant, native) against ScoreTable (batches,
// XGBoost's C API) on the same rows.
TEST(ArtifactScoreTest, OneApplicantScoresAsTheBatchPath) {
  const std::string xgboost_json = ReadFile(kFixtureDir + "gbdt300_with_missing.json");
  const json model = json::parse(xgboost_json);
  std::vector<FeatureSpec> features;
  for (const json& name : model["learner"]["feature_names"]) {
    features.push_back({name.get<std::string>(), false});
  }
  auto artifact = ModelArtifact::FromXgboostJson(xgboost_json, features);
  ASSERT_TRUE(artifact.ok()) << artifact.status().ToString();
  const size_t rows = 200;
  const size_t cols = features.size();
  const std::vector<float> x = RowsAroundThresholds(model, rows);
  data::Table table;
  for (size_t f = 0; f < cols; ++f) {
    data::Column column;
    column.name = features[f].name;
    for (size_t r = 0; r < rows; ++r) column.numbers.push_back(x[r * cols + f]);
    ASSERT_TRUE(table.AddColumn(std::move(column)).ok());
  }
  auto batch = artifact->ScoreTable(table, cols);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  for (size_t r = 0; r < rows; ++r) {
    FeatureValues values{std::vector<double>(x.begin() + r * cols, x.begin() + (r + 1) * cols),
                         std::vector<std::string>(cols)};
    auto one = artifact->Score(values, cols);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    EXPECT_NEAR(one->probability, (*batch)[r].probability, 1e-6) << "row " << r;
    ASSERT_EQ(one->reasons.size(), (*batch)[r].reasons.size()) << "row " << r;
    for (size_t i = 0; i < one->reasons.size(); ++i) {
      EXPECT_EQ(one->reasons[i].feature, (*batch)[r].reasons[i].feature) << "row " << r;
      EXPECT_EQ(one->reasons[i].detail, (*batch)[r].reasons[i].detail) << "row " << r;
      EXPECT_NEAR(one->reasons[i].impact, (*batch)[r].reasons[i].impact, 1e-5) << "row " << r;
    }
  }
  FeatureValues infinite{std::vector<double>(cols, 1.0), std::vector<std::string>(cols)};
  infinite.numbers[2] = std::numeric_limits<double>::infinity();
  auto refused = artifact->Score(infinite);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().path(), features[2].name);
}

}  // namespace
}  // namespace credo::models
