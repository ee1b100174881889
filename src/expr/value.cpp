#include "expr/value.h"

#include <nlohmann/json.hpp>

namespace credo::expr {

Value Value::FromJson(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::boolean:
      return Value(json.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Value::Int(json.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      auto d = Decimal::Parse(std::to_string(json.get<uint64_t>()));
      return d ? Value(*d) : Value();
    }
    case nlohmann::json::value_t::number_float: {
      auto d = Decimal::FromDouble(json.get<double>());
      return d ? Value(*d) : Value();
    }
    case nlohmann::json::value_t::string:
      return Value(json.get<std::string>());
    case nlohmann::json::value_t::array: {
      Array items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(FromJson(item));
      return Value(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      Object members;
      members.reserve(json.size());
      for (const auto& [key, item] : json.items()) members.emplace_back(key, FromJson(item));
      return Value(std::move(members));
    }
    default:
      return Value();
  }
}

nlohmann::json Value::ToJson() const {
  switch (kind()) {
    case ValueKind::kNull:
      return nullptr;
    case ValueKind::kBool:
      return as_bool();
    case ValueKind::kNumber: {
      if (auto i = as_number().ToInt64()) return *i;
      return as_number().ToDouble();
    }
    case ValueKind::kString:
      return as_string();
    case ValueKind::kArray: {
      nlohmann::json out = nlohmann::json::array();
      for (const Value& item : as_array()) out.push_back(item.ToJson());
      return out;
    }
    case ValueKind::kObject: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, item] : as_object()) out[key] = item.ToJson();
      return out;
    }
    case ValueKind::kDate:
      return as_date().valid ? nlohmann::json(FormatRfc3339(as_date())) : nlohmann::json();
  }
  return nullptr;
}

const Value* Value::Find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [name, item] : as_object()) {
    if (name == key) return &item;
  }
  return nullptr;
}

bool Value::operator==(const Value& other) const {
  if (kind() != other.kind()) return false;
  switch (kind()) {
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      return as_bool() == other.as_bool();
    case ValueKind::kNumber:
      return as_number() == other.as_number();
    case ValueKind::kString:
      return as_string() == other.as_string();
    case ValueKind::kArray:
      return as_array() == other.as_array();
    case ValueKind::kObject: {
      const Object& a = as_object();
      const Object& b = other.as_object();
      if (a.size() != b.size()) return false;
      for (const auto& [key, item] : a) {
        const Value* match = other.Find(key);
        if (!match || !(*match == item)) return false;
      }
      return true;
    }
    case ValueKind::kDate:
      return as_date().valid == other.as_date().valid && as_date().epoch_ms == other.as_date().epoch_ms;
  }
  return false;
}

const char* Value::TypeName() const {
  static const char* const kNames[] = {"null", "bool", "number", "string", "array", "object", "date"};
  return kNames[static_cast<int>(kind())];
}

std::string Value::ToText() const {
  switch (kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return as_bool() ? "true" : "false";
    case ValueKind::kNumber:
      return as_number().ToString();
    case ValueKind::kString:
      return as_string();
    case ValueKind::kDate:
      return as_date().valid ? FormatRfc3339(as_date()) : "null";
    default:
      return ToJson().dump();
  }
}

}  // namespace credo::expr
