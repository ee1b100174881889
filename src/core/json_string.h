// core/json_string.h — a string as a JSON string literal, escaped exactly as
// nlohmann's dump() escapes it, for the writers that build JSON text without
// a DOM (data::JsonBuilder, expr's Value writer).
#pragma once

#include <string>
#include <string_view>

namespace credo {

// Appends `text` quoted: `"` and `\` escaped, \b \f \n \r \t by name, other
// control characters as \u00xx; every other byte copied, so `text` must be
// UTF-8 (core/utf8.h) for the result to be JSON. Returns whether it holds
// bytes outside ASCII: only then can it fail to be UTF-8.
bool AppendJsonString(std::string_view text, std::string& out);

}  // namespace credo
