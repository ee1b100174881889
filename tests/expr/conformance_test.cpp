// Runs the ZEN reference cases (expression/{standard,unary,date}.csv from the
// gorules/zen repository, kept outside the project in ../shared) and compares
// every result with the reference output: JSON equality, numbers by value.
//
// Case format: `expression;input;output`, input and output JSON5, `#` comment
// lines, blank lines; a field in double quotes may contain `;`. Lines with
// only two fields (`map([0..3], #);[0, 1, 2, 3]` in standard.csv) are read
// as expression;output with no input — the reference file's own typo.
// JSON5 values are read with Credo's own expression parser: JSON5 literals are
// expression literals.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "expr/expression.h"

namespace credo::expr {
namespace {

// The clock the reference engine pins for date cases: 2025-08-19T16:55:02.078Z
// = 20319 days * 86400 s + 16:55:02.078 (python3: datetime(2025,8,19,16,55,2,78000,
// tzinfo=timezone.utc).timestamp() == 1755622502.078).
constexpr int64_t kReferenceNowMs = 1755622502078;

struct Case {
  int line;
  std::string expression, input, output;
};

// Cases Credo knowingly evaluates differently, each with the reason; mirrored
// in docs/expressions.md. The test fails when one of them starts passing, so
// the list stays honest. Empty today: every reference case passes.
struct KnownException {
  std::string file;        // "standard", "unary" or "date"
  std::string expression;  // the case's expression text
  std::string reason;
};
const std::vector<KnownException> kKnownExceptions = {};

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  size_t i = 0;
  while (i <= line.size()) {
    std::string field;
    if (i < line.size() && line[i] == '"') {
      // A quoted field ends at a quote followed by ';' or the end of the line.
      size_t j = i + 1;
      while (j < line.size()) {
        if (line[j] == '"' && j + 1 < line.size() && line[j + 1] == '"') {
          field += '"';
          j += 2;
        } else if (line[j] == '"' && (j + 1 == line.size() || line[j + 1] == ';')) {
          break;
        } else {
          field += line[j++];
        }
      }
      if (j >= line.size()) {  // not a quoted field after all
        size_t end = line.find(';', i);
        field = line.substr(i, end == std::string::npos ? std::string::npos : end - i);
        i = end == std::string::npos ? line.size() + 1 : end + 1;
      } else {
        i = j + 2;
      }
    } else {
      size_t end = line.find(';', i);
      field = line.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? line.size() + 1 : end + 1;
    }
    fields.push_back(field);
  }
  return fields;
}

std::string ConformanceDir() {
  if (const char* dir = std::getenv("CREDO_CONFORMANCE_DIR")) return dir;
  return CREDO_SOURCE_DIR "/../shared/conformance/zen";
}

std::vector<Case> ReadCases(const std::string& path, bool* found) {
  std::ifstream in(path);
  *found = static_cast<bool>(in);
  std::vector<Case> cases;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1) continue;  // header
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    std::vector<std::string> fields = SplitFields(line);
    Case c{number, Trim(fields[0]), "", ""};
    if (fields.size() == 2) {
      c.output = Trim(fields[1]);
    } else {
      c.input = Trim(fields[1]);
      c.output = Trim(fields[2]);
    }
    cases.push_back(c);
  }
  return cases;
}

Result<Value> ReadJson5(const std::string& text) {
  CREDO_ASSIGN_OR_RETURN(CompiledExpression literal, CompileStandard(text));
  return literal.Evaluate(Value(), EvalContext{});
}

// Dates compare as the RFC 3339 text the reference engine serialises.
Value AsJson(const Value& v) {
  if (v.is_date()) return v.as_date().valid ? Value(v.ToText()) : Value();
  if (v.is_array()) {
    Array items;
    for (const Value& item : v.as_array()) items.push_back(AsJson(item));
    return Value(std::move(items));
  }
  if (v.is_object()) {
    Object members;
    for (const auto& [key, item] : v.as_object()) members.emplace_back(key, AsJson(item));
    return Value(std::move(members));
  }
  return v;
}

// Why the case fails, or "" when it passes.
std::string RunCase(const Case& c, bool unary) {
  Result<Value> input = c.input.empty() ? Result<Value>(Value(Object{})) : ReadJson5(c.input);
  if (!input.ok()) return "bad input in the case file: " + input.status().ToString();
  Result<Value> expected = ReadJson5(c.output);
  if (!expected.ok()) return "bad output in the case file: " + expected.status().ToString();
  Result<CompiledExpression> compiled = unary ? CompileUnary(c.expression) : CompileStandard(c.expression);
  if (!compiled.ok()) return "compile: " + compiled.status().ToString();
  Result<Value> actual = compiled->Evaluate(*input, EvalContext{kReferenceNowMs});
  // Holds, the cells' and conditions' shortcut, must agree with Evaluate.
  const bool holds = actual.ok() && actual->is_bool() && actual->as_bool();
  if (compiled->Holds(*input, EvalContext{kReferenceNowMs}) != holds) {
    return std::string("Holds() gives ") + (holds ? "false" : "true") + " where Evaluate gives " +
           (actual.ok() ? actual->ToJson().dump() : actual.status().ToString());
  }
  if (!actual.ok()) return "evaluate: " + actual.status().ToString();
  Value got = AsJson(*actual);
  if (got == *expected) return "";
  return "got " + got.ToJson().dump() + ", want " + expected->ToJson().dump();
}

class ExpressionConformance : public ::testing::TestWithParam<const char*> {};

TEST_P(ExpressionConformance, MatchesReferenceEngine) {
  const std::string file = GetParam();
  bool found = false;
  std::vector<Case> cases = ReadCases(ConformanceDir() + "/expression/" + file + ".csv", &found);
  if (!found) GTEST_SKIP() << "no conformance data at " << ConformanceDir() << " (set CREDO_CONFORMANCE_DIR)";
  ASSERT_FALSE(cases.empty());
  std::set<std::string> exceptions;
  for (const KnownException& e : kKnownExceptions) {
    if (file == e.file) exceptions.insert(e.expression);
  }
  int passed = 0;
  for (const Case& c : cases) {
    std::string failure = RunCase(c, file == "unary");
    bool excepted = exceptions.count(c.expression) > 0;
    if (failure.empty()) ++passed;
    if (failure.empty() && excepted) {
      ADD_FAILURE() << file << ".csv:" << c.line << ": `" << c.expression
                    << "` passes now; remove it from kKnownExceptions and docs/expressions.md";
    } else if (!failure.empty() && !excepted) {
      ADD_FAILURE() << file << ".csv:" << c.line << ": `" << c.expression << "` input " << c.input << ": "
                    << failure;
    }
  }
  std::printf("expression conformance (%s): %d passed / %zu total\n", file.c_str(), passed, cases.size());
}

INSTANTIATE_TEST_SUITE_P(ZenCases, ExpressionConformance, ::testing::Values("standard", "unary", "date"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace credo::expr
