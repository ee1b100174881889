// decision/backtest.h — what a strategy would have decided on past
// applications, and how that differs from another version.
//
// A backtest evaluates a strategy on every row of a file (CSV or JSONL) and
// reports the decision rates, how often every rule of every decision table
// (and every switch statement, challenger arm and matrix cell) was hit, the
// distribution of every other output field, the reasons given, the swap set
// against a second version (decision of one × decision of the other), and the
// bad rate by decision when the rows carry a 0/1 outcome label. The report is
// the same whatever the number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "decision/graph.h"
#include "expr/value.h"

namespace credo::decision {

// The applications a backtest runs on, read once and then read-only (safe
// from many threads).
//
// CSV: one application per row. Column types are inferred as data::ReadCsv
// does (numeric columns become numbers, others strings; empty, NA and the
// other missing tokens become null), and a dotted column name nests:
// `applicant.age` becomes {"applicant": {"age": ...}}. JSONL: one JSON object
// per line (blank lines skipped); a line that is not an object is an error
// naming file:line.
//
// The label column (CSV column or top-level JSONL key), when named, is taken
// out of the graph input; its values must be 0 (good), 1 (bad) or missing.
class BacktestData {
 public:
  // Reads `path`: JSONL when it ends in ".jsonl" or ".ndjson", else CSV/TSV
  // (plain or gzip).
  static Result<BacktestData> ReadFile(const std::string& path, const std::string& label_column = "");
  // The same over text in memory; `source` names it in errors.
  static Result<BacktestData> ParseCsv(std::string_view text, const std::string& source,
                                       const std::string& label_column = "");
  static Result<BacktestData> ParseJsonl(std::string_view text, const std::string& source,
                                         const std::string& label_column = "");

  BacktestData(BacktestData&&) noexcept;
  BacktestData& operator=(BacktestData&&) noexcept;
  ~BacktestData();

  size_t num_rows() const;
  const std::string& source() const;
  const std::string& label_column() const;
  // The graph input of `row` (0-based).
  expr::Value Input(size_t row) const;
  // 1 = bad, 0 = good, nullopt when the row has no label.
  std::optional<int> Label(size_t row) const;
  // Where `row` is, for messages: "data.csv row 12" or "data.jsonl:14".
  std::string Where(size_t row) const;

  struct Impl;

 private:
  explicit BacktestData(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// How a backtest runs.
struct BacktestOptions {
  int64_t now_ms = 0;  // the clock both strategies see (UTC ms), so a backtest can be rerun exactly
  int threads = 2;     // rows are split across this many threads
  std::string decision_field = "decision";  // the top-level output field that holds the decision
  // Called from the calling thread after every `progress_every_rows` rows
  // (and at the end) with the rows done so far and the total.
  std::function<void(size_t rows_done, size_t rows_total)> progress;
  size_t progress_every_rows = 10000;
  // The strategy's JDM document, when at hand: its decision-table rules,
  // switch statements and challenger arms are then listed even when never hit.
  const nlohmann::json* strategy_jdm = nullptr;
};

// A row a strategy could not evaluate.
struct BacktestRowError {
  size_t row = 0;     // 1-based
  std::string where;  // BacktestData::Where
  std::string message;
};

// How many rows had a value (a decision, a reason, a field value).
struct ValueCount {
  std::string value;
  size_t count = 0;
};

// How often one rule, switch statement, challenger arm or matrix cell was chosen.
struct EntryHits {
  std::string kind;         // "rule", "statement", "arm", "cell"
  int64_t index = -1;       // rule index in the table (0-based) or declared position; -1 when unknown
  std::string id;           // rule _id, statement id, arm name, "row × column"
  std::string description;  // rule _description
  size_t hits = 0;          // rows in which it was chosen at least once
};

// The hits of one node that chooses (decision table, switch, challenger, matrix).
struct NodeHits {
  std::string node_id;
  std::string node_name;
  std::string node_type;
  size_t runs = 0;                 // rows in which the node ran
  size_t runs_without_hit = 0;     // of those, rows in which it chose nothing
  std::vector<EntryHits> entries;  // rules by index, others by declared position, then id
};

// count, mean, min, median (the mean of the two middle values for an even count), max.
struct NumberSummary {
  size_t count = 0;
  double mean = 0;
  double min = 0;
  double p50 = 0;
  double max = 0;
};

// The distribution of one top-level output field over the evaluated rows.
struct OutputDistribution {
  std::string field;
  size_t present = 0;                    // rows where it is not null
  size_t missing = 0;                    // rows where it is null or absent
  std::optional<NumberSummary> numbers;  // its numeric values, if any
  std::vector<ValueCount> top_values;    // text, bool and date values, the 20 most frequent
  size_t distinct_values = 0;            // distinct text/bool/date values in all
  size_t other_values = 0;               // arrays and objects
};

// Rows decided `strategy_decision` by the strategy and `compare_decision` by the other version.
struct SwapCell {
  std::string strategy_decision;
  std::string compare_decision;
  size_t count = 0;
};

// The outcome of the labelled rows given one decision.
struct BadRate {
  std::string decision;  // "(all)" for every labelled row
  size_t labelled = 0;
  size_t bad = 0;
  double bad_rate = 0;  // bad / labelled, 0 when none is labelled
};

// What a backtest found. Rates are counts over `evaluated`. A decision that
// is absent or null is "(none)"; in the swap set a row a version could not
// evaluate is "(error)". Counts list the most frequent first (ties by value).
struct BacktestReport {
  std::string strategy;  // graph sources
  std::string compare;   // "" without a comparison
  std::string data;
  std::string label_column;
  int64_t now_ms = 0;

  size_t rows = 0;
  size_t evaluated = 0;
  size_t error_count = 0;
  std::vector<BacktestRowError> errors;  // the first few

  std::vector<ValueCount> decisions;
  std::vector<NodeHits> nodes;              // in the order they first ran; never-run declared nodes last
  std::vector<OutputDistribution> outputs;  // by field name, without the decision field
  std::vector<ValueCount> reasons;          // the 20 most frequent

  size_t compare_error_count = 0;
  std::vector<BacktestRowError> compare_errors;  // the first few
  std::vector<SwapCell> swap_set;  // nonzero cells, strategy decision (by frequency) then compare decision

  std::vector<BadRate> bad_rates;  // by decision, then "(all)"; empty without a label
};

// Evaluates `strategy` (and `compare`, when not null) on every row of `data`.
// A row that fails to evaluate is counted and listed, not fatal.
BacktestReport Backtest(const DecisionGraph& strategy, const DecisionGraph* compare, const BacktestData& data,
                        const BacktestOptions& options);

// The report as JSON (docs/backtest.md shows its shape).
nlohmann::json BacktestReportToJson(const BacktestReport& report);

// The report as tables for a terminal.
std::string FormatBacktestReport(const BacktestReport& report);

}  // namespace credo::decision
