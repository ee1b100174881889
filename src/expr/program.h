// expr/program.h — the compiled form of an expression (module-internal).
//
// A tree of Nodes evaluated by a recursive switch (evaluator.cpp). We chose a
// tree over bytecode: ZEN programs are short (one cell, one formula), closures
// and short-circuit operators map one-to-one onto subtrees, and names, function
// ids and closure slots are all resolved at compile time, so evaluation does
// no lookups by name except fields of the input. Literal subtrees are folded.
#pragma once

#include <string>
#include <vector>

#include "expr/value.h"

namespace credo::expr {

enum class NodeKind : uint8_t {
  kLiteral,     // literal
  kVariable,    // input field `name`
  kRoot,        // $root
  kClosureRef,  // `#` or an `as` alias: closure slot `slot`
  kMember,      // children[0].name
  kIndex,       // children[0][children[1]]
  kSlice,       // children[0][from:to]; flags: has_from (a), has_to (b)
  kNegate,      // -children[0]
  kNot,         // not children[0]
  kBinary,      // children[0] op children[1]
  kAnd,
  kOr,
  kCoalesce,  // ??
  kTernary,   // c ? a : b
  kIn,        // children[0] in children[1]; a = negated (not in)
  kInterval,  // [lo..hi]; a = lower closed, b = upper closed
  kArray,
  kObject,     // children: key, value, key, value ...
  kTemplate,   // children: parts to concatenate as text
  kCall,       // builtin `function` with children as arguments
  kClosure,    // builtin `function` over children[0] with body children[1], item in `slot`
  kMethod,     // date method `function` on children[0] with the rest as arguments
  kAssign,     // path = children[0]
  kUnaryTest,  // a unary-test entry children[0] against `$`: a bool result of an
               // entry that uses `$` (a = true) is the answer; otherwise an array
               // result means `$ in` it and any other result `$ ==` it
  kProgram,    // statements; the last one's value (or the assigned object)
};

enum class BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kRem, kPow, kEq, kNe, kLt, kLe, kGt, kGe };

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  BinaryOp op = BinaryOp::kAdd;
  bool a = false, b = false;
  int function = 0;  // Builtin or DateMethod id
  int slot = 0;      // closure depth
  int column = 0;    // 1-based position in the source, for error messages
  Value literal;
  std::string name;
  std::vector<std::string> path;  // kAssign target
  std::vector<Node> children;
};

// Builtin functions; the closure ones take (array, body).
enum class Builtin : int {
  kLen,
  kUpper,
  kLower,
  kTrim,
  kStartsWith,
  kEndsWith,
  kContains,
  kMatches,
  kExtract,
  kFuzzyMatch,
  kSplit,
  kNumber,
  kString,
  kBool,
  kIsNumeric,
  kType,
  kAbs,
  kSum,
  kAvg,
  kMin,
  kMax,
  kMedian,
  kMode,
  kFloor,
  kCeil,
  kRound,
  kTrunc,
  kRand,
  kKeys,
  kValues,
  kMerge,
  kMergeDeep,
  kFlatten,
  kDate,
  kTime,
  kDuration,
  kYear,
  kMonthOfYear,
  kMonthString,
  kDayOfMonth,
  kDayOfWeek,
  kDayOfYear,
  kWeekOfYear,
  kWeekdayString,
  kDateString,
  kStartOf,
  kEndOf,
  kD,
  // closures
  kMap,
  kFilter,
  kSome,
  kAll,
  kNone,
  kCount,
  kOne,
  kFlatMap,
};

// Methods of d() values.
enum class DateMethod : int {
  kAdd,
  kSub,
  kSet,
  kStartOf,
  kEndOf,
  kTz,
  kFormat,
  kDiff,
  kIsBefore,
  kIsAfter,
  kIsSame,
  kIsSameOrBefore,
  kIsSameOrAfter,
  kYear,
  kMonth,
  kDay,
  kWeekday,
  kHour,
  kMinute,
  kSecond,
  kDayOfYear,
  kQuarter,
  kTimestamp,
  kOffsetName,
  kIsLeapYear,
  kIsValid,
  kIsToday,
  kIsYesterday,
  kIsTomorrow,
};

struct Program {
  std::string text;
  bool unary = false;
  bool assigns = false;  // has `path = expr` statements
  Node root;
};

struct EvalContext;
// Evaluates a compiled program; throws EvalError (caught in expression.cpp).
Value EvaluateProgram(const Program& program, const Value& input, const EvalContext& context);
// Whether the program evaluates to true; false where EvaluateProgram would
// give anything else. Values that cannot be ordered give false without an
// exception; other errors still throw EvalError.
bool ProgramHolds(const Program& program, const Value& input, const EvalContext& context);

// A type or domain error during evaluation, with the column it happened at.
struct EvalError {
  int column;
  std::string message;
};

}  // namespace credo::expr
