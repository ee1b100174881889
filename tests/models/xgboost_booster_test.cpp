// Tests of models/xgboost_booster.h against a model saved by XGBoost in
// Python. The fixture (model.json, input.csv, expected.csv) is made by
// tests/models/fixtures/xgboost/make_fixture.py with Debian's
// python3-xgboost 1.7.4; expected.csv holds Python's own predict(),
// predict(output_margin=True) and predict(pred_contribs=True).
#include "models/xgboost_booster.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fixture_file.h"

namespace credo::models {
namespace {

using testing::kFixtureDir;
using testing::ReadFile;

// A CSV file of numbers with a header line; an empty cell is NaN.
struct NumberTable {
  size_t cols = 0;
  std::vector<float> values;  // row-major, as float32 the way XGBoost reads them
  std::vector<double> wide;   // the same cells as double, for expected outputs

  size_t rows() const { return values.size() / cols; }
  double at(size_t row, size_t col) const { return wide[row * cols + col]; }
};

NumberTable ReadNumbers(const std::string& path) {
  std::istringstream lines(ReadFile(path));
  std::string line;
  std::getline(lines, line);  // header
  NumberTable table;
  table.cols = static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1;
  while (std::getline(lines, line)) {
    std::istringstream cells(line);
    std::string cell;
    size_t cols = 0;
    while (std::getline(cells, cell, ',')) {
      ++cols;
      table.values.push_back(cell.empty() ? std::nanf("") : std::strtof(cell.c_str(), nullptr));
      table.wide.push_back(cell.empty() ? std::nan("") : std::strtod(cell.c_str(), nullptr));
    }
    if (!line.empty() && line.back() == ',') {  // a trailing empty cell
      ++cols;
      table.values.push_back(std::nanf(""));
      table.wide.push_back(std::nan(""));
    }
    EXPECT_EQ(cols, table.cols) << path << ": " << line;
  }
  return table;
}

class PythonModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = TreeEnsemble::FromJson(ReadFile(kFixtureDir + "model.json"));
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    trees_ = std::make_unique<TreeEnsemble>(std::move(loaded).value());
    input_ = ReadNumbers(kFixtureDir + "input.csv");
    expected_ = ReadNumbers(kFixtureDir + "expected.csv");
    ASSERT_EQ(input_.cols, 4u);
    ASSERT_EQ(expected_.cols, 2u + 4u + 1u);  // probability, margin, 4 contributions, bias
    ASSERT_EQ(input_.rows(), expected_.rows());
  }

  std::unique_ptr<TreeEnsemble> trees_;
  NumberTable input_;
  NumberTable expected_;
};

TEST_F(PythonModelTest, DescribesTheModelAsPythonSavedIt) {
  // make_fixture.py: 40 rounds, one tree each, over 4 named features.
  EXPECT_EQ(trees_->num_features(), 4u);
  EXPECT_EQ(trees_->num_trees(), 40u);
  EXPECT_EQ(trees_->feature_names(),
            (std::vector<std::string>{"utilization", "months_on_book", "inquiries_6m", "income_k"}));
}

TEST_F(PythonModelTest, ProbabilitiesAndMarginsEqualPython) {
  auto probability = trees_->PredictProbability(input_.values.data(), input_.rows(), input_.cols);
  auto margin = trees_->PredictMargin(input_.values.data(), input_.rows(), input_.cols);
  ASSERT_TRUE(probability.ok()) << probability.status().ToString();
  ASSERT_TRUE(margin.ok()) << margin.status().ToString();
  ASSERT_EQ(probability->size(), input_.rows());
  for (size_t r = 0; r < input_.rows(); ++r) {
    EXPECT_NEAR((*probability)[r], expected_.at(r, 0), 1e-6) << "row " << r;
    EXPECT_NEAR((*margin)[r], expected_.at(r, 1), 1e-6) << "row " << r;
    // Invariant: binary:logistic's probability is the logistic of the margin
    // (XGBoost computes it in float, hence the tolerance).
    EXPECT_NEAR((*probability)[r], 1 / (1 + std::exp(-(*margin)[r])), 1e-6) << "row " << r;
  }
}

TEST_F(PythonModelTest, ContributionsEqualPythonAndSumToTheMargin) {
  auto contributions = trees_->Contributions(input_.values.data(), input_.rows(), input_.cols);
  ASSERT_TRUE(contributions.ok()) << contributions.status().ToString();
  const size_t width = input_.cols + 1;
  ASSERT_EQ(contributions->size(), input_.rows() * width);
  for (size_t r = 0; r < input_.rows(); ++r) {
    double sum = 0;
    for (size_t f = 0; f < width; ++f) {
      EXPECT_NEAR((*contributions)[r * width + f], expected_.at(r, 2 + f), 1e-5) << "row " << r << " f " << f;
      sum += (*contributions)[r * width + f];
    }
    // SHAP's local accuracy: features' contributions plus the bias give the margin.
    EXPECT_NEAR(sum, expected_.at(r, 1), 1e-5) << "row " << r;
  }
}

TEST_F(PythonModelTest, SaveThenLoadScoresIdentically) {
  auto json = trees_->ToJson();
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  auto reloaded = TreeEnsemble::FromJson(*json);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ(reloaded->num_trees(), trees_->num_trees());
  EXPECT_EQ(reloaded->feature_names(), trees_->feature_names());
  const float* x = input_.values.data();
  EXPECT_EQ(*reloaded->PredictProbability(x, input_.rows(), 4),
            *trees_->PredictProbability(x, input_.rows(), 4));
  EXPECT_EQ(*reloaded->Contributions(x, input_.rows(), 4), *trees_->Contributions(x, input_.rows(), 4));
}

TEST_F(PythonModelTest, LargeBatchesOnAllCoresScoreAsSingleRows) {
  // 300 rows crosses the batch size from which all cores are used; each row
  // scored alone (on the calling thread) must give the same numbers.
  std::vector<float> batch;
  const size_t rows = 300;
  for (size_t r = 0; r < rows; ++r) {
    const float* row = &input_.values[(r % input_.rows()) * 4];
    batch.insert(batch.end(), row, row + 4);
  }
  auto probability = trees_->PredictProbability(batch.data(), rows, 4);
  auto contributions = trees_->Contributions(batch.data(), rows, 4);
  ASSERT_TRUE(probability.ok() && contributions.ok());
  for (size_t r = 0; r < rows; ++r) {
    EXPECT_EQ((*probability)[r], (*trees_->PredictProbability(&batch[r * 4], 1, 4))[0]) << "row " << r;
    const std::vector<double> alone = *trees_->Contributions(&batch[r * 4], 1, 4);
    EXPECT_EQ(std::vector<double>(contributions->begin() + r * 5, contributions->begin() + r * 5 + 5), alone);
  }
}

TEST_F(PythonModelTest, ScoresFromManyThreadsAsFromOne) {
  const size_t rows = input_.rows();
  const std::vector<double> serial = *trees_->PredictProbability(input_.values.data(), rows, 4);
  const std::vector<double> serial_contributions = *trees_->Contributions(input_.values.data(), rows, 4);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int repeat = 0; repeat < 50; ++repeat) {
        const size_t r = (t * 7 + repeat) % rows;
        auto p = trees_->PredictProbability(&input_.values[r * 4], 1, 4);
        auto c = trees_->Contributions(&input_.values[r * 4], 1, 4);
        if (!p.ok() || !c.ok() || (*p)[0] != serial[r] ||
            *c != std::vector<double>(serial_contributions.begin() + r * 5,
                                      serial_contributions.begin() + r * 5 + 5)) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST_F(PythonModelTest, MovedEnsembleKeepsScoring) {
  const std::vector<double> before = *trees_->PredictProbability(input_.values.data(), 3, 4);
  TreeEnsemble moved = std::move(*trees_);
  EXPECT_EQ(*moved.PredictProbability(input_.values.data(), 3, 4), before);
  EXPECT_EQ(moved.num_features(), 4u);
}

TEST_F(PythonModelTest, NoRowsGiveNoScores) {
  auto probability = trees_->PredictProbability(nullptr, 0, 4);
  ASSERT_TRUE(probability.ok()) << probability.status().ToString();
  EXPECT_TRUE(probability->empty());
}

TEST_F(PythonModelTest, RowLengthMustMatchTheModel) {
  auto probability = trees_->PredictProbability(input_.values.data(), 2, 3);
  ASSERT_FALSE(probability.ok());
  EXPECT_EQ(probability.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(probability.status().message().find("reads 4 features"), std::string::npos)
      << probability.status().message();
  EXPECT_FALSE(trees_->Contributions(input_.values.data(), 1, 5).ok());
}

TEST_F(PythonModelTest, InfiniteValueIsNamedByRowAndColumn) {
  std::vector<float> rows(input_.values.begin(), input_.values.begin() + 8);
  rows[6] = INFINITY;  // row 1, column 2
  auto probability = trees_->PredictProbability(rows.data(), 2, 4);
  ASSERT_FALSE(probability.ok());
  EXPECT_EQ(probability.status().path(), "row 1 column 2");
}

TEST(TreeEnsembleLoadTest, RejectsTextThatIsNotAModel) {
  auto not_json = TreeEnsemble::FromJson("binary garbage");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.status().code(), ErrorCode::kInvalidInput);

  auto wrong_document = TreeEnsemble::FromJson("{\"learner\": 1}");
  ASSERT_FALSE(wrong_document.ok());
  EXPECT_EQ(wrong_document.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(wrong_document.status().message().find("XGBoosterLoadModelFromBuffer"), std::string::npos);
}

TEST(TreeEnsembleLoadTest, RejectsAnObjectiveThatIsNotAProbability) {
  // The fixture model with its objective renamed to squared-error regression,
  // whose output is not a probability (both objectives share the same parameters).
  std::string json = ReadFile(kFixtureDir + "model.json");
  const std::string from = "\"name\":\"binary:logistic\"";
  const size_t at = json.find(from);
  ASSERT_NE(at, std::string::npos);
  json.replace(at, from.size(), "\"name\":\"reg:squarederror\"");
  auto loaded = TreeEnsemble::FromJson(json);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().path(), "learner.objective.name");
  EXPECT_NE(loaded.status().message().find("reg:squarederror"), std::string::npos);
}

}  // namespace
}  // namespace credo::models
