// core/civil_date.h — calendar dates without time zones (due dates, business
// dates, observation dates).
//
// A CivilDate is a proleptic Gregorian day. Month arithmetic clamps to the
// end of the month (Jan 31 + 1 month = Feb 28/29), which is how installment
// due dates roll. Built on std::chrono's calendar types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace credo {

// One calendar day. Cheap value type; ordered and comparable.
class CivilDate {
 public:
  // 1970-01-01.
  CivilDate() = default;
  // Fails if the day does not exist (2026-02-30).
  static Result<CivilDate> FromYmd(int year, int month, int day);
  // Accepts "YYYY-MM-DD" and "YYYY/MM/DD".
  static Result<CivilDate> Parse(std::string_view text);
  static CivilDate FromDaysSinceEpoch(int32_t days) { return CivilDate(days); }

  int year() const;
  int month() const;  // 1..12
  int day() const;    // 1..31
  int32_t days_since_epoch() const { return days_; }

  CivilDate AddDays(int32_t days) const { return CivilDate(days_ + days); }
  // Adds calendar months, clamping the day to the last day of the target month.
  CivilDate AddMonths(int32_t months) const;
  // Whole days from `this` to `later` (negative if `later` is earlier).
  int32_t DaysUntil(CivilDate later) const { return later.days_ - days_; }

  // "YYYY-MM-DD".
  std::string ToString() const;

  auto operator<=>(const CivilDate&) const = default;

 private:
  explicit CivilDate(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

}  // namespace credo
