// Definition errors: each names the file, the YAML line and the feature or filter.
#include "features/feature_definitions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "features_test_support.h"

namespace credo::features {
namespace {

using testing::CompileError;
using ::testing::HasSubstr;

TEST(FeatureDefinitions, ParsesAFile) {
  auto file = ParseDefinitionFile(R"(
list: bureau_accounts.status_history
observation_date: as_of
filters:
  late: "dpd > 0"
windows: [30d, 6m, all]
aggregations:
  count: true
  days_since_first: false
  sum: balance_fen
  share: {late30: "dpd >= 30"}
  ratio: {avg: [sum.balance_fen, count]}
derived:
  x: "1 + 1"
)",
                                  "h.yaml");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->list, "bureau_accounts.status_history");
  EXPECT_EQ(file->observation_date_field, "as_of");
  ASSERT_EQ(file->filters.size(), 1u);
  EXPECT_EQ(file->filters[0].line, 5);
  ASSERT_EQ(file->windows.size(), 3u);
  EXPECT_EQ(file->windows[1].window.unit, Window::Unit::kMonths);
  EXPECT_EQ(file->windows[1].window.amount, 6);
  ASSERT_EQ(file->aggregates.size(), 4u);  // days_since_first: false declares nothing
  EXPECT_EQ(file->aggregates[1].Key(), "sum.balance_fen");
  EXPECT_EQ(file->aggregates[3].numerator, "sum.balance_fen");
  EXPECT_EQ(file->derived[0].name, "x");
}

TEST(FeatureDefinitions, WindowsDefaultToAll) {
  auto file = ParseDefinitionFile("list: loans\naggregations: {count: true}\n", "a.yaml");
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(file->windows.size(), 1u);
  EXPECT_EQ(file->windows[0].window.name, "all");
}

TEST(FeatureDefinitions, ParseWindow) {
  EXPECT_EQ(ParseWindow("30d")->amount, 30);
  EXPECT_EQ(ParseWindow("12m")->unit, Window::Unit::kMonths);
  EXPECT_EQ(ParseWindow("all")->unit, Window::Unit::kAll);
  for (const char* bad : {"", "d", "0d", "030d", "-5d", "5w", "36501d", "1201m", "5 d", "all2"}) {
    EXPECT_FALSE(ParseWindow(bad).ok()) << bad;
  }
}

// The error of one file `f.yaml` with `text`.
std::string Error(const std::string& text) { return CompileError({{"f.yaml", text}}); }

TEST(FeatureDefinitions, UnknownKeyNamesFileAndLine) {
  EXPECT_THAT(Error("list: loans\naggregations: {count: true}\nwindow: [30d]\n"),
              HasSubstr("f.yaml:3: unknown key 'window'"));
}

TEST(FeatureDefinitions, UnknownAggregation) {
  EXPECT_THAT(Error("list: loans\naggregations:\n  count: true\n  median: [x]\n"),
              HasSubstr("f.yaml:4: unknown aggregation 'median'"));
}

TEST(FeatureDefinitions, BadWindow) {
  EXPECT_THAT(Error("list: loans\nwindows:\n  - 30d\n  - 3w\naggregations: {count: true}\n"),
              HasSubstr("f.yaml:4: bad window '3w'"));
}

TEST(FeatureDefinitions, FilterThatDoesNotCompileNamesTheFilterAndItsFeatures) {
  const std::string error = Error("list: loans\nfilters:\n  late: \"dpd >\"\naggregations: {count: true}\n");
  EXPECT_THAT(error, HasSubstr("f.yaml:3: filter 'late' (features loans.late.*)"));
  EXPECT_THAT(error, HasSubstr("column"));
}

TEST(FeatureDefinitions, ShareThatDoesNotCompile) {
  EXPECT_THAT(Error("list: loans\naggregations:\n  share:\n    odd: \"a ==\"\n"),
              HasSubstr("f.yaml:4: share 'odd'"));
}

TEST(FeatureDefinitions, RatioOfAnUndeclaredAggregate) {
  EXPECT_THAT(Error("list: loans\naggregations:\n  sum: [a]\n  ratio:\n    r: [sum.a, sum.b]\n"),
              HasSubstr("f.yaml:5: ratio 'r' (features loans.*.ratio.r.*) refers to 'sum.b'"));
}

TEST(FeatureDefinitions, DuplicatesWithinAFile) {
  EXPECT_THAT(Error("list: loans\naggregations:\n  sum: [a, a]\n"),
              HasSubstr("f.yaml:3: aggregate 'sum.a' is declared twice"));
  EXPECT_THAT(Error("list: loans\nwindows: [30d, 30d]\naggregations: {count: true}\n"),
              HasSubstr("f.yaml:2: window '30d' is listed twice"));
  EXPECT_THAT(Error("list: loans\nfilters:\n  a: \"x == 1\"\n  a: \"x == 2\"\naggregations: {count: true}\n"),
              HasSubstr("f.yaml:4: filter 'a' is declared twice"));
  EXPECT_THAT(Error("list: loans\nfilters:\n  all: \"x == 1\"\naggregations: {count: true}\n"),
              HasSubstr("f.yaml:3: filter name 'all' is reserved"));
}

TEST(FeatureDefinitions, DuplicateFeatureAcrossFilesNamesBoth) {
  const std::string loans = "list: loans\naggregations:\n  count: true\n";
  EXPECT_THAT(CompileError({{"a.yaml", loans}, {"b.yaml", loans}}),
              HasSubstr("b.yaml:3: feature 'loans.all.count.all' is declared twice (first at a.yaml:3)"));
}

TEST(FeatureDefinitions, DerivedThatDoesNotCompileShowsTheOriginalText) {
  const std::string error =
      Error("list: loans\naggregations: {count: true}\nderived:\n  x: \"loans.all.count.all * (2\"\n");
  EXPECT_THAT(error, HasSubstr("f.yaml:4: derived feature 'derived.x'"));
  EXPECT_THAT(error, HasSubstr("loans.all.count.all * (2"));
}

TEST(FeatureDefinitions, DerivedOfAnUnknownOrLaterFeature) {
  EXPECT_THAT(
      Error("list: loans\naggregations: {count: true}\nderived:\n  x: \"loans.all.count.30d + 1\"\n"),
      HasSubstr(
          "f.yaml:4: derived feature 'derived.x' refers to 'loans.all.count.30d', which is not a feature"));
  EXPECT_THAT(Error("derived:\n  x: \"derived.y + 1\"\n  y: \"2\"\n"),
              HasSubstr("f.yaml:2: derived feature 'derived.x' refers to 'derived.y', declared after it"));
}

TEST(FeatureDefinitions, ObservationDateFieldsMustAgree) {
  EXPECT_THAT(CompileError({{"a.yaml", "list: a\nobservation_date: d1\naggregations: {count: true}\n"},
                            {"b.yaml", "list: b\nobservation_date: d2\naggregations: {count: true}\n"}}),
              HasSubstr("b.yaml:2: observation_date 'd2' differs from 'd1' in a.yaml:2"));
}

TEST(FeatureDefinitions, StructuralErrors) {
  EXPECT_THAT(Error("list: [a]\n"), HasSubstr("f.yaml:1: list must be a single value"));
  EXPECT_THAT(Error("list: bad-name\naggregations: {count: true}\n"), HasSubstr("f.yaml:1: list 'bad-name'"));
  EXPECT_THAT(Error("list: loans\n"), HasSubstr("f.yaml:1: list 'loans' has no aggregations"));
  EXPECT_THAT(Error("aggregations: {count: true}\n"), HasSubstr("need a 'list'"));
  EXPECT_THAT(Error("list: loans\naggregations:\n  count: maybe\n"),
              HasSubstr("f.yaml:3: count takes true or false"));
  EXPECT_THAT(Error("list: loans\naggregations:\n  sum: [\"a b\"]\n"),
              HasSubstr("f.yaml:3: sum field 'a b'"));
  EXPECT_THAT(Error("list: loans\naggregations:\n  ratio: {r: [count]}\n"),
              HasSubstr("f.yaml:3: ratio 'r' must be [numerator, denominator]"));
  EXPECT_THAT(Error("list: [oops\n"), HasSubstr("f.yaml:"));
  EXPECT_THAT(Error("list: [oops\n"), HasSubstr("not valid YAML"));
}

TEST(FeatureDefinitions, AFieldCannotAlsoBeANestedList) {
  EXPECT_THAT(
      CompileError({{"a.yaml", "list: accounts\naggregations:\n  sum: [history]\n"},
                    {"b.yaml", "list: accounts.history\naggregations: {count: true}\n"}}),
      HasSubstr("'history' of accounts is used both as a field and as the nested list accounts.history"));
}

TEST(FeatureDefinitions, LoadingAMissingPath) {
  auto files = LoadDefinitionFiles("/nonexistent/defs");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace credo::features
