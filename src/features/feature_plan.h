// features/feature_plan.h — feature definitions compiled into a plan that
// computes every feature of an applicant document in one pass per list.
//
// The plan expands each definition file into features
//   <list>.<filter|all>.<aggregation>[.<field or name>].<window>
// (e.g. bureau_accounts.active.sum.balance_fen.365d) plus derived.<name>, in
// file order, then declaration order (filter, aggregation, field, window).
// At run time it reads each record list once: every record is tested
// against each filter once, placed in the shortest window that holds it, and
// added to one accumulator per (filter, window); the windows are nested, so
// running sums over them give every window's aggregates. Derived features are
// evaluated last. docs/features.md defines each aggregation exactly.
//
// Point in time: a record dated after the observation date (or inside a
// record dated after it) never contributes.
//
// A plan is immutable and may be used from many threads at once, each with
// its own FeatureWorkspace.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "core/status.h"
#include "expr/value.h"
#include "features/feature_definitions.h"
#include "features/record_document.h"

namespace credo::features {

// One feature, as `credo features list` shows it (the data dictionary).
struct FeatureInfo {
  std::string name;
  std::string list;               // the record list; "" for derived features
  std::string filter;             // "all" or the filter's name; "" for derived
  std::string filter_expression;  // the filter's condition; "" for all and derived
  std::string aggregation;        // "count", "sum", ..., "ratio", "derived"
  std::string argument;           // the field, or the share / ratio / derived name
  std::string window;             // "30d", "6m", "all"; "" for derived
  std::string expression;         // share: the condition; ratio: "a / b"; derived: the formula
  std::string description;        // one sentence
  std::string file;               // where it is declared
  int line = 0;
};

// Per-thread scratch space of a computation: the parsed document and the
// accumulators, kept between documents to avoid allocating. Not thread-safe.
class FeatureWorkspace {
 public:
  FeatureWorkspace();
  ~FeatureWorkspace();
  FeatureWorkspace(const FeatureWorkspace&) = delete;
  FeatureWorkspace& operator=(const FeatureWorkspace&) = delete;

  // The document of the last computation (its top-level fields, for output).
  const ParsedDocument& document() const;

  struct Impl;  // module-internal

 private:
  friend class FeaturePlan;
  std::unique_ptr<Impl> impl_;
};

class FeaturePlan {
 public:
  ~FeaturePlan();
  FeaturePlan(FeaturePlan&&) noexcept;
  FeaturePlan& operator=(FeaturePlan&&) noexcept;

  // Compiles checked definition files. Errors name the file, line and feature:
  // duplicate feature names, nested lists whose parent is a field, derived
  // features that do not compile or refer to unknown features, files that
  // disagree on the observation date field.
  static Result<FeaturePlan> Compile(const std::vector<DefinitionFile>& files);
  // LoadDefinitionFiles + Compile.
  static Result<FeaturePlan> Load(const std::string& path);

  size_t size() const;
  // Every feature in output order.
  const std::vector<FeatureInfo>& features() const;
  // The document field holding the as-of date ("observation_date").
  const std::string& observation_date_field() const;
  // The lists and fields the plan reads.
  const DocumentSchema& schema() const;

  // Computes every feature of a JSON document into `out` (size() values,
  // NaN = missing). The observation date is the document's field, else
  // `default_observation`, else an error. Errors are data errors of this
  // document (bad JSON, a list that is not an array, a bad date, a text
  // where a number is aggregated...), naming where.
  Status ComputeJson(std::string_view json, std::optional<CivilDate> default_observation,
                     FeatureWorkspace& workspace, std::span<double> out) const;
  // The same for a document already parsed into a Value (the decision engine's input).
  Status ComputeValue(const expr::Value& document, std::optional<CivilDate> default_observation,
                      FeatureWorkspace& workspace, std::span<double> out) const;

  struct Impl;  // module-internal

 private:
  explicit FeaturePlan(std::unique_ptr<Impl> impl);
  Status Compute(std::optional<CivilDate> default_observation, FeatureWorkspace& workspace,
                 std::span<double> out) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace credo::features
