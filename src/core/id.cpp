#include "core/id.h"

#include <chrono>
#include <random>

namespace credo {

std::string MakeId(std::string_view prefix, uint64_t unix_ms, uint64_t random_hi16, uint64_t random_lo64) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  // 128 bits: [48 time][16 random_hi][64 random_lo], written as 26 base-32 digits (130 bits, top 2 zero).
  const uint64_t hi = (unix_ms << 16) | (random_hi16 & 0xFFFF);
  const uint64_t lo = random_lo64;
  std::string out(prefix);
  if (!out.empty()) out += '_';
  for (int i = 25; i >= 0; --i) {
    const int shift = i * 5;  // bit offset of this digit within the 130-bit number
    uint64_t digit;
    if (shift >= 64) {
      digit = hi >> (shift - 64);
    } else if (shift > 59) {
      digit = (lo >> shift) | (hi << (64 - shift));
    } else {
      digit = lo >> shift;
    }
    out += kAlphabet[digit & 31];
  }
  return out;
}

std::string NewId(std::string_view prefix) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const uint64_t ms =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  return MakeId(prefix, ms, rng(), rng());
}

}  // namespace credo
