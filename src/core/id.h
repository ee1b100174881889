// core/id.h — identifiers for records Credo creates (decisions, loans,
// journal entries, model artifacts).
//
// An id is a prefix plus 26 Crockford base-32 characters: 48 bits of
// milliseconds since the Unix epoch, then 80 random bits (the ULID layout),
// so ids sort by creation time and never collide in practice.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace credo {

// A new time-ordered id such as "mdl_01JD3Q8Z6N4W5X7Y8Z9A0B1C2D".
std::string NewId(std::string_view prefix);

// The same, with the time and randomness supplied (for tests and replay).
std::string MakeId(std::string_view prefix, uint64_t unix_ms, uint64_t random_hi16, uint64_t random_lo64);

}  // namespace credo
