// The document schema, and reading a document from an expr::Value.
#include "features/record_document.h"

#include <cmath>

#include "core/civil_date.h"

namespace credo::features {

int DocumentSchema::FindList(std::string_view path) const {
  for (size_t i = 0; i < lists_.size(); ++i) {
    if (lists_[i].path == path) return static_cast<int>(i);
  }
  return -1;
}

int DocumentSchema::AddList(const std::string& path) {
  if (int found = FindList(path); found >= 0) return found;
  const size_t dot = path.rfind('.');
  const int parent = dot == std::string::npos ? -1 : AddList(path.substr(0, dot));
  List list;
  list.key = dot == std::string::npos ? path : path.substr(dot + 1);
  list.path = path;
  list.parent = parent;
  lists_.push_back(std::move(list));
  const int index = static_cast<int>(lists_.size()) - 1;
  (parent < 0 ? top_lists_ : lists_[parent].children).push_back(index);
  return index;
}

int DocumentSchema::AddField(int list, const std::string& field) {
  auto& fields = lists_[list].fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == field) return static_cast<int>(i);
  }
  fields.push_back(field);
  return static_cast<int>(fields.size()) - 1;
}

void DocumentSchema::AddTopLevelObject(const std::string& name) {
  if (!IsTopLevelObject(name)) top_level_objects_.push_back(name);
}

int DocumentSchema::FindChild(const std::vector<int>& children, std::string_view key) const {
  for (int c : children) {
    if (lists_[c].key == key) return c;
  }
  return -1;
}

bool DocumentSchema::IsTopLevelObject(std::string_view name) const {
  for (const auto& known : top_level_objects_) {
    if (known == name) return true;
  }
  return false;
}

void ParsedDocument::Clear(const DocumentSchema& schema) {
  lists.resize(schema.lists().size());
  for (auto& list : lists) {
    list.date.clear();
    list.parent.clear();
    list.ordinal.clear();
    list.cells.clear();
  }
  top.clear();
  others.clear();
  arena.clear();
}

const Cell* ParsedDocument::FindTop(std::string_view name) const {
  // From the end: of a member given twice, the last counts (as in nlohmann::json).
  for (auto it = top.rbegin(); it != top.rend(); ++it) {
    if (it->first == name) return &it->second;
  }
  return nullptr;
}

std::string ParsedDocument::RecordPath(const DocumentSchema& schema, int list, int index) const {
  const auto& info = schema.lists()[list];
  std::string head =
      info.parent < 0 ? std::string() : RecordPath(schema, info.parent, lists[list].parent[index]) + ".";
  return head + info.key + "[" + std::to_string(lists[list].ordinal[index]) + "]";
}

std::string ParsedDocument::ListPath(const DocumentSchema& schema, int list, int parent) const {
  const auto& info = schema.lists()[list];
  return parent < 0 ? info.key : RecordPath(schema, info.parent, parent) + "." + info.key;
}

Status MarkListOnce(uint64_t* seen, int list, const std::vector<int>& siblings, std::string_view key) {
  for (size_t i = 0; i < siblings.size() && i < 64; ++i) {
    if (siblings[i] != list) continue;
    if (*seen & (uint64_t{1} << i)) {
      return Status::Invalid("the record list '" + std::string(key) + "' is given twice");
    }
    *seen |= uint64_t{1} << i;
  }
  return Status::Ok();
}

Result<int32_t> ParseDay(std::string_view text) {
  if (text.size() > 10 && (text[10] == 'T' || text[10] == ' ')) text = text.substr(0, 10);
  auto date = CivilDate::Parse(text);
  if (!date.ok()) return date.status();
  return date->days_since_epoch();
}

expr::Value NumberValue(double number) {
  if (!std::isfinite(number)) return expr::Value();
  // Integers below 2^53 are exact: the decimal of the integer is the shortest text.
  if (number == std::trunc(number) && std::fabs(number) < 9007199254740992.0) {
    return expr::Value::Int(static_cast<int64_t>(number));
  }
  auto decimal = expr::Decimal::FromDouble(number);
  return decimal ? expr::Value(*decimal) : expr::Value();
}

expr::Value CellValue(const Cell& cell, const ParsedDocument& doc) {
  switch (cell.kind) {
    case CellKind::kFalse:
      return expr::Value(false);
    case CellKind::kTrue:
      return expr::Value(true);
    case CellKind::kNumber:
      return NumberValue(cell.number);
    case CellKind::kString:
      return expr::Value(std::string(cell.text));
    case CellKind::kOther:
      return doc.others[cell.other];
    default:
      return expr::Value();
  }
}

namespace {

using expr::Value;
using expr::ValueKind;

// Walks a document Value the way the JSON scanner walks text.
class ValueReader {
 public:
  ValueReader(const DocumentSchema& schema, ParsedDocument* out) : schema_(schema), out_(*out) {}

  Status Read(const Value& document) {
    out_.Clear(schema_);
    if (!document.is_object()) {
      return Status::Invalid("the document is not a JSON object");
    }
    uint64_t seen = 0;
    for (const auto& [key, value] : document.as_object()) {
      const int list = schema_.FindChild(schema_.top_lists(), key);
      if (list >= 0) {
        CREDO_RETURN_IF_ERROR(MarkListOnce(&seen, list, schema_.top_lists(), key));
        CREDO_RETURN_IF_ERROR(ReadList(list, -1, value));
      } else if (value.is_array() || value.is_object()) {
        if (schema_.IsTopLevelObject(key)) out_.top.emplace_back(key, ToCell(value));
      } else {
        out_.top.emplace_back(key, ToCell(value));
      }
    }
    return Status::Ok();
  }

 private:
  Cell ToCell(const Value& value) {
    Cell cell;
    switch (value.kind()) {
      case ValueKind::kNull:
        cell.kind = CellKind::kNull;
        break;
      case ValueKind::kBool:
        cell.kind = value.as_bool() ? CellKind::kTrue : CellKind::kFalse;
        break;
      case ValueKind::kNumber:
        cell.kind = CellKind::kNumber;
        cell.number = value.as_number().ToDouble() + 0.0;  // + 0.0 turns -0 into 0
        break;
      case ValueKind::kString:
        cell.kind = CellKind::kString;
        cell.text = value.as_string();
        break;
      default:
        cell.kind = CellKind::kOther;
        cell.other = static_cast<uint32_t>(out_.others.size());
        out_.others.push_back(value);
        break;
    }
    return cell;
  }

  Status ReadList(int list, int parent, const Value& value) {
    if (value.is_null()) return Status::Ok();
    const auto& info = schema_.lists()[list];
    if (!value.is_array()) {
      return Status::Invalid(std::string("expected an array of records, got ") + value.TypeName(),
                             out_.ListPath(schema_, list, parent));
    }
    ParsedList& records = out_.lists[list];
    const size_t n_fields = info.fields.size();
    int32_t ordinal = 0;
    for (const Value& item : value.as_array()) {
      if (!item.is_object()) {
        return Status::Invalid(std::string("expected a record (an object), got ") + item.TypeName(),
                               out_.ListPath(schema_, list, parent) + "[" + std::to_string(ordinal) + "]");
      }
      const int index = static_cast<int>(records.size());
      records.date.push_back(0);
      records.parent.push_back(parent);
      records.ordinal.push_back(ordinal++);
      records.cells.resize(records.cells.size() + n_fields);
      bool dated = false;
      uint64_t seen = 0;
      for (const auto& [key, field] : item.as_object()) {
        if (key == "date") {
          if (!field.is_string()) {
            return Status::Invalid(std::string("expected a date (YYYY-MM-DD), got ") + field.TypeName(),
                                   out_.RecordPath(schema_, list, index) + ".date");
          }
          auto day = ParseDay(field.as_string());
          if (!day.ok())
            return Status::Invalid(day.status().message(), out_.RecordPath(schema_, list, index) + ".date");
          records.date[index] = *day;
          dated = true;
        }
        for (size_t slot = 0; slot < n_fields; ++slot) {
          if (info.fields[slot] == key) records.cells[index * n_fields + slot] = ToCell(field);
        }
        const int child = schema_.FindChild(info.children, key);
        if (child >= 0) {
          CREDO_RETURN_IF_ERROR(MarkListOnce(&seen, child, info.children, key));
          CREDO_RETURN_IF_ERROR(ReadList(child, index, field));
        }
      }
      if (!dated) return Status::Invalid("the record has no date", out_.RecordPath(schema_, list, index));
    }
    return Status::Ok();
  }

  const DocumentSchema& schema_;
  ParsedDocument& out_;
};

}  // namespace

Status ReadDocumentValue(const DocumentSchema& schema, const expr::Value& document, ParsedDocument* out) {
  return ValueReader(schema, out).Read(document);
}

}  // namespace credo::features
