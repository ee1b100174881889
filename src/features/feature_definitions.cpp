// Feature definition files: YAML text into checked DefinitionFiles.
#include "features/feature_definitions.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "expr/expression.h"

namespace credo::features {
namespace {

namespace fs = std::filesystem;

struct AggregationInfo {
  Aggregation kind;
  const char* name;
};

constexpr AggregationInfo kAggregations[] = {
    {Aggregation::kCount, "count"},
    {Aggregation::kSum, "sum"},
    {Aggregation::kMean, "mean"},
    {Aggregation::kMin, "min"},
    {Aggregation::kMax, "max"},
    {Aggregation::kStd, "std"},
    {Aggregation::kDistinct, "distinct"},
    {Aggregation::kLast, "last"},
    {Aggregation::kSlope, "slope"},
    {Aggregation::kDaysSinceFirst, "days_since_first"},
    {Aggregation::kDaysSinceLast, "days_since_last"},
    {Aggregation::kShare, "share"},
    {Aggregation::kRatio, "ratio"},
};

// Reads one file's YAML, remembering the file name for errors.
class FileParser {
 public:
  explicit FileParser(const std::string& file) { out_.file = file; }

  Result<DefinitionFile> Parse(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      return Status::Invalid("not valid YAML: " + e.msg, Where(e.mark.line + 1));
    }
    if (!root.IsMap()) return Status::Invalid("expected a mapping of list, filters, windows, ...", Where(1));
    std::set<std::string> seen;
    for (const auto& item : root) {
      const std::string key = item.first.as<std::string>();
      const int line = Line(item.first);
      if (!seen.insert(key).second) return Status::Invalid("'" + key + "' is given twice", Where(line));
      if (key == "list") {
        CREDO_ASSIGN_OR_RETURN(out_.list, Scalar(item.second, "list"));
        out_.list_line = line;
        CREDO_RETURN_IF_ERROR(CheckListPath(out_.list, line));
      } else if (key == "observation_date") {
        CREDO_ASSIGN_OR_RETURN(out_.observation_date_field, Scalar(item.second, "observation_date"));
        out_.observation_date_line = line;
        CREDO_RETURN_IF_ERROR(CheckIdentifier(out_.observation_date_field, "observation_date", line));
      } else if (key == "filters") {
        CREDO_RETURN_IF_ERROR(ParseFilters(item.second));
      } else if (key == "windows") {
        CREDO_RETURN_IF_ERROR(ParseWindows(item.second));
      } else if (key == "aggregations") {
        CREDO_RETURN_IF_ERROR(ParseAggregations(item.second));
      } else if (key == "derived") {
        CREDO_RETURN_IF_ERROR(ParseDerived(item.second));
      } else {
        return Status::Invalid(
            "unknown key '" + key + "' (list, observation_date, filters, windows, aggregations, derived)",
            Where(line));
      }
    }
    if (out_.list.empty()) {
      if (!out_.filters.empty() || !out_.windows.empty() || !out_.aggregates.empty()) {
        return Status::Invalid(
            "filters, windows and aggregations need a 'list' (the record list they are over)", Where(1));
      }
      if (out_.derived.empty()) return Status::Invalid("declares no list and no derived features", Where(1));
    } else {
      if (out_.aggregates.empty()) {
        return Status::Invalid("list '" + out_.list + "' has no aggregations", Where(out_.list_line));
      }
      if (out_.windows.empty()) {
        out_.windows.push_back({*ParseWindow("all"), out_.list_line});
      }
    }
    return std::move(out_);
  }

 private:
  std::string Where(int line) const { return out_.file + ":" + std::to_string(line); }
  static int Line(const YAML::Node& node) { return node.Mark().line + 1; }

  Result<std::string> Scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) return Status::Invalid(what + " must be a single value", Where(Line(node)));
    return node.as<std::string>();
  }

  static bool IsIdentifier(std::string_view name) {
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
  }

  Status CheckIdentifier(const std::string& name, const std::string& what, int line) const {
    if (IsIdentifier(name)) return Status::Ok();
    return Status::Invalid(what + " '" + name + "' must be letters, digits and _ (not starting with a digit)",
                           Where(line));
  }

  Status CheckListPath(const std::string& path, int line) const {
    size_t start = 0;
    while (true) {
      const size_t dot = path.find('.', start);
      const std::string segment =
          path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!IsIdentifier(segment)) {
        return Status::Invalid(
            "list '" + path + "' must be names joined by '.' (bureau_accounts.status_history)", Where(line));
      }
      if (dot == std::string::npos) return Status::Ok();
      start = dot + 1;
    }
  }

  // A ZEN condition or formula that must compile.
  Status CheckExpression(const std::string& text, const std::string& what, int line) const {
    auto compiled = expr::CompileStandard(text);
    if (!compiled.ok()) return Status::Invalid(what + ": " + compiled.status().ToString(), Where(line));
    return Status::Ok();
  }

  // A mapping of name -> expression text (filters, share, derived).
  Result<std::vector<NamedExpression>> NamedExpressions(const YAML::Node& node,
                                                        const std::string& what) const {
    if (!node.IsMap()) return Status::Invalid(what + " must map names to expressions", Where(Line(node)));
    std::vector<NamedExpression> out;
    for (const auto& item : node) {
      NamedExpression e{item.first.as<std::string>(), "", Line(item.first)};
      CREDO_RETURN_IF_ERROR(CheckIdentifier(e.name, what + " name", e.line));
      for (const auto& earlier : out) {
        if (earlier.name == e.name)
          return Status::Invalid(what + " '" + e.name + "' is declared twice", Where(e.line));
      }
      CREDO_ASSIGN_OR_RETURN(e.text, Scalar(item.second, what + " '" + e.name + "'"));
      out.push_back(std::move(e));
    }
    return out;
  }

  Status ParseFilters(const YAML::Node& node) {
    CREDO_ASSIGN_OR_RETURN(out_.filters, NamedExpressions(node, "filter"));
    for (const auto& f : out_.filters) {
      if (f.name == "all")
        return Status::Invalid("filter name 'all' is reserved (the unfiltered records)", Where(f.line));
      CREDO_RETURN_IF_ERROR(CheckExpression(
          f.text, "filter '" + f.name + "' (features " + out_.list + "." + f.name + ".*)", f.line));
    }
    return Status::Ok();
  }

  Status ParseWindows(const YAML::Node& node) {
    if (!node.IsSequence())
      return Status::Invalid("windows must be a list such as [30d, 6m, all]", Where(Line(node)));
    for (const auto& item : node) {
      const int line = Line(item);
      CREDO_ASSIGN_OR_RETURN(std::string text, Scalar(item, "a window"));
      auto window = ParseWindow(text);
      if (!window.ok()) return Status::Invalid(window.status().message(), Where(line));
      for (const auto& earlier : out_.windows) {
        if (earlier.window.name == window->name) {
          return Status::Invalid("window '" + text + "' is listed twice", Where(line));
        }
      }
      out_.windows.push_back({std::move(window).value(), line});
    }
    if (out_.windows.empty())
      return Status::Invalid("windows must list at least one window", Where(Line(node)));
    return Status::Ok();
  }

  // A list of field names (a sequence, or one name).
  Result<std::vector<std::pair<std::string, int>>> Fields(const YAML::Node& node,
                                                          const std::string& what) const {
    std::vector<std::pair<std::string, int>> out;
    if (node.IsScalar()) {
      out.emplace_back(node.as<std::string>(), Line(node));
    } else if (node.IsSequence()) {
      for (const auto& item : node) {
        CREDO_ASSIGN_OR_RETURN(std::string name, Scalar(item, what + " field"));
        out.emplace_back(std::move(name), Line(item));
      }
    } else {
      return Status::Invalid(what + " takes a list of record fields", Where(Line(node)));
    }
    for (const auto& [name, line] : out) CREDO_RETURN_IF_ERROR(CheckIdentifier(name, what + " field", line));
    return out;
  }

  Status AddAggregate(AggregateSpec spec) {
    for (const auto& earlier : out_.aggregates) {
      if (earlier.Key() == spec.Key()) {
        return Status::Invalid("aggregate '" + spec.Key() + "' is declared twice", Where(spec.line));
      }
    }
    out_.aggregates.push_back(std::move(spec));
    return Status::Ok();
  }

  Status ParseAggregations(const YAML::Node& node) {
    if (!node.IsMap())
      return Status::Invalid("aggregations must be a mapping (count: true, sum: [...])", Where(Line(node)));
    std::vector<std::pair<std::vector<std::string>, int>> ratios;  // checked once all are declared
    for (const auto& item : node) {
      const std::string key = item.first.as<std::string>();
      const int line = Line(item.first);
      const AggregationInfo* info = nullptr;
      for (const auto& a : kAggregations) {
        if (key == a.name) info = &a;
      }
      if (!info) {
        std::string known;
        for (const auto& a : kAggregations) known += std::string(known.empty() ? "" : ", ") + a.name;
        return Status::Invalid("unknown aggregation '" + key + "' (" + known + ")", Where(line));
      }
      const Aggregation kind = info->kind;
      if (kind == Aggregation::kCount || kind == Aggregation::kDaysSinceFirst ||
          kind == Aggregation::kDaysSinceLast) {
        bool on = false;
        if (!item.second.IsScalar() || !YAML::convert<bool>::decode(item.second, on)) {
          return Status::Invalid(key + " takes true or false", Where(line));
        }
        if (on) CREDO_RETURN_IF_ERROR(AddAggregate({kind, "", "", "", "", line}));
      } else if (TakesField(kind)) {
        CREDO_ASSIGN_OR_RETURN(auto fields, Fields(item.second, key));
        for (auto& [field, field_line] : fields) {
          CREDO_RETURN_IF_ERROR(AddAggregate({kind, field, "", "", "", field_line}));
        }
      } else if (kind == Aggregation::kShare) {
        CREDO_ASSIGN_OR_RETURN(auto shares, NamedExpressions(item.second, "share"));
        for (auto& s : shares) {
          CREDO_RETURN_IF_ERROR(CheckExpression(
              s.text, "share '" + s.name + "' (features " + out_.list + ".*.share." + s.name + ".*)",
              s.line));
          CREDO_RETURN_IF_ERROR(AddAggregate({kind, s.name, s.text, "", "", s.line}));
        }
      } else {  // ratio
        if (!item.second.IsMap()) {
          return Status::Invalid("ratio must map names to [numerator, denominator]", Where(line));
        }
        for (const auto& r : item.second) {
          const std::string name = r.first.as<std::string>();
          const int r_line = Line(r.first);
          CREDO_RETURN_IF_ERROR(CheckIdentifier(name, "ratio name", r_line));
          if (!r.second.IsSequence() || r.second.size() != 2 || !r.second[0].IsScalar() ||
              !r.second[1].IsScalar()) {
            return Status::Invalid(
                "ratio '" + name + "' must be [numerator, denominator], e.g. [sum.debt, sum.limit]",
                Where(r_line));
          }
          CREDO_RETURN_IF_ERROR(AddAggregate(
              {kind, name, "", r.second[0].as<std::string>(), r.second[1].as<std::string>(), r_line}));
        }
      }
    }
    for (const auto& spec : out_.aggregates) {
      if (spec.kind != Aggregation::kRatio) continue;
      for (const std::string* ref : {&spec.numerator, &spec.denominator}) {
        const bool declared = std::any_of(
            out_.aggregates.begin(), out_.aggregates.end(),
            [&](const AggregateSpec& a) { return a.kind != Aggregation::kRatio && a.Key() == *ref; });
        if (!declared) {
          return Status::Invalid("ratio '" + spec.argument + "' (features " + out_.list + ".*.ratio." +
                                     spec.argument + ".*) refers to '" + *ref +
                                     "', which this file does not declare (write it as sum.FIELD, count, "
                                     "share.NAME, ...)",
                                 Where(spec.line));
        }
      }
    }
    return Status::Ok();
  }

  Status ParseDerived(const YAML::Node& node) {
    CREDO_ASSIGN_OR_RETURN(out_.derived, NamedExpressions(node, "derived feature"));
    return Status::Ok();
  }

  DefinitionFile out_;
};

}  // namespace

Result<Window> ParseWindow(std::string_view text) {
  if (text == "all") return Window{Window::Unit::kAll, 0, "all"};
  const auto bad = [&] {
    return Status::Invalid("bad window '" + std::string(text) +
                           "': expected N days (30d, 1..36500), N months (6m, 1..1200) or all");
  };
  if (text.size() < 2) return bad();
  const char unit = text.back();
  int amount = 0;
  const char* end = text.data() + text.size() - 1;
  auto [ptr, ec] = std::from_chars(text.data(), end, amount);
  if (ec != std::errc() || ptr != end || text[0] == '0') return bad();
  if (unit == 'd' && amount >= 1 && amount <= 36500)
    return Window{Window::Unit::kDays, amount, std::string(text)};
  if (unit == 'm' && amount >= 1 && amount <= 1200)
    return Window{Window::Unit::kMonths, amount, std::string(text)};
  return bad();
}

const char* AggregationName(Aggregation kind) {
  for (const auto& a : kAggregations) {
    if (a.kind == kind) return a.name;
  }
  return "?";
}

bool TakesField(Aggregation kind) {
  switch (kind) {
    case Aggregation::kSum:
    case Aggregation::kMean:
    case Aggregation::kMin:
    case Aggregation::kMax:
    case Aggregation::kStd:
    case Aggregation::kDistinct:
    case Aggregation::kLast:
    case Aggregation::kSlope:
      return true;
    default:
      return false;
  }
}

std::string AggregateSpec::Key() const {
  return argument.empty() ? AggregationName(kind) : std::string(AggregationName(kind)) + "." + argument;
}

Result<DefinitionFile> ParseDefinitionFile(std::string_view yaml_text, const std::string& file) {
  return FileParser(file).Parse(yaml_text);
}

Result<std::vector<DefinitionFile>> LoadDefinitionFiles(const std::string& path) {
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
    }
    if (ec) return Status::Io("cannot list the directory: " + ec.message(), path);
    std::sort(files.begin(), files.end());
    if (files.empty()) return Status::NotFound("no feature definitions (*.yaml) in the directory", path);
  } else if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
  } else {
    return Status::NotFound("no such feature definition file or directory", path);
  }
  std::vector<DefinitionFile> out;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::Io("cannot read", file.string());
    std::stringstream text;
    text << in.rdbuf();
    CREDO_ASSIGN_OR_RETURN(DefinitionFile parsed, ParseDefinitionFile(text.str(), file.string()));
    out.push_back(std::move(parsed));
  }
  return out;
}

}  // namespace credo::features
