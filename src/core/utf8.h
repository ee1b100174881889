// core/utf8.h — the one check that text is UTF-8, for every place that must
// not pass on anything else (JSON out, CSV columns turned into documents).
#pragma once

#include <string_view>

namespace credo {

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace credo
