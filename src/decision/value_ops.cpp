#include "decision/value_ops.h"

#include <algorithm>
#include <string>

namespace credo::decision {
namespace {

using expr::Object;
using expr::Value;

Object::iterator FindMember(Object& object, std::string_view key) {
  return std::find_if(object.begin(), object.end(), [&](const auto& member) { return member.first == key; });
}

// Below the top level: objects merge, anything else replaces.
Value MergeNested(const Value& doc, const Value& patch) {
  if (!doc.is_object() || !patch.is_object()) return patch;
  Object merged;
  merged.reserve(doc.as_object().size() + patch.as_object().size());
  merged = doc.as_object();
  for (const auto& [key, value] : patch.as_object()) {
    auto it = FindMember(merged, key);
    if (value.is_null()) {
      if (it != merged.end()) merged.erase(it);
    } else if (it == merged.end()) {
      merged.emplace_back(key, value);
    } else {
      it->second = MergeNested(it->second, value);
    }
  }
  return Value(std::move(merged));
}

bool InsertAt(Object& object, std::string_view path, Value& value) {
  const size_t dot = path.find('.');
  const std::string_view head = path.substr(0, dot);
  auto it = FindMember(object, head);
  if (dot == std::string_view::npos) {
    if (it == object.end()) {
      object.emplace_back(std::string(head), std::move(value));
    } else {
      it->second = std::move(value);
    }
    return true;
  }
  Object inner;
  if (it != object.end()) {
    if (!it->second.is_object()) return false;
    inner = it->second.as_object();
  }
  if (!InsertAt(inner, path.substr(dot + 1), value)) return false;
  if (it == object.end()) {
    object.emplace_back(std::string(head), Value(std::move(inner)));
  } else {
    it->second = Value(std::move(inner));
  }
  return true;
}

}  // namespace

Value Merge(const Value& doc, const Value& patch) {
  if (patch.is_array()) return patch;
  if (!patch.is_object()) return doc;
  // Into an empty object, a patch without null members is itself: share it.
  if (doc.is_object() && doc.as_object().empty()) {
    bool has_null = false;
    for (const auto& member : patch.as_object()) has_null = has_null || member.second.is_null();
    if (!has_null) return patch;
  }
  return MergeNested(doc, patch);
}

bool DotInsert(Object& object, std::string_view path, Value value) { return InsertAt(object, path, value); }

Value WithoutMember(const Value& value, std::string_view key) {
  if (!value.is_object() || !value.Find(key)) return value;
  Object copy = value.as_object();
  copy.erase(FindMember(copy, key));
  return Value(std::move(copy));
}

}  // namespace credo::decision
