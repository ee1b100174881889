#include "core/civil_date.h"

#include <gtest/gtest.h>

namespace credo {
namespace {

CivilDate D(const char* s) { return *CivilDate::Parse(s); }

TEST(CivilDateTest, ParsesAndFormats) {
  EXPECT_EQ(D("2026-01-15").ToString(), "2026-01-15");
  EXPECT_EQ(D("2026/01/15"), D("2026-01-15"));
  EXPECT_EQ(D("1970-01-01").days_since_epoch(), 0);
  // 2000-03-01 is day 11017 after the epoch: 30 years (7 leap days) = 10957, + Jan 31 + Feb 29.
  EXPECT_EQ(D("2000-03-01").days_since_epoch(), 10957 + 31 + 29);
}

TEST(CivilDateTest, RejectsImpossibleDates) {
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "26-01-01", "2026-1-1",
                          "abcd-ef-gh", "2026-01/15"}) {
    EXPECT_FALSE(CivilDate::Parse(bad).ok()) << bad;
  }
  EXPECT_TRUE(CivilDate::Parse("2024-02-29").ok());
}

TEST(CivilDateTest, AddMonthsClampsToMonthEnd) {
  EXPECT_EQ(D("2026-01-31").AddMonths(1), D("2026-02-28"));
  EXPECT_EQ(D("2024-01-31").AddMonths(1), D("2024-02-29"));
  EXPECT_EQ(D("2026-01-31").AddMonths(3), D("2026-04-30"));
  EXPECT_EQ(D("2026-11-15").AddMonths(2), D("2027-01-15"));
  EXPECT_EQ(D("2026-03-31").AddMonths(-1), D("2026-02-28"));
  EXPECT_EQ(D("2026-01-15").AddMonths(12), D("2027-01-15"));
}

TEST(CivilDateTest, DayArithmetic) {
  EXPECT_EQ(D("2026-02-27").AddDays(2), D("2026-03-01"));
  EXPECT_EQ(D("2026-01-01").DaysUntil(D("2027-01-01")), 365);
  EXPECT_EQ(D("2024-01-01").DaysUntil(D("2025-01-01")), 366);
  EXPECT_EQ(D("2026-03-01").DaysUntil(D("2026-02-01")), -28);
  EXPECT_LT(D("2026-01-01"), D("2026-01-02"));
}

}  // namespace
}  // namespace credo
