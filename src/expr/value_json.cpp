#include "expr/value_json.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "core/json_string.h"
#include "core/utf8.h"

namespace credo::expr {
namespace {

using nlohmann::json;

// Whether the members with keys key_at(0..n) are strictly increasing by key:
// already in nlohmann's order, as objects mostly are.
template <class KeyAt>
bool InMapOrder(size_t n, KeyAt key_at) {
  for (size_t i = 1; i < n; ++i) {
    if (!(key_at(i - 1) < key_at(i))) return false;
  }
  return true;
}

// The positions of the members with keys key_at(0..n) in nlohmann's order
// (a std::map): sorted by key, and of duplicate keys only the last.
template <class KeyAt>
std::vector<size_t> MapOrder(size_t n, KeyAt key_at) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key_at(a) < key_at(b); });
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i + 1 < n && key_at(order[i + 1]) == key_at(order[i])) continue;  // a later one wins
    order[kept++] = order[i];
  }
  order.resize(kept);
  return order;
}

// nlohmann's route, for what simdjson refused: the text is malformed (its
// message names line and column) or nested too deep.
Result<Value> ParseWithNlohmann(std::string_view text) {
  struct TooDeepError {};
  try {
    // The callback sees each array or object open with the number of those around it.
    const json parsed = json::parse(text, [](int depth, json::parse_event_t event, json&) {
      const bool opens =
          event == json::parse_event_t::object_start || event == json::parse_event_t::array_start;
      if (opens && depth >= static_cast<int>(kMaxJsonDepth)) throw TooDeepError{};
      return true;
    });
    return Value::FromJson(parsed);
  } catch (const TooDeepError&) {
    return Status::Invalid("arrays and objects are nested deeper than " + std::to_string(kMaxJsonDepth) +
                           " levels");
  } catch (const json::exception& e) {
    std::string message = e.what();
    // Drop "[json.exception.parse_error.101] "; keep "parse error at line 1, column 5: ...".
    if (const size_t end = message.find("] "); end != std::string::npos) message.erase(0, end + 2);
    return Status::Invalid(message);
  }
}

// Appends a string of a Value as dump() does, which refuses text that is not
// UTF-8 with its type_error 316.
void AppendUtf8String(std::string_view text, std::string& out) {
  if (AppendJsonString(text, out) && !IsValidUtf8(text)) (void)json(std::string(text)).dump();  // throws
}

void AppendObject(const Object& members, std::string& out) {
  const auto key_at = [&](size_t i) -> const std::string& { return members[i].first; };
  const auto write = [&](size_t i) {
    if (out.back() != '{') out += ',';
    AppendUtf8String(members[i].first, out);
    out += ':';
    AppendValueJson(members[i].second, out);
  };
  out += '{';
  if (InMapOrder(members.size(), key_at)) {
    for (size_t i = 0; i < members.size(); ++i) write(i);
  } else {
    for (const size_t i : MapOrder(members.size(), key_at)) write(i);
  }
  out += '}';
}

void AppendNumber(const Decimal& number, std::string& out) {
  char buffer[64];
  char* end = buffer;
  if (const auto integer = number.ToInt64()) {
    end = std::to_chars(buffer, buffer + sizeof buffer, *integer).ptr;
  } else if (const double x = number.ToDouble(); std::isfinite(x)) {
    end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, x);  // the routine dump() uses
  } else {
    out += "null";
    return;
  }
  out.append(buffer, end);
}

// The thread's simdjson parser, nesting limited to ours (a document nested
// deeper fails there, even inside a member a later duplicate key replaces);
// nullptr if it could not be set up so.
simdjson::dom::parser* ThreadParser() {
  thread_local simdjson::dom::parser parser;
  thread_local const bool limited = parser.allocate(size_t{64} << 10, kMaxJsonDepth) == simdjson::SUCCESS;
  return limited ? &parser : nullptr;
}

// simdjson's tree of a document to a Value, as Value::FromJson converts
// nlohmann's: members in nlohmann's order, numbers converted alike. (simdjson
// has checked the UTF-8, lone surrogate escapes included, and the nesting.)
Value Convert(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return Value();
    case simdjson::dom::element_type::BOOL:
      return Value(element.get_bool().value_unsafe());
    case simdjson::dom::element_type::INT64:
      return Value::Int(element.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64: {  // past INT64_MAX
      const auto d = Decimal::Parse(std::to_string(element.get_uint64().value_unsafe()));
      return d ? Value(*d) : Value();
    }
    case simdjson::dom::element_type::DOUBLE: {
      const auto d = Decimal::FromDouble(element.get_double().value_unsafe());
      return d ? Value(*d) : Value();
    }
    case simdjson::dom::element_type::STRING:
      return Value(std::string(element.get_string().value_unsafe()));
    case simdjson::dom::element_type::ARRAY: {
      // Named: a range-for over value_unsafe() of a temporary result would dangle.
      const simdjson::dom::array array = element.get_array().value_unsafe();
      Array items;
      items.reserve(array.size());  // a hint: simdjson's count stops at 2^24 - 1
      for (const simdjson::dom::element item : array) items.push_back(Convert(item));
      return Value(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
      const simdjson::dom::object object = element.get_object().value_unsafe();
      std::vector<simdjson::dom::key_value_pair> pairs;
      pairs.reserve(object.size());  // a hint, as for arrays
      for (const simdjson::dom::key_value_pair pair : object) pairs.push_back(pair);
      const auto key_at = [&](size_t i) { return pairs[i].key; };
      Object members;
      members.reserve(pairs.size());
      const auto add = [&](size_t i) {
        members.emplace_back(std::string(pairs[i].key), Convert(pairs[i].value));
      };
      if (InMapOrder(pairs.size(), key_at)) {
        for (size_t i = 0; i < pairs.size(); ++i) add(i);
      } else {
        for (const size_t i : MapOrder(pairs.size(), key_at)) add(i);
      }
      return Value(std::move(members));
    }
  }
  return Value();
}

}  // namespace

Result<Value> ParseValueJson(std::string_view text) {
  simdjson::dom::element root;
  simdjson::dom::parser* parser = ThreadParser();
  if (parser && parser->parse(text.data(), text.size()).get(root) == simdjson::SUCCESS) return Convert(root);
  return ParseWithNlohmann(text);
}

void AppendValueJson(const Value& value, std::string& out) {
  switch (value.kind()) {
    case ValueKind::kNull:
      out += "null";
      return;
    case ValueKind::kBool:
      out += value.as_bool() ? "true" : "false";
      return;
    case ValueKind::kNumber:
      AppendNumber(value.as_number(), out);
      return;
    case ValueKind::kString:
      AppendUtf8String(value.as_string(), out);
      return;
    case ValueKind::kArray: {
      out += '[';
      bool first = true;
      for (const Value& item : value.as_array()) {
        if (!first) out += ',';
        first = false;
        AppendValueJson(item, out);
      }
      out += ']';
      return;
    }
    case ValueKind::kObject:
      AppendObject(value.as_object(), out);
      return;
    case ValueKind::kDate:
      if (value.as_date().valid) {
        AppendJsonString(FormatRfc3339(value.as_date()), out);
      } else {
        out += "null";
      }
      return;
  }
}

std::string ValueJson(const Value& value) {
  std::string out;
  AppendValueJson(value, out);
  return out;
}

const char* JsonTypeName(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "boolean";
    case ValueKind::kNumber:
      return "number";
    case ValueKind::kString:
      return "string";
    case ValueKind::kDate:
      return value.as_date().valid ? "string" : "null";
    case ValueKind::kArray:
      return "array";
    case ValueKind::kObject:
      return "object";
  }
  return "null";
}

}  // namespace credo::expr
