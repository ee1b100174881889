// expr/value.h — the values ZEN expressions compute with.
//
// A Value is null, bool, number (Decimal), string, array, object or date.
// Strings, arrays and objects are immutable and shared: copying a Value never
// copies their contents, so passing input fields through an expression costs
// a reference-count increment. Objects keep insertion order, as ZEN's do.
// Values are safe to read from many threads at once.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "expr/date_time.h"
#include "expr/decimal.h"

namespace credo::expr {

class Value;
using Array = std::vector<Value>;
using Object = std::vector<std::pair<std::string, Value>>;

// What a Value holds; the names are those ZEN's type() returns.
enum class ValueKind { kNull, kBool, kNumber, kString, kArray, kObject, kDate };

class Value {
 public:
  Value() = default;
  Value(std::nullptr_t) {}
  explicit Value(bool b) : data_(b) {}
  Value(Decimal d) : data_(d) {}
  Value(DateTime d) : data_(d) {}
  explicit Value(std::string s) : data_(std::make_shared<const std::string>(std::move(s))) {}
  explicit Value(Array a) : data_(std::make_shared<const Array>(std::move(a))) {}
  explicit Value(Object o) : data_(std::make_shared<const Object>(std::move(o))) {}
  static Value Int(int64_t v) { return Value(Decimal::FromInt(v)); }

  // Converts JSON (numbers exactly as written when they are integers, through
  // their shortest round-trip text when they are doubles).
  static Value FromJson(const nlohmann::json& json);
  // Dates become their RFC 3339 text; numbers become integers when they are
  // integral and fit int64, doubles otherwise.
  nlohmann::json ToJson() const;

  ValueKind kind() const { return static_cast<ValueKind>(data_.index()); }
  bool is_null() const { return kind() == ValueKind::kNull; }
  bool is_bool() const { return kind() == ValueKind::kBool; }
  bool is_number() const { return kind() == ValueKind::kNumber; }
  bool is_string() const { return kind() == ValueKind::kString; }
  bool is_array() const { return kind() == ValueKind::kArray; }
  bool is_object() const { return kind() == ValueKind::kObject; }
  bool is_date() const { return kind() == ValueKind::kDate; }

  // Accessors; calling one for another kind is a programmer error.
  bool as_bool() const { return std::get<bool>(data_); }
  const Decimal& as_number() const { return std::get<Decimal>(data_); }
  const std::string& as_string() const { return *std::get<StringPtr>(data_); }
  const Array& as_array() const { return *std::get<ArrayPtr>(data_); }
  const Object& as_object() const { return *std::get<ObjectPtr>(data_); }
  const DateTime& as_date() const { return std::get<DateTime>(data_); }

  // The member `key` of an object, or nullptr (also for non-objects).
  const Value* Find(std::string_view key) const;

  // Deep equality; numbers by value, dates by instant.
  bool operator==(const Value& other) const;

  // ZEN's type() name: "null", "bool", "number", "string", "array", "object", "date".
  const char* TypeName() const;
  // Text as template strings and string() show it: strings raw, numbers
  // canonical, dates RFC 3339, arrays and objects as JSON.
  std::string ToText() const;

 private:
  using StringPtr = std::shared_ptr<const std::string>;
  using ArrayPtr = std::shared_ptr<const Array>;
  using ObjectPtr = std::shared_ptr<const Object>;
  std::variant<std::monostate, bool, Decimal, StringPtr, ArrayPtr, ObjectPtr, DateTime> data_;
};

}  // namespace credo::expr
