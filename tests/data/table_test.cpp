#include "data/table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace credo::data {
namespace {

using ::testing::ElementsAre;
using ::testing::IsNan;

Column Numeric(std::string name, std::vector<double> numbers) {
  Column column;
  column.name = std::move(name);
  column.numbers = std::move(numbers);
  return column;
}

Column Categorical(std::string name, std::vector<int32_t> codes, std::vector<std::string> levels) {
  Column column;
  column.name = std::move(name);
  column.type = ColumnType::kCategorical;
  column.codes = std::move(codes);
  column.levels = std::move(levels);
  return column;
}

// loan_id, grade (A/B, one missing), disbursed_on (days since epoch, one missing).
Table LoanTable() {
  Table table("loans.csv");
  EXPECT_TRUE(table.AddColumn(Numeric("loan_id", {11, 12, 13, 14})).ok());
  EXPECT_TRUE(table.AddColumn(Categorical("grade", {0, 1, -1, 0}, {"A", "B"})).ok());
  Column disbursed_on = Numeric("disbursed_on", {19737, NAN, 19782, 0});
  disbursed_on.type = ColumnType::kDate;
  EXPECT_TRUE(table.AddColumn(std::move(disbursed_on)).ok());
  return table;
}

TEST(TableTest, ColumnTypeNames) {
  EXPECT_STREQ(ColumnTypeName(ColumnType::kNumeric), "numeric");
  EXPECT_STREQ(ColumnTypeName(ColumnType::kCategorical), "categorical");
  EXPECT_STREQ(ColumnTypeName(ColumnType::kDate), "date");
}

TEST(TableTest, ValueTextOfNumbersLevelsAndDates) {
  const Column numbers =
      Numeric("x", {12.5, 3, 0.1 + 0.2, 1234567.891, -0.25, 1e20, 123456789012345678.0, NAN});
  // %.15g: 0.1 + 0.2 = 0.30000000000000004 shows as 0.3; 1.23456789012345678e17 keeps 15 digits.
  EXPECT_EQ(numbers.ValueText(0), "12.5");
  EXPECT_EQ(numbers.ValueText(1), "3");
  EXPECT_EQ(numbers.ValueText(2), "0.3");
  EXPECT_EQ(numbers.ValueText(3), "1234567.891");
  EXPECT_EQ(numbers.ValueText(4), "-0.25");
  EXPECT_EQ(numbers.ValueText(5), "1e+20");
  EXPECT_EQ(numbers.ValueText(6), "1.23456789012346e+17");
  EXPECT_EQ(numbers.ValueText(7), "");

  const Table table = LoanTable();
  EXPECT_EQ(table.column(1).ValueText(1), "B");
  EXPECT_EQ(table.column(1).ValueText(2), "");
  // 19737 days after 1970-01-01 is 2024-01-15 (python3: datetime.date(1970,1,1) + timedelta(19737)).
  EXPECT_EQ(table.column(2).ValueText(0), "2024-01-15");
  EXPECT_EQ(table.column(2).ValueText(3), "1970-01-01");
  EXPECT_EQ(table.column(2).ValueText(1), "");
}

TEST(TableTest, MissingValues) {
  const Table table = LoanTable();
  EXPECT_EQ(table.column(0).CountMissing(), 0u);
  EXPECT_EQ(table.column(1).CountMissing(), 1u);
  EXPECT_TRUE(table.column(1).IsMissing(2));
  EXPECT_FALSE(table.column(1).IsMissing(0));
  EXPECT_TRUE(table.column(2).IsMissing(1));
  EXPECT_EQ(table.column(2).CountMissing(), 1u);
}

TEST(TableTest, FindAndIndexOf) {
  const Table table = LoanTable();
  EXPECT_EQ(table.num_rows(), 4u);
  EXPECT_EQ(table.num_columns(), 3u);
  ASSERT_NE(table.Find("grade"), nullptr);
  EXPECT_EQ(table.Find("grade")->name, "grade");
  EXPECT_EQ(table.Find("Grade"), nullptr);
  EXPECT_EQ(*table.IndexOf("disbursed_on"), 2u);

  const Result<size_t> missing = table.IndexOf("grad");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.status().ToString(),
            "loans.csv: no column 'grad'; the columns are: loan_id, grade, disbursed_on");
}

TEST(TableTest, IndexOfInAWideTableListsTheClosestNames) {
  Table table("wide.csv");
  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(table.AddColumn(Numeric("bureau_var_" + std::to_string(i), {1})).ok());
  ASSERT_TRUE(table.AddColumn(Numeric("monthly_income", {1})).ok());
  const Status status = table.IndexOf("Monthly_Incme").status();
  // Case-insensitive edit distances, from a Python Levenshtein over the same
  // names: monthly_income 1, bureau_var_0..9 12 each (ties in table order).
  EXPECT_EQ(
      status.ToString(),
      "wide.csv: no column 'Monthly_Incme'; the closest of the 31 columns are: monthly_income, bureau_var_0, "
      "bureau_var_1, bureau_var_2, bureau_var_3");
}

TEST(TableTest, AddColumnChecksLengthAndName) {
  Table table = LoanTable();
  const Status short_column = table.AddColumn(Numeric("score", {1, 2}));
  EXPECT_EQ(short_column.ToString(), "loans.csv: column 'score' has 2 values but the table has 4 rows");
  const Status duplicate = table.AddColumn(Numeric("loan_id", {1, 2, 3, 4}));
  EXPECT_EQ(duplicate.ToString(), "loans.csv: the table already has a column 'loan_id'");
  EXPECT_EQ(table.num_columns(), 3u);
}

TEST(TableTest, TakeRowsCopiesRowsInTheOrderGiven) {
  const Table table = LoanTable();
  const Table taken = table.TakeRows({3, 0, 0, 2});
  EXPECT_EQ(taken.source(), "loans.csv");
  ASSERT_EQ(taken.num_rows(), 4u);
  EXPECT_THAT(taken.column(0).numbers, ElementsAre(14, 11, 11, 13));
  EXPECT_THAT(taken.column(1).codes, ElementsAre(0, 0, 0, -1));
  EXPECT_THAT(taken.column(1).levels, ElementsAre("A", "B"));
  EXPECT_EQ(taken.column(2).type, ColumnType::kDate);
  EXPECT_THAT(taken.column(2).numbers, ElementsAre(0, 19737, 19737, 19782));
  EXPECT_EQ(table.TakeRows({}).num_rows(), 0u);
  EXPECT_THAT(table.TakeRows({1}).column(2).numbers, ElementsAre(IsNan()));
}

}  // namespace
}  // namespace credo::data
