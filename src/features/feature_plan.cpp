// FeaturePlan: compiling definition files, and computing a document's features.
#include "features/feature_plan.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <map>
#include <optional>

#include "expr/expression.h"
#include "features/record_predicate.h"

namespace credo::features {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kMsPerDay = 86'400'000;

// Which aggregate of a cell: the aggregation and the index of its field
// (in the block's stat fields, distinct fields or shares; for last, the
// record slot).
struct AggregateRef {
  Aggregation kind = Aggregation::kCount;
  int index = -1;
};

// One output feature of a block.
struct Output {
  AggregateRef value;
  bool ratio = false;
  AggregateRef denominator;  // ratios: value / denominator
  int filter = 0;            // block filter (0 = all)
  int window = 0;            // list window
  int out = 0;               // index in the plan's output
};

// The features of one definition file over its list.
struct Block {
  std::vector<int> filters;     // list predicate per block filter; -1 = all
  std::vector<int> stat_slots;  // record slots with numeric statistics
  std::vector<int> distinct;    // list distinct field per block distinct field
  std::vector<int> shares;      // list predicate per share
  bool moments = false;         // std or slope: second moments of y needed
  bool slope = false;           // moments of the day offset needed
  std::vector<Output> outputs;
};

// Everything computed over one record list.
struct ListPlan {
  int list = -1;                            // schema list
  std::vector<RecordPredicate> predicates;  // filters and share conditions of every block
  std::vector<Window> windows;              // every block's windows, each once
  std::vector<int> numeric_slots;           // slots that must hold numbers (or nothing)
  std::vector<int> distinct_slots;          // slots whose values are coded for distinct counts
  std::vector<Block> blocks;
};

// A derived feature: a compiled formula over features and top-level fields.
struct Derived {
  std::string name;
  std::optional<expr::CompiledExpression> formula;    // set once compiled
  std::vector<std::pair<std::string, int>> features;  // variable, output index
  std::vector<std::string> fields;                    // top-level fields it may read
  int out = 0;
};

// The accumulator of one (filter, window bucket) cell.
struct CellAcc {
  double count = 0;
  int32_t first_date = INT32_MAX;
  int32_t last_date = INT32_MIN;
  int32_t last_record = -1;
};

// Running statistics of one numeric field in one cell. The second moments
// are Welford's online updates (mean and sums of squared deviations rather
// than raw sums of squares, which cancel for large, close values); x is the
// record's day minus the observation day.
struct FieldAcc {
  double n = 0, min = INFINITY, max = -INFINITY;
  double sum = 0, carry = 0;  // Neumaier's compensated sum: sum + carry
  double Total() const { return sum + carry; }
  double mean_y = 0, m2_y = 0;            // mean of y, sum of (y - mean)^2
  double mean_x = 0, m2_x = 0, c_xy = 0;  // mean of x, sum of (x - mean)^2, co-moment of x and y
};

void Merge(CellAcc& into, const CellAcc& from) {
  into.count += from.count;
  into.first_date = std::min(into.first_date, from.first_date);
  if (from.last_date > into.last_date ||
      (from.last_date == into.last_date && from.last_record > into.last_record)) {
    into.last_date = from.last_date;
    into.last_record = from.last_record;
  }
}

// Adds y to a compensated sum (Neumaier): the rounding error of each addition
// is kept in `carry`, so sums of amounts with cents do not drift with the
// order of the records.
void AddTo(double& sum, double& carry, double y) {
  const double t = sum + y;
  carry += std::fabs(sum) >= std::fabs(y) ? (sum - t) + y : (y - t) + sum;
  sum = t;
}

// Chan et al.'s formula for the moments of two sets together.
void Merge(FieldAcc& into, const FieldAcc& from) {
  if (from.n == 0) return;
  if (into.n == 0) {
    into = from;
    return;
  }
  const double n = into.n + from.n;
  const double weight = into.n * from.n / n;
  const double dy = from.mean_y - into.mean_y, dx = from.mean_x - into.mean_x;
  into.m2_y += from.m2_y + dy * dy * weight;
  into.m2_x += from.m2_x + dx * dx * weight;
  into.c_xy += from.c_xy + dx * dy * weight;
  into.mean_y += dy * from.n / n;
  into.mean_x += dx * from.n / n;
  into.n = n;
  AddTo(into.sum, into.carry, from.sum);
  into.carry += from.carry;
  into.min = std::min(into.min, from.min);
  into.max = std::max(into.max, from.max);
}

// "bureau_accounts records where status == 'Active', dated in the last 90 days".
std::string Scope(const std::string& list, const std::string& filter, const Window& w) {
  std::string scope = list + " records" + (filter.empty() ? "" : " where " + filter);
  switch (w.unit) {
    case Window::Unit::kDays:
      return scope + ", dated in the last " + std::to_string(w.amount) + " days";
    case Window::Unit::kMonths:
      return scope + ", dated in the last " + std::to_string(w.amount) + " months";
    default:
      return scope;
  }
}

std::string Describe(const AggregateSpec& spec, const std::string& scope) {
  const std::string& f = spec.argument;
  switch (spec.kind) {
    case Aggregation::kCount:
      return "number of " + scope;
    case Aggregation::kSum:
      return "sum of " + f + " over " + scope;
    case Aggregation::kMean:
      return "mean of " + f + " over " + scope;
    case Aggregation::kMin:
      return "smallest " + f + " of " + scope;
    case Aggregation::kMax:
      return "largest " + f + " of " + scope;
    case Aggregation::kStd:
      return "population standard deviation of " + f + " over " + scope;
    case Aggregation::kDistinct:
      return "number of distinct values of " + f + " in " + scope;
    case Aggregation::kLast:
      return f + " on the latest of " + scope;
    case Aggregation::kSlope:
      return "least-squares slope per day of " + f + " over " + scope;
    case Aggregation::kDaysSinceFirst:
      return "days since the earliest of " + scope;
    case Aggregation::kDaysSinceLast:
      return "days since the latest of " + scope;
    case Aggregation::kShare:
      return "share meeting " + spec.condition + " of " + scope;
    case Aggregation::kRatio:
      return spec.numerator + " / " + spec.denominator + " over " + scope;
  }
  return "";
}

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

}  // namespace

struct FeaturePlan::Impl {
  std::vector<FeatureInfo> features;
  std::string observation_field = "observation_date";
  DocumentSchema schema;
  std::vector<ListPlan> lists;    // lists with features
  std::vector<int> list_plan_of;  // per schema list: index in `lists`, or -1
  std::vector<Derived> derived;   // in output order
};

struct FeatureWorkspace::Impl {
  ParsedDocument doc;
  std::vector<std::vector<uint8_t>> included;  // per schema list, per record
  std::vector<int32_t> cutoff;                 // per list window: records dated after it are in it
  std::vector<int> order;                      // list windows, shortest first
  std::vector<int> rank;                       // position of each list window in `order`
  std::vector<int32_t> codes;                  // record x distinct slot: value code, -1 = missing
  std::vector<int> distinct_words;             // per distinct slot: 64-bit words of its bitsets
  std::vector<uint8_t> pass;                   // per predicate, for the current record
  std::vector<CellAcc> cells;
  std::vector<FieldAcc> fields;
  std::vector<double> shares;
  std::vector<uint64_t> words;
  std::vector<std::pair<const Cell*, int32_t>> sort_scratch;
};

FeatureWorkspace::FeatureWorkspace() : impl_(std::make_unique<Impl>()) {}
FeatureWorkspace::~FeatureWorkspace() = default;
const ParsedDocument& FeatureWorkspace::document() const { return impl_->doc; }

FeaturePlan::FeaturePlan(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FeaturePlan::~FeaturePlan() = default;
FeaturePlan::FeaturePlan(FeaturePlan&&) noexcept = default;
FeaturePlan& FeaturePlan::operator=(FeaturePlan&&) noexcept = default;

size_t FeaturePlan::size() const { return impl_->features.size(); }
const std::vector<FeatureInfo>& FeaturePlan::features() const { return impl_->features; }
const std::string& FeaturePlan::observation_date_field() const { return impl_->observation_field; }
const DocumentSchema& FeaturePlan::schema() const { return impl_->schema; }

// ---- compiling ------------------------------------------------------------

namespace {

std::string Where(const DefinitionFile& file, int line) { return file.file + ":" + std::to_string(line); }

int IndexOf(std::vector<int>& items, int value) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i] == value) return static_cast<int>(i);
  }
  items.push_back(value);
  return static_cast<int>(items.size()) - 1;
}

class PlanCompiler {
 public:
  Result<FeaturePlan::Impl> Compile(const std::vector<DefinitionFile>& files) {
    CREDO_RETURN_IF_ERROR(ObservationField(files));
    // Names and output positions first (file order), so that a derived
    // feature may use the features of any file.
    std::vector<std::vector<int>> derived_out(files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      if (!files[i].list.empty()) CREDO_RETURN_IF_ERROR(AddList(files[i]));
      for (const auto& d : files[i].derived) {
        FeatureInfo info;
        info.name = "derived." + d.name;
        info.aggregation = "derived";
        info.argument = d.name;
        info.expression = d.text;
        info.description = "derived: " + d.text;
        info.file = files[i].file;
        info.line = d.line;
        CREDO_ASSIGN_OR_RETURN(int out, AddFeature(std::move(info)));
        derived_out[i].push_back(out);
      }
    }
    for (size_t i = 0; i < files.size(); ++i) {
      for (size_t k = 0; k < files[i].derived.size(); ++k) {
        CREDO_RETURN_IF_ERROR(AddDerived(files[i], files[i].derived[k], derived_out[i][k]));
      }
    }
    CREDO_RETURN_IF_ERROR(CheckFieldsAreNotLists(files));
    out_.list_plan_of.assign(out_.schema.lists().size(), -1);
    for (size_t i = 0; i < out_.lists.size(); ++i)
      out_.list_plan_of[out_.lists[i].list] = static_cast<int>(i);
    return std::move(out_);
  }

 private:
  Status ObservationField(const std::vector<DefinitionFile>& files) {
    const DefinitionFile* named = nullptr;
    for (const auto& f : files) {
      if (f.observation_date_line == 0) continue;
      if (named && named->observation_date_field != f.observation_date_field) {
        return Status::Invalid("observation_date '" + f.observation_date_field + "' differs from '" +
                                   named->observation_date_field + "' in " +
                                   Where(*named, named->observation_date_line) +
                                   " (one document field holds the as-of date)",
                               Where(f, f.observation_date_line));
      }
      named = &f;
    }
    if (named) out_.observation_field = named->observation_date_field;
    return Status::Ok();
  }

  Result<int> AddFeature(FeatureInfo info) {
    auto [it, inserted] = names_.emplace(info.name, out_.features.size());
    if (!inserted) {
      const FeatureInfo& first = out_.features[it->second];
      return Status::Invalid("feature '" + info.name + "' is declared twice (first at " + first.file + ":" +
                                 std::to_string(first.line) + ")",
                             info.file + ":" + std::to_string(info.line));
    }
    out_.features.push_back(std::move(info));
    return static_cast<int>(out_.features.size()) - 1;
  }

  ListPlan& PlanFor(int list) {
    for (auto& plan : out_.lists) {
      if (plan.list == list) return plan;
    }
    out_.lists.push_back(ListPlan{});
    out_.lists.back().list = list;
    return out_.lists.back();
  }

  // The list predicate for `text`, compiled once per list.
  Result<int> Predicate(ListPlan& plan, const std::string& text) {
    for (size_t i = 0; i < plan.predicates.size(); ++i) {
      if (plan.predicates[i].text() == text) return static_cast<int>(i);
    }
    const int list = plan.list;
    CREDO_ASSIGN_OR_RETURN(RecordPredicate predicate,
                           RecordPredicate::Compile(text, [&](const std::string& field) {
                             return out_.schema.AddField(list, field);
                           }));
    plan.predicates.push_back(std::move(predicate));
    return static_cast<int>(plan.predicates.size()) - 1;
  }

  Status AddList(const DefinitionFile& file) {
    const int list = out_.schema.AddList(file.list);
    ListPlan& plan = PlanFor(list);
    Block block;
    std::vector<std::string> filter_names = {"all"}, filter_texts = {""};
    block.filters.push_back(-1);
    for (const auto& f : file.filters) {
      auto p = Predicate(plan, f.text);
      if (!p.ok())
        return Status::Invalid("filter '" + f.name + "': " + p.status().ToString(), Where(file, f.line));
      block.filters.push_back(*p);
      filter_names.push_back(f.name);
      filter_texts.push_back(f.text);
    }
    std::vector<int> windows;
    for (const auto& w : file.windows) {
      int index = -1;
      for (size_t i = 0; i < plan.windows.size(); ++i) {
        if (plan.windows[i].name == w.window.name) index = static_cast<int>(i);
      }
      if (index < 0) {
        plan.windows.push_back(w.window);
        index = static_cast<int>(plan.windows.size()) - 1;
      }
      windows.push_back(index);
    }
    // Each declared aggregate's reference into the block's accumulators.
    std::vector<AggregateRef> refs;
    for (const auto& spec : file.aggregates) {
      AggregateRef ref{spec.kind, -1};
      switch (spec.kind) {
        case Aggregation::kSum:
        case Aggregation::kMean:
        case Aggregation::kMin:
        case Aggregation::kMax:
        case Aggregation::kStd:
        case Aggregation::kSlope: {
          const int slot = out_.schema.AddField(list, spec.argument);
          IndexOf(plan.numeric_slots, slot);
          ref.index = IndexOf(block.stat_slots, slot);
          block.moments = block.moments || spec.kind == Aggregation::kStd || spec.kind == Aggregation::kSlope;
          block.slope = block.slope || spec.kind == Aggregation::kSlope;
          break;
        }
        case Aggregation::kLast: {
          ref.index = out_.schema.AddField(list, spec.argument);
          IndexOf(plan.numeric_slots, ref.index);
          break;
        }
        case Aggregation::kDistinct: {
          const int slot = out_.schema.AddField(list, spec.argument);
          ref.index = IndexOf(block.distinct, IndexOf(plan.distinct_slots, slot));
          break;
        }
        case Aggregation::kShare: {
          auto p = Predicate(plan, spec.condition);
          if (!p.ok()) {
            return Status::Invalid("share '" + spec.argument + "': " + p.status().ToString(),
                                   Where(file, spec.line));
          }
          ref.index = IndexOf(block.shares, *p);
          break;
        }
        default:
          break;
      }
      refs.push_back(ref);
    }
    const auto ref_of = [&](const std::string& key) {
      for (size_t i = 0; i < file.aggregates.size(); ++i) {
        if (file.aggregates[i].Key() == key) return refs[i];
      }
      return AggregateRef{};  // checked when the file was parsed
    };
    for (size_t f = 0; f < block.filters.size(); ++f) {
      for (size_t a = 0; a < file.aggregates.size(); ++a) {
        const AggregateSpec& spec = file.aggregates[a];
        for (size_t w = 0; w < windows.size(); ++w) {
          const Window& window = plan.windows[windows[w]];
          FeatureInfo info;
          info.name = file.list + "." + filter_names[f] + "." + spec.Key() + "." + window.name;
          info.list = file.list;
          info.filter = filter_names[f];
          info.filter_expression = filter_texts[f];
          info.aggregation = AggregationName(spec.kind);
          info.argument = spec.argument;
          info.window = window.name;
          if (spec.kind == Aggregation::kShare) info.expression = spec.condition;
          if (spec.kind == Aggregation::kRatio) info.expression = spec.numerator + " / " + spec.denominator;
          info.description = Describe(spec, Scope(file.list, filter_texts[f], window));
          info.file = file.file;
          info.line = spec.line;
          CREDO_ASSIGN_OR_RETURN(int out, AddFeature(std::move(info)));
          Output o;
          o.value = refs[a];
          if (spec.kind == Aggregation::kRatio) {
            o.value = ref_of(spec.numerator);
            o.ratio = true;
            o.denominator = ref_of(spec.denominator);
          }
          o.filter = static_cast<int>(f);
          o.window = windows[w];
          o.out = out;
          block.outputs.push_back(o);
        }
      }
    }
    plan.blocks.push_back(std::move(block));
    return Status::Ok();
  }

  // Replaces each feature name in `text` by a variable `__f<index>` padded to
  // the name's length (so error columns still point into the original text).
  Status AddDerived(const DefinitionFile& file, const NamedExpression& d, int out) {
    const std::string where = Where(file, d.line);
    const std::string what = "derived feature 'derived." + d.name + "'";
    Derived derived;
    derived.name = "derived." + d.name;
    derived.out = out;
    std::string text = d.text;
    for (size_t i = 0; i < text.size();) {
      const char c = text[i];
      if (c == '\'' || c == '"') {
        size_t j = i + 1;
        while (j < text.size() && text[j] != c) j += text[j] == '\\' ? 2 : 1;
        i = j + 1;
        continue;
      }
      if (!IsNameChar(c) || (i > 0 && IsNameChar(text[i - 1]))) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < text.size() && IsNameChar(text[j])) ++j;
      const std::string token = text.substr(i, j - i);
      const size_t dot = token.find('.');
      if (dot == std::string::npos) {
        i = j;
        continue;
      }
      auto found = names_.find(token);
      if (found == names_.end()) {
        // A dotted name that starts like a feature but is none is a typo, not a member path.
        const std::string head = token.substr(0, dot);
        bool feature_like = head == "derived";
        for (const auto& list : out_.schema.lists()) feature_like = feature_like || list.key == head;
        if (feature_like)
          return Status::Invalid(what + " refers to '" + token + "', which is not a feature", where);
        i = j;
        continue;
      }
      const int index = static_cast<int>(found->second);
      if (out_.features[index].aggregation == "derived" && index >= out) {
        return Status::Invalid(what + " refers to '" + token + "', declared after it", where);
      }
      std::string variable = "__f" + std::to_string(index);
      variable.resize(token.size(), ' ');
      text.replace(i, token.size(), variable);
      derived.features.emplace_back("__f" + std::to_string(index), index);
      i = j;
    }
    auto compiled = expr::CompileStandard(text);
    if (!compiled.ok()) {
      std::string message = compiled.status().ToString();
      if (const size_t at = message.find(text); at != std::string::npos)
        message.replace(at, text.size(), d.text);
      return Status::Invalid(what + ": " + message, where);
    }
    derived.formula = std::move(compiled).value();
    for (std::string& name : ReferencedNames(text)) {
      if (name.rfind("__f", 0) == 0) continue;
      out_.schema.AddTopLevelObject(name);
      derived.fields.push_back(std::move(name));
    }
    std::sort(derived.features.begin(), derived.features.end());
    derived.features.erase(std::unique(derived.features.begin(), derived.features.end()),
                           derived.features.end());
    out_.derived.push_back(std::move(derived));
    std::sort(out_.derived.begin(), out_.derived.end(),
              [](const Derived& a, const Derived& b) { return a.out < b.out; });
    return Status::Ok();
  }

  Status CheckFieldsAreNotLists(const std::vector<DefinitionFile>& files) {
    for (const auto& list : out_.schema.lists()) {
      for (int child : list.children) {
        for (const auto& field : list.fields) {
          if (field != out_.schema.lists()[child].key) continue;
          for (const auto& f : files) {
            if (f.list == list.path || f.list == out_.schema.lists()[child].path) {
              return Status::Invalid("'" + field + "' of " + list.path +
                                         " is used both as a field and as the nested list " +
                                         out_.schema.lists()[child].path,
                                     Where(f, f.list_line));
            }
          }
        }
      }
    }
    return Status::Ok();
  }

  FeaturePlan::Impl out_;
  std::map<std::string, size_t> names_;
};

}  // namespace

Result<FeaturePlan> FeaturePlan::Compile(const std::vector<DefinitionFile>& files) {
  CREDO_ASSIGN_OR_RETURN(Impl impl, PlanCompiler().Compile(files));
  return FeaturePlan(std::make_unique<Impl>(std::move(impl)));
}

Result<FeaturePlan> FeaturePlan::Load(const std::string& path) {
  CREDO_ASSIGN_OR_RETURN(std::vector<DefinitionFile> files, LoadDefinitionFiles(path));
  return Compile(files);
}

// ---- computing ------------------------------------------------------------

namespace {

// Computes one list's features for one document into `out`.
class ListComputer {
 public:
  ListComputer(const DocumentSchema& schema, const ListPlan& plan, FeatureWorkspace::Impl& ws,
               int32_t observation)
      : schema_(schema),
        info_(schema.lists()[plan.list]),
        plan_(plan),
        ws_(ws),
        records_(ws.doc.lists[plan.list]),
        n_fields_(info_.fields.size()),
        obs_(observation) {}

  Status Run(std::span<double> out, const expr::EvalContext& context) {
    CREDO_RETURN_IF_ERROR(CheckNumbers());
    Windows();
    CodeDistinctValues();
    Reset();
    const std::vector<uint8_t>& included = ws_.included[plan_.list];
    ws_.pass.assign(plan_.predicates.size(), 0);
    const size_t n_windows = plan_.windows.size();
    for (size_t r = 0; r < records_.size(); ++r) {
      if (!included[r]) continue;
      const int32_t date = records_.date[r];
      size_t bucket = 0;
      while (bucket < n_windows && date <= ws_.cutoff[ws_.order[bucket]]) ++bucket;
      if (bucket == n_windows) continue;  // older than every window
      const Cell* record = &records_.cells[r * n_fields_];
      for (size_t p = 0; p < plan_.predicates.size(); ++p) {
        ws_.pass[p] = plan_.predicates[p].Matches(record, ws_.doc, context);
      }
      for (size_t b = 0; b < plan_.blocks.size(); ++b) {
        const Block& block = plan_.blocks[b];
        for (size_t f = 0; f < block.filters.size(); ++f) {
          if (block.filters[f] >= 0 && !ws_.pass[block.filters[f]]) continue;
          Add(b, (f * n_windows + bucket), static_cast<int32_t>(r), date, record);
        }
      }
    }
    for (size_t b = 0; b < plan_.blocks.size(); ++b) Finish(b, out);
    return Status::Ok();
  }

 private:
  // Where each block's accumulators start in the workspace arrays.
  struct Offsets {
    size_t cells, fields, shares, words, words_per_cell;
  };

  Status CheckNumbers() const {
    for (int slot : plan_.numeric_slots) {
      for (size_t r = 0; r < records_.size(); ++r) {
        const CellKind kind = records_.cells[r * n_fields_ + slot].kind;
        if (kind == CellKind::kNumber || kind == CellKind::kAbsent || kind == CellKind::kNull) continue;
        static const char* const kNames[] = {"nothing",           "null", "bool", "bool", "number", "text",
                                             "an array or object"};
        return Status::Invalid(
            std::string("expected a number, got ") + kNames[static_cast<int>(kind)],
            ws_.doc.RecordPath(schema_, plan_.list, static_cast<int>(r)) + "." + info_.fields[slot]);
      }
    }
    return Status::Ok();
  }

  // Window cutoffs of this document, and their order from the shortest.
  void Windows() {
    const size_t n = plan_.windows.size();
    ws_.cutoff.resize(n);
    ws_.order.resize(n);
    ws_.rank.resize(n);
    for (size_t w = 0; w < n; ++w) {
      const Window& window = plan_.windows[w];
      switch (window.unit) {
        case Window::Unit::kDays:
          ws_.cutoff[w] = obs_ - window.amount;
          break;
        case Window::Unit::kMonths:
          ws_.cutoff[w] = CivilDate::FromDaysSinceEpoch(obs_).AddMonths(-window.amount).days_since_epoch();
          break;
        default:
          ws_.cutoff[w] = INT32_MIN;
          break;
      }
      ws_.order[w] = static_cast<int>(w);
    }
    std::stable_sort(ws_.order.begin(), ws_.order.end(),
                     [&](int a, int b) { return ws_.cutoff[a] > ws_.cutoff[b]; });
    for (size_t j = 0; j < n; ++j) ws_.rank[ws_.order[j]] = static_cast<int>(j);
  }

  static bool Less(const Cell& a, const Cell& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.kind == CellKind::kNumber) return a.number < b.number;
    if (a.kind == CellKind::kString) return a.text < b.text;
    return false;
  }

  // Codes each distinct-count field's values 0, 1, ... (missing: -1).
  void CodeDistinctValues() {
    const size_t n_distinct = plan_.distinct_slots.size();
    ws_.codes.assign(records_.size() * n_distinct, -1);
    ws_.distinct_words.assign(n_distinct, 0);
    for (size_t d = 0; d < n_distinct; ++d) {
      auto& items = ws_.sort_scratch;
      items.clear();
      for (size_t r = 0; r < records_.size(); ++r) {
        const Cell& cell = records_.cells[r * n_fields_ + plan_.distinct_slots[d]];
        if (cell.kind == CellKind::kAbsent || cell.kind == CellKind::kNull || cell.kind == CellKind::kOther)
          continue;
        items.emplace_back(&cell, static_cast<int32_t>(r));
      }
      std::sort(items.begin(), items.end(),
                [](const auto& a, const auto& b) { return Less(*a.first, *b.first); });
      int32_t code = -1;
      for (size_t i = 0; i < items.size(); ++i) {
        if (i == 0 || Less(*items[i - 1].first, *items[i].first)) ++code;
        ws_.codes[items[i].second * n_distinct + d] = code;
      }
      ws_.distinct_words[d] = (code + 1 + 63) / 64;
    }
  }

  void Reset() {
    const size_t n_windows = plan_.windows.size();
    offsets_.clear();
    Offsets at{0, 0, 0, 0, 0};
    for (const Block& block : plan_.blocks) {
      Offsets o = at;
      for (int d : block.distinct) o.words_per_cell += ws_.distinct_words[d];
      const size_t cells = block.filters.size() * n_windows;
      at.cells += cells;
      at.fields += cells * block.stat_slots.size();
      at.shares += cells * block.shares.size();
      at.words += cells * o.words_per_cell;
      offsets_.push_back(o);
    }
    ws_.cells.assign(at.cells, CellAcc{});
    ws_.fields.assign(at.fields, FieldAcc{});
    ws_.shares.assign(at.shares, 0.0);
    ws_.words.assign(at.words, 0);
  }

  void Add(size_t b, size_t cell_index, int32_t r, int32_t date, const Cell* record) {
    const Block& block = plan_.blocks[b];
    const Offsets& o = offsets_[b];
    CellAcc& cell = ws_.cells[o.cells + cell_index];
    cell.count += 1;
    cell.first_date = std::min(cell.first_date, date);
    if (date >= cell.last_date) {  // records come in order: of equal dates, the later one
      cell.last_date = date;
      cell.last_record = r;
    }
    double* shares = &ws_.shares[o.shares + cell_index * block.shares.size()];
    for (size_t k = 0; k < block.shares.size(); ++k) shares[k] += ws_.pass[block.shares[k]];
    if (!block.distinct.empty()) {
      uint64_t* words = &ws_.words[o.words + cell_index * o.words_per_cell];
      const size_t n_distinct = plan_.distinct_slots.size();
      for (int d : block.distinct) {
        const int32_t code = ws_.codes[r * n_distinct + d];
        if (code >= 0) words[code / 64] |= uint64_t{1} << (code % 64);
        words += ws_.distinct_words[d];
      }
    }
    FieldAcc* fields = &ws_.fields[o.fields + cell_index * block.stat_slots.size()];
    const double x = date - obs_;
    for (size_t s = 0; s < block.stat_slots.size(); ++s) {
      const Cell& value = record[block.stat_slots[s]];
      if (value.kind != CellKind::kNumber) continue;
      const double y = value.number;
      FieldAcc& a = fields[s];
      a.n += 1;
      AddTo(a.sum, a.carry, y);
      a.min = std::min(a.min, y);
      a.max = std::max(a.max, y);
      if (block.moments) {
        const double dy = y - a.mean_y;
        a.mean_y += dy / a.n;
        a.m2_y += dy * (y - a.mean_y);
        if (block.slope) {
          const double dx = x - a.mean_x;
          a.mean_x += dx / a.n;
          a.m2_x += dx * (x - a.mean_x);
          a.c_xy += dx * (y - a.mean_y);
        }
      }
    }
  }

  double Value(const AggregateRef& ref, const Block& block, const Offsets& o, size_t cell_index) const {
    const CellAcc& cell = ws_.cells[o.cells + cell_index];
    const bool empty = cell.count == 0;
    switch (ref.kind) {
      case Aggregation::kCount:
        return cell.count;
      case Aggregation::kDaysSinceFirst:
        return empty ? kMissing : obs_ - cell.first_date;
      case Aggregation::kDaysSinceLast:
        return empty ? kMissing : obs_ - cell.last_date;
      case Aggregation::kShare:
        return empty ? kMissing
                     : ws_.shares[o.shares + cell_index * block.shares.size() + ref.index] / cell.count;
      case Aggregation::kLast: {
        if (empty) return kMissing;
        const Cell& value = records_.cells[cell.last_record * n_fields_ + ref.index];
        return value.kind == CellKind::kNumber ? value.number : kMissing;
      }
      case Aggregation::kDistinct: {
        const uint64_t* words = &ws_.words[o.words + cell_index * o.words_per_cell];
        for (int i = 0; i < ref.index; ++i) words += ws_.distinct_words[block.distinct[i]];
        int count = 0;
        for (int i = 0; i < ws_.distinct_words[block.distinct[ref.index]]; ++i)
          count += std::popcount(words[i]);
        return count;
      }
      default:
        break;
    }
    const FieldAcc& a = ws_.fields[o.fields + cell_index * block.stat_slots.size() + ref.index];
    switch (ref.kind) {
      case Aggregation::kSum:
        return a.Total();
      case Aggregation::kMean:
        return a.n > 0 ? a.Total() / a.n : kMissing;
      case Aggregation::kMin:
        return a.n > 0 ? a.min : kMissing;
      case Aggregation::kMax:
        return a.n > 0 ? a.max : kMissing;
      case Aggregation::kStd:
        return a.n > 0 ? std::sqrt(std::max(0.0, a.m2_y / a.n)) : kMissing;
      case Aggregation::kSlope:
        return a.n >= 2 && a.m2_x > 0 ? a.c_xy / a.m2_x : kMissing;
      default:
        return kMissing;
    }
  }

  // Turns the buckets into windows (running sums, shortest window first) and
  // writes the block's features.
  void Finish(size_t b, std::span<double> out) {
    const Block& block = plan_.blocks[b];
    const Offsets& o = offsets_[b];
    const size_t n_windows = plan_.windows.size();
    const size_t n_stats = block.stat_slots.size(), n_shares = block.shares.size();
    for (size_t f = 0; f < block.filters.size(); ++f) {
      for (size_t j = 1; j < n_windows; ++j) {
        const size_t from = f * n_windows + j - 1, into = f * n_windows + j;
        Merge(ws_.cells[o.cells + into], ws_.cells[o.cells + from]);
        for (size_t s = 0; s < n_stats; ++s) {
          Merge(ws_.fields[o.fields + into * n_stats + s], ws_.fields[o.fields + from * n_stats + s]);
        }
        for (size_t k = 0; k < n_shares; ++k) {
          ws_.shares[o.shares + into * n_shares + k] += ws_.shares[o.shares + from * n_shares + k];
        }
        for (size_t i = 0; i < o.words_per_cell; ++i) {
          ws_.words[o.words + into * o.words_per_cell + i] |=
              ws_.words[o.words + from * o.words_per_cell + i];
        }
      }
    }
    for (const Output& output : block.outputs) {
      const size_t cell_index = output.filter * n_windows + ws_.rank[output.window];
      double value = Value(output.value, block, o, cell_index);
      if (output.ratio) {
        const double denominator = Value(output.denominator, block, o, cell_index);
        value =
            std::isnan(value) || std::isnan(denominator) || denominator == 0 ? kMissing : value / denominator;
      }
      out[output.out] = value;
    }
  }

  const DocumentSchema& schema_;
  const DocumentSchema::List& info_;
  const ListPlan& plan_;
  FeatureWorkspace::Impl& ws_;
  const ParsedList& records_;
  const size_t n_fields_;
  const int32_t obs_;
  std::vector<Offsets> offsets_;
};

}  // namespace

Status FeaturePlan::ComputeJson(std::string_view json, std::optional<CivilDate> default_observation,
                                FeatureWorkspace& workspace, std::span<double> out) const {
  CREDO_RETURN_IF_ERROR(ParseDocumentJson(impl_->schema, json, &workspace.impl_->doc));
  return Compute(default_observation, workspace, out);
}

Status FeaturePlan::ComputeValue(const expr::Value& document, std::optional<CivilDate> default_observation,
                                 FeatureWorkspace& workspace, std::span<double> out) const {
  CREDO_RETURN_IF_ERROR(ReadDocumentValue(impl_->schema, document, &workspace.impl_->doc));
  return Compute(default_observation, workspace, out);
}

Status FeaturePlan::Compute(std::optional<CivilDate> default_observation, FeatureWorkspace& workspace,
                            std::span<double> out) const {
  FeatureWorkspace::Impl& ws = *workspace.impl_;
  const ParsedDocument& doc = ws.doc;
  if (out.size() != size()) return Status::Internal("feature output of the wrong size");
  // The observation date.
  int32_t obs = 0;
  const Cell* date = doc.FindTop(impl_->observation_field);
  if (date && date->kind == CellKind::kString) {
    auto day = ParseDay(date->text);
    if (!day.ok()) return Status::Invalid(day.status().message(), impl_->observation_field);
    obs = *day;
  } else if (date && date->kind != CellKind::kNull) {
    return Status::Invalid("expected a date (YYYY-MM-DD)", impl_->observation_field);
  } else if (default_observation) {
    obs = default_observation->days_since_epoch();
  } else {
    return Status::Invalid("the observation date is missing", impl_->observation_field);
  }
  expr::EvalContext context;
  context.now_ms = static_cast<int64_t>(obs) * kMsPerDay;
  // Which records count: dated on or before the observation date, inside records that count.
  const auto& lists = impl_->schema.lists();
  ws.included.resize(lists.size());
  for (size_t l = 0; l < lists.size(); ++l) {
    const ParsedList& records = doc.lists[l];
    auto& included = ws.included[l];
    included.resize(records.size());
    for (size_t r = 0; r < records.size(); ++r) {
      included[r] =
          records.date[r] <= obs && (lists[l].parent < 0 || ws.included[lists[l].parent][records.parent[r]]);
    }
  }
  for (const ListPlan& plan : impl_->lists) {
    CREDO_RETURN_IF_ERROR(ListComputer(impl_->schema, plan, ws, obs).Run(out, context));
  }
  // Derived features, in order (one may use an earlier one).
  for (const Derived& d : impl_->derived) {
    expr::Object input;
    input.reserve(d.features.size() + d.fields.size());
    for (const auto& [variable, index] : d.features) input.emplace_back(variable, NumberValue(out[index]));
    for (const auto& name : d.fields) {
      if (const Cell* cell = doc.FindTop(name)) input.emplace_back(name, CellValue(*cell, doc));
    }
    auto result = d.formula->Evaluate(expr::Value(std::move(input)), context);
    double value = kMissing;
    if (result.ok()) {
      if (result->is_number()) {
        value = result->as_number().ToDouble();
      } else if (result->is_bool()) {
        value = result->as_bool() ? 1 : 0;
      } else if (!result->is_null()) {
        return Status::Invalid(std::string("a derived feature must give a number, got ") + result->TypeName(),
                               d.name);
      }
    }
    out[d.out] = value;
  }
  return Status::Ok();
}

}  // namespace credo::features
