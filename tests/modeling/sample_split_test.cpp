#include "modeling/sample_split.h"

#include <gtest/gtest.h>

#include <set>

namespace credo::modeling {
namespace {

// 1,000 rows, every 10th bad (100 bads).
std::vector<uint8_t> TenPercentBad() {
  std::vector<uint8_t> bads(1000);
  for (size_t r = 0; r < bads.size(); r += 10) bads[r] = 1;
  return bads;
}

TEST(RandomSplitTest, PartitionsEveryRowAndKeepsTheBadShareInBothParts) {
  const std::vector<uint8_t> bads = TenPercentBad();
  const SampleSplit s = RandomSplit(bads, 0.25, 7);
  // 900 goods -> 225 validate; 100 bads -> 25 validate (hand count: 25% of each class).
  ASSERT_EQ(s.validation.size(), 250u);
  ASSERT_EQ(s.train.size(), 750u);
  std::set<size_t> all(s.train.begin(), s.train.end());
  all.insert(s.validation.begin(), s.validation.end());
  EXPECT_EQ(all.size(), 1000u);
  size_t validation_bads = 0;
  for (size_t r : s.validation) validation_bads += bads[r];
  EXPECT_EQ(validation_bads, 25u);
  EXPECT_TRUE(std::is_sorted(s.train.begin(), s.train.end()));
  EXPECT_EQ(RandomSplit(bads, 0.25, 7).validation, s.validation);
  EXPECT_NE(RandomSplit(bads, 0.25, 8).validation, s.validation);
}

TEST(StratifiedFoldsTest, EveryFoldGetsTheSameNumberOfBadsAndGoods) {
  const std::vector<uint8_t> bads = TenPercentBad();
  const std::vector<int> fold = StratifiedFolds(bads, 4, 3);
  int rows[4] = {}, fold_bads[4] = {};
  for (size_t r = 0; r < bads.size(); ++r) {
    ASSERT_GE(fold[r], 0);
    ASSERT_LT(fold[r], 4);
    ++rows[fold[r]];
    fold_bads[fold[r]] += bads[r];
  }
  for (int f = 0; f < 4; ++f) {
    EXPECT_EQ(rows[f], 250) << f;  // 900/4 goods + 100/4 bads
    EXPECT_EQ(fold_bads[f], 25) << f;
  }
}

TEST(OutOfTimeSplitTest, EarlierRowsTrainAndBadCutsAreUsageErrors) {
  auto table =
      data::ParseCsv("d,n,t,bad\n2025-12-31,1,a,0\n2026-01-01,2,b,1\n,3,c,0\n2026-02-01,4,d,1\n", "x.csv");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto by_date = OutOfTimeSplit(*table, "d", "2026-01-01");
  ASSERT_TRUE(by_date.ok());
  EXPECT_EQ(by_date->train, (std::vector<size_t>{0, 2}));  // row 2 has no date: it trains
  EXPECT_EQ(by_date->validation, (std::vector<size_t>{1, 3}));
  auto by_number = OutOfTimeSplit(*table, "n", "3");
  ASSERT_TRUE(by_number.ok());
  EXPECT_EQ(by_number->train, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(OutOfTimeSplit(*table, "d", "soon").status().code(), ErrorCode::kUsage);
  EXPECT_EQ(OutOfTimeSplit(*table, "t", "b").status().code(), ErrorCode::kUsage);
  EXPECT_EQ(OutOfTimeSplit(*table, "zz", "1").status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace credo::modeling
