// population/level_name.h — internal to the population module: the written
// name of an enum level, for the Name() functions.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <string_view>

namespace credo::population {

// names[value], the names listed in the enum's order.
template <class Enum, size_t N>
std::string_view LevelName(Enum value, const std::array<std::string_view, N>& names) {
  const auto index = static_cast<size_t>(value);
  assert(index < N);
  return names[index];
}

}  // namespace credo::population
