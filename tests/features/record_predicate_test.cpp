// Record conditions: the native evaluator must give ZEN's answer. Each
// condition is tested on random records against the ZEN evaluator itself
// (expr::CompileStandard on the record as a Value), the independent check.
#include "features/record_predicate.h"

#include <gtest/gtest.h>

#include <random>

namespace credo::features {
namespace {

// Random records over fields n, m (numbers), s, t (text), b (bool), o (array),
// each sometimes absent, null or of another kind.
struct RandomRecords {
  std::vector<std::string> fields = {"n", "s", "b", "o", "m", "t"};
  std::mt19937_64 rng{20250331};

  Cell RandomCell(ParsedDocument& doc) {
    static const char* const kTexts[] = {"Active", "Closed", "active", "", "Credit card", "5", "it's", "a"};
    static const double kNumbers[] = {0, 5, -5, 0.1, 0.30000000000000004, 100000, 1e-7, 5.5, 30, 29.999};
    Cell cell;
    switch (rng() % 10) {
      case 0:
        cell.kind = CellKind::kAbsent;
        break;
      case 1:
        cell.kind = CellKind::kNull;
        break;
      case 2:
        cell.kind = rng() % 2 ? CellKind::kTrue : CellKind::kFalse;
        break;
      case 3:
      case 4:
        cell.kind = CellKind::kString;
        cell.text = kTexts[rng() % 8];
        break;
      case 5:
        cell.kind = CellKind::kOther;
        cell.other = static_cast<uint32_t>(doc.others.size());
        doc.others.push_back(expr::Value(expr::Array{expr::Value::Int(5)}));
        break;
      default:
        cell.kind = CellKind::kNumber;
        cell.number = kNumbers[rng() % 10];
        break;
    }
    return cell;
  }
};

int SlotOf(const std::vector<std::string>& fields, const std::string& name) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == name) return static_cast<int>(i);
  }
  ADD_FAILURE() << "unexpected field " << name;
  return 0;
}

struct Case {
  const char* text;
  bool native;  // expected to run on the native evaluator
};

const Case kCases[] = {
    {"s == 'Active'", true},
    {"s != \"Closed\"", true},
    {"'Active' == s", true},
    {"n > 0", true},
    {"n >= 5", true},
    {"n < 0.1", true},
    {"n <= -5", true},
    {"0 < n", true},
    {"30 <= n", true},
    {"n == 5", true},
    {"n != 0.30000000000000004", true},
    {"n == null", true},
    {"s != null", true},
    {"b == true", true},
    {"b != false", true},
    {"o == 5", true},
    {"s in ['Active', 'Closed']", true},
    {"s not in ['Active', 5, null]", true},
    {"n in [0, 5, 30]", true},
    {"n in []", true},
    {"n > 0 and s == 'Active'", true},
    {"s == 'Active' and n > 0", true},
    {"n > 0 or s == 'Active'", true},
    {"s == 'Active' or n > 0", true},
    {"n > 0 && n < 30 || b == true", true},
    {"not (n > 5)", true},
    {"!(s == 'Active')", true},
    {"not (n > 5 or s in ['x']) and (b == false or n >= 1e-7)", true},
    {"((n > 5))", true},
    {"n < m", true},
    {"s > t", true},
    {"m >= n and s == 'Active'", true},
    {"not (n <= m)", true},
    {"n == m", false},
    // Outside the subset: the ZEN evaluator.
    {"n + 1 > 5", false},
    {"s > 'B'", false},
    {"n > 1_000", false},
    {"n > 0.10000000000000000001", false},
    {"len(s) > 3", false},
    {"s == 'it\\'s'", false},
    {"n ?? 0 > 3", false},
    {"b", false},
    {"not b", false},
    {"n in [1..10]", false},
    {"s == 'a' == true", false},
    {"startsWith(s, 'Act')", false},
};

TEST(RecordPredicate, NativeConditionsGiveZensAnswer) {
  RandomRecords random;
  ParsedDocument doc;
  std::vector<std::vector<Cell>> records;
  for (int i = 0; i < 4000; ++i) {
    std::vector<Cell> record;
    for (size_t f = 0; f < random.fields.size(); ++f) record.push_back(random.RandomCell(doc));
    records.push_back(std::move(record));
  }
  const expr::EvalContext context;
  for (const Case& c : kCases) {
    auto predicate = RecordPredicate::Compile(
        c.text, [&](const std::string& name) { return SlotOf(random.fields, name); });
    ASSERT_TRUE(predicate.ok()) << c.text << ": " << predicate.status().ToString();
    EXPECT_EQ(predicate->native(), c.native) << c.text;
    auto zen = expr::CompileStandard(c.text);
    ASSERT_TRUE(zen.ok());
    int matches = 0;
    for (const auto& record : records) {
      expr::Object input;
      for (size_t f = 0; f < random.fields.size(); ++f) {
        if (record[f].kind != CellKind::kAbsent)
          input.emplace_back(random.fields[f], CellValue(record[f], doc));
      }
      auto expected = zen->Evaluate(expr::Value(std::move(input)), context);
      const bool want = expected.ok() && expected->is_bool() && expected->as_bool();
      const bool got = predicate->Matches(record.data(), doc, context);
      matches += got;
      if (want != got) {
        ADD_FAILURE() << c.text << " differs from ZEN on a record";
        break;
      }
    }
    // Each condition must be exercised both ways on the random records.
    if (std::string(c.text) != "n in []") {
      EXPECT_GT(matches, 0) << c.text;
    }
  }
}

TEST(RecordPredicate, CompileErrorsAreZens) {
  auto bad = RecordPredicate::Compile("n >", [](const std::string&) { return 0; });
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("column"), std::string::npos);
}

TEST(RecordPredicate, ReferencedNames) {
  EXPECT_EQ(ReferencedNames("a.b > 1 and len(c) == d['x'] or 'e f' == g ?? $root.h"),
            (std::vector<std::string>{"a", "c", "d", "g"}));
  EXPECT_EQ(ReferencedNames("x in [1e5, 2] and not (y)"), (std::vector<std::string>{"x", "y"}));
}

}  // namespace
}  // namespace credo::features
