#include "data/json_builder.h"

#include <cassert>
#include <charconv>
#include <cmath>

namespace credo::data {

void JsonBuilder::Key(std::string_view name) {
  Separate();
  AppendEscaped(name);
  text_ += ':';
  need_comma_ = false;
}

void JsonBuilder::String(std::string_view text) {
  Separate();
  AppendEscaped(text);
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

void JsonBuilder::AppendEscaped(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  text_ += '"';
  size_t plain_from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    text_.append(text.data() + plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
      case '"':
        text_ += "\\\"";
        break;
      case '\\':
        text_ += "\\\\";
        break;
      case '\n':
        text_ += "\\n";
        break;
      case '\r':
        text_ += "\\r";
        break;
      case '\t':
        text_ += "\\t";
        break;
      default:
        text_ += "\\u00";
        text_ += kHex[c >> 4];
        text_ += kHex[c & 0xF];
    }
  }
  text_.append(text.data() + plain_from, text.size() - plain_from);
  text_ += '"';
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code_point = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = code_point << 6 | (next & 0x3F);
    }
    static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace credo::data
