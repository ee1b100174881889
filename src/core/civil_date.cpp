#include "core/civil_date.h"

#include <chrono>
#include <cstdio>

namespace credo {
namespace {

namespace chr = std::chrono;

chr::year_month_day ToYmd(int32_t days) { return chr::year_month_day{chr::sys_days{chr::days{days}}}; }

int32_t ToDays(chr::year_month_day ymd) {
  return static_cast<int32_t>(chr::sys_days{ymd}.time_since_epoch().count());
}

bool ParseFixedInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

Result<CivilDate> CivilDate::FromYmd(int year, int month, int day) {
  const chr::year_month_day ymd{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                chr::day{static_cast<unsigned>(day)}};
  if (month < 1 || month > 12 || day < 1 || !ymd.ok()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d is not a calendar date", year, month, day);
    return Status::Invalid(buf);
  }
  return CivilDate(ToDays(ymd));
}

Result<CivilDate> CivilDate::Parse(std::string_view text) {
  int y = 0, m = 0, d = 0;
  const bool shape_ok = text.size() == 10 && (text[4] == '-' || text[4] == '/') && text[7] == text[4] &&
                        ParseFixedInt(text.substr(0, 4), y) && ParseFixedInt(text.substr(5, 2), m) &&
                        ParseFixedInt(text.substr(8, 2), d);
  if (!shape_ok) {
    return Status::Invalid("'" + std::string(text) + "' is not a date (expected YYYY-MM-DD)");
  }
  return FromYmd(y, m, d);
}

int CivilDate::year() const { return static_cast<int>(ToYmd(days_).year()); }
int CivilDate::month() const { return static_cast<int>(static_cast<unsigned>(ToYmd(days_).month())); }
int CivilDate::day() const { return static_cast<int>(static_cast<unsigned>(ToYmd(days_).day())); }

CivilDate CivilDate::AddMonths(int32_t months) const {
  const chr::year_month_day ymd = ToYmd(days_);
  const chr::year_month target = chr::year_month{ymd.year(), ymd.month()} + chr::months{months};
  const chr::day last = chr::year_month_day_last{target.year(), chr::month_day_last{target.month()}}.day();
  const chr::day day = ymd.day() > last ? last : ymd.day();
  return CivilDate(ToDays(chr::year_month_day{target.year(), target.month(), day}));
}

std::string CivilDate::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year(), month(), day());
  return buf;
}

}  // namespace credo
