#include "core/money.h"

#include <limits>

namespace credo {

Result<int64_t> ParseMoneyFen(std::string_view text) {
  auto fail = [&](const std::string& why) {
    return Status::Invalid("'" + std::string(text) + "' is not an amount of money: " + why);
  };
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return fail("it is empty");
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() && frac.empty()) return fail("it has no digits");
  if (dot != std::string_view::npos && frac.empty()) return fail("nothing follows the decimal point");
  if (frac.size() > 2) return fail("more than two decimals (a fen is the smallest unit)");

  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t yuan = 0;
  int digits_since_comma = -1;  // -1: no comma seen yet
  int leading_digits = 0;
  for (char c : whole) {
    if (c == ',') {
      if ((digits_since_comma == -1 && (leading_digits == 0 || leading_digits > 3)) ||
          (digits_since_comma != -1 && digits_since_comma != 3)) {
        return fail("thousands separators must separate groups of three digits");
      }
      digits_since_comma = 0;
      continue;
    }
    if (c < '0' || c > '9') return fail(std::string("unexpected character '") + c + "'");
    if (yuan > (kMax / 100 - 9) / 10) return fail("too large");
    yuan = yuan * 10 + (c - '0');
    if (digits_since_comma == -1)
      ++leading_digits;
    else
      ++digits_since_comma;
  }
  if (digits_since_comma != -1 && digits_since_comma != 3) {
    return fail("thousands separators must separate groups of three digits");
  }
  int64_t fen = 0;
  for (size_t i = 0; i < 2; ++i) {
    fen *= 10;
    if (i < frac.size()) {
      const char c = frac[i];
      if (c < '0' || c > '9') return fail(std::string("unexpected character '") + c + "'");
      fen += c - '0';
    }
  }
  const int64_t total = yuan * 100 + fen;
  return negative ? -total : total;
}

std::string FormatMoneyFen(int64_t fen, bool group_thousands) {
  const bool negative = fen < 0;
  // Work in unsigned so that INT64_MIN formats correctly.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string whole = std::to_string(magnitude / 100);
  if (group_thousands) {
    for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(i, ",");
  }
  const unsigned cents = magnitude % 100;
  std::string out = negative ? "-" : "";
  out += whole;
  out += '.';
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
  return out;
}

}  // namespace credo
