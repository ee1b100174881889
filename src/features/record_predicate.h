// features/record_predicate.h — a ZEN condition on one record (a filter or a
// share condition), compiled once and tested on every record of a list.
//
// Conditions are ZEN expressions (docs/expressions.md) whose variables are the
// record's fields. Most are comparisons of a field with a constant joined by
// and/or/not (`status == 'Active' and dpd >= 30`, `type in ['Car loan',
// 'Mortgage']`); those run on a small native evaluator that reads the
// record's Cells directly, a few nanoseconds a record. Anything else runs
// through the ZEN evaluator on a Value built from the fields it names. Both
// give ZEN's answer: a record matches when the condition is `true`; false,
// any other value, or an evaluation error (`null > 0`) is no match. The
// native evaluator is tested against ZEN on random records.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "expr/expression.h"
#include "features/record_document.h"

namespace credo::features {

class RecordPredicate {
 public:
  // Compiles `text` (a CompileStandard error is returned as is).
  // `slot_of(field)` gives the schema slot of each record field it reads,
  // adding the field to the schema if needed.
  static Result<RecordPredicate> Compile(const std::string& text,
                                         const std::function<int(const std::string&)>& slot_of);

  // Whether `record` (its Cells, by slot) meets the condition. `context`
  // gives "now" to ZEN's date functions.
  bool Matches(const Cell* record, const ParsedDocument& doc, const expr::EvalContext& context) const;

  // True when the native evaluator runs it (false: the ZEN evaluator).
  bool native() const;
  const std::string& text() const { return text_; }

  struct Native;  // module-internal

 private:
  std::string text_;
  std::shared_ptr<const Native> native_;                 // or:
  std::shared_ptr<const expr::CompiledExpression> zen_;  // with the fields it reads:
  std::vector<std::pair<std::string, int>> zen_fields_;  // name, slot
};

// The names a ZEN expression may read as variables: identifiers outside
// string literals that do not follow a '.' and are not called, without the
// keywords. A superset (closure aliases, words of templates) is harmless:
// callers only look the names up.
std::vector<std::string> ReferencedNames(std::string_view text);

}  // namespace credo::features
