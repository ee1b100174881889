// Rounding a rational number of fen to a whole fen, each mode worked by hand.
#include "lending/rounding.h"

#include <gtest/gtest.h>

namespace credo::lending {
namespace {

constexpr RoundingMode kHalfUp = RoundingMode::kHalfUp;
constexpr RoundingMode kUp = RoundingMode::kUp;
constexpr RoundingMode kDown = RoundingMode::kDown;
constexpr RoundingMode kHalfEven = RoundingMode::kHalfEven;

TEST(RoundingTest, ExactQuotientsAreUntouched) {
  for (RoundingMode mode : {kHalfUp, kUp, kDown, kHalfEven}) {
    EXPECT_EQ(DivideRounded(4500, 100, mode), 45);
    EXPECT_EQ(DivideRounded(0, 7, mode), 0);
  }
}

TEST(RoundingTest, BelowHalf) {
  // 10.25 fen (41 / 4).
  EXPECT_EQ(DivideRounded(41, 4, kHalfUp), 10);
  EXPECT_EQ(DivideRounded(41, 4, kUp), 11);
  EXPECT_EQ(DivideRounded(41, 4, kDown), 10);
  EXPECT_EQ(DivideRounded(41, 4, kHalfEven), 10);
}

TEST(RoundingTest, AboveHalf) {
  // 10.75 fen (43 / 4).
  EXPECT_EQ(DivideRounded(43, 4, kHalfUp), 11);
  EXPECT_EQ(DivideRounded(43, 4, kUp), 11);
  EXPECT_EQ(DivideRounded(43, 4, kDown), 10);
  EXPECT_EQ(DivideRounded(43, 4, kHalfEven), 11);
}

TEST(RoundingTest, HalvesGoUpOrToEven) {
  // 10.5 fen: half-up 11, half-even 10 (10 is even). 11.5 fen: both 12.
  EXPECT_EQ(DivideRounded(21, 2, kHalfUp), 11);
  EXPECT_EQ(DivideRounded(21, 2, kHalfEven), 10);
  EXPECT_EQ(DivideRounded(21, 2, kUp), 11);
  EXPECT_EQ(DivideRounded(21, 2, kDown), 10);
  EXPECT_EQ(DivideRounded(23, 2, kHalfUp), 12);
  EXPECT_EQ(DivideRounded(23, 2, kHalfEven), 12);
}

TEST(RoundingTest, WorksBeyondInt64Products) {
  // (10^13 fen × 99999 bps) / 120000 = 8,333,250,000,000 exactly: the product exceeds 2^63 / 10.
  const __int128 numerator = static_cast<__int128>(10'000'000'000'000) * 99'999;
  EXPECT_EQ(DivideRounded(numerator, 120000, kHalfUp), 8'333'250'000'000);
  EXPECT_EQ(DivideRounded(numerator + 1, 120000, kUp), 8'333'250'000'001);
}

TEST(RoundingTest, NamesRoundTripAndUnknownNamesFail) {
  for (RoundingMode mode : {kHalfUp, kUp, kDown, kHalfEven})
    EXPECT_EQ(*ParseRoundingMode(RoundingModeName(mode)), mode);
  Result<RoundingMode> bad = ParseRoundingMode("bankers");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("half-even"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace credo::lending
