#include "expr/date_time.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace credo::expr {

// Transitions of one zone, read from its TZif file (version 2+ 64-bit data).
// Instants after the last transition keep the last offset: Debian ships
// "fat" files with transitions up to 2037, which covers lending horizons.
class TimeZone {
 public:
  std::string name;
  std::vector<int64_t> transitions;  // epoch seconds, ascending
  std::vector<int> offsets;          // offset in force from transitions[i]
  int initial_offset = 0;

  int OffsetAt(int64_t t) const {
    auto it = std::upper_bound(transitions.begin(), transitions.end(), t);
    if (it == transitions.begin()) return initial_offset;
    return offsets[it - transitions.begin() - 1];
  }
};

namespace {

int64_t ReadBigEndian(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

std::unique_ptr<TimeZone> LoadTzif(const std::string& name) {
  if (name.empty() || name.find("..") != std::string::npos || name[0] == '/') return nullptr;
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!in) return nullptr;
  std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto header_ok = [&](size_t at) {
    return data.size() >= at + 44 && std::equal(data.begin() + at, data.begin() + at + 4, "TZif");
  };
  if (!header_ok(0)) return nullptr;
  auto counts = [&](size_t at, int64_t out[6]) {
    for (int i = 0; i < 6; ++i) out[i] = ReadBigEndian(&data[at + 20 + 4 * i], 4);
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  size_t at = 0;
  int time_bytes = 4;
  if (data[4] >= '2') {  // skip the 32-bit block to the 64-bit one
    size_t v1_size = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    at = v1_size;
    if (!header_ok(at)) return nullptr;
    counts(at, c);
    time_bytes = 8;
  }
  size_t p = at + 44;
  size_t need = p + c[3] * (time_bytes + 1) + c[4] * 6;
  if (data.size() < need) return nullptr;
  auto zone = std::make_unique<TimeZone>();
  zone->name = name;
  std::vector<int> type_offsets(c[4]);
  size_t types_at = p + c[3] * (time_bytes + 1);
  for (int64_t i = 0; i < c[4]; ++i)
    type_offsets[i] = static_cast<int>(ReadBigEndian(&data[types_at + 6 * i], 4));
  for (int64_t i = 0; i < c[3]; ++i) {
    zone->transitions.push_back(ReadBigEndian(&data[p + i * time_bytes], time_bytes));
    unsigned idx = data[p + c[3] * time_bytes + i];
    zone->offsets.push_back(idx < type_offsets.size() ? type_offsets[idx] : 0);
  }
  zone->initial_offset = type_offsets.empty() ? 0 : type_offsets[0];
  return zone;
}

int ParseDigits(std::string_view s, size_t at, int count, bool* ok) {
  if (at + count > s.size()) {
    *ok = false;
    return 0;
  }
  int v = 0;
  for (int i = 0; i < count; ++i) {
    char ch = s[at + i];
    if (ch < '0' || ch > '9') *ok = false;
    v = v * 10 + (ch - '0');
  }
  return v;
}

const char* const kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
const char* const kWeekdayNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                     "Friday", "Saturday", "Sunday"};

}  // namespace

const TimeZone* FindTimeZone(std::string_view name, bool* is_utc) {
  *is_utc = name == "UTC" || name == "Z" || name == "Etc/UTC";
  if (*is_utc) return nullptr;
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<TimeZone>, std::less<>>
      zones;  // never freed: DateTime points here
  std::lock_guard<std::mutex> lock(mutex);
  auto it = zones.find(name);
  if (it == zones.end()) it = zones.emplace(std::string(name), LoadTzif(std::string(name))).first;
  return it->second.get();
}

std::string TimeZoneName(const TimeZone* zone) { return zone ? zone->name : "UTC"; }

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Howard Hinnant's days_from_civil.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int IsoWeekday(int64_t days) {
  int64_t w = (days + 3) % 7;  // 1970-01-01 was a Thursday (3 with Monday = 0)
  if (w < 0) w += 7;
  return static_cast<int>(w) + 1;
}

int OffsetSeconds(const TimeZone* zone, int64_t epoch_seconds) {
  return zone ? zone->OffsetAt(epoch_seconds) : 0;
}

CivilTime ToCivil(const DateTime& date) {
  int64_t ms = date.epoch_ms;
  int64_t secs = (ms >= 0 ? ms : ms - 999) / 1000;
  int millis = static_cast<int>(ms - secs * 1000);
  secs += OffsetSeconds(date.zone, secs);
  int64_t days = (secs >= 0 ? secs : secs - 86399) / 86400;
  int64_t sod = secs - days * 86400;
  // Hinnant's civil_from_days.
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilTime c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>(sod / 60 % 60);
  c.second = static_cast<int>(sod % 60);
  c.millisecond = millis;
  return c;
}

DateTime FromCivil(CivilTime c, const TimeZone* zone) {
  int64_t month0 = c.month - 1;
  c.year += (month0 >= 0 ? month0 : month0 - 11) / 12;
  month0 = ((month0 % 12) + 12) % 12;
  int64_t days = DaysFromCivil(c.year, static_cast<int>(month0) + 1, 1) + c.day - 1;
  int64_t local = days * 86400 + int64_t{c.hour} * 3600 + int64_t{c.minute} * 60 + c.second;
  int offset = OffsetSeconds(zone, local);
  int corrected = OffsetSeconds(zone, local - offset);
  if (corrected != offset) offset = corrected;
  return DateTime{(local - offset) * 1000 + c.millisecond, zone, true};
}

std::optional<DateTime> ParseDateTime(std::string_view s, const TimeZone* zone) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  bool ok = true;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  CivilTime c;
  c.year = ParseDigits(s, 0, 4, &ok);
  c.month = ParseDigits(s, 5, 2, &ok);
  c.day = ParseDigits(s, 8, 2, &ok);
  if (!ok || c.month < 1 || c.month > 12 || c.day < 1 || c.day > DaysInMonth(c.year, c.month))
    return std::nullopt;
  size_t i = 10;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
    c.hour = ParseDigits(s, i + 1, 2, &ok);
    if (i + 3 >= s.size() || s[i + 3] != ':') return std::nullopt;
    c.minute = ParseDigits(s, i + 4, 2, &ok);
    i += 6;
    if (i < s.size() && s[i] == ':') {
      c.second = ParseDigits(s, i + 1, 2, &ok);
      i += 3;
      if (i < s.size() && s[i] == '.') {
        int scale = 100;
        for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10)
          c.millisecond += (s[i] - '0') * scale;
      }
    }
    if (!ok || c.hour > 23 || c.minute > 59 || c.second > 60) return std::nullopt;
  }
  if (i == s.size()) return FromCivil(c, zone);
  int offset_seconds = 0;
  if (s[i] == 'Z' && i + 1 == s.size()) {
  } else if ((s[i] == '+' || s[i] == '-') && s.size() == i + 6 && s[i + 3] == ':') {
    offset_seconds = ParseDigits(s, i + 1, 2, &ok) * 3600 + ParseDigits(s, i + 4, 2, &ok) * 60;
    if (s[i] == '-') offset_seconds = -offset_seconds;
  } else {
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  DateTime utc = FromCivil(c, nullptr);
  utc.epoch_ms -= int64_t{offset_seconds} * 1000;
  utc.zone = zone;
  return utc;
}

std::optional<int64_t> ParseTimeOfDay(std::string_view s) {
  if (s.size() >= 10 && s[4] == '-') {
    auto date = ParseDateTime(s, nullptr);
    if (!date) return std::nullopt;
    CivilTime c = ToCivil(*date);
    return c.hour * 3600 + c.minute * 60 + c.second;
  }
  bool ok = true;
  if (s.size() < 5 || s[2] != ':') return std::nullopt;
  int64_t t = ParseDigits(s, 0, 2, &ok) * 3600 + ParseDigits(s, 3, 2, &ok) * 60;
  if (s.size() >= 8 && s[5] == ':') t += ParseDigits(s, 6, 2, &ok);
  if (!ok) return std::nullopt;
  return t;
}

std::string FormatRfc3339(const DateTime& date) {
  CivilTime c = ToCivil(date);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(c.year),
                        c.month, c.day, c.hour, c.minute, c.second);
  std::string out(buf, n);  // whole seconds, as the reference engine prints dates
  int offset = OffsetSeconds(date.zone, (date.epoch_ms >= 0 ? date.epoch_ms : date.epoch_ms - 999) / 1000);
  if (offset == 0) return out + "Z";
  int a = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  return out + buf;
}

std::string FormatPattern(const DateTime& date, std::string_view pattern) {
  CivilTime c = ToCivil(date);
  int64_t days = DaysFromCivil(c.year, c.month, c.day);
  std::string out;
  char buf[64];
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      out += pattern[i];
      continue;
    }
    char f = pattern[++i];
    switch (f) {
      case 'Y':
        std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(c.year));
        break;
      case 'y':
        std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(c.year % 100));
        break;
      case 'm':
        std::snprintf(buf, sizeof buf, "%02d", c.month);
        break;
      case 'd':
        std::snprintf(buf, sizeof buf, "%02d", c.day);
        break;
      case 'e':
        std::snprintf(buf, sizeof buf, "%2d", c.day);
        break;
      case 'H':
        std::snprintf(buf, sizeof buf, "%02d", c.hour);
        break;
      case 'I':
        std::snprintf(buf, sizeof buf, "%02d", c.hour % 12 == 0 ? 12 : c.hour % 12);
        break;
      case 'p':
        std::snprintf(buf, sizeof buf, "%s", c.hour < 12 ? "AM" : "PM");
        break;
      case 'M':
        std::snprintf(buf, sizeof buf, "%02d", c.minute);
        break;
      case 'S':
        std::snprintf(buf, sizeof buf, "%02d", c.second);
        break;
      case 'f':
        std::snprintf(buf, sizeof buf, "%09d", c.millisecond * 1000000);
        break;
      case 'j':
        std::snprintf(buf, sizeof buf, "%03lld",
                      static_cast<long long>(days - DaysFromCivil(c.year, 1, 1) + 1));
        break;
      case 'A':
        std::snprintf(buf, sizeof buf, "%s", kWeekdayNames[IsoWeekday(days) - 1]);
        break;
      case 'a':
        std::snprintf(buf, sizeof buf, "%.3s", kWeekdayNames[IsoWeekday(days) - 1]);
        break;
      case 'B':
        std::snprintf(buf, sizeof buf, "%s", kMonthNames[c.month - 1]);
        break;
      case 'b':
        std::snprintf(buf, sizeof buf, "%.3s", kMonthNames[c.month - 1]);
        break;
      case 'Z':
        std::snprintf(buf, sizeof buf, "%s", TimeZoneName(date.zone).c_str());
        break;
      case 'z': {
        int off = OffsetSeconds(date.zone, date.epoch_ms / 1000), a = off < 0 ? -off : off;
        std::snprintf(buf, sizeof buf, "%c%02d%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
        break;
      }
      case '%':
        std::snprintf(buf, sizeof buf, "%%");
        break;
      default:
        std::snprintf(buf, sizeof buf, "%%%c", f);
        break;
    }
    out += buf;
  }
  return out;
}

}  // namespace credo::expr
