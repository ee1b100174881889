// Decision tables: rules of unary-test cells over input columns, with
// output cells that are expressions. Hit policy `first` gives the first
// matching rule's outputs (null when none matches); `collect` gives the
// outputs of every matching rule, as an array.
#include <nlohmann/json.hpp>
#include <optional>

#include "decision/node.h"
#include "decision/table_index.h"
#include "decision/value_ops.h"

namespace credo::decision {
namespace {

using expr::CompiledExpression;
using expr::Object;
using expr::Value;
using nlohmann::json;

// A rule's cell. As in ZEN, a rule without a cell for a column never
// matches, and a blank cell matches anything (or, for an output, sets nothing).
struct Cell {
  enum class State { kMissing, kBlank, kSet } state = State::kMissing;
  std::optional<CompiledExpression> expression;
};

struct InputColumn {
  std::string id;
  std::string name;
  std::optional<CompiledExpression> field;  // none: cells are whole conditions
};

struct OutputColumn {
  std::string id;
  std::string field;  // dot path in the rule's output
};

struct Rule {
  std::string id;
  std::string description;
  std::vector<Cell> inputs;
  std::vector<Cell> outputs;
};

bool IsBlank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

class DecisionTable final : public NodeHandler {
 public:
  bool collect = false;
  std::vector<InputColumn> inputs;
  std::vector<OutputColumn> outputs;
  std::vector<Rule> rules;

  // Tables with at least this many rules get an index when a column allows it.
  static constexpr size_t kMinRulesToIndex = 8;
  std::optional<size_t> indexed_column;
  TableIndex index;

  Result<Value> Run(const Value& input, NodeRun& run, Value* matched) const override {
    // Each column's value, computed once on first use; a field that fails
    // to evaluate fails every rule that tests it (as in ZEN).
    std::vector<std::optional<Value>> field_values(inputs.size());
    std::vector<char> field_failed(inputs.size(), 0);
    expr::Array results;
    expr::Array hits;
    bool done = false;
    // Tries rule r; true once the hit policy needs no more rules.
    auto try_rule = [&](size_t r) {
      std::optional<Value> output = Apply(rules[r], input, run, field_values, field_failed);
      if (!output) return false;
      if (matched) hits.push_back(Hit(r));
      results.push_back(std::move(*output));
      done = !collect;
      return done;
    };
    const Value* key =
        indexed_column ? FieldValue(*indexed_column, input, run, field_values, field_failed) : nullptr;
    if (!key || !index.ForEachCandidate(*key, try_rule)) {
      for (size_t r = 0; r < rules.size(); ++r) {
        if (try_rule(r)) break;
      }
    }
    if (matched) *matched = Value(std::move(hits));
    if (collect) return Value(std::move(results));
    return done ? results.front() : Value();
  }

  // Indexes the column that narrows the rules most: among those whose cells
  // are all blank or equality literals (and not all blank), the one with the
  // fewest blank cells. Rules without a cell in it never match and are left out.
  void BuildIndex() {
    if (rules.size() < kMinRulesToIndex) return;
    size_t fewest_blanks = rules.size();
    for (size_t c = 0; c < inputs.size(); ++c) {
      if (!inputs[c].field) continue;  // cells are whole conditions
      size_t blanks = 0;
      bool qualifies = true;
      for (const Rule& rule : rules) {
        const Cell& cell = rule.inputs[c];
        blanks += cell.state == Cell::State::kBlank;
        if (cell.state == Cell::State::kSet && !cell.expression->EqualityLiterals()) qualifies = false;
      }
      if (qualifies && blanks < fewest_blanks) {
        fewest_blanks = blanks;
        indexed_column = c;
      }
    }
    if (!indexed_column) return;
    for (size_t r = 0; r < rules.size(); ++r) {
      const Cell& cell = rules[r].inputs[*indexed_column];
      if (cell.state == Cell::State::kBlank) index.AddBlank(static_cast<uint32_t>(r));
      if (cell.state == Cell::State::kSet)
        index.AddLiterals(static_cast<uint32_t>(r), *cell.expression->EqualityLiterals());
    }
  }

 private:
  Value Hit(size_t r) const {
    Object hit{{"index", Value::Int(static_cast<int64_t>(r))}, {"_id", Value(rules[r].id)}};
    if (!rules[r].description.empty()) hit.emplace_back("_description", Value(rules[r].description));
    return Value(std::move(hit));
  }

  // Column c's value for `input`, evaluated on first use; nullptr when its
  // field fails to evaluate.
  const Value* FieldValue(size_t c, const Value& input, NodeRun& run,
                          std::vector<std::optional<Value>>& field_values,
                          std::vector<char>& field_failed) const {
    if (!field_values[c] && !field_failed[c]) {
      auto v = inputs[c].field->Evaluate(input, run.eval);
      if (v.ok()) {
        field_values[c] = std::move(v).value();
      } else {
        field_failed[c] = 1;
      }
    }
    return field_failed[c] ? nullptr : &*field_values[c];
  }

  // The rule's output when every input cell holds, nothing otherwise.
  std::optional<Value> Apply(const Rule& rule, const Value& input, NodeRun& run,
                             std::vector<std::optional<Value>>& field_values,
                             std::vector<char>& field_failed) const {
    for (size_t c = 0; c < inputs.size(); ++c) {
      const Cell& cell = rule.inputs[c];
      if (cell.state == Cell::State::kMissing) return std::nullopt;
      if (cell.state == Cell::State::kBlank) continue;
      expr::EvalContext context = run.eval;
      if (inputs[c].field) {
        context.dollar = FieldValue(c, input, run, field_values, field_failed);
        if (!context.dollar) return std::nullopt;
      }
      if (!cell.expression->Holds(input, context)) return std::nullopt;
    }
    Object output;
    for (size_t c = 0; c < outputs.size(); ++c) {
      const Cell& cell = rule.outputs[c];
      if (cell.state == Cell::State::kMissing) return std::nullopt;
      if (cell.state == Cell::State::kBlank) continue;
      auto v = cell.expression->Evaluate(input, run.eval);
      if (!v.ok()) return std::nullopt;
      DotInsert(output, outputs[c].field, std::move(v).value());
    }
    return Value(std::move(output));
  }
};

Result<Cell> CompileCell(const json& rule, const std::string& column_id, bool unary,
                         const std::string& where) {
  Cell cell;
  auto it = rule.find(column_id);
  if (it == rule.end() || !it->is_string()) return cell;
  const std::string text = it->get<std::string>();
  if (IsBlank(text)) {
    cell.state = Cell::State::kBlank;
    return cell;
  }
  auto compiled = unary ? expr::CompileUnary(text) : expr::CompileStandard(text);
  if (!compiled.ok()) return Status::Invalid(where + ": " + compiled.status().ToString());
  cell.state = Cell::State::kSet;
  cell.expression = std::move(compiled).value();
  return cell;
}

}  // namespace

Result<std::unique_ptr<NodeHandler>> CompileDecisionTable(const NodeSource& source) {
  const json content = source.node.value("content", json::object());
  auto table = std::make_unique<DecisionTable>();
  const std::string policy = TextMember(content, "hitPolicy");
  if (policy != "first" && policy != "collect" && !policy.empty()) {
    return Status::Invalid(source.where + ": hit policy '" + policy +
                           "' is not supported (first or collect)");
  }
  table->collect = policy == "collect";
  for (const json& column : content.value("inputs", json::array())) {
    InputColumn in{TextMember(column, "id"), TextMember(column, "name"), std::nullopt};
    const std::string field = TextMember(column, "field");
    if (!IsBlank(field)) {
      auto compiled = expr::CompileStandard(field);
      if (!compiled.ok()) {
        return Status::Invalid(source.where + ": input column '" + in.name +
                               "' field: " + compiled.status().ToString());
      }
      in.field = std::move(compiled).value();
    }
    table->inputs.push_back(std::move(in));
  }
  for (const json& column : content.value("outputs", json::array())) {
    table->outputs.push_back({TextMember(column, "id"), TextMember(column, "field")});
  }
  const json rules = content.value("rules", json::array());
  for (size_t r = 0; r < rules.size(); ++r) {
    Rule rule{TextMember(rules[r], "_id"), TextMember(rules[r], "_description"), {}, {}};
    const std::string where = source.where + ": rule " + std::to_string(r + 1);
    for (const InputColumn& column : table->inputs) {
      CREDO_ASSIGN_OR_RETURN(Cell cell, CompileCell(rules[r], column.id, column.field.has_value(),
                                                    where + ", input column '" + column.name + "'"));
      rule.inputs.push_back(std::move(cell));
    }
    for (const OutputColumn& column : table->outputs) {
      CREDO_ASSIGN_OR_RETURN(Cell cell, CompileCell(rules[r], column.id, false,
                                                    where + ", output column '" + column.field + "'"));
      rule.outputs.push_back(std::move(cell));
    }
    table->rules.push_back(std::move(rule));
  }
  table->BuildIndex();
  return std::unique_ptr<NodeHandler>(std::move(table));
}

}  // namespace credo::decision
