// Backtest: reading the rows, evaluating them on worker threads, tallying,
// and writing the report.
//
// Rows go in batches; each batch is cut into one contiguous chunk per thread,
// each chunk is tallied on its own, and the tallies are merged in row order.
// Counts add up the same in any order, and the numbers behind the output
// summaries are kept in row order and summarised at the end, so the report
// does not depend on the number of threads.
#include "decision/backtest.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>
#include <tuple>
#include <utility>

#include "data/table.h"
#include "decision/node.h"
#include "expr/value_json.h"

namespace credo::decision {
namespace {

using expr::Object;
using expr::Value;
using nlohmann::json;

constexpr size_t kErrorsKept = 10;
constexpr size_t kTopValues = 20;
constexpr const char* kNone = "(none)";
constexpr const char* kError = "(error)";
constexpr const char* kAll = "(all)";

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// A CSV column's place in the nested input: a leaf names a column, an inner
// node holds the fields below a dotted prefix.
struct InputField {
  std::string name;
  int column = -1;
  std::vector<InputField> children;
};

}  // namespace

struct BacktestData::Impl {
  std::string source;
  std::string label_column;
  std::vector<int8_t> labels;  // per row: 0, 1, or -1 when missing; empty without a label column
  // CSV
  data::Table table;
  std::vector<std::vector<Value>> level_values;  // per column, a Value per categorical level
  InputField root;
  // JSONL
  std::vector<Value> objects;
  std::vector<size_t> lines;
  bool jsonl = false;

  Value Build(const InputField& field, size_t row) const {
    if (field.column < 0) {
      Object object;
      object.reserve(field.children.size());
      for (const InputField& child : field.children) object.emplace_back(child.name, Build(child, row));
      return Value(std::move(object));
    }
    const data::Column& column = table.column(field.column);
    if (column.IsMissing(row)) return Value();
    switch (column.type) {
      case data::ColumnType::kNumeric:
        return Value(expr::Decimal::FromDouble(column.numbers[row]).value_or(expr::Decimal()));
      case data::ColumnType::kCategorical:
        return level_values[field.column][column.codes[row]];
      case data::ColumnType::kDate:
        return Value(column.ValueText(row));
    }
    return Value();
  }
};

namespace {

// The first column at or below `field`.
int FirstColumn(const InputField& field) {
  return field.column >= 0 ? field.column : FirstColumn(field.children.front());
}

// Places column `c`, named `name`, in the tree of nested fields.
Status AddInputField(InputField& root, const std::string& name, int c, const data::Table& table) {
  InputField* at = &root;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    const std::string part = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    auto it = std::find_if(at->children.begin(), at->children.end(),
                           [&](const InputField& f) { return f.name == part; });
    const bool leaf = dot == std::string::npos;
    if (it == at->children.end()) {
      at->children.push_back(InputField{part, leaf ? c : -1, {}});
      it = at->children.end() - 1;
    } else if (leaf || it->column >= 0) {
      const int other = FirstColumn(*it);
      return Status::Invalid(table.source() + ": columns '" + table.column(other).name + "' and '" + name +
                             "' both give the field '" + name.substr(0, dot) + "'");
    }
    if (leaf) return Status::Ok();
    at = &*it;
    start = dot + 1;
  }
}

Result<std::vector<int8_t>> CsvLabels(const data::Table& table, size_t label) {
  const data::Column& column = table.column(label);
  std::vector<int8_t> labels(table.num_rows(), -1);
  for (size_t r = 0; r < labels.size(); ++r) {
    if (column.IsMissing(r)) continue;
    const bool numeric = column.type == data::ColumnType::kNumeric;
    if (!numeric || (column.numbers[r] != 0 && column.numbers[r] != 1)) {
      return Status::Invalid(table.source() + " row " + std::to_string(r + 1) + ": the label column '" +
                             column.name + "' must be 0 (good), 1 (bad) or empty, not '" +
                             column.ValueText(r) + "'");
    }
    labels[r] = static_cast<int8_t>(column.numbers[r]);
  }
  return labels;
}

Result<std::unique_ptr<BacktestData::Impl>> TableRows(data::Table table, const std::string& label_column) {
  auto impl = std::make_unique<BacktestData::Impl>();
  impl->source = table.source();
  impl->label_column = label_column;
  int label = -1;
  if (!label_column.empty()) {
    CREDO_ASSIGN_OR_RETURN(size_t index, table.IndexOf(label_column));
    label = static_cast<int>(index);
    CREDO_ASSIGN_OR_RETURN(impl->labels, CsvLabels(table, index));
  }
  impl->level_values.resize(table.num_columns());
  for (size_t c = 0; c < table.num_columns(); ++c) {
    for (const std::string& level : table.column(c).levels) impl->level_values[c].emplace_back(level);
    if (static_cast<int>(c) == label) continue;
    CREDO_RETURN_IF_ERROR(AddInputField(impl->root, table.column(c).name, static_cast<int>(c), table));
  }
  impl->table = std::move(table);
  return impl;
}

Result<std::unique_ptr<BacktestData::Impl>> JsonlRows(std::string_view text, const std::string& source,
                                                      const std::string& label_column) {
  auto impl = std::make_unique<BacktestData::Impl>();
  impl->source = source;
  impl->label_column = label_column;
  impl->jsonl = true;
  bool label_seen = false;
  size_t line = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    if (content.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::string where = source + ":" + std::to_string(line);
    Result<Value> parsed = expr::ParseValueJson(content);
    if (!parsed.ok()) return Status::Invalid(where + ": not valid JSON (" + parsed.status().message() + ")");
    if (!parsed->is_object()) {
      return Status::Invalid(where + ": each line must be a JSON object, this one is " +
                             std::string(expr::JsonTypeName(*parsed)));
    }
    Value object = std::move(parsed).value();
    int8_t label = -1;
    if (!label_column.empty()) {
      if (const Value* found = object.Find(label_column)) {
        label_seen = true;
        if (!found->is_null()) {
          const std::optional<int64_t> bad = found->is_number() ? found->as_number().ToInt64() : std::nullopt;
          if (!bad || (*bad != 0 && *bad != 1)) {
            std::string message = where;
            message += ": the label '" + label_column + "' must be 0 (good), 1 (bad) or null, not ";
            message += expr::ValueJson(*found);
            return Status::Invalid(message);
          }
          label = static_cast<int8_t>(*bad);
        }
        Object input;  // the line without its label
        input.reserve(object.as_object().size() - 1);
        for (const auto& member : object.as_object()) {
          if (member.first != label_column) input.push_back(member);
        }
        object = Value(std::move(input));
      }
      impl->labels.push_back(label);
    }
    impl->objects.push_back(std::move(object));
    impl->lines.push_back(line);
  }
  if (!label_column.empty() && !label_seen && !impl->objects.empty()) {
    return Status::NotFound(source + ": no line has the label '" + label_column + "'");
  }
  return impl;
}

}  // namespace

BacktestData::BacktestData(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BacktestData::BacktestData(BacktestData&&) noexcept = default;
BacktestData& BacktestData::operator=(BacktestData&&) noexcept = default;
BacktestData::~BacktestData() = default;

Result<BacktestData> BacktestData::ReadFile(const std::string& path, const std::string& label_column) {
  if (EndsWith(path, ".jsonl") || EndsWith(path, ".ndjson")) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound("cannot open data file '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad()) return Status::Io(path + ": read failed");
    return ParseJsonl(text.str(), path, label_column);
  }
  CREDO_ASSIGN_OR_RETURN(data::Table table, data::ReadCsv(path));
  CREDO_ASSIGN_OR_RETURN(auto impl, TableRows(std::move(table), label_column));
  return BacktestData(std::move(impl));
}

Result<BacktestData> BacktestData::ParseCsv(std::string_view text, const std::string& source,
                                            const std::string& label_column) {
  CREDO_ASSIGN_OR_RETURN(data::Table table, data::ParseCsv(text, source));
  CREDO_ASSIGN_OR_RETURN(auto impl, TableRows(std::move(table), label_column));
  return BacktestData(std::move(impl));
}

Result<BacktestData> BacktestData::ParseJsonl(std::string_view text, const std::string& source,
                                              const std::string& label_column) {
  CREDO_ASSIGN_OR_RETURN(auto impl, JsonlRows(text, source, label_column));
  return BacktestData(std::move(impl));
}

size_t BacktestData::num_rows() const {
  return impl_->jsonl ? impl_->objects.size() : impl_->table.num_rows();
}
const std::string& BacktestData::source() const { return impl_->source; }
const std::string& BacktestData::label_column() const { return impl_->label_column; }

Value BacktestData::Input(size_t row) const {
  return impl_->jsonl ? impl_->objects[row] : impl_->Build(impl_->root, row);
}

std::optional<int> BacktestData::Label(size_t row) const {
  if (impl_->labels.empty() || impl_->labels[row] < 0) return std::nullopt;
  return impl_->labels[row];
}

std::string BacktestData::Where(size_t row) const {
  if (impl_->jsonl) return impl_->source + ":" + std::to_string(impl_->lines[row]);
  return impl_->source + " row " + std::to_string(row + 1);
}

namespace {

// The node types whose choices a backtest counts.
bool CountsHits(const std::string& type) {
  return type == "decisionTableNode" || type == "switchNode" || type == "challenger" || type == "matrix";
}

// Entries are keyed by kind and identity so that declared and traced ones meet.
std::string EntryKey(const EntryHits& entry) {
  return entry.kind == "rule" ? "rule#" + std::to_string(entry.index) : entry.kind + ":" + entry.id;
}

struct NodeTally {
  std::string name;
  std::string type;
  size_t runs = 0;
  size_t runs_without_hit = 0;
  std::map<std::string, EntryHits> entries;
  // (row, position in its trace) of the first run; (SIZE_MAX, declared position) before any.
  std::pair<size_t, size_t> first_seen{SIZE_MAX, SIZE_MAX};
};

struct FieldTally {
  size_t present = 0;
  std::vector<double> numbers;  // in row order
  std::map<std::string, size_t> values;
  size_t other = 0;
};

// Counts over a run of rows; Merge() adds a later run.
struct Tally {
  size_t rows = 0;
  size_t evaluated = 0;
  size_t errors = 0;
  size_t compare_errors = 0;
  std::vector<BacktestRowError> first_errors;
  std::vector<BacktestRowError> first_compare_errors;
  std::map<std::string, size_t> decisions;
  std::map<std::pair<std::string, std::string>, size_t> swaps;
  std::map<std::string, std::pair<size_t, size_t>> labels;  // decision -> (labelled, bad)
  std::map<std::string, NodeTally> nodes;                   // by node id
  std::map<std::string, FieldTally> fields;
  std::map<std::string, size_t> reasons;

  void Merge(Tally&& other);
};

void AddEntry(std::map<std::string, EntryHits>& entries, const EntryHits& entry) {
  auto [it, inserted] = entries.try_emplace(EntryKey(entry), entry);
  if (inserted) return;
  it->second.hits += entry.hits;
  if (it->second.index < 0) it->second.index = entry.index;
  if (it->second.description.empty()) it->second.description = entry.description;
}

void Tally::Merge(Tally&& other) {
  rows += other.rows;
  evaluated += other.evaluated;
  errors += other.errors;
  compare_errors += other.compare_errors;
  auto keep_first = [](std::vector<BacktestRowError>& ours, std::vector<BacktestRowError>& theirs) {
    for (auto& e : theirs) {
      if (ours.size() < kErrorsKept) ours.push_back(std::move(e));
    }
  };
  keep_first(first_errors, other.first_errors);
  keep_first(first_compare_errors, other.first_compare_errors);
  for (const auto& [k, n] : other.decisions) decisions[k] += n;
  for (const auto& [k, n] : other.swaps) swaps[k] += n;
  for (const auto& [k, n] : other.reasons) reasons[k] += n;
  for (const auto& [k, n] : other.labels) {
    labels[k].first += n.first;
    labels[k].second += n.second;
  }
  for (auto& [id, theirs] : other.nodes) {
    NodeTally& ours = nodes[id];
    if (ours.name.empty()) {
      ours.name = theirs.name;
      ours.type = theirs.type;
    }
    ours.runs += theirs.runs;
    ours.runs_without_hit += theirs.runs_without_hit;
    ours.first_seen = std::min(ours.first_seen, theirs.first_seen);
    for (const auto& [key, entry] : theirs.entries) AddEntry(ours.entries, entry);
  }
  for (auto& [name, theirs] : other.fields) {
    FieldTally& ours = fields[name];
    ours.present += theirs.present;
    ours.numbers.insert(ours.numbers.end(), theirs.numbers.begin(), theirs.numbers.end());
    for (const auto& [v, n] : theirs.values) ours.values[v] += n;
    ours.other += theirs.other;
  }
}

// The rules, statements, arms and cells a node's `matched` trace names.
void CollectEntries(const Value& matched, std::map<std::string, EntryHits>& found) {
  EntryHits entry;
  entry.hits = 1;
  if (matched.is_array()) {
    for (const Value& element : matched.as_array()) CollectEntries(element, found);
    return;
  }
  if (matched.is_string()) {
    entry.kind = "statement";
    entry.id = matched.as_string();
  } else if (const Value* index = matched.Find("index")) {  // Find: nullptr unless an object
    entry.kind = "rule";
    entry.index = index->is_number() ? index->as_number().ToInt64().value_or(-1) : -1;
    if (const Value* id = matched.Find("_id")) entry.id = id->ToText();
    if (const Value* description = matched.Find("_description")) entry.description = description->ToText();
  } else if (const Value* arm = matched.Find("arm")) {
    entry.kind = "arm";
    entry.id = arm->ToText();
  } else if (const Value* row = matched.Find("row"); row && matched.Find("column")) {
    const Value* column = matched.Find("column");
    entry.kind = "cell";
    entry.id = row->is_null() || column->is_null() ? "(default)" : row->ToText() + " × " + column->ToText();
  } else {
    return;
  }
  found.try_emplace(EntryKey(entry), entry);  // a row counts once per entry
}

// The rules, statements and arms a JDM document declares, so that those never hit are listed too.
void DeclareEntries(const json& jdm, Tally& tally) {
  // Members are read defensively: `jdm` need not be the document the graph was compiled from.
  auto member = [](const json& object, const char* key) {
    return object.is_object() && object.contains(key) ? object[key] : json();
  };
  const json nodes = member(jdm, "nodes");
  if (!nodes.is_array()) return;
  for (size_t n = 0; n < nodes.size(); ++n) {
    const json& node = nodes[n];
    const json content = member(node, "content");
    std::string type = TextMember(node, "type");
    if (type == "customNode") type = TextMember(content, "kind");
    if (!CountsHits(type) || type == "matrix") continue;
    const std::string id = TextMember(node, "id");
    NodeTally& tally_node = tally.nodes[id];
    tally_node.name = TextMember(node, "name").empty() ? id : TextMember(node, "name");
    tally_node.type = type;
    tally_node.first_seen = {SIZE_MAX, n};
    const json items = type == "decisionTableNode" ? member(content, "rules")
                       : type == "switchNode"      ? member(content, "statements")
                                                   : member(member(content, "config"), "arms");
    if (!items.is_array()) continue;
    for (size_t i = 0; i < items.size(); ++i) {
      EntryHits entry;
      entry.index = static_cast<int64_t>(i);
      if (type == "decisionTableNode") {
        entry.kind = "rule";
        entry.id = TextMember(items[i], "_id");
        entry.description = TextMember(items[i], "_description");
      } else if (type == "switchNode") {
        entry.kind = "statement";
        entry.id = TextMember(items[i], "id");
        entry.description = TextMember(items[i], "condition");
      } else {
        entry.kind = "arm";
        entry.id = TextMember(items[i], "name");
      }
      AddEntry(tally_node.entries, entry);
    }
  }
}

std::string DecisionOf(const Value& output, const std::string& field) {
  const Value* decision = output.Find(field);
  if (!decision || decision->is_null()) return kNone;
  return decision->ToText();
}

void TallyOutputs(const Value& output, const std::string& decision_field, Tally& tally) {
  if (!output.is_object()) return;
  for (const auto& [name, value] : output.as_object()) {
    if (name == decision_field) continue;
    FieldTally& field = tally.fields[name];
    if (value.is_null()) continue;
    ++field.present;
    if (value.is_number()) {
      field.numbers.push_back(value.as_number().ToDouble());
    } else if (value.is_array() || value.is_object()) {
      ++field.other;
    } else {
      ++field.values[value.ToText()];
    }
  }
}

void TallyTrace(const std::vector<NodeTrace>& trace, size_t row, Tally& tally) {
  for (size_t position = 0; position < trace.size(); ++position) {
    const NodeTrace& t = trace[position];
    if (!CountsHits(t.type)) continue;
    NodeTally& node = tally.nodes[t.id];
    if (node.name.empty()) {
      node.name = t.name;
      node.type = t.type;
    }
    node.first_seen = std::min(node.first_seen, std::pair{row, position});
    ++node.runs;
    std::map<std::string, EntryHits> found;
    CollectEntries(t.matched, found);
    if (found.empty()) ++node.runs_without_hit;
    for (const auto& [key, entry] : found) AddEntry(node.entries, entry);
  }
}

// Evaluates rows [begin, end) into `tally`.
void RunRows(const DecisionGraph& strategy, const DecisionGraph* compare, const BacktestData& data,
             const BacktestOptions& options, size_t begin, size_t end, Tally& tally) {
  const EvaluateOptions traced{options.now_ms, TraceLevel::kMatched};
  const EvaluateOptions plain{options.now_ms, TraceLevel::kNone};
  for (size_t r = begin; r < end; ++r) {
    ++tally.rows;
    const Value input = data.Input(r);
    auto a = strategy.Evaluate(input, traced);
    std::string decision = kError;
    if (!a.ok()) {
      if (tally.errors++ < kErrorsKept)
        tally.first_errors.push_back({r + 1, data.Where(r), a.status().ToString()});
    } else {
      ++tally.evaluated;
      decision = DecisionOf(a->output, options.decision_field);
      ++tally.decisions[decision];
      TallyTrace(a->trace, r, tally);
      TallyOutputs(a->output, options.decision_field, tally);
      if (a->reasons.is_array()) {
        for (const Value& reason : a->reasons.as_array()) ++tally.reasons[reason.ToText()];
      }
      if (std::optional<int> label = data.Label(r)) {
        auto& [labelled, bad] = tally.labels[decision];
        ++labelled;
        bad += static_cast<size_t>(*label);
      }
    }
    if (!compare) continue;
    auto b = compare->Evaluate(input, plain);
    if (!b.ok() && tally.compare_errors++ < kErrorsKept) {
      tally.first_compare_errors.push_back({r + 1, data.Where(r), b.status().ToString()});
    }
    ++tally.swaps[{decision, b.ok() ? DecisionOf(b->output, options.decision_field) : kError}];
  }
}

// Most frequent first, ties by value; at most `limit`.
std::vector<ValueCount> ByFrequency(const std::map<std::string, size_t>& counts, size_t limit = SIZE_MAX) {
  std::vector<ValueCount> out;
  out.reserve(counts.size());
  for (const auto& [value, count] : counts) out.push_back({value, count});
  std::stable_sort(out.begin(), out.end(),
                   [](const ValueCount& a, const ValueCount& b) { return a.count > b.count; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

NumberSummary Summarise(const std::vector<double>& numbers) {
  NumberSummary s;
  s.count = numbers.size();
  double sum = 0;
  for (double x : numbers) sum += x;
  s.mean = sum / static_cast<double>(s.count);
  std::vector<double> sorted = numbers;
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  const size_t mid = s.count / 2;
  s.p50 = s.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return s;
}

// Ranks decisions for the swap set: by `order`, then "(error)" last.
size_t Rank(const std::vector<ValueCount>& order, const std::string& decision) {
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i].value == decision) return i;
  }
  return order.size();
}

BacktestReport Finish(Tally&& tally, const DecisionGraph& strategy, const DecisionGraph* compare,
                      const BacktestData& data, const BacktestOptions& options) {
  BacktestReport report;
  report.strategy = strategy.source();
  report.compare = compare ? compare->source() : "";
  report.data = data.source();
  report.label_column = data.label_column();
  report.now_ms = options.now_ms;
  report.rows = tally.rows;
  report.evaluated = tally.evaluated;
  report.error_count = tally.errors;
  report.errors = std::move(tally.first_errors);
  report.decisions = ByFrequency(tally.decisions);

  std::vector<std::pair<std::string, NodeTally>> nodes(std::make_move_iterator(tally.nodes.begin()),
                                                       std::make_move_iterator(tally.nodes.end()));
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const auto& a, const auto& b) { return a.second.first_seen < b.second.first_seen; });
  for (auto& [id, node] : nodes) {
    NodeHits hits{id, node.name, node.type, node.runs, node.runs_without_hit, {}};
    for (auto& [key, entry] : node.entries) hits.entries.push_back(std::move(entry));
    std::stable_sort(hits.entries.begin(), hits.entries.end(), [](const EntryHits& a, const EntryHits& b) {
      return std::tuple(a.index < 0, a.index, a.id) < std::tuple(b.index < 0, b.index, b.id);
    });
    report.nodes.push_back(std::move(hits));
  }

  for (auto& [name, field] : tally.fields) {
    OutputDistribution d;
    d.field = name;
    d.present = field.present;
    d.missing = tally.evaluated - field.present;
    if (!field.numbers.empty()) d.numbers = Summarise(field.numbers);
    d.top_values = ByFrequency(field.values, kTopValues);
    d.distinct_values = field.values.size();
    d.other_values = field.other;
    report.outputs.push_back(std::move(d));
  }
  report.reasons = ByFrequency(tally.reasons, kTopValues);

  report.compare_error_count = tally.compare_errors;
  report.compare_errors = std::move(tally.first_compare_errors);
  std::map<std::string, size_t> compare_counts;
  for (const auto& [pair, count] : tally.swaps) compare_counts[pair.second] += count;
  const std::vector<ValueCount> compare_order = ByFrequency(compare_counts);
  for (const auto& [pair, count] : tally.swaps) report.swap_set.push_back({pair.first, pair.second, count});
  std::stable_sort(report.swap_set.begin(), report.swap_set.end(), [&](const SwapCell& a, const SwapCell& b) {
    return std::pair(Rank(report.decisions, a.strategy_decision), Rank(compare_order, a.compare_decision)) <
           std::pair(Rank(report.decisions, b.strategy_decision), Rank(compare_order, b.compare_decision));
  });

  if (!data.label_column().empty()) {
    BadRate all{kAll, 0, 0, 0};
    for (const ValueCount& decision : report.decisions) {
      const auto [labelled, bad] = tally.labels[decision.value];
      report.bad_rates.push_back(
          {decision.value, labelled, bad, labelled ? double(bad) / double(labelled) : 0});
      all.labelled += labelled;
      all.bad += bad;
    }
    all.bad_rate = all.labelled ? double(all.bad) / double(all.labelled) : 0;
    report.bad_rates.push_back(all);
  }
  return report;
}

}  // namespace

BacktestReport Backtest(const DecisionGraph& strategy, const DecisionGraph* compare, const BacktestData& data,
                        const BacktestOptions& options) {
  const size_t rows = data.num_rows();
  const size_t threads = static_cast<size_t>(std::max(1, options.threads));
  const size_t batch = std::max<size_t>(1, options.progress_every_rows);
  Tally total;
  if (options.strategy_jdm) DeclareEntries(*options.strategy_jdm, total);
  for (size_t begin = 0; begin < rows; begin += batch) {
    const size_t end = std::min(rows, begin + batch);
    std::vector<Tally> parts(threads);
    auto run_part = [&](size_t t) {
      const size_t n = end - begin;
      RunRows(strategy, compare, data, options, begin + n * t / threads, begin + n * (t + 1) / threads,
              parts[t]);
    };
    std::vector<std::thread> workers;
    for (size_t t = 1; t < threads; ++t) workers.emplace_back(run_part, t);
    run_part(0);
    for (std::thread& worker : workers) worker.join();
    for (Tally& part : parts) total.Merge(std::move(part));
    if (options.progress) options.progress(end, rows);
  }
  return Finish(std::move(total), strategy, compare, data, options);
}

// ---- JSON ----

namespace {

double Rate(size_t count, size_t of) { return of ? double(count) / double(of) : 0; }

json ErrorsJson(size_t count, const std::vector<BacktestRowError>& first) {
  json list = json::array();
  for (const auto& e : first) list.push_back({{"row", e.row}, {"where", e.where}, {"message", e.message}});
  return {{"count", count}, {"first", std::move(list)}};
}

json CountsJson(const std::vector<ValueCount>& counts, const char* key, size_t of) {
  json list = json::array();
  for (const auto& c : counts)
    list.push_back({{key, c.value}, {"count", c.count}, {"rate", Rate(c.count, of)}});
  return list;
}

}  // namespace

json BacktestReportToJson(const BacktestReport& report) {
  json out = {{"strategy", report.strategy},
              {"data", report.data},
              {"now_ms", report.now_ms},
              {"rows", report.rows},
              {"evaluated", report.evaluated},
              {"errors", ErrorsJson(report.error_count, report.errors)},
              {"decisions", CountsJson(report.decisions, "decision", report.evaluated)}};
  json nodes = json::array();
  for (const NodeHits& node : report.nodes) {
    json entries = json::array();
    for (const EntryHits& e : node.entries) {
      json entry = {
          {"kind", e.kind}, {"id", e.id}, {"hits", e.hits}, {"rate", Rate(e.hits, report.evaluated)}};
      if (e.index >= 0) entry["index"] = e.index;
      if (!e.description.empty()) entry["description"] = e.description;
      entries.push_back(std::move(entry));
    }
    nodes.push_back({{"node", node.node_name},
                     {"node_id", node.node_id},
                     {"type", node.node_type},
                     {"runs", node.runs},
                     {"runs_without_hit", node.runs_without_hit},
                     {"entries", std::move(entries)}});
  }
  out["rule_hits"] = std::move(nodes);
  json outputs = json::array();
  for (const OutputDistribution& d : report.outputs) {
    json field = {{"field", d.field}, {"present", d.present}, {"missing", d.missing}};
    if (d.numbers) {
      field["numbers"] = {{"count", d.numbers->count},
                          {"mean", d.numbers->mean},
                          {"min", d.numbers->min},
                          {"p50", d.numbers->p50},
                          {"max", d.numbers->max}};
    }
    if (d.distinct_values > 0) {
      field["values"] = CountsJson(d.top_values, "value", report.evaluated);
      field["distinct_values"] = d.distinct_values;
    }
    if (d.other_values > 0) field["other_values"] = d.other_values;
    outputs.push_back(std::move(field));
  }
  out["outputs"] = std::move(outputs);
  out["reasons"] = CountsJson(report.reasons, "reason", report.evaluated);
  if (!report.compare.empty()) {
    json cells = json::array();
    size_t changed = 0;
    for (const SwapCell& c : report.swap_set) {
      cells.push_back(
          {{"strategy", c.strategy_decision}, {"compare", c.compare_decision}, {"count", c.count}});
      if (c.strategy_decision != c.compare_decision) changed += c.count;
    }
    out["compare"] = report.compare;
    out["swap_set"] = {{"cells", std::move(cells)},
                       {"changed", changed},
                       {"compare_errors", ErrorsJson(report.compare_error_count, report.compare_errors)}};
  }
  if (!report.label_column.empty()) {
    out["label"] = report.label_column;
    json rates = json::array();
    for (const BadRate& b : report.bad_rates) {
      rates.push_back(
          {{"decision", b.decision}, {"labelled", b.labelled}, {"bad", b.bad}, {"bad_rate", b.bad_rate}});
    }
    out["bad_rate"] = std::move(rates);
  }
  return out;
}

// ---- Text ----

namespace {

std::string Percent(size_t count, size_t of) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * Rate(count, of));
  return buf;
}

std::string Number(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, std::fabs(x - std::round(x)) < 1e-9 && std::fabs(x) < 1e15 ? "%.0f" : "%.4g",
                x);
  return buf;
}

// Display width of UTF-8 text, counting each code point as one column.
size_t Width(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

// Aligned columns: `align` has 'l' or 'r' per column.
std::string Columns(const std::vector<std::vector<std::string>>& rows, const std::string& align,
                    const std::string& indent = "  ") {
  std::vector<size_t> widths(align.size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], Width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = indent;
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - Width(row[c]), ' ');
      line += align[c] == 'r' ? pad + row[c] : row[c] + (c + 1 < row.size() ? pad : "");
      if (c + 1 < row.size()) line += "  ";
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

std::string ErrorsText(const std::string& title, size_t count, const std::vector<BacktestRowError>& first) {
  if (count == 0) return "";
  std::string out = title + ": " + std::to_string(count) +
                    (count > first.size() ? " (the first " + std::to_string(first.size()) + ")" : "") + "\n";
  for (const auto& e : first) out += "  " + e.where + ": " + e.message + "\n";
  return out + "\n";
}

}  // namespace

std::string FormatBacktestReport(const BacktestReport& report) {
  std::string out = "Backtest of " + report.strategy + " on " + report.data + " (clock " +
                    expr::FormatRfc3339(expr::DateTime{report.now_ms}) + ")\n";
  out += "Rows: " + std::to_string(report.rows) + ", evaluated " + std::to_string(report.evaluated) +
         ", errors " + std::to_string(report.error_count) + "\n\n";
  out += ErrorsText("Errors", report.error_count, report.errors);

  std::vector<std::vector<std::string>> rows = {{"decision", "rows", "rate"}};
  for (const ValueCount& d : report.decisions) {
    rows.push_back({d.value, std::to_string(d.count), Percent(d.count, report.evaluated)});
  }
  out += "Decisions\n" + Columns(rows, "lrr") + "\n";

  if (!report.nodes.empty()) {
    out += "Rule hits (rate over evaluated rows)\n";
    for (const NodeHits& node : report.nodes) {
      out += "  " + node.node_name + " (" + node.node_type + "): ran " + std::to_string(node.runs) +
             ", chose nothing " + std::to_string(node.runs_without_hit) + "\n";
      rows = {
          {"#", node.node_type == "decisionTableNode" ? "rule" : "choice", "hits", "rate", "description"}};
      for (const EntryHits& e : node.entries) {
        rows.push_back({e.index >= 0 ? std::to_string(e.index) : "", e.id, std::to_string(e.hits),
                        Percent(e.hits, report.evaluated), e.description});
      }
      out += Columns(rows, "rlrrl", "    ");
    }
    out += "\n";
  }

  if (!report.outputs.empty()) {
    rows = {{"output", "present", "missing", "mean", "min", "p50", "max"}};
    for (const OutputDistribution& d : report.outputs) {
      if (!d.numbers) continue;
      rows.push_back({d.field, std::to_string(d.present), std::to_string(d.missing), Number(d.numbers->mean),
                      Number(d.numbers->min), Number(d.numbers->p50), Number(d.numbers->max)});
    }
    if (rows.size() > 1) out += "Numeric outputs\n" + Columns(rows, "lrrrrrr") + "\n";
    for (const OutputDistribution& d : report.outputs) {
      if (d.top_values.empty()) continue;
      rows = {{d.field, "rows", "rate"}};
      for (const ValueCount& v : d.top_values) {
        rows.push_back({v.value, std::to_string(v.count), Percent(v.count, report.evaluated)});
      }
      if (d.missing > 0)
        rows.push_back({"(missing)", std::to_string(d.missing), Percent(d.missing, report.evaluated)});
      out += "Output '" + d.field + "' (" + std::to_string(d.distinct_values) + " distinct values)\n" +
             Columns(rows, "lrr") + "\n";
    }
  }

  if (!report.reasons.empty()) {
    rows = {{"reason", "rows", "rate"}};
    for (const ValueCount& r : report.reasons) {
      rows.push_back({r.value, std::to_string(r.count), Percent(r.count, report.evaluated)});
    }
    out += "Reasons\n" + Columns(rows, "lrr") + "\n";
  }

  if (!report.compare.empty()) {
    std::vector<std::string> strategy_side, compare_side;
    for (const SwapCell& c : report.swap_set) {
      if (std::find(strategy_side.begin(), strategy_side.end(), c.strategy_decision) == strategy_side.end()) {
        strategy_side.push_back(c.strategy_decision);
      }
      if (std::find(compare_side.begin(), compare_side.end(), c.compare_decision) == compare_side.end()) {
        compare_side.push_back(c.compare_decision);
      }
    }
    // The compare side in the strategy side's order, so that unchanged rows lie on the diagonal.
    auto rank = [&](const std::string& d) {
      return std::find(strategy_side.begin(), strategy_side.end(), d) - strategy_side.begin();
    };
    std::stable_sort(compare_side.begin(), compare_side.end(),
                     [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
    std::vector<std::string> header = {"strategy \\ compare"};
    header.insert(header.end(), compare_side.begin(), compare_side.end());
    rows = {header};
    size_t changed = 0;
    for (const std::string& a : strategy_side) {
      std::vector<std::string> row = {a};
      for (const std::string& b : compare_side) {
        size_t count = 0;
        for (const SwapCell& c : report.swap_set) {
          if (c.strategy_decision == a && c.compare_decision == b) count = c.count;
        }
        row.push_back(std::to_string(count));
        if (a != b) changed += count;
      }
      rows.push_back(std::move(row));
    }
    out += "Swap set: " + report.strategy + " (rows) against " + report.compare + " (columns); " +
           std::to_string(changed) + " of " + std::to_string(report.rows) + " rows change decision\n" +
           Columns(rows, "l" + std::string(compare_side.size(), 'r')) + "\n";
    out += ErrorsText("Errors of " + report.compare, report.compare_error_count, report.compare_errors);
  }

  if (!report.bad_rates.empty()) {
    rows = {{"decision", "labelled", "bad", "bad rate"}};
    for (const BadRate& b : report.bad_rates) {
      rows.push_back(
          {b.decision, std::to_string(b.labelled), std::to_string(b.bad), Percent(b.bad, b.labelled)});
    }
    out += "Bad rate by decision (label '" + report.label_column + "')\n" + Columns(rows, "lrrr") + "\n";
  }
  return out;
}

}  // namespace credo::decision
