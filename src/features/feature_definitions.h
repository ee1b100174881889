// features/feature_definitions.h — feature definition files (YAML), loaded
// and checked.
//
// A definition file declares features over one record list of the applicant
// document: named filters (ZEN expressions over one record) × time windows ×
// aggregations, plus derived features (ZEN expressions over other features).
// docs/features.md gives the schema; feature_plan.h compiles a set of files
// into the plan that computes them. Every error names the file, the YAML line
// and the feature or filter at fault.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace credo::features {

// A time window ending on the observation date: the last N days, the last N
// calendar months, or the whole history.
struct Window {
  enum class Unit { kDays, kMonths, kAll };
  Unit unit = Unit::kAll;
  int amount = 0;    // days or months; 0 for kAll
  std::string name;  // as written and as it appears in feature names: "30d", "6m", "all"
};

// Parses "30d", "6m" or "all" (1..36500 days, 1..1200 months).
Result<Window> ParseWindow(std::string_view text);

// What one aggregate computes over the records of a (filter, window) cell.
enum class Aggregation {
  kCount,           // records
  kSum,             // sum of a field
  kMean,            // mean of a field
  kMin,             // smallest value of a field
  kMax,             // largest value of a field
  kStd,             // population standard deviation of a field
  kDistinct,        // distinct values of a field
  kLast,            // the field on the latest record
  kSlope,           // least-squares slope of a field against the record's day
  kDaysSinceFirst,  // days from the earliest record to the observation date
  kDaysSinceLast,   // days from the latest record to the observation date
  kShare,           // share of records meeting a condition
  kRatio,           // one declared aggregate divided by another
};

// The aggregation's name in definitions and feature names: "count", "sum", "days_since_first"...
const char* AggregationName(Aggregation kind);

// True for the aggregations that take a record field (sum ... slope).
bool TakesField(Aggregation kind);

// One declared aggregate of a file, before windows and filters multiply it.
struct AggregateSpec {
  Aggregation kind = Aggregation::kCount;
  // The field (sum, mean, min, max, std, distinct, last, slope) or the
  // share's / ratio's name; empty for count and days_since_*.
  std::string argument;
  std::string condition;    // share: the ZEN condition on one record
  std::string numerator;    // ratio: a reference to a declared aggregate ("sum.balance_fen", "count")
  std::string denominator;  // ratio
  int line = 0;

  // "sum.balance_fen", "count", "share.overdue": how ratios refer to it and
  // the middle of its feature names.
  std::string Key() const;
};

// A named ZEN expression (filter, derived feature) and the line it is on.
struct NamedExpression {
  std::string name;
  std::string text;
  int line = 0;
};

// A window and the line it is declared on.
struct WindowSpec {
  Window window;
  int line = 0;
};

// One definition file.
struct DefinitionFile {
  std::string file;  // the path as given, for errors
  // The record list, dot-separated for nested lists ("bureau_accounts.status_history");
  // empty in a file that only declares derived features.
  std::string list;
  int list_line = 0;
  std::string observation_date_field = "observation_date";  // the document field of the as-of date
  int observation_date_line = 0;                            // 0 when the file does not name it
  std::vector<NamedExpression> filters;   // in declaration order; "all" (no filter) is implicit
  std::vector<WindowSpec> windows;        // [all] when not given
  std::vector<AggregateSpec> aggregates;  // in declaration order
  std::vector<NamedExpression> derived;
};

// Parses and checks one file's YAML text: unknown keys, unknown
// aggregations, bad windows, names, duplicates, filter and share conditions
// that do not compile, ratios of undeclared aggregates. `file` names it in
// errors ("defs/bureau.yaml:12: ...").
Result<DefinitionFile> ParseDefinitionFile(std::string_view yaml_text, const std::string& file);

// Loads `path`: a directory (every *.yaml and *.yml in it, by file name) or
// one file.
Result<std::vector<DefinitionFile>> LoadDefinitionFiles(const std::string& path);

}  // namespace credo::features
