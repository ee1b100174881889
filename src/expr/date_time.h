// expr/date_time.h — instants with a time zone, as ZEN's d() values.
//
// A DateTime is an instant (milliseconds since the Unix epoch, UTC) plus the
// zone its calendar fields are read in (UTC when zone is null). Zones come
// from the system tz database (/usr/share/zoneinfo), loaded once per name and
// kept for the life of the process, so DateTime is a trivially copyable value
// that any thread may use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace credo::expr {

// A named IANA zone ("Europe/Berlin"); opaque outside date_time.cpp.
class TimeZone;

// The zone called `name`, or nullptr when the tz database has no such zone.
// "UTC" and "Z" give nullptr too, with *is_utc set.
const TimeZone* FindTimeZone(std::string_view name, bool* is_utc);
// The zone's IANA name ("UTC" for null).
std::string TimeZoneName(const TimeZone* zone);

// An instant and the zone to read it in. `valid` is false for d('foo').
struct DateTime {
  int64_t epoch_ms = 0;
  const TimeZone* zone = nullptr;
  bool valid = true;
};

// Wall-clock fields of a DateTime in its zone.
struct CivilTime {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0, minute = 0, second = 0, millisecond = 0;
};

int64_t DaysFromCivil(int64_t year, int month, int day);
int DaysInMonth(int64_t year, int month);
bool IsLeapYear(int64_t year);
// 1 = Monday .. 7 = Sunday.
int IsoWeekday(int64_t days_since_epoch);

// UTC offset of `zone` at the instant, in seconds.
int OffsetSeconds(const TimeZone* zone, int64_t epoch_seconds);
CivilTime ToCivil(const DateTime& date);
// The instant whose wall clock in `zone` reads `civil` (fields may overflow:
// month 13 is January next year, day 0 the last day of the month before).
DateTime FromCivil(CivilTime civil, const TimeZone* zone);

// Parses "2023-10-15", "2023-10-15 14:30[:45]", RFC 3339 ("…T…Z", "+02:00",
// fractions). Text without an offset is wall-clock time in `zone`.
std::optional<DateTime> ParseDateTime(std::string_view text, const TimeZone* zone);
// Parses "21:48[:30]" to seconds since midnight.
std::optional<int64_t> ParseTimeOfDay(std::string_view text);
// RFC 3339 in the date's zone to the whole second: "2023-10-15T00:00:00Z",
// "…+02:00" (ZEN prints endOf('day') as 23:59:59, not 23:59:59.999).
std::string FormatRfc3339(const DateTime& date);
// chrono/strftime-style format (%Y %m %d %H %M %S %f %j %A %a %B %b %y %e %p %I %Z %z %%).
std::string FormatPattern(const DateTime& date, std::string_view pattern);

}  // namespace credo::expr
