#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "data/csv.h"
#include "data/table.h"
#include "test_files.h"

namespace credo::data {
namespace {

using ::testing::ElementsAre;
using ::testing::IsNan;

Table ReadOrDie(const std::string& path, const ReadOptions& options = {}) {
  Result<Table> table = ReadCsv(path, options);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  return table.ok() ? std::move(table).value() : Table();
}

Table ParseOrDie(std::string_view text, const ReadOptions& options = {}) {
  Result<Table> table = ParseCsv(text, "memory.csv", options);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  return table.ok() ? std::move(table).value() : Table();
}

// The error of reading `text`, as "path: message".
std::string ParseError(std::string_view text, const ReadOptions& options = {}) {
  Result<Table> table = ParseCsv(text, "memory.csv", options);
  return table.ok() ? "no error" : table.status().ToString();
}

std::string ReadError(const std::string& path, const ReadOptions& options = {}) {
  Result<Table> table = ReadCsv(path, options);
  return table.ok() ? "no error" : table.status().ToString();
}

// A file with one column, "value", holding `cells`.
std::string OneColumnCsv(const std::vector<std::string>& cells) {
  std::string text = "value\n";
  for (const std::string& cell : cells) text += cell + "\n";
  return text;
}

// The type inferred for the one column of OneColumnCsv(cells).
ColumnType InferredType(const std::vector<std::string>& cells, const ReadOptions& options = {}) {
  const Table table = ParseOrDie(OneColumnCsv(cells), options);
  return table.num_columns() == 1 ? table.column(0).type : ColumnType::kNumeric;
}

TEST(ReadCsvTest, InfersNumericCategoricalDateAndAllMissing) {
  const Table table = ReadOrDie(Fixture("column_type_inference.csv"));
  ASSERT_EQ(table.num_columns(), 6u);
  ASSERT_EQ(table.num_rows(), 5u);
  EXPECT_EQ(table.source(), Fixture("column_type_inference.csv"));

  const Column& loan_id = table.column(0);
  EXPECT_EQ(loan_id.type, ColumnType::kNumeric);
  EXPECT_THAT(loan_id.numbers, ElementsAre(1001, 1002, 1003, 1004, 1005));

  const Column& grade = table.column(1);
  EXPECT_EQ(grade.type, ColumnType::kCategorical);
  EXPECT_THAT(grade.levels, ElementsAre("B", "A", "C"));  // order of first appearance
  EXPECT_THAT(grade.codes, ElementsAre(0, 1, 2, 0, 0));
  EXPECT_TRUE(grade.numbers.empty());

  // Days since 1970-01-01, from python3:
  // (datetime.date.fromisoformat(s) - datetime.date(1970, 1, 1)).days
  const Column& disbursed_on = table.column(2);
  EXPECT_EQ(disbursed_on.type, ColumnType::kDate);
  ASSERT_EQ(disbursed_on.numbers.size(), 5u);
  EXPECT_EQ(disbursed_on.numbers[0], 19737);  // 2024-01-15
  EXPECT_EQ(disbursed_on.numbers[1], 19782);  // 2024/02/29
  EXPECT_EQ(disbursed_on.numbers[2], 19692);  // 2023-12-01
  EXPECT_TRUE(std::isnan(disbursed_on.numbers[3]));
  EXPECT_EQ(disbursed_on.numbers[4], 19813);  // 2024-03-31

  // " 1250 " (spaces), "+980", NA, "2.5e3", "-15".
  const Column& apr_bps = table.column(3);
  EXPECT_EQ(apr_bps.type, ColumnType::kNumeric);
  EXPECT_THAT(apr_bps.numbers, ElementsAre(1250, 980, IsNan(), 2500, -15));

  const Column& city = table.column(4);
  EXPECT_EQ(city.type, ColumnType::kCategorical);
  EXPECT_THAT(city.levels, ElementsAre("Beijing", "Shanghai", "Chengdu"));
  EXPECT_THAT(city.codes, ElementsAre(0, 1, 0, 2, 1));

  // "", "NA", "null", "", "N/A": every value missing, so numeric and all NaN.
  const Column& note = table.column(5);
  EXPECT_EQ(note.name, "collateral_note");
  EXPECT_EQ(note.type, ColumnType::kNumeric);
  EXPECT_THAT(note.numbers, ElementsAre(IsNan(), IsNan(), IsNan(), IsNan(), IsNan()));
}

TEST(ReadCsvTest, NumbersThenTextMakeACategoricalColumn) {
  // The first three values are numbers; "north" and "south" make the column
  // categorical, so the numbers come back as their text.
  const Table from_file = ReadOrDie(Fixture("numbers_then_text.csv"));
  ASSERT_EQ(from_file.num_columns(), 2u);
  const Column& region = from_file.column(1);
  EXPECT_EQ(region.type, ColumnType::kCategorical);
  EXPECT_THAT(region.levels, ElementsAre("100", "200", "300", "north", "south"));
  EXPECT_THAT(region.codes, ElementsAre(0, 1, 2, -1, 3, 4));

  const Table from_text = ParseOrDie("id,region_code\n1,100\n2,200\n3,300\n4,NA\n5,north\n6,south\n");
  EXPECT_EQ(from_text.column(1).levels, region.levels);
  EXPECT_EQ(from_text.column(1).codes, region.codes);

  // Dates then text, read only up to the text by max_rows: still dates.
  ReadOptions first_two;
  first_two.max_rows = 2;
  const std::string dates_then_text = "d\n2024-01-01\n2024/01/02\nsoon\n";
  EXPECT_EQ(ParseOrDie(dates_then_text, first_two).column(0).type, ColumnType::kDate);
  const Table all_rows = ParseOrDie(dates_then_text);
  EXPECT_THAT(all_rows.column(0).levels, ElementsAre("2024-01-01", "2024/01/02", "soon"));
}

TEST(ReadCsvTest, MostlyNumericColumnWithABadValueIsAnError) {
  // 25 rows: one "NA" (missing) and one "abc" on line 14, so 23 of the 24
  // present values are numbers: 95.83%, shown rounded down as 95.8%.
  EXPECT_EQ(ReadError(Fixture("near_numeric_income.csv")),
            Fixture("near_numeric_income.csv") +
                ":14:2: column 'monthly_income': 'abc' is not a number (95.8% of this column's values are "
                "numbers); correct the value or list it as a missing-value token");
  // Listing "abc" as a missing-value token makes it read.
  ReadOptions options;
  options.missing_tokens = {"", "NA", "abc"};
  const Table table = ReadOrDie(Fixture("near_numeric_income.csv"), options);
  EXPECT_EQ(table.column(1).type, ColumnType::kNumeric);
  EXPECT_EQ(table.column(1).CountMissing(), 2u);
}

TEST(ReadCsvTest, NearNumericNeedsTwentyNumbersAndNineteenTwentieths) {
  // `count` numbers followed by `texts` words.
  const auto with_text = [](int count, int texts) {
    std::vector<std::string> cells;
    for (int i = 0; i < count; ++i) cells.push_back(std::to_string(i * 3));
    for (int i = 0; i < texts; ++i) cells.push_back("text" + std::to_string(i));
    return cells;
  };
  EXPECT_EQ(InferredType(with_text(19, 1)), ColumnType::kCategorical);  // 19 numbers: too few to tell
  EXPECT_EQ(InferredType(with_text(20, 2)), ColumnType::kCategorical);  // 20/22 = 90.9% < 95%
  // 20/21 = 95.2% >= 95%: the text sits on line 22 (header, then 20 numbers).
  EXPECT_EQ(
      ParseError(OneColumnCsv(with_text(20, 1))),
      "memory.csv:22:1: column 'value': 'text0' is not a number (95.2% of this column's values are numbers); "
      "correct the value or list it as a missing-value token");
  // 38 numbers and 2 texts: exactly 95% is enough; the first text is on line 40.
  EXPECT_EQ(
      ParseError(OneColumnCsv(with_text(38, 2))),
      "memory.csv:40:1: column 'value': 'text0' is not a number (95.0% of this column's values are numbers); "
      "correct the value or list it as a missing-value token");
}

TEST(ReadCsvTest, MostlyDatesWithABadValueIsAnError) {
  std::string text = "disbursed_on\n";
  for (int day = 1; day <= 28; ++day)
    text += "2024-02-" + std::string(day < 10 ? "0" : "") + std::to_string(day) + "\n";
  text += "2024-02-30\n";  // not a calendar date: line 30
  // 28 of 29 values are dates: 96.55%, shown as 96.5%.
  EXPECT_EQ(
      ParseError(text),
      "memory.csv:30:1: column 'disbursed_on': '2024-02-30' is not a date (96.5% of this column's values are "
      "dates); correct the value or list it as a missing-value token");
}

TEST(ReadCsvTest, DeclaredTypeThatAValueDoesNotFitIsAnError) {
  ReadOptions grade_numeric;
  grade_numeric.column_types = {{"grade", ColumnType::kNumeric}};
  EXPECT_EQ(ReadError(Fixture("column_type_inference.csv"), grade_numeric),
            Fixture("column_type_inference.csv") +
                ":2:2: column 'grade': 'B' is not a number, but the column is declared numeric");

  ReadOptions id_date;
  id_date.column_types = {{"loan_id", ColumnType::kDate}};
  EXPECT_EQ(ReadError(Fixture("column_type_inference.csv"), id_date),
            Fixture("column_type_inference.csv") +
                ":2:1: column 'loan_id': '1001' is not a date (YYYY-MM-DD or YYYY/MM/DD), but the column is "
                "declared "
                "date");
}

TEST(ReadCsvTest, DeclaredTypesOverrideInference) {
  ReadOptions options;
  options.column_types = {{"loan_id", ColumnType::kCategorical},
                          {"collateral_note", ColumnType::kCategorical},
                          {"apr_bps", ColumnType::kNumeric},
                          {"not_in_file", ColumnType::kDate}};
  const Table table = ReadOrDie(Fixture("column_type_inference.csv"), options);
  EXPECT_EQ(table.column(0).type, ColumnType::kCategorical);
  EXPECT_THAT(table.column(0).levels, ElementsAre("1001", "1002", "1003", "1004", "1005"));
  EXPECT_EQ(table.column(5).type, ColumnType::kCategorical);
  EXPECT_TRUE(table.column(5).levels.empty());
  EXPECT_EQ(table.column(5).CountMissing(), 5u);
  EXPECT_EQ(table.column(3).type, ColumnType::kNumeric);
}

TEST(ReadCsvTest, MissingTokensAreTrimmedAndReplaceable) {
  ReadOptions options;
  options.missing_tokens = {" - ", "?"};
  const Table table = ParseOrDie("amount,flag,purpose\n - ,NA,?\n5,?,car\n  ?  ,NA,home\n", options);
  EXPECT_THAT(table.column(0).numbers, ElementsAre(IsNan(), 5, IsNan()));
  // "NA" is no longer missing: it is a level.
  EXPECT_EQ(table.column(1).type, ColumnType::kCategorical);
  EXPECT_THAT(table.column(1).levels, ElementsAre("NA"));
  EXPECT_THAT(table.column(1).codes, ElementsAre(0, -1, 0));
  // A column that starts with missing values and then has text.
  EXPECT_THAT(table.column(2).levels, ElementsAre("car", "home"));
  EXPECT_THAT(table.column(2).codes, ElementsAre(-1, 0, 1));
}

TEST(ReadCsvTest, NumberSyntax) {
  const Table table = ParseOrDie("value\n +3 \n1e3\n-0.5\n.5\n7.\n");
  EXPECT_THAT(table.column(0).numbers, ElementsAre(3, 1000, -0.5, 0.5, 7));
  ReadOptions no_missing_tokens;
  no_missing_tokens.missing_tokens = {};
  for (const char* not_a_number :
       {"inf", "-inf", "infinity", "nan", "0x10", "1 000", "+-1", "++1", "1e999", "3%"}) {
    EXPECT_EQ(InferredType({"1", not_a_number}, no_missing_tokens), ColumnType::kCategorical) << not_a_number;
  }
}

TEST(ReadCsvTest, WrongFieldCountNamesTheLine) {
  EXPECT_EQ(ReadError(Fixture("wrong_field_count.csv")),
            Fixture("wrong_field_count.csv") + ":3: expected 3 fields (as in the header), found 2");
  // Also when only some columns are read.
  ReadOptions only_a;
  only_a.only_columns = {"a"};
  EXPECT_EQ(ReadError(Fixture("wrong_field_count.csv"), only_a),
            Fixture("wrong_field_count.csv") + ":3: expected 3 fields (as in the header), found 2");
}

TEST(ReadCsvTest, EmptyFileAndHeaderOnlyAreErrors) {
  EXPECT_EQ(ReadError(Fixture("empty_file.csv")),
            Fixture("empty_file.csv") + ": the file is empty (expected a header line)");
  EXPECT_EQ(ReadError(Fixture("header_only.csv")), Fixture("header_only.csv") + ": no data rows");
  EXPECT_EQ(ParseError("\n\r\n"), "memory.csv: the file is empty (expected a header line)");
}

TEST(ReadCsvTest, HeaderNames) {
  EXPECT_EQ(ReadError(Fixture("duplicate_column_name.csv")),
            Fixture("duplicate_column_name.csv") +
                ":1:4: column 'amount' appears twice in the header, as columns 2 and 4");
  const Table table = ReadOrDie(Fixture("empty_header_cell.csv"));
  ASSERT_EQ(table.num_columns(), 3u);
  EXPECT_EQ(table.column(1).name, "unnamed_2");
  // Names are trimmed.
  EXPECT_EQ(ParseOrDie(" id , score\n1,2\n").column(1).name, "score");
}

TEST(ReadCsvTest, OnlyColumnsInTheOrderAsked) {
  ReadOptions options;
  options.only_columns = {"city", "loan_id"};
  const Table table = ReadOrDie(Fixture("column_type_inference.csv"), options);
  ASSERT_EQ(table.num_columns(), 2u);
  EXPECT_EQ(table.column(0).name, "city");
  EXPECT_EQ(table.column(1).name, "loan_id");
  EXPECT_THAT(table.column(1).numbers, ElementsAre(1001, 1002, 1003, 1004, 1005));

  options.only_columns = {"loan_id", "grades"};
  const Result<Table> unknown = ReadCsv(Fixture("column_type_inference.csv"), options);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.status().ToString(), Fixture("column_type_inference.csv") +
                                             ": no column 'grades'; the columns are: loan_id, grade, "
                                             "disbursed_on, apr_bps, city, collateral_note");
}

TEST(ReadCsvTest, MaxRowsStopsEarly) {
  ReadOptions options;
  options.max_rows = 2;
  const Table table = ReadOrDie(Fixture("column_type_inference.csv"), options);
  EXPECT_EQ(table.num_rows(), 2u);
  EXPECT_THAT(table.column(1).levels, ElementsAre("B", "A"));
  // Rows past the limit are not read, so their faults do not count.
  ReadOptions one_row;
  one_row.max_rows = 1;
  EXPECT_TRUE(ReadCsv(Fixture("wrong_field_count.csv"), one_row).ok());
}

TEST(ReadCsvTest, QuotingBomAndDelimitersReachTheTable) {
  const Table quoted = ReadOrDie(Fixture("quoted_newlines.csv"));
  EXPECT_THAT(quoted.column(1).levels,
              ElementsAre("first line\nsecond line", "she said \"yes\", then left", "plain"));
  EXPECT_THAT(quoted.column(2).numbers, ElementsAre(10, 20, 30));

  const Table semicolons = ReadOrDie(Fixture("semicolon_with_bom.csv"));
  EXPECT_EQ(semicolons.column(0).name, "name");
  // "1,5" is not a number (no decimal commas), so amount is categorical.
  EXPECT_EQ(semicolons.column(1).type, ColumnType::kCategorical);
  EXPECT_THAT(semicolons.column(2).levels, ElementsAre("Bei;jing", "Shanghai"));

  const Table tabs = ReadOrDie(Fixture("tab_separated_crlf.tsv"));
  EXPECT_THAT(tabs.column(2).numbers, ElementsAre(1250, 1830));

  EXPECT_EQ(ReadError(Fixture("unterminated_quote.csv")),
            Fixture("unterminated_quote.csv") +
                ":3: unterminated quoted field: the quote opened on this line is never closed");
}

TEST(ReadCsvTest, ReadsCommittedGzipFixture) {
  const Table table = ReadOrDie(Fixture("gzip_compressed.csv.gz"));
  EXPECT_THAT(table.column(0).levels, ElementsAre("north", "south", "east, coastal"));
  EXPECT_THAT(table.column(1).numbers, ElementsAre(120050, 99, 0));
}

TEST(ReadCsvTest, GzipRoundTripThroughCsvWriter) {
  const std::string path = ScratchPath("loans.csv.gz");
  {
    auto writer = std::move(CsvWriter::Open(path)).value();
    ASSERT_TRUE(writer->WriteRow(std::vector<std::string>{"loan_id", "rate", "grade", "due_on"}).ok());
    for (int i = 0; i < 1000; ++i) {
      // rate = i / 4 is exact in binary, and every due date is in January 2026.
      ASSERT_TRUE(writer
                      ->WriteRow(std::vector<std::string>{std::to_string(i), std::to_string(i / 4.0),
                                                          i % 3 == 0 ? "A, prime" : "B",
                                                          "2026-01-" + std::to_string(10 + i % 20)})
                      .ok());
    }
    ASSERT_TRUE(writer->Close().ok());
  }
  const Table table = ReadOrDie(path);
  ASSERT_EQ(table.num_rows(), 1000u);
  ASSERT_EQ(table.column(3).type, ColumnType::kDate);
  for (size_t i = 0; i < 1000; ++i) {
    ASSERT_EQ(table.column(0).numbers[i], static_cast<double>(i));
    ASSERT_EQ(table.column(1).numbers[i], i / 4.0);
    ASSERT_EQ(table.column(2).ValueText(i), i % 3 == 0 ? "A, prime" : "B");
    ASSERT_EQ(table.column(3).ValueText(i), "2026-01-" + std::to_string(10 + i % 20));
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace credo::data
