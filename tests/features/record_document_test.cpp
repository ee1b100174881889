// Reading documents: the JSON scanner against the Value reader (the same
// Cells), JSON edge cases, and data errors that name where they are.
#include "features/record_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "features/feature_plan.h"
#include "features_test_support.h"

namespace credo::features {
namespace {

using ::testing::HasSubstr;

DocumentSchema LoansSchema() {
  DocumentSchema schema;
  const int loans = schema.AddList("loans");
  schema.AddField(loans, "amount");
  schema.AddField(loans, "kind");
  schema.AddField(loans, "tags");
  const int history = schema.AddList("loans.history");
  schema.AddField(history, "dpd");
  return schema;
}

bool SameCell(const Cell& a, const Cell& b, const ParsedDocument& da, const ParsedDocument& db) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case CellKind::kNumber:
      return a.number == b.number && std::signbit(a.number) == std::signbit(b.number);
    case CellKind::kString:
      return a.text == b.text;
    case CellKind::kOther:
      return da.others[a.other] == db.others[b.other];
    default:
      return true;
  }
}

// Reads `json` both ways and checks that the two agree cell by cell.
void ExpectSameBothWays(const DocumentSchema& schema, const std::string& json) {
  ParsedDocument from_text, from_value;
  ASSERT_TRUE(ParseDocumentJson(schema, json, &from_text).ok()) << json;
  const expr::Value value = expr::Value::FromJson(nlohmann::json::parse(json));  // the cells point into it
  ASSERT_TRUE(ReadDocumentValue(schema, value, &from_value).ok());
  ASSERT_EQ(from_text.lists.size(), from_value.lists.size());
  for (size_t l = 0; l < from_text.lists.size(); ++l) {
    const ParsedList& a = from_text.lists[l];
    const ParsedList& b = from_value.lists[l];
    EXPECT_EQ(a.date, b.date);
    EXPECT_EQ(a.parent, b.parent);
    ASSERT_EQ(a.cells.size(), b.cells.size());
    for (size_t i = 0; i < a.cells.size(); ++i) {
      EXPECT_TRUE(SameCell(a.cells[i], b.cells[i], from_text, from_value))
          << json << " list " << l << " cell " << i;
    }
  }
  // Top-level members: the same set (nlohmann::json orders them by name).
  ASSERT_EQ(from_text.top.size(), from_value.top.size());
  for (const auto& [name, cell] : from_text.top) {
    const Cell* other = from_value.FindTop(name);
    ASSERT_NE(other, nullptr) << name;
    EXPECT_TRUE(SameCell(cell, *other, from_text, from_value)) << name;
  }
}

TEST(RecordDocument, TextAndValueReadTheSameCells) {
  const DocumentSchema schema = LoansSchema();
  ExpectSameBothWays(schema, R"({"id": 7, "observation_date": "2025-01-01", "loans": [
      {"date": "2024-05-01", "amount": 12.5, "kind": "card", "skip": {"a": [1, {"b": null}]},
       "history": [{"date": "2024-06-01", "dpd": 0}, {"date": "2024-07-01T10:00:00Z", "dpd": 30}]},
      {"date": "2024-05-02", "amount": -0, "kind": "caf\u00e9 \ud83d\ude00 \"q\"\n", "tags": ["x", 2]},
      {"date": "2024-05-03", "amount": 1e2, "kind": null, "history": []},
      {"date": "2024-05-04", "amount": 12345678901234567890, "kind": true, "history": null}]})");
  ExpectSameBothWays(schema, R"({"loans": [], "flag": false, "n": 0.1, "s": ""})");
  ExpectSameBothWays(schema, R"(  {  }  )");
}

TEST(RecordDocument, EscapesAreDecodedAndNumbersAreCorrectlyRounded) {
  const DocumentSchema schema = LoansSchema();
  ParsedDocument doc;
  ASSERT_TRUE(ParseDocumentJson(schema, R"({"loans": [{"date": "2024-01-01", "kind": "a\tb\u00e9\/",
      "amount": 0.30000000000000004}], "x": -0.0})",
                                &doc)
                  .ok());
  EXPECT_EQ(doc.lists[0].cells[1].text, "a\tb\xC3\xA9/");
  EXPECT_EQ(doc.lists[0].cells[0].number, 0.1 + 0.2);
  EXPECT_FALSE(std::signbit(doc.FindTop("x")->number));
  EXPECT_EQ(doc.lists[0].date[0], 19723);  // 2024-01-01 is day 19,723 since 1970-01-01
}

// The data error of reading `json` with the loans schema, both ways (they must agree).
std::string ReadError(const std::string& json) {
  const DocumentSchema schema = LoansSchema();
  ParsedDocument doc;
  const Status text = ParseDocumentJson(schema, json, &doc);
  const expr::Value document = expr::Value::FromJson(nlohmann::json::parse(json));
  const Status value = ReadDocumentValue(schema, document, &doc);
  EXPECT_EQ(text.ToString(), value.ToString());
  return text.ToString();
}

TEST(RecordDocument, DataErrorsNameWhere) {
  EXPECT_EQ(ReadError(R"({"loans": 5})"), "loans: expected an array of records, got number");
  EXPECT_EQ(ReadError(R"({"loans": [{"date": "2024-01-01"}, "x"]})"),
            "loans[1]: expected a record (an object), got string");
  EXPECT_EQ(ReadError(R"({"loans": [{"amount": 1}]})"), "loans[0]: the record has no date");
  EXPECT_EQ(ReadError(R"({"loans": [{"date": 20240101}]})"),
            "loans[0].date: expected a date (YYYY-MM-DD), got number");
  EXPECT_THAT(ReadError(R"({"loans": [{"date": "2024-01-01", "history": [{"date": "2024-02-30"}]}]})"),
              HasSubstr("loans[0].history[0].date: 2024-02-30 is not a calendar date"));
  EXPECT_EQ(ReadError(R"({"loans": [{"date": "2024-01-01", "history": {"date": "2024-02-01"}}]})"),
            "loans[0].history: expected an array of records, got object");
  EXPECT_EQ(ReadError("[1, 2]"), "the document is not a JSON object");
}

TEST(RecordDocument, InvalidJsonIsADataErrorWithTheColumn) {
  const DocumentSchema schema = LoansSchema();
  ParsedDocument doc;
  for (const char* bad :
       {"", "{", R"({"a": })", R"({"a": 1,})", R"({"a": "x)", R"({"a": 01})", R"({"a": 1} x)",
        R"({"a": [1 2]})", R"({"a": tru})", R"({"a": "\x"})", R"({"a": "\ud800"})", "{\"a\": \"\x01\"}",
        R"({"loans": [{"date": "2024-01-01", "amount": 1.}]})", R"({"a": -})", R"({"loans": [}})",
        R"({"loans": x})", R"({"loans": [{"date": x}]})", R"({"loans": [[}]})"}) {
    const Status status = ParseDocumentJson(schema, bad, &doc);
    EXPECT_FALSE(status.ok()) << bad;
    EXPECT_THAT(status.ToString(),
                ::testing::AnyOf(HasSubstr("not valid JSON"), HasSubstr("not a JSON document")))
        << bad;
  }
  const Status status = ParseDocumentJson(schema, R"({"a": })", &doc);
  EXPECT_EQ(status.path(), "column 7");
}

TEST(RecordDocument, AListGivenTwiceIsAnError) {
  const DocumentSchema schema = LoansSchema();
  ParsedDocument doc;
  EXPECT_THAT(ParseDocumentJson(schema, R"({"loans": [], "loans": []})", &doc).ToString(),
              HasSubstr("the record list 'loans' is given twice"));
}

TEST(RecordDocument, AggregatedFieldsMustBeNumbers) {
  const FeaturePlan plan = testing::PlanFrom({{"a.yaml", "list: loans\naggregations: {sum: [amount]}\n"}});
  FeatureWorkspace workspace;
  std::vector<double> out(plan.size());
  const Status status = plan.ComputeJson(
      R"({"observation_date": "2025-01-01", "loans": [{"date": "2024-01-01", "amount": 1},
          {"date": "2024-01-02", "amount": "12"}]})",
      std::nullopt, workspace, out);
  EXPECT_EQ(status.ToString(), "loans[1].amount: expected a number, got text");
}

TEST(RecordDocument, ObservationDateErrors) {
  const FeaturePlan plan = testing::PlanFrom({{"a.yaml", "list: loans\naggregations: {count: true}\n"}});
  FeatureWorkspace workspace;
  std::vector<double> out(plan.size());
  EXPECT_EQ(plan.ComputeJson(R"({"loans": []})", std::nullopt, workspace, out).ToString(),
            "observation_date: the observation date is missing");
  EXPECT_THAT(plan.ComputeJson(R"({"observation_date": "soon"})", std::nullopt, workspace, out).ToString(),
              HasSubstr("observation_date: 'soon' is not a date"));
  EXPECT_EQ(plan.ComputeJson(R"({"observation_date": 3})", std::nullopt, workspace, out).ToString(),
            "observation_date: expected a date (YYYY-MM-DD)");
}

}  // namespace
}  // namespace credo::features
