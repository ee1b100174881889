#include "core/json_string.h"

namespace credo {

bool AppendJsonString(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t plain = 0;       // start of the bytes not yet copied
  unsigned char all = 0;  // every byte or'ed: its top bit set by any outside ASCII
  for (size_t i = 0; i < size; ++i) {
    const unsigned char c = s[i];
    all |= c;
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    out += '\\';
    switch (c) {
      case '"':
      case '\\':
        out += static_cast<char>(c);
        break;
      case '\b':
        out += 'b';
        break;
      case '\t':
        out += 't';
        break;
      case '\n':
        out += 'n';
        break;
      case '\f':
        out += 'f';
        break;
      case '\r':
        out += 'r';
        break;
      default:
        out += "u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(text.data() + plain, size - plain);
  out += '"';
  return (all & 0x80) != 0;
}

}  // namespace credo
