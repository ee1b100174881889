// expr/expression.h — ZEN expressions, compiled once and evaluated many times.
//
// Credo's implementation of the GoRules ZEN expression language, the language
// of decision-table cells and expression nodes in JDM strategies. Two dialects:
//   standard  `a + b * 2`, `map(items, # * 2)`, `x = 1; y = x + 1`
//   unary     a decision-table cell tested against `$`: `> 5`, `'US', 'GB'`,
//             `[1..10]`, `> 5 and < 10`; a cell without `$` means `$ == cell`.
// docs/expressions.md describes the language and the numbers (decimal, as ZEN).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "expr/value.h"

namespace credo::expr {

// What an evaluation may depend on besides its variables. Date functions read
// "now" only from here, so an evaluation is a pure function of (input, context)
// and replays bit for bit.
struct EvalContext {
  int64_t now_ms = 0;  // the clock, milliseconds since the Unix epoch (UTC)
  // When set, the value of `$`, shadowing any `$` member of the input: how a
  // decision-table cell sees its column's value and an expression node its
  // own output so far, without copying the input to add one member.
  const Value* dollar = nullptr;
};

struct Program;  // the compiled tree; private to the module

// A parsed and checked expression. Immutable after compilation: Evaluate() may
// be called from any number of threads at once. Cheap to copy (shared).
class CompiledExpression {
 public:
  // Evaluates against `input` (the variables: an object, or for unary tests an
  // object holding `$`). Fails with a message naming the operation and the
  // column for type errors (`null + 1`, `'a' > 1`); a division by zero is null.
  Result<Value> Evaluate(const Value& input, const EvalContext& context) const;
  // Whether the expression evaluates to the boolean true; an error counts as
  // false, as for a decision-table cell or a switch condition. Cheaper than
  // Evaluate for a comparison with a missing (null) field, which is the
  // common error there.
  bool Holds(const Value& input, const EvalContext& context) const;
  // The source text, as compiled.
  const std::string& text() const;
  // For a unary test that only compares `$` by equality with string, number
  // or bool literals (`'A'`, `1.5`, `true`, or a list `'A', 'B'`), those
  // literals: the test holds exactly when `$ == ` one of them. nullopt for
  // any other test (ranges, `$` expressions, null or array literals...).
  std::optional<std::vector<Value>> EqualityLiterals() const;

 private:
  friend Result<CompiledExpression> CompileStandard(std::string_view);
  friend Result<CompiledExpression> CompileUnary(std::string_view);
  explicit CompiledExpression(std::shared_ptr<const Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const Program> program_;
};

// Compiles a standard expression (statements `path = expr` separated by `;`
// are allowed; the value is the last expression, or the assigned object).
// Parse errors name the column: "column 7: expected ')' but found ','".
Result<CompiledExpression> CompileStandard(std::string_view text);

// Compiles a unary test (decision-table cell) evaluated against input `$`;
// the result is a bool.
Result<CompiledExpression> CompileUnary(std::string_view text);

}  // namespace credo::expr
