// core/money.h — amounts of money as integer fen (1 yuan = 100 fen).
//
// Credo never holds money in floating point. Parsing accepts what people
// type and export ("1,234.56", "-0.5", "1234"), and rejects anything that
// would lose a fen (more than two decimals) or overflow int64.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace credo {

// Parses a decimal yuan amount into fen: "1,234.56" -> 123456.
// Thousands separators must be in groups of three; at most two decimals.
Result<int64_t> ParseMoneyFen(std::string_view text);

// Formats fen as yuan with two decimals: 123456 -> "1234.56", or with
// thousands separators when `group_thousands` ("1,234.56").
std::string FormatMoneyFen(int64_t fen, bool group_thousands = false);

}  // namespace credo
