#include "expr/value_json.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "core/json_string.h"
#include "core/utf8.h"

namespace credo::expr {
namespace {

using nlohmann::json;

std::string TooDeep() {
  return "arrays and objects are nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
}

// Members in nlohmann's order (a std::map): sorted by key, the last of
// duplicate keys kept.
Object SortedMembers(Object members) {
  const auto not_before = [](const auto& a, const auto& b) { return !(a.first < b.first); };
  if (std::adjacent_find(members.begin(), members.end(), not_before) == members.end()) return members;
  std::stable_sort(members.begin(), members.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t kept = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    if (i + 1 < members.size() && members[i + 1].first == members[i].first) continue;  // a later one wins
    if (kept != i) members[kept] = std::move(members[i]);
    ++kept;
  }
  members.resize(kept);
  return members;
}

// Builds a Value from nlohmann's SAX events, with the object semantics of
// nlohmann's DOM (a std::map): keys sorted, the last of duplicates kept.
class ValueBuilder {
 public:
  bool null() { return Add(Value()); }
  bool boolean(bool b) { return Add(Value(b)); }
  bool number_integer(int64_t v) { return Add(Value::Int(v)); }
  bool number_unsigned(uint64_t v) {
    if (v <= static_cast<uint64_t>(INT64_MAX)) return Add(Value::Int(static_cast<int64_t>(v)));
    const auto d = Decimal::Parse(std::to_string(v));
    return Add(d ? Value(*d) : Value());
  }
  bool number_float(double v, const std::string& /*text*/) {
    const auto d = Decimal::FromDouble(v);
    return Add(d ? Value(*d) : Value());
  }
  bool string(std::string& s) { return Add(Value(std::move(s))); }
  bool binary(json::binary_t& /*bytes*/) { return Add(Value()); }  // CBOR and the like only
  bool start_object(size_t /*size*/) { return Open(true); }
  bool key(std::string& k) {
    frames_.back().key = std::move(k);
    return true;
  }
  bool end_object() {
    Object members = SortedMembers(std::move(frames_.back().members));
    frames_.pop_back();
    return Add(Value(std::move(members)));
  }
  bool start_array(size_t /*size*/) { return Open(false); }
  bool end_array() {
    Array items = std::move(frames_.back().items);
    frames_.pop_back();
    return Add(Value(std::move(items)));
  }
  bool parse_error(size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) {
    error_ = e.what();
    // Drop "[json.exception.parse_error.101] "; keep "parse error at line 1, column 5: ...".
    if (const size_t end = error_.find("] "); end != std::string::npos) error_.erase(0, end + 2);
    return false;
  }

  Value& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  struct Frame {
    bool object;
    Array items;
    Object members;
    std::string key;  // of the member whose value comes next
  };

  bool Open(bool object) {
    if (frames_.size() >= kMaxJsonDepth) {
      error_ = TooDeep();
      return false;
    }
    frames_.push_back(Frame{object, {}, {}, {}});
    return true;
  }

  bool Add(Value v) {
    if (frames_.empty()) {
      root_ = std::move(v);
    } else if (Frame& frame = frames_.back(); frame.object) {
      frame.members.emplace_back(std::move(frame.key), std::move(v));
    } else {
      frame.items.push_back(std::move(v));
    }
    return true;
  }

  std::vector<Frame> frames_;
  Value root_;
  std::string error_;
};

// Appends a string of a Value as dump() does, which refuses text that is not
// UTF-8 with its type_error 316.
void AppendUtf8String(std::string_view text, std::string& out) {
  if (!IsValidUtf8(text)) (void)json(std::string(text)).dump();  // throws
  AppendJsonString(text, out);
}

void AppendObject(const Object& members, std::string& out) {
  out += '{';
  const auto not_before = [](const auto& a, const auto& b) { return !(a.first < b.first); };
  bool first = true;
  const auto write = [&](const std::pair<std::string, Value>& member) {
    if (!first) out += ',';
    first = false;
    AppendUtf8String(member.first, out);
    out += ':';
    AppendValueJson(member.second, out);
  };
  if (std::adjacent_find(members.begin(), members.end(), not_before) == members.end()) {
    for (const auto& member : members) write(member);
  } else {
    std::vector<const std::pair<std::string, Value>*> order;
    order.reserve(members.size());
    for (const auto& member : members) order.push_back(&member);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto* a, const auto* b) { return a->first < b->first; });
    for (size_t i = 0; i < order.size(); ++i) {
      if (i + 1 < order.size() && order[i + 1]->first == order[i]->first) continue;  // a later one wins
      write(*order[i]);
    }
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

// Whether a string simdjson decoded is UTF-8. simdjson checks the text's
// UTF-8; lone surrogate escapes ("\\ud800") the 3.0 series refuses, but
// others have decoded them to the bytes of the surrogate, ED A0..BF xx, which
// nlohmann refuses. No other string has ED.
bool IsDecodedUtf8(std::string_view text) {
  return std::memchr(text.data(), 0xED, text.size()) == nullptr || IsValidUtf8(text);
}

// The thread's simdjson parser, nesting limited to ours: a document nested
// deeper fails there (even inside a member a later duplicate key replaces,
// which Convert never visits), and nlohmann gives the error.
simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  thread_local const bool limited = parser.allocate(size_t{64} << 10, kMaxJsonDepth) == simdjson::SUCCESS;
  (void)limited;  // unallocated, it allocates while parsing (with simdjson's own, deeper limit)
  return parser;
}

// Whether simdjson's tree converted to the Value the nlohmann route gives.
enum class Converted { kYes, kTooDeep, kAskNlohmann };

// simdjson's tree of a document to a Value, with nlohmann's semantics:
// members sorted, the last of duplicate keys kept, numbers converted alike.
// A string simdjson decoded from a lone surrogate escape is not UTF-8:
// kAskNlohmann, and nlohmann gives the error.
Converted Convert(simdjson::dom::element element, size_t depth, Value* out) {
  switch (element.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      *out = Value();
      return Converted::kYes;
    case simdjson::dom::element_type::BOOL:
      *out = Value(element.get_bool().value_unsafe());
      return Converted::kYes;
    case simdjson::dom::element_type::INT64:
      *out = Value::Int(element.get_int64().value_unsafe());
      return Converted::kYes;
    case simdjson::dom::element_type::UINT64: {  // past INT64_MAX
      const auto d = Decimal::Parse(std::to_string(element.get_uint64().value_unsafe()));
      *out = d ? Value(*d) : Value();
      return Converted::kYes;
    }
    case simdjson::dom::element_type::DOUBLE: {
      const auto d = Decimal::FromDouble(element.get_double().value_unsafe());
      *out = d ? Value(*d) : Value();
      return Converted::kYes;
    }
    case simdjson::dom::element_type::STRING: {
      const std::string_view text = element.get_string().value_unsafe();
      if (!IsDecodedUtf8(text)) return Converted::kAskNlohmann;
      *out = Value(std::string(text));
      return Converted::kYes;
    }
    case simdjson::dom::element_type::ARRAY: {
      if (depth > kMaxJsonDepth) return Converted::kTooDeep;
      const simdjson::dom::array array = element.get_array().value_unsafe();
      Array items;
      items.reserve(array.size());  // a hint: simdjson's count stops at 2^24 - 1
      for (const simdjson::dom::element item : array) {
        if (const Converted c = Convert(item, depth + 1, &items.emplace_back()); c != Converted::kYes)
          return c;
      }
      *out = Value(std::move(items));
      return Converted::kYes;
    }
    case simdjson::dom::element_type::OBJECT: {
      if (depth > kMaxJsonDepth) return Converted::kTooDeep;
      // Sorted by key and then by position, so that of duplicate keys the
      // last comes last in its run; the members are built in that order.
      struct Member {
        std::string_view key;
        simdjson::dom::element value;
        size_t position;
      };
      const simdjson::dom::object object = element.get_object().value_unsafe();
      std::vector<Member> order;
      order.reserve(object.size());  // a hint, as for arrays
      for (const simdjson::dom::key_value_pair member : object) {
        order.push_back({member.key, member.value, order.size()});
      }
      const auto before = [](const Member& a, const Member& b) {
        return a.key < b.key || (a.key == b.key && a.position < b.position);
      };
      const auto not_before = [](const Member& a, const Member& b) { return !(a.key < b.key); };
      if (std::adjacent_find(order.begin(), order.end(), not_before) != order.end()) {
        std::sort(order.begin(), order.end(), before);
      }
      Object members;
      members.reserve(order.size());
      for (size_t i = 0; i < order.size(); ++i) {
        if (i + 1 < order.size() && order[i + 1].key == order[i].key) continue;  // a later one wins
        if (!IsDecodedUtf8(order[i].key)) return Converted::kAskNlohmann;
        members.emplace_back(std::string(order[i].key), Value());
        if (const Converted c = Convert(order[i].value, depth + 1, &members.back().second);
            c != Converted::kYes) {
          return c;
        }
      }
      *out = Value(std::move(members));
      return Converted::kYes;
    }
  }
  return Converted::kAskNlohmann;
}

}  // namespace

Result<Value> ParseValueJson(std::string_view text) {
  simdjson::dom::element root;
  if (ThreadParser().parse(text.data(), text.size()).get(root) == simdjson::SUCCESS) {
    Value value;
    if (const Converted converted = Convert(root, 1, &value); converted == Converted::kYes) {
      return value;
    } else if (converted == Converted::kTooDeep) {
      return Status::Invalid(TooDeep());
    }
  }
  // Malformed (nlohmann's message names line and column), or beyond what
  // simdjson's tree gives as nlohmann would: nlohmann decides.
  ValueBuilder builder;
  if (!json::sax_parse(text, &builder)) return Status::Invalid(builder.error());
  return std::move(builder.root());
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
