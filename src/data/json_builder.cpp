#include "data/json_builder.h"

#include <cassert>
#include <charconv>
#include <cmath>

#include "core/json_string.h"

namespace credo::data {

void JsonBuilder::Key(std::string_view name) {
  Separate();
  AppendJsonString(name, text_);
  text_ += ':';
  need_comma_ = false;
}

void JsonBuilder::String(std::string_view text) {
  Separate();
  AppendJsonString(text, text_);
}

void JsonBuilder::Int(int64_t value) {
  Separate();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  text_.append(digits, end - digits);
}

void JsonBuilder::Number(double value) {
  assert(std::isfinite(value));
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (value == std::trunc(value) && std::fabs(value) < kExactIntegers)
    return Int(static_cast<int64_t>(value));
  Separate();
  char digits[32];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  text_.append(digits, end - digits);
}

void JsonBuilder::Bool(bool value) {
  Separate();
  text_ += value ? "true" : "false";
}

void JsonBuilder::Null() {
  Separate();
  text_ += "null";
}

}  // namespace credo::data
