#include "core/money.h"

#include <gtest/gtest.h>

#include <limits>

namespace credo {
namespace {

TEST(MoneyTest, ParsesGroupedDecimal) {
  auto fen = ParseMoneyFen("1,234.56");
  ASSERT_TRUE(fen.ok()) << fen.status().ToString();
  EXPECT_EQ(*fen, 123456);
}

TEST(MoneyTest, ParsesPlainAndShortForms) {
  EXPECT_EQ(*ParseMoneyFen("1234"), 123400);
  EXPECT_EQ(*ParseMoneyFen("0.5"), 50);
  EXPECT_EQ(*ParseMoneyFen(".05"), 5);
  EXPECT_EQ(*ParseMoneyFen("-2700.00"), -270000);
  EXPECT_EQ(*ParseMoneyFen(" 12.3 "), 1230);
}

TEST(MoneyTest, RejectsWhatWouldLoseAFenOrIsMalformed) {
  for (const char* bad : {"", "-", "1.234", "12a", "1,23.00", "1234,567", ",123", "1.", "1..2", "١٢"}) {
    auto r = ParseMoneyFen(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidInput);
    }
  }
}

TEST(MoneyTest, RejectsOverflow) { EXPECT_FALSE(ParseMoneyFen("999999999999999999999").ok()); }

TEST(MoneyTest, FormatsWithAndWithoutGrouping) {
  EXPECT_EQ(FormatMoneyFen(123456), "1234.56");
  EXPECT_EQ(FormatMoneyFen(123456, true), "1,234.56");
  EXPECT_EQ(FormatMoneyFen(5), "0.05");
  EXPECT_EQ(FormatMoneyFen(-270000, true), "-2,700.00");
  EXPECT_EQ(FormatMoneyFen(100000000, true), "1,000,000.00");
  EXPECT_EQ(FormatMoneyFen(std::numeric_limits<int64_t>::min()), "-92233720368547758.08");
}

TEST(MoneyTest, RoundTrips) {
  for (int64_t fen : {0LL, 1LL, 99LL, 100LL, 123456789LL, -42LL}) {
    EXPECT_EQ(*ParseMoneyFen(FormatMoneyFen(fen, true)), fen);
  }
}

}  // namespace
}  // namespace credo
