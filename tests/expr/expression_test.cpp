// Unit tests of the expression language beyond the reference cases: parse
// errors name the column, null semantics, decimal numbers, thread safety.
#include "expr/expression.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

namespace credo::expr {
namespace {

Value Input(const char* json) { return Value::FromJson(nlohmann::json::parse(json)); }

Result<Value> Eval(const char* expression, const char* input = "{}") {
  auto compiled = CompileStandard(expression);
  if (!compiled.ok()) return compiled.status();
  return compiled->Evaluate(Input(input), EvalContext{});
}

TEST(ExpressionParse, ErrorNamesColumnAndExpectation) {
  // "(1 + 2" : the closing parenthesis is missing at the end, column 7.
  auto r = CompileStandard("(1 + 2");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "column 7: expected ')' but found end of expression");
  EXPECT_EQ(r.status().path(), "expression '(1 + 2'");

  // "max([1, 2) + 1": ',' list opened with '[' and closed with ')': column 10.
  auto r2 = CompileStandard("max([1, 2) + 1");
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().message(), "column 10: expected ']' but found ')'");

  auto r3 = CompileStandard("a + nosuch(1)");
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.status().message(), "column 5: unknown function 'nosuch'");

  auto r4 = CompileStandard("# > 1");
  ASSERT_FALSE(r4.ok());
  EXPECT_NE(r4.status().message().find("column 1: '#' is only valid inside a closure"), std::string::npos);

  auto r5 = CompileUnary("> ");
  ASSERT_FALSE(r5.ok());
  EXPECT_EQ(r5.status().message(), "column 3: expected an expression but found end of expression");
}

TEST(ExpressionNull, MissingPathsReadAsNullAndArithmeticOnNullFails) {
  EXPECT_TRUE(Eval("a.b.c", R"({"a": {}})")->is_null());
  EXPECT_EQ(*Eval("a.b.c ?? 7", R"({"a": 5})"), Value::Int(7));
  EXPECT_EQ(*Eval("a.b == null", "{}"), Value(true));
  // Division by zero is null, and null then coalesces.
  EXPECT_TRUE(Eval("10 / x", R"({"x": 0})")->is_null());
  EXPECT_EQ(*Eval("(10 / x) ?? -1", R"({"x": 0})"), Value::Int(-1));
  // Arithmetic, ordering and conditions on null are errors naming the column.
  auto sum = Eval("1 + a", "{}");
  ASSERT_FALSE(sum.ok());
  EXPECT_EQ(sum.status().message(), "column 3: '+' expects a number, got null");
  EXPECT_EQ(Eval("a > 1", "{}").status().message(), "column 3: cannot compare null with number");
  // The column is the operator's: `<` is the 18th character.
  EXPECT_EQ(Eval("x > 1 and not (a < 2)", R"({"x": 5})").status().message(),
            "column 18: cannot compare null with number");
  // In a range, the error is the range's, against the bound that failed.
  auto range = CompileUnary("[1..5]")->Evaluate(Input(R"({"$": "three"})"), {});
  EXPECT_EQ(range.status().message(), "column 1: cannot compare string with number");
  EXPECT_FALSE(Eval("a and true", "{}").ok());
  EXPECT_FALSE(Eval("a ? 1 : 2", "{}").ok());
  // Short-circuit: the failing side is never evaluated.
  EXPECT_EQ(*Eval("a != null and a > 1", "{}"), Value(false));
}

// Strings index and slice by bytes; a cut inside a UTF-8 character is an
// error (the text could not go out as JSON), a cut between characters is not.
TEST(ExpressionStrings, CutsOnlyBetweenCharacters) {
  const char* name = R"({"name": "\u4e2d\u6587ab"})";  // two 3-byte characters, then "ab"
  EXPECT_EQ(*Eval("name[0:2]", name), Value(std::string("\u4e2d")));
  EXPECT_EQ(*Eval("name[6]", name), Value(std::string("a")));
  EXPECT_EQ(Eval("name[0:1]", name).status().message(), "column 5: slice [0:1] cuts a multi-byte character");
  EXPECT_EQ(Eval("name[1]", name).status().message(),
            "column 5: index 1 is one byte of a multi-byte character");
  EXPECT_EQ(Eval("name[0]", name).status().message(),
            "column 5: index 0 is one byte of a multi-byte character");
  EXPECT_EQ(*Eval("name[1:0]", name), Value(std::string()));  // empty: cuts nothing
  // Regular expressions match bytes: a group holding half a character is an error.
  EXPECT_EQ(*Eval("extract(name, '(a)(b)')", name),
            Value(Array{Value(std::string("ab")), Value(std::string("a")), Value(std::string("b"))}));
  EXPECT_EQ(Eval("extract(name, '^(.)')", name).status().message(),
            "column 1: extract() matched part of a multi-byte character");
  EXPECT_EQ(*Eval("split(name, '')", name),
            Value(Array{Value(std::string("\u4e2d")), Value(std::string("\u6587")), Value(std::string("a")),
                        Value(std::string("b"))}));
}

TEST(ExpressionNumbers, DecimalArithmeticIsExact) {
  // 0.1 + 0.2 is 0.30000000000000004 in binary doubles; ZEN's decimals give 0.3.
  EXPECT_EQ(Eval("0.1 + 0.2")->as_number().ToString(), "0.3");
  // 1/3 keeps 28 decimal places, as rust_decimal: 0.3333333333333333333333333333.
  EXPECT_EQ(Eval("1 / 3")->as_number().ToString(), "0." + std::string(28, '3'));
  // 2/3 rounds its last place up.
  EXPECT_EQ(Eval("2 / 3")->as_number().ToString(), "0." + std::string(27, '6') + "7");
  // Money-sized integers beyond 2^53 stay exact: 9007199254740993 = 2^53 + 1.
  EXPECT_EQ(Eval("9007199254740992 + 1")->as_number().ToString(), "9007199254740993");
  // Rounding half away from zero at a chosen place.
  EXPECT_EQ(Eval("round(-2.345, 2)")->as_number().ToString(), "-2.35");
  // JSON doubles enter through their shortest text: 0.1 is exactly 0.1.
  EXPECT_EQ(*Eval("x * 3 == 0.3", R"({"x": 0.1})"), Value(true));
}

TEST(ExpressionUnary, CellsTestDollar) {
  auto cell = CompileUnary("'GB', 'US'");
  ASSERT_TRUE(cell.ok());
  EXPECT_EQ(*cell->Evaluate(Input(R"({"$": "US"})"), {}), Value(true));
  EXPECT_EQ(*cell->Evaluate(Input(R"({"$": "FR"})"), {}), Value(false));
  auto range = CompileUnary("[18..65) and != 30");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(*range->Evaluate(Input(R"({"$": 18})"), {}), Value(true));
  EXPECT_EQ(*range->Evaluate(Input(R"({"$": 65})"), {}), Value(false));
  EXPECT_EQ(*range->Evaluate(Input(R"({"$": 30})"), {}), Value(false));
  // A value-producing entry is matched against $: `lower($)` holds only for
  // text that is already lower case; an array result means membership.
  auto lower = CompileUnary("lower($)");
  EXPECT_EQ(*lower->Evaluate(Input(R"({"$": "gold"})"), {}), Value(true));
  EXPECT_EQ(*lower->Evaluate(Input(R"({"$": "Gold"})"), {}), Value(false));
  auto members = CompileUnary("filter([1, 2, 3], # > 1)");
  EXPECT_EQ(*members->Evaluate(Input(R"({"$": 3})"), {}), Value(true));
  EXPECT_EQ(*members->Evaluate(Input(R"({"$": 1})"), {}), Value(false));
  // A bool literal is compared too: cell `true` does not match $ = false.
  EXPECT_EQ(*CompileUnary("true")->Evaluate(Input(R"({"$": false})"), {}), Value(false));
  // A blank cell matches anything, null included.
  EXPECT_EQ(*CompileUnary("  ")->Evaluate(Input(R"({"$": null})"), {}), Value(true));
}

// Holds is true exactly when Evaluate gives true: an error anywhere in the
// test, including a comparison that cannot be ordered, makes it false, even
// under `not` or on one side of `or` (the error is the whole cell's).
TEST(ExpressionUnary, HoldsIsTrueOnlyWhereEvaluateGivesTrue) {
  const char* tests[] = {"< 18",         ">= 18",         "[18..65]", "not(< 18)", "< 18 or == null",
                         "> 5 and < 10", "not([18..65])", "'A', 'B'", "== null",   "lower($) == 'a'"};
  const char* dollars[] = {"null", "20", "5", "\"A\"", "\"a\"", "true", "[1]", "\"2024-01-01\""};
  int errors = 0;
  for (const char* test : tests) {
    auto cell = CompileUnary(test);
    ASSERT_TRUE(cell.ok()) << test;
    for (const char* dollar : dollars) {
      const Value input = Input((std::string(R"({"$": )") + dollar + "}").c_str());
      auto v = cell->Evaluate(input, {});
      errors += !v.ok();
      EXPECT_EQ(cell->Holds(input, {}), v.ok() && v->is_bool() && v->as_bool())
          << test << " with $ = " << dollar;
    }
  }
  EXPECT_GT(errors, 10);  // the cases above do reach the error path
  // Hand-stated: a missing value is not under 18, and not `not under 18` either.
  const Value missing = Input(R"({"$": null})");
  EXPECT_FALSE(CompileUnary("< 18")->Holds(missing, {}));
  EXPECT_FALSE(CompileUnary("not(< 18)")->Holds(missing, {}));
  EXPECT_FALSE(CompileUnary("< 18 or == null")->Holds(missing, {}));
  EXPECT_TRUE(CompileUnary("== null or < 18")->Holds(missing, {}));
  EXPECT_TRUE(CompileUnary("[18..65]")->Holds(Input(R"({"$": 65})"), {}));
  EXPECT_FALSE(CompileUnary("[18..65)")->Holds(Input(R"({"$": 65})"), {}));
  // A standard expression as a condition: only the bool true holds.
  EXPECT_TRUE(CompileStandard("age >= 18")->Holds(Input(R"({"age": 30})"), {}));
  EXPECT_FALSE(CompileStandard("age")->Holds(Input(R"({"age": 30})"), {}));
  EXPECT_FALSE(CompileStandard("age + 1 > 5")->Holds(Input(R"({"age": null})"), {}));
  EXPECT_FALSE(CompileStandard("not (age < 18)")->Holds(Input(R"({"age": null})"), {}));
  EXPECT_FALSE(CompileStandard("!(age < 18)")->Holds(Input(R"({"age": null})"), {}));
  EXPECT_TRUE(CompileStandard("!(age < 18)")->Holds(Input(R"({"age": 20})"), {}));
}

TEST(ExpressionConcurrency, OneCompiledExpressionFromTwoThreads) {
  auto compiled = CompileStandard("sum(map(filter(items, # > limit), # * 2)) + len(name)");
  ASSERT_TRUE(compiled.ok());
  // items > 2 are 3, 4, 5 -> doubled 6 + 8 + 10 = 24, plus len('abc') = 3: 27;
  // with limit 4 only 5 remains: 10 + 3 = 13.
  Value first = Input(R"({"items": [1, 2, 3, 4, 5], "limit": 2, "name": "abc"})");
  Value second = Input(R"({"items": [1, 2, 3, 4, 5], "limit": 4, "name": "abc"})");
  int wrong[2] = {0, 0};
  auto worker = [&](const Value& input, int64_t want, int* errors) {
    for (int i = 0; i < 20000; ++i) {
      auto r = compiled->Evaluate(input, EvalContext{});
      if (!r.ok() || !(*r == Value::Int(want))) ++*errors;
    }
  };
  std::thread a(worker, std::cref(first), 27, &wrong[0]);
  std::thread b(worker, std::cref(second), 13, &wrong[1]);
  a.join();
  b.join();
  EXPECT_EQ(wrong[0], 0);
  EXPECT_EQ(wrong[1], 0);
}

TEST(ExpressionDates, ClockComesFromTheContext) {
  auto compiled = CompileStandard("d().format('%Y-%m-%d %H:%M')");
  ASSERT_TRUE(compiled.ok());
  // 1700000000000 ms = 2023-11-14T22:13:20Z (date -u -d @1700000000).
  EXPECT_EQ(compiled->Evaluate(Value(Object{}), EvalContext{1700000000000})->as_string(), "2023-11-14 22:13");
  // Europe/Berlin is UTC+1 in winter: 23:13 local.
  auto berlin = CompileStandard("d().tz('Europe/Berlin').format('%H:%M')");
  EXPECT_EQ(berlin->Evaluate(Value(Object{}), EvalContext{1700000000000})->as_string(), "23:13");
  // The legacy date('now') is seconds since the epoch at the context's clock.
  auto legacy = CompileStandard("date('now')");
  EXPECT_EQ(*legacy->Evaluate(Value(Object{}), EvalContext{1700000000000}), Value::Int(1700000000));
}

TEST(ExpressionValue, JsonRoundTrip) {
  nlohmann::json j = nlohmann::json::parse(R"({"a": [1, 2.5, "x", null, true], "b": {"c": -3}})");
  EXPECT_EQ(Value::FromJson(j).ToJson(), j);
}

}  // namespace
}  // namespace credo::expr
