// lending/enum_names.h — parsing the kebab-case names ("half-up",
// "equal-installment") the module's enums are written as in files and flags.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "core/status.h"

namespace credo::lending {

// The value among `values` whose name_of(value) is `text`; otherwise an
// error "unknown <what> 'text' (name1, name2, ...)".
template <class Enum>
Result<Enum> ParseEnumName(std::string_view text, std::initializer_list<Enum> values,
                           const char* (*name_of)(Enum), const char* what) {
  std::string names;
  for (Enum value : values) {
    if (text == name_of(value)) return value;
    names += (names.empty() ? "" : ", ") + std::string(name_of(value));
  }
  return Status::Invalid("unknown " + std::string(what) + " '" + std::string(text) + "' (" + names + ")");
}

}  // namespace credo::lending
