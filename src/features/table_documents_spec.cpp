#include "features/table_documents_spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace credo::features {
namespace {

// Parses one spec; every error names source:line.
class SpecParser {
 public:
  explicit SpecParser(std::string source) : source_(std::move(source)) {}

  Result<DocumentSpec> Parse(const YAML::Node& top) {
    if (!top.IsMap()) return Error(top, "the spec must be a mapping with observation_date and root");
    CREDO_RETURN_IF_ERROR(CheckKeys(top, {"observation_date", "root"}, "the spec"));
    DocumentSpec spec;
    spec.source = source_;
    CREDO_ASSIGN_OR_RETURN(const YAML::Node date, Required(top, "observation_date", "the spec"));
    CREDO_ASSIGN_OR_RETURN(const SpecName date_text, Scalar(date, "observation_date"));
    Result<CivilDate> parsed = CivilDate::Parse(date_text.text);
    if (!parsed.ok()) {
      return Error(date, "observation_date must be a date YYYY-MM-DD, got '" + date_text.text + "'");
    }
    spec.observation_date = *parsed;
    CREDO_ASSIGN_OR_RETURN(const YAML::Node root, Required(top, "root", "the spec"));
    CREDO_ASSIGN_OR_RETURN(spec.root, Table(root, /*is_root=*/true));
    return spec;
  }

 private:
  static int Line(const YAML::Node& node) { return std::max(node.Mark().line, 0) + 1; }

  Status Error(const YAML::Node& node, std::string message) const {
    return Status::Invalid(std::move(message), source_ + ":" + std::to_string(Line(node)));
  }

  Status CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                   const std::string& what) const {
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      bool known = false;
      for (std::string_view name : allowed) known = known || key == name;
      if (known) continue;
      std::string list;
      for (std::string_view name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
      return Error(entry.first, "unknown key '" + key + "' in " + what + " (allowed: " + list + ")");
    }
    return Status::Ok();
  }

  Result<YAML::Node> Required(const YAML::Node& map, const char* key, const std::string& what) const {
    const YAML::Node node = map[key];
    if (!node) return Error(map, what + " needs '" + key + "'");
    return node;
  }

  Result<SpecName> Scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar() || node.Scalar().empty()) return Error(node, what + " must be a non-empty name");
    return SpecName{node.Scalar(), Line(node)};
  }

  Result<std::vector<SpecName>> Names(const YAML::Node& node, const std::string& what) const {
    if (!node.IsSequence()) return Error(node, what + " must be a list of column names, e.g. [A, B]");
    std::vector<SpecName> names;
    for (const YAML::Node& item : node) {
      CREDO_ASSIGN_OR_RETURN(SpecName name, Scalar(item, "each entry of " + what));
      names.push_back(std::move(name));
    }
    return names;
  }

  static bool IsListName(std::string_view name) {
    if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
  }

  Result<TableSpec> Table(const YAML::Node& node, bool is_root) {
    const std::string what = is_root ? "root" : "a list";
    if (!node.IsMap()) return Error(node, what + " must be a mapping (file, key, ...)");
    if (is_root) {
      CREDO_RETURN_IF_ERROR(CheckKeys(node, {"file", "key", "field_names", "text", "omit", "lists"}, what));
    } else {
      CREDO_RETURN_IF_ERROR(CheckKeys(
          node, {"name", "file", "parent_key", "key", "date", "field_names", "text", "omit", "lists"}, what));
    }
    TableSpec table;
    table.line = Line(node);
    table.field_names = is_root ? FieldNaming::kAsIs : FieldNaming::kLowerCase;
    if (!is_root) {
      CREDO_ASSIGN_OR_RETURN(const YAML::Node name, Required(node, "name", what));
      CREDO_ASSIGN_OR_RETURN(table.name, Scalar(name, "name"));
      if (!IsListName(table.name.text)) {
        return Error(name, "list name '" + table.name.text +
                               "' must be lower_snake_case (a-z, 0-9, _; starting with a letter)");
      }
    }
    const std::string where = is_root ? std::string("root") : "list '" + table.name.text + "'";
    CREDO_ASSIGN_OR_RETURN(const YAML::Node file, Required(node, "file", where));
    CREDO_ASSIGN_OR_RETURN(table.file, Scalar(file, "file"));
    if (const YAML::Node key = node["key"]) {
      CREDO_ASSIGN_OR_RETURN(table.key, Scalar(key, "key"));
    }
    if (const YAML::Node naming = node["field_names"]) {
      CREDO_ASSIGN_OR_RETURN(const SpecName value, Scalar(naming, "field_names"));
      if (value.text == "as_is") {
        table.field_names = FieldNaming::kAsIs;
      } else if (value.text == "lower_case") {
        table.field_names = FieldNaming::kLowerCase;
      } else {
        return Error(naming, "field_names must be as_is or lower_case, got '" + value.text + "'");
      }
    }
    if (const YAML::Node text = node["text"]) {
      CREDO_ASSIGN_OR_RETURN(table.text_columns, Names(text, "text"));
    }
    if (const YAML::Node omit = node["omit"]) {
      CREDO_ASSIGN_OR_RETURN(table.omit, Names(omit, "omit"));
    }
    if (!is_root) {
      CREDO_ASSIGN_OR_RETURN(const YAML::Node parent_key, Required(node, "parent_key", where));
      CREDO_ASSIGN_OR_RETURN(table.parent_key, Scalar(parent_key, "parent_key"));
      CREDO_ASSIGN_OR_RETURN(const YAML::Node date, Required(node, "date", where));
      CREDO_RETURN_IF_ERROR(Date(date, &table));
    }
    if (const YAML::Node lists = node["lists"]) {
      if (!lists.IsSequence() || lists.size() == 0) {
        return Error(lists, "lists must be a non-empty list of record lists");
      }
      if (table.key.text.empty()) {
        return Error(node,
                     where + " has lists, so it needs 'key': the column its lists' parent_key refers to");
      }
      std::set<std::string, std::less<>> names;
      for (const YAML::Node& item : lists) {
        CREDO_ASSIGN_OR_RETURN(TableSpec list, Table(item, /*is_root=*/false));
        if (!names.insert(list.name.text).second) {
          return Error(item, "two lists of " + where + " are named '" + list.name.text + "'");
        }
        table.lists.push_back(std::move(list));
      }
    }
    return table;
  }

  Status Date(const YAML::Node& node, TableSpec* table) const {
    const char* kHint = "date must be {days_offset: COLUMN} or {months_offset: COLUMN}";
    if (!node.IsMap() || node.size() != 1) return Error(node, kHint);
    CREDO_RETURN_IF_ERROR(CheckKeys(node, {"days_offset", "months_offset"}, "date"));
    const auto entry = node.begin();
    table->date_unit = entry->first.Scalar() == "days_offset" ? OffsetUnit::kDays : OffsetUnit::kMonths;
    CREDO_ASSIGN_OR_RETURN(table->date_offset, Scalar(entry->second, entry->first.Scalar()));
    return Status::Ok();
  }

  std::string source_;
};

}  // namespace

Result<DocumentSpec> ParseDocumentSpec(std::string_view yaml, const std::string& source) {
  YAML::Node top;
  try {
    top = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Status::Invalid("not valid YAML: " + e.msg, source + ":" + std::to_string(e.mark.line + 1));
  }
  return SpecParser(source).Parse(top);
}

Result<DocumentSpec> LoadDocumentSpec(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open the spec", path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseDocumentSpec(text.str(), path);
}

}  // namespace credo::features
