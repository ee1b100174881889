// Evaluation of the compiled tree: operators, builtins, closures, date methods.
//
// Type errors are thrown as EvalError and caught once in
// CompiledExpression::Evaluate: the success path pays nothing for them, and
// the tree-walk stays free of status checks after every node.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <regex>

#include "core/utf8.h"
#include "expr/expression.h"
#include "expr/program.h"

namespace credo::expr {
namespace {

constexpr int kMaxClosureDepth = 32;
constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kMsPerDay = 86400 * kMsPerSecond;

struct Frame {
  Frame(const Value& input, const EvalContext& context, Object* assigned)
      : input(input), context(context), assigned(assigned) {}
  const Value& input;
  const EvalContext& context;
  Object* assigned;                      // results of `path = expr`, or null when the program has none
  const Value* slots[kMaxClosureDepth];  // closure items; set on entry to each closure
};

[[noreturn]] void Fail(const Node& n, std::string message) { throw EvalError{n.column, std::move(message)}; }

// Whether byte `at` of `s` starts a UTF-8 character (or is the end): strings
// index and slice by bytes, and a cut inside a character would make text
// that is not UTF-8, which no JSON answer can carry.
bool IsCharBoundary(const std::string& s, size_t at) {
  return at >= s.size() || (static_cast<unsigned char>(s[at]) & 0xC0) != 0x80;
}

Value Eval(const Node& n, Frame& f);
const Value& EvalRef(const Node& n, Frame& f, Value& scratch);
bool EvalCondition(const Node& n, Frame& f, const char* what = "condition");

const Decimal& Number(const Node& n, const Value& v, const char* what) {
  if (!v.is_number()) Fail(n, std::string(what) + " expects a number, got " + v.TypeName());
  return v.as_number();
}
const std::string& String(const Node& n, const Value& v, const char* what) {
  if (!v.is_string()) Fail(n, std::string(what) + " expects a string, got " + v.TypeName());
  return v.as_string();
}
const Array& ArrayOf(const Node& n, const Value& v, const char* what) {
  if (!v.is_array()) Fail(n, std::string(what) + " expects an array, got " + v.TypeName());
  return v.as_array();
}
// Conditions must be bools; null is an error too (ZEN: `null and true` fails).
bool Truth(const Node& n, const Value& v, const char* what) {
  if (v.is_bool()) return v.as_bool();
  Fail(n, std::string(what) + " expects a bool, got " + v.TypeName());
}
int64_t Integer(const Node& n, const Value& v, const char* what) {
  auto i = Number(n, v, what).ToInt64();
  if (!i) Fail(n, std::string(what) + " expects an integer");
  return *i;
}
Value Checked(const Node& n, std::optional<Decimal> d, const char* what) {
  if (!d) Fail(n, std::string(what) + ": number out of range");
  return Value(*d);
}

// -1/0/1 for numbers, dates and strings; nullopt for anything else, which
// cannot be ordered.
std::optional<int> TryOrder(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return a.as_number().Compare(b.as_number());
  if (a.is_date() && b.is_date()) {
    int64_t x = a.as_date().epoch_ms, y = b.as_date().epoch_ms;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_string() && b.is_string())
    return a.as_string().compare(b.as_string()) < 0 ? -1 : a.as_string() == b.as_string() ? 0 : 1;
  return std::nullopt;
}

// TryOrder, failing at `n` when the values cannot be ordered.
int Order(const Node& n, const Value& a, const Value& b) {
  if (std::optional<int> order = TryOrder(a, b)) return *order;
  Fail(n, std::string("cannot compare ") + a.TypeName() + " with " + b.TypeName());
}

// Equality as the language sees it: Value equality, plus a date equals the
// text of the same instant (d('2024-01-01') == '2024-01-01').
bool Equal(const Value& a, const Value& b) {
  if (a.is_date() && b.is_string()) {
    auto parsed = ParseDateTime(b.as_string(), a.as_date().zone);
    return parsed && a.as_date().valid && parsed->epoch_ms == a.as_date().epoch_ms;
  }
  if (a.is_string() && b.is_date()) return Equal(b, a);
  return a == b;
}

// `a op b` for a comparison operator; nullopt when an ordering operator
// meets values that cannot be ordered.
std::optional<bool> TryComparison(BinaryOp op, const Value& a, const Value& b) {
  if (op == BinaryOp::kEq) return Equal(a, b);
  if (op == BinaryOp::kNe) return !Equal(a, b);
  const std::optional<int> order = TryOrder(a, b);
  if (!order) return std::nullopt;
  switch (op) {
    case BinaryOp::kLt:
      return *order < 0;
    case BinaryOp::kLe:
      return *order <= 0;
    case BinaryOp::kGt:
      return *order > 0;
    default:
      return *order >= 0;
  }
}

bool ApplyComparison(const Node& n, BinaryOp op, const Value& a, const Value& b) {
  if (std::optional<bool> holds = TryComparison(op, a, b)) return *holds;
  Fail(n, std::string("cannot compare ") + a.TypeName() + " with " + b.TypeName());
}

Value ApplyBinary(const Node& n, BinaryOp op, const Value& a, const Value& b) {
  switch (op) {
    case BinaryOp::kEq:
    case BinaryOp::kNe:
    case BinaryOp::kLt:
    case BinaryOp::kLe:
    case BinaryOp::kGt:
    case BinaryOp::kGe:
      return Value(ApplyComparison(n, op, a, b));
    case BinaryOp::kAdd:
      if (a.is_string() && b.is_string()) return Value(a.as_string() + b.as_string());
      return Checked(n, Number(n, a, "'+'").Add(Number(n, b, "'+'")), "'+'");
    case BinaryOp::kSub:
      return Checked(n, Number(n, a, "'-'").Sub(Number(n, b, "'-'")), "'-'");
    case BinaryOp::kMul:
      return Checked(n, Number(n, a, "'*'").Mul(Number(n, b, "'*'")), "'*'");
    case BinaryOp::kPow:
      return Checked(n, Number(n, a, "'^'").Pow(Number(n, b, "'^'")), "'^'");
    case BinaryOp::kDiv: {
      const Decimal& divisor = Number(n, b, "'/'");
      const Decimal& dividend = Number(n, a, "'/'");
      if (divisor.IsZero()) return Value();  // ZEN: division by zero is null
      return Checked(n, dividend.Div(divisor), "'/'");
    }
    case BinaryOp::kRem: {
      const Decimal& divisor = Number(n, b, "'%'");
      const Decimal& dividend = Number(n, a, "'%'");
      if (divisor.IsZero()) return Value();
      return Checked(n, dividend.Rem(divisor), "'%'");
    }
  }
  return Value();
}

// ---- dates ------------------------------------------------------------

enum class Unit { kMillisecond, kSecond, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear };

std::optional<Unit> ParseUnit(std::string_view s) {
  static const std::pair<const char*, Unit> kUnits[] = {
      {"ms", Unit::kMillisecond},
      {"millisecond", Unit::kMillisecond},
      {"milliseconds", Unit::kMillisecond},
      {"s", Unit::kSecond},
      {"second", Unit::kSecond},
      {"seconds", Unit::kSecond},
      {"m", Unit::kMinute},
      {"minute", Unit::kMinute},
      {"minutes", Unit::kMinute},
      {"h", Unit::kHour},
      {"hour", Unit::kHour},
      {"hours", Unit::kHour},
      {"d", Unit::kDay},
      {"day", Unit::kDay},
      {"days", Unit::kDay},
      {"w", Unit::kWeek},
      {"week", Unit::kWeek},
      {"weeks", Unit::kWeek},
      {"M", Unit::kMonth},
      {"month", Unit::kMonth},
      {"months", Unit::kMonth},
      {"Q", Unit::kQuarter},
      {"q", Unit::kQuarter},
      {"quarter", Unit::kQuarter},
      {"quarters", Unit::kQuarter},
      {"y", Unit::kYear},
      {"year", Unit::kYear},
      {"years", Unit::kYear},
  };
  for (const auto& [name, unit] : kUnits) {
    if (s == name) return unit;
  }
  return std::nullopt;
}

Unit UnitArg(const Node& n, const Value& v) {
  auto unit = ParseUnit(String(n, v, "unit"));
  if (!unit) Fail(n, "unknown date unit '" + v.as_string() + "'");
  return *unit;
}

// "1d 5h", "90m", "2 days" as (amount, unit) pairs.
std::vector<std::pair<int64_t, Unit>> ParseDuration(const Node& n, const std::string& text) {
  std::vector<std::pair<int64_t, Unit>> parts;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i == text.size()) break;
    bool negative = text[i] == '-';
    if (negative) ++i;
    size_t start = i;
    int64_t amount = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
      amount = amount * 10 + (text[i++] - '0');
    if (i == start) Fail(n, "invalid duration '" + text + "'");
    while (i < text.size() && text[i] == ' ') ++i;
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    auto unit = ParseUnit(std::string_view(text).substr(unit_start, i - unit_start));
    if (!unit) Fail(n, "invalid duration '" + text + "'");
    parts.emplace_back(negative ? -amount : amount, *unit);
  }
  if (parts.empty()) Fail(n, "invalid duration '" + text + "'");
  return parts;
}

int64_t FixedUnitMs(Unit unit) {
  switch (unit) {
    case Unit::kMillisecond:
      return 1;
    case Unit::kSecond:
      return kMsPerSecond;
    case Unit::kMinute:
      return 60 * kMsPerSecond;
    case Unit::kHour:
      return 3600 * kMsPerSecond;
    case Unit::kDay:
      return kMsPerDay;
    case Unit::kWeek:
      return 7 * kMsPerDay;
    case Unit::kMonth:
      return 30 * kMsPerDay;
    case Unit::kQuarter:
      return 91 * kMsPerDay;
    case Unit::kYear:
      return 365 * kMsPerDay;
  }
  return 0;
}

// Calendar arithmetic in the date's zone: days keep the wall clock, months
// clamp the day to the month's end (Jan 31 + 1 month = Feb 28).
DateTime AddUnits(const DateTime& d, int64_t amount, Unit unit) {
  if (unit <= Unit::kHour) return DateTime{d.epoch_ms + amount * FixedUnitMs(unit), d.zone, d.valid};
  CivilTime c = ToCivil(d);
  if (unit == Unit::kDay || unit == Unit::kWeek) {
    c.day += static_cast<int>(amount * (unit == Unit::kWeek ? 7 : 1));
    return FromCivil(c, d.zone);
  }
  int64_t months = amount * (unit == Unit::kYear ? 12 : unit == Unit::kQuarter ? 3 : 1);
  int64_t index = c.year * 12 + (c.month - 1) + months;
  c.year = index >= 0 ? index / 12 : (index - 11) / 12;
  c.month = static_cast<int>(index - c.year * 12) + 1;
  c.day = std::min(c.day, DaysInMonth(c.year, c.month));
  return FromCivil(c, d.zone);
}

DateTime StartOf(const DateTime& d, Unit unit) {
  CivilTime c = ToCivil(d);
  switch (unit) {
    case Unit::kYear:
      c.month = 1;
      [[fallthrough]];
    case Unit::kMonth:
      c.day = 1;
      [[fallthrough]];
    case Unit::kDay:
      c.hour = 0;
      [[fallthrough]];
    case Unit::kHour:
      c.minute = 0;
      [[fallthrough]];
    case Unit::kMinute:
      c.second = 0;
      [[fallthrough]];
    case Unit::kSecond:
      c.millisecond = 0;
      [[fallthrough]];
    case Unit::kMillisecond:
      break;
    case Unit::kQuarter:
      c.month = (c.month - 1) / 3 * 3 + 1;
      c.day = 1;
      c.hour = c.minute = c.second = c.millisecond = 0;
      break;
    case Unit::kWeek:  // ISO weeks start on Monday
      c.day -= IsoWeekday(DaysFromCivil(c.year, c.month, c.day)) - 1;
      c.hour = c.minute = c.second = c.millisecond = 0;
      break;
  }
  return FromCivil(c, d.zone);
}

DateTime EndOf(const DateTime& d, Unit unit) {
  DateTime next = AddUnits(StartOf(d, unit), 1, unit);
  next.epoch_ms -= 1;
  return next;
}

// Months between two dates as moment.js counts them (whole months plus the
// fraction of the month in progress), so Jan 31 -> Feb 28 is one month.
double MonthDiff(const DateTime& later, const DateTime& earlier) {
  CivilTime a = ToCivil(later), b = ToCivil(earlier);
  int64_t whole = (a.year - b.year) * 12 + (a.month - b.month);
  DateTime anchor = AddUnits(earlier, whole, Unit::kMonth);
  double adjust;
  if (later.epoch_ms < anchor.epoch_ms) {
    DateTime anchor2 = AddUnits(earlier, whole - 1, Unit::kMonth);
    adjust = double(later.epoch_ms - anchor.epoch_ms) / double(anchor.epoch_ms - anchor2.epoch_ms);
  } else {
    DateTime anchor2 = AddUnits(earlier, whole + 1, Unit::kMonth);
    adjust = double(later.epoch_ms - anchor.epoch_ms) / double(anchor2.epoch_ms - anchor.epoch_ms);
  }
  return double(whole) + adjust;
}

int64_t Diff(const DateTime& a, const DateTime& b, Unit unit) {
  switch (unit) {
    case Unit::kMonth:
      return static_cast<int64_t>(MonthDiff(a, b));
    case Unit::kQuarter:
      return static_cast<int64_t>(MonthDiff(a, b) / 3);
    case Unit::kYear:
      return static_cast<int64_t>(MonthDiff(a, b) / 12);
    default:
      return (a.epoch_ms - b.epoch_ms) / FixedUnitMs(unit);
  }
}

// d(...) arguments: nothing (now), text (parsed, or a zone name: now there),
// a number (milliseconds since the epoch), a date, null (an invalid date).
Value MakeDate(const Node& n, const std::vector<Value>& args, const EvalContext& ctx) {
  const TimeZone* zone = nullptr;
  if (args.size() == 2) {
    bool utc;
    zone = FindTimeZone(String(n, args[1], "d() zone"), &utc);
    if (!zone && !utc) Fail(n, "unknown time zone '" + args[1].as_string() + "'");
  }
  if (args.empty()) return Value(DateTime{ctx.now_ms, nullptr, true});
  const Value& v = args[0];
  if (v.is_null()) return Value(DateTime{0, zone, false});
  if (v.is_number()) return Value(DateTime{v.as_number().Trunc(0).ToInt64().value_or(0), zone, true});
  if (v.is_date())
    return Value(DateTime{v.as_date().epoch_ms, zone ? zone : v.as_date().zone, v.as_date().valid});
  const std::string& text = String(n, v, "d()");
  if (auto parsed = ParseDateTime(text, zone)) return Value(*parsed);
  bool utc;
  if (const TimeZone* named = FindTimeZone(text, &utc); named || utc)
    return Value(DateTime{ctx.now_ms, named, true});
  return Value(DateTime{0, zone, false});
}

// The legacy date functions take text ('now' included) or epoch seconds and
// work in seconds.
int64_t LegacySeconds(const Node& n, const Value& v, const EvalContext& ctx) {
  if (v.is_number()) return v.as_number().Trunc(0).ToInt64().value_or(0);
  if (v.is_date()) return v.as_date().epoch_ms / kMsPerSecond;
  if (v.is_string() && v.as_string() == "now") return ctx.now_ms / kMsPerSecond;
  auto parsed = ParseDateTime(String(n, v, "date function"), nullptr);
  if (!parsed) Fail(n, "invalid date '" + v.as_string() + "'");
  return parsed->epoch_ms / kMsPerSecond;
}

int IsoWeekOfYear(const CivilTime& c) {
  int64_t days = DaysFromCivil(c.year, c.month, c.day);
  int64_t thursday = days - IsoWeekday(days) + 4;  // the week belongs to its Thursday's year
  CivilTime t = ToCivil(DateTime{thursday * kMsPerDay, nullptr, true});
  return static_cast<int>((thursday - DaysFromCivil(t.year, 1, 1)) / 7 + 1);
}

const char* const kShortMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kShortWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

Value CallMethod(const Node& n, const Value& receiver, const std::vector<Value>& args,
                 const EvalContext& ctx) {
  if (!receiver.is_date()) Fail(n, "." + n.name + "() expects a date, got " + receiver.TypeName());
  const DateTime& d = receiver.as_date();
  auto method = static_cast<DateMethod>(n.function);
  if (method == DateMethod::kIsValid) return Value(d.valid);
  if (!d.valid) return Value();
  auto arg = [&](size_t i) -> const Value& {
    if (i >= args.size()) Fail(n, "." + n.name + "() needs argument " + std::to_string(i + 1));
    return args[i];
  };
  auto other_date = [&](size_t i) -> DateTime {
    const Value& v = arg(i);
    if (v.is_date()) return v.as_date();
    return MakeDate(n, {v}, ctx).as_date();
  };
  CivilTime c = ToCivil(d);
  int64_t days = DaysFromCivil(c.year, c.month, c.day);
  switch (method) {
    case DateMethod::kAdd:
    case DateMethod::kSub: {
      int sign = method == DateMethod::kAdd ? 1 : -1;
      DateTime out = d;
      if (arg(0).is_string()) {
        for (const auto& [amount, unit] : ParseDuration(n, arg(0).as_string()))
          out = AddUnits(out, sign * amount, unit);
      } else {
        out = AddUnits(d, sign * Integer(n, arg(0), "add()"), UnitArg(n, arg(1)));
      }
      return Value(out);
    }
    case DateMethod::kSet: {
      Unit unit = UnitArg(n, arg(0));
      int value = static_cast<int>(Integer(n, arg(1), "set()"));
      switch (unit) {
        case Unit::kYear:
          c.year = value;
          break;
        case Unit::kMonth:
          c.month = value;
          break;
        case Unit::kDay:
          c.day = value;
          break;
        case Unit::kHour:
          c.hour = value;
          break;
        case Unit::kMinute:
          c.minute = value;
          break;
        case Unit::kSecond:
          c.second = value;
          break;
        default:
          Fail(n, "set() cannot set that unit");
      }
      return Value(FromCivil(c, d.zone));
    }
    case DateMethod::kStartOf:
      return Value(StartOf(d, UnitArg(n, arg(0))));
    case DateMethod::kEndOf:
      return Value(EndOf(d, UnitArg(n, arg(0))));
    case DateMethod::kTz: {
      bool utc;
      const TimeZone* zone = FindTimeZone(String(n, arg(0), "tz()"), &utc);
      if (!zone && !utc) Fail(n, "unknown time zone '" + arg(0).as_string() + "'");
      return Value(DateTime{d.epoch_ms, zone, true});
    }
    case DateMethod::kFormat:
      return Value(FormatPattern(d, String(n, arg(0), "format()")));
    case DateMethod::kDiff: {
      DateTime other = other_date(0);
      Unit unit = args.size() > 1 ? UnitArg(n, args[1]) : Unit::kMillisecond;
      return Value::Int(Diff(d, other, unit));
    }
    case DateMethod::kIsBefore:
    case DateMethod::kIsAfter:
    case DateMethod::kIsSame:
    case DateMethod::kIsSameOrBefore:
    case DateMethod::kIsSameOrAfter: {
      DateTime other = other_date(0);
      std::optional<Unit> unit;
      if (args.size() > 1) unit = UnitArg(n, args[1]);
      // As moment.js: with a unit, compare against the unit's bounds.
      bool same =
          unit ? StartOf(d, *unit).epoch_ms == StartOf(DateTime{other.epoch_ms, d.zone, true}, *unit).epoch_ms
               : d.epoch_ms == other.epoch_ms;
      bool before = unit ? EndOf(d, *unit).epoch_ms < other.epoch_ms : d.epoch_ms < other.epoch_ms;
      bool after = unit ? other.epoch_ms < StartOf(d, *unit).epoch_ms : d.epoch_ms > other.epoch_ms;
      switch (method) {
        case DateMethod::kIsBefore:
          return Value(before);
        case DateMethod::kIsAfter:
          return Value(after);
        case DateMethod::kIsSame:
          return Value(same);
        case DateMethod::kIsSameOrBefore:
          return Value(same || before);
        default:
          return Value(same || after);
      }
    }
    case DateMethod::kYear:
      return Value::Int(c.year);
    case DateMethod::kMonth:
      return Value::Int(c.month);
    case DateMethod::kDay:
      return Value::Int(c.day);
    case DateMethod::kWeekday:
      return Value::Int(IsoWeekday(days));
    case DateMethod::kHour:
      return Value::Int(c.hour);
    case DateMethod::kMinute:
      return Value::Int(c.minute);
    case DateMethod::kSecond:
      return Value::Int(c.second);
    case DateMethod::kDayOfYear:
      return Value::Int(days - DaysFromCivil(c.year, 1, 1) + 1);
    case DateMethod::kQuarter:
      return Value::Int((c.month - 1) / 3 + 1);
    case DateMethod::kTimestamp:
      return Value::Int(d.epoch_ms);
    case DateMethod::kOffsetName:
      return Value(TimeZoneName(d.zone));
    case DateMethod::kIsLeapYear:
      return Value(IsLeapYear(c.year));
    case DateMethod::kIsToday:
    case DateMethod::kIsYesterday:
    case DateMethod::kIsTomorrow: {
      int64_t shift = method == DateMethod::kIsToday ? 0 : method == DateMethod::kIsYesterday ? -1 : 1;
      DateTime today = AddUnits(StartOf(DateTime{ctx.now_ms, d.zone, true}, Unit::kDay), shift, Unit::kDay);
      return Value(StartOf(d, Unit::kDay).epoch_ms == today.epoch_ms);
    }
    case DateMethod::kIsValid:
      break;
  }
  return Value();
}

// ---- builtins -----------------------------------------------------------

const std::regex& CachedRegex(const Node& n, const std::string& pattern) {
  thread_local std::map<std::string, std::regex> cache;
  auto it = cache.find(pattern);
  if (it != cache.end()) return it->second;
  try {
    return cache.emplace(pattern, std::regex(pattern)).first->second;
  } catch (const std::regex_error&) {
    Fail(n, "invalid regular expression '" + pattern + "'");
  }
}

// strsim's normalized_damerau_levenshtein (ZEN's fuzzyMatch): 1 - distance
// / longer length, where the distance counts insertions, deletions,
// substitutions and transpositions of adjacent characters (unrestricted
// Damerau-Levenshtein, Lowrance-Wagner). The ratio is computed in decimal so
// that fuzzyMatch('world', 'hello') is exactly 0.2. Works on bytes.
Decimal NormalizedDamerauLevenshtein(const std::string& a, const std::string& b) {
  if (a.empty() && b.empty()) return Decimal::FromInt(1);
  const size_t cols = b.size() + 2;
  const size_t infinity = a.size() + b.size();
  std::vector<size_t> d((a.size() + 2) * cols);
  auto at = [&](size_t i, size_t j) -> size_t& { return d[i * cols + j]; };
  at(0, 0) = infinity;
  for (size_t i = 0; i <= a.size(); ++i) {
    at(i + 1, 0) = infinity;
    at(i + 1, 1) = i;
  }
  for (size_t j = 0; j <= b.size(); ++j) {
    at(0, j + 1) = infinity;
    at(1, j + 1) = j;
  }
  size_t last_row_of[256] = {};  // last row (1-based) where each byte occurred in a
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t last_match_col = 0;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t k = last_row_of[static_cast<unsigned char>(b[j - 1])], l = last_match_col;
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      if (cost == 0) last_match_col = j;
      at(i + 1, j + 1) = std::min(
          {at(i, j) + cost, at(i + 1, j) + 1, at(i, j + 1) + 1, at(k, l) + (i - k - 1) + 1 + (j - l - 1)});
    }
    last_row_of[static_cast<unsigned char>(a[i - 1])] = i;
  }
  auto distance = Decimal::FromInt(static_cast<int64_t>(at(a.size() + 1, b.size() + 1)));
  auto ratio = distance.Div(Decimal::FromInt(static_cast<int64_t>(std::max(a.size(), b.size()))));
  return *Decimal::FromInt(1).Sub(*ratio);
}

std::string Trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n\f\v"), e = s.find_last_not_of(" \t\r\n\f\v");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

Value MergeDeep(const Value& a, const Value& b) {
  if (a.is_object() && b.is_object()) {
    Object out = a.as_object();
    for (const auto& member : b.as_object()) {
      auto it =
          std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == member.first; });
      if (it == out.end()) {
        out.push_back(member);
      } else {
        it->second = MergeDeep(it->second, member.second);
      }
    }
    return Value(std::move(out));
  }
  if (a.is_array() && b.is_array()) {
    Array out = a.as_array();
    out.insert(out.end(), b.as_array().begin(), b.as_array().end());
    return Value(std::move(out));
  }
  return b;
}

Value Merge(const Node& n, const Array& items, bool deep) {
  Value result;
  for (const Value& item : items) {
    if (item.is_null()) continue;
    if (!item.is_array() && !item.is_object()) Fail(n, "merge() expects arrays or objects");
    if (result.is_null()) {
      result = item;
    } else if (deep || (result.is_array() && item.is_array())) {  // arrays concatenate either way
      result = MergeDeep(result, item);
    } else if (result.is_object() && item.is_object()) {
      Object out = result.as_object();
      for (const auto& member : item.as_object()) {
        auto it =
            std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == member.first; });
        if (it == out.end()) {
          out.push_back(member);
        } else {
          it->second = member.second;
        }
      }
      result = Value(std::move(out));
    } else {
      Fail(n, "merge() cannot mix arrays and objects");
    }
  }
  return result.is_null() ? Value(Object{}) : result;
}

std::vector<Decimal> Numbers(const Node& n, const Value& v, const char* what) {
  std::vector<Decimal> out;
  for (const Value& item : ArrayOf(n, v, what)) out.push_back(Number(n, item, what));
  return out;
}

Value MinMax(const Node& n, const Value& v, bool want_max) {
  const Array& items = ArrayOf(n, v, want_max ? "max()" : "min()");
  if (items.empty()) Fail(n, std::string(want_max ? "max()" : "min()") + " of an empty array");
  const Value* best = &items[0];
  for (const Value& item : items) {
    int order = Order(n, item, *best);
    if (want_max ? order > 0 : order < 0) best = &item;
  }
  return *best;
}

Value CallBuiltin(const Node& n, const std::vector<Value>& args, const EvalContext& ctx) {
  const Value& x = args.empty() ? Value() : args[0];
  switch (static_cast<Builtin>(n.function)) {
    case Builtin::kLen:
      // Bytes of UTF-8, as Rust's str::len in ZEN: len('张三') == 6.
      if (x.is_string()) return Value::Int(static_cast<int64_t>(x.as_string().size()));

      return Value::Int(static_cast<int64_t>(ArrayOf(n, x, "len()").size()));
    case Builtin::kUpper:
    case Builtin::kLower: {
      std::string s = String(n, x, n.name.c_str());
      bool upper = static_cast<Builtin>(n.function) == Builtin::kUpper;
      for (char& c : s)
        c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c))
                                    : std::tolower(static_cast<unsigned char>(c)));
      return Value(std::move(s));
    }
    case Builtin::kTrim:
      return Value(Trimmed(String(n, x, "trim()")));
    case Builtin::kStartsWith:
      return Value(String(n, x, "startsWith()").starts_with(String(n, args[1], "startsWith()")));
    case Builtin::kEndsWith:
      return Value(String(n, x, "endsWith()").ends_with(String(n, args[1], "endsWith()")));
    case Builtin::kContains:
      if (x.is_string())
        return Value(x.as_string().find(String(n, args[1], "contains()")) != std::string::npos);
      for (const Value& item : ArrayOf(n, x, "contains()")) {
        if (item == args[1]) return Value(true);
      }
      return Value(false);
    case Builtin::kMatches:
      return Value(
          std::regex_search(String(n, x, "matches()"), CachedRegex(n, String(n, args[1], "matches()"))));
    case Builtin::kExtract: {
      std::smatch match;
      const std::string& s = String(n, x, "extract()");
      Array groups;
      if (std::regex_search(s, match, CachedRegex(n, String(n, args[1], "extract()")))) {
        for (const auto& group : match) {
          // std::regex matches bytes: `.` can take half of a character.
          if (!IsValidUtf8(group.str())) Fail(n, "extract() matched part of a multi-byte character");
          groups.push_back(Value(group.str()));
        }
      }
      return Value(std::move(groups));
    }
    case Builtin::kFuzzyMatch: {
      const std::string& pattern = String(n, args[1], "fuzzyMatch()");
      auto score = [&](const Value& v) {
        return Value(NormalizedDamerauLevenshtein(String(n, v, "fuzzyMatch()"), pattern));
      };
      if (!x.is_array()) return score(x);
      Array out;
      for (const Value& item : x.as_array()) out.push_back(score(item));
      return Value(std::move(out));
    }
    case Builtin::kSplit: {
      const std::string& s = String(n, x, "split()");
      const std::string& sep = String(n, args[1], "split()");
      Array parts;
      if (sep.empty()) {
        for (size_t from = 0, to = 1; from < s.size(); from = to++) {
          while (!IsCharBoundary(s, to)) ++to;  // a character, not a byte of one
          parts.push_back(Value(s.substr(from, to - from)));
        }
        return Value(std::move(parts));
      }
      size_t start = 0, at;
      while ((at = s.find(sep, start)) != std::string::npos) {
        parts.push_back(Value(s.substr(start, at - start)));
        start = at + sep.size();
      }
      parts.push_back(Value(s.substr(start)));
      return Value(std::move(parts));
    }
    case Builtin::kNumber:
      if (x.is_number()) return x;
      if (x.is_bool()) return Value::Int(x.as_bool() ? 1 : 0);
      if (x.is_string()) {
        auto d = Decimal::Parse(Trimmed(x.as_string()));
        if (!d) Fail(n, "number(): '" + x.as_string() + "' is not a number");
        return Value(*d);
      }
      Fail(n, std::string("number() cannot convert ") + x.TypeName());
    case Builtin::kString:
      if (x.is_array() || x.is_object()) Fail(n, std::string("string() cannot convert ") + x.TypeName());
      return Value(x.ToText());
    case Builtin::kBool:  // ZEN's rules, including its quirk: any other non-empty text is false
      switch (x.kind()) {
        case ValueKind::kNull:
          return Value(false);
        case ValueKind::kBool:
          return x;
        case ValueKind::kNumber:
          return Value(!x.as_number().IsZero());
        case ValueKind::kString: {
          std::string text = Trimmed(x.as_string());
          if (text == "true" || text == "false") return Value(text == "true");
          return Value(x.as_string().empty());
        }
        default:
          return Value(true);
      }
    case Builtin::kIsNumeric:
      return Value(x.is_number() || (x.is_string() && Decimal::Parse(Trimmed(x.as_string())).has_value()));
    case Builtin::kType:
      return Value(std::string(x.TypeName()));
    case Builtin::kAbs:
      return Value(Number(n, x, "abs()").Abs());
    case Builtin::kSum:
    case Builtin::kAvg: {
      std::vector<Decimal> values = Numbers(n, x, n.name.c_str());
      Decimal total;
      for (const Decimal& d : values) total = Checked(n, total.Add(d), "sum()").as_number();
      if (static_cast<Builtin>(n.function) == Builtin::kSum) return Value(total);
      if (values.empty()) Fail(n, "avg() of an empty array");
      return Checked(n, total.Div(Decimal::FromInt(static_cast<int64_t>(values.size()))), "avg()");
    }
    case Builtin::kMin:
      return MinMax(n, x, false);
    case Builtin::kMax:
      return MinMax(n, x, true);
    case Builtin::kMedian: {
      std::vector<Decimal> values = Numbers(n, x, "median()");
      if (values.empty()) Fail(n, "median() of an empty array");
      std::sort(values.begin(), values.end(),
                [](const Decimal& a, const Decimal& b) { return a.Compare(b) < 0; });
      size_t mid = values.size() / 2;
      if (values.size() % 2 == 1) return Value(values[mid]);
      return Checked(n, values[mid - 1].Add(values[mid])->Div(Decimal::FromInt(2)), "median()");
    }
    case Builtin::kMode: {
      std::vector<Decimal> values = Numbers(n, x, "mode()");
      if (values.empty()) Fail(n, "mode() of an empty array");
      size_t best_count = 0;
      Decimal best;
      for (const Decimal& candidate : values) {
        size_t count = std::count(values.begin(), values.end(), candidate);
        // On a tie the larger number wins, as in ZEN (a sorted map's last maximum).
        if (count > best_count || (count == best_count && candidate.Compare(best) > 0)) {
          best_count = count;
          best = candidate;
        }
      }
      return Value(best);
    }
    case Builtin::kFloor:
      return Value(Number(n, x, "floor()").Floor());
    case Builtin::kCeil:
      return Value(Number(n, x, "ceil()").Ceil());
    case Builtin::kRound:
    case Builtin::kTrunc: {
      bool round = static_cast<Builtin>(n.function) == Builtin::kRound;
      const Decimal& d = Number(n, x, n.name.c_str());
      int places = args.size() > 1
                       ? static_cast<int>(std::clamp<int64_t>(Integer(n, args[1], n.name.c_str()), 0, 28))
                       : 0;
      return Value(round ? d.Round(places) : d.Trunc(places));
    }
    case Builtin::kRand: {
      thread_local std::mt19937_64 engine{std::random_device{}()};
      int64_t limit = Integer(n, x, "rand()");
      if (limit < 0) Fail(n, "rand() expects a non-negative limit");
      return Value::Int(std::uniform_int_distribution<int64_t>(0, limit)(engine));
    }
    case Builtin::kKeys: {
      Array out;
      if (x.is_array()) {
        for (size_t i = 0; i < x.as_array().size(); ++i) out.push_back(Value::Int(static_cast<int64_t>(i)));
      } else if (x.is_object()) {
        for (const auto& [key, item] : x.as_object()) out.push_back(Value(key));
      } else {
        Fail(n, std::string("keys() expects an object or array, got ") + x.TypeName());
      }
      return Value(std::move(out));
    }
    case Builtin::kValues: {
      if (!x.is_object()) Fail(n, std::string("values() expects an object, got ") + x.TypeName());
      Array out;
      for (const auto& [key, item] : x.as_object()) out.push_back(item);
      return Value(std::move(out));
    }
    case Builtin::kFlatten: {
      Array out;
      for (const Value& item : ArrayOf(n, x, "flatten()")) {
        if (item.is_array()) {
          out.insert(out.end(), item.as_array().begin(), item.as_array().end());
        } else {
          out.push_back(item);
        }
      }
      return Value(std::move(out));
    }
    case Builtin::kMerge:
      return Merge(n, ArrayOf(n, x, "merge()"), false);
    case Builtin::kMergeDeep:
      return Merge(n, ArrayOf(n, x, "mergeDeep()"), true);
    case Builtin::kDate:
      return Value::Int(LegacySeconds(n, x, ctx));
    case Builtin::kTime: {
      if (x.is_number()) return Value::Int(((LegacySeconds(n, x, ctx) % 86400) + 86400) % 86400);
      auto t = ParseTimeOfDay(String(n, x, "time()"));
      if (!t) Fail(n, "invalid time '" + x.as_string() + "'");
      return Value::Int(*t);
    }
    case Builtin::kDuration: {
      int64_t ms = 0;
      for (const auto& [amount, unit] : ParseDuration(n, String(n, x, "duration()")))
        ms += amount * FixedUnitMs(unit);
      return Value::Int(ms / kMsPerSecond);
    }
    case Builtin::kYear:
    case Builtin::kMonthOfYear:
    case Builtin::kMonthString:
    case Builtin::kDayOfMonth:
    case Builtin::kDayOfWeek:
    case Builtin::kDayOfYear:
    case Builtin::kWeekOfYear:
    case Builtin::kWeekdayString:
    case Builtin::kDateString: {
      CivilTime c = ToCivil(DateTime{LegacySeconds(n, x, ctx) * kMsPerSecond, nullptr, true});
      int64_t days = DaysFromCivil(c.year, c.month, c.day);
      switch (static_cast<Builtin>(n.function)) {
        case Builtin::kYear:
          return Value::Int(c.year);
        case Builtin::kMonthOfYear:
          return Value::Int(c.month);
        case Builtin::kMonthString:
          return Value(std::string(kShortMonths[c.month - 1]));
        case Builtin::kDayOfMonth:
          return Value::Int(c.day);
        case Builtin::kDayOfWeek:
          return Value::Int(IsoWeekday(days));
        case Builtin::kDayOfYear:
          return Value::Int(days - DaysFromCivil(c.year, 1, 1) + 1);
        case Builtin::kWeekOfYear:
          return Value::Int(IsoWeekOfYear(c));
        case Builtin::kWeekdayString:
          return Value(std::string(kShortWeekdays[IsoWeekday(days) - 1]));
        default:
          return Value(FormatPattern(DateTime{LegacySeconds(n, x, ctx) * kMsPerSecond, nullptr, true},
                                     "%Y-%m-%d %H:%M:%S"));
      }
    }
    case Builtin::kStartOf:
    case Builtin::kEndOf: {
      DateTime d{LegacySeconds(n, x, ctx) * kMsPerSecond, nullptr, true};
      Unit unit = UnitArg(n, args[1]);
      DateTime out =
          static_cast<Builtin>(n.function) == Builtin::kStartOf ? StartOf(d, unit) : EndOf(d, unit);
      return Value::Int((out.epoch_ms >= 0 ? out.epoch_ms : out.epoch_ms - 999) / kMsPerSecond);
    }
    case Builtin::kD:
      return MakeDate(n, args, ctx);
    default:
      break;
  }
  Fail(n, "function " + n.name + "() is not callable here");
}

// ---- the tree walk -------------------------------------------------------

// An interval used as a collection: the integers it contains.
Value IntervalItems(const Node& n, Frame& f) {
  int64_t low = Integer(n, Eval(n.children[0], f), "interval");
  int64_t high = Integer(n, Eval(n.children[1], f), "interval");
  if (!n.a) ++low;
  if (!n.b) --high;
  if (high - low > 10'000'000) Fail(n, "interval too large to iterate");
  Array out;
  for (int64_t i = low; i <= high; ++i) out.push_back(Value::Int(i));
  return Value(std::move(out));
}

Value Closure(const Node& n, Frame& f) {
  if (n.slot >= kMaxClosureDepth) Fail(n, "closures nested too deeply");
  const Node& source = n.children[0];
  Value items = source.kind == NodeKind::kInterval ? IntervalItems(source, f) : Eval(source, f);
  const std::string what = n.name + "()";
  const Array& array = ArrayOf(n, items, what.c_str());
  const Node& body = n.children[1];
  auto builtin = static_cast<Builtin>(n.function);
  Array out;
  int64_t matches = 0;
  for (const Value& item : array) {
    f.slots[n.slot] = &item;
    if (builtin == Builtin::kMap || builtin == Builtin::kFlatMap) {
      Value r = Eval(body, f);
      if (builtin == Builtin::kFlatMap && r.is_array()) {
        out.insert(out.end(), r.as_array().begin(), r.as_array().end());
      } else {
        out.push_back(std::move(r));
      }
      continue;
    }
    bool hit = EvalCondition(body, f, what.c_str());
    switch (builtin) {
      case Builtin::kFilter:
        if (hit) out.push_back(item);
        break;
      case Builtin::kSome:
        if (hit) return Value(true);
        break;
      case Builtin::kAll:
        if (!hit) return Value(false);
        break;
      case Builtin::kNone:
        if (hit) return Value(false);
        break;
      default:  // count, one
        if (hit) ++matches;
        break;
    }
  }
  switch (builtin) {
    case Builtin::kSome:
      return Value(false);
    case Builtin::kAll:
    case Builtin::kNone:
      return Value(true);
    case Builtin::kCount:
      return Value::Int(matches);
    case Builtin::kOne:
      return Value(matches == 1);
    default:
      return Value(std::move(out));
  }
}

const Value kNull;

// The variable `name`: assigned by an earlier statement, else from the input.
const Value& Lookup(const std::string& name, Frame& f) {
  if (f.context.dollar && name.size() == 1 && name[0] == '$') return *f.context.dollar;
  if (f.assigned) {
    for (const auto& [key, item] : *f.assigned) {
      if (key == name) return item;
    }
  }
  const Value* v = f.input.Find(name);
  return v ? *v : kNull;
}

Value Assign(const Value& target, const std::vector<std::string>& path, size_t at, Value v) {
  Object object = target.is_object() ? target.as_object() : Object{};
  auto it = std::find_if(object.begin(), object.end(), [&](const auto& kv) { return kv.first == path[at]; });
  Value inner = at + 1 == path.size()
                    ? std::move(v)
                    : Assign(it == object.end() ? Value() : it->second, path, at + 1, std::move(v));
  if (it == object.end()) {
    object.emplace_back(path[at], std::move(inner));
  } else {
    it->second = std::move(inner);
  }
  return Value(std::move(object));
}

Value Index(const Node& n, const Value& target, const Value& key) {
  if (target.is_array() && key.is_number()) {
    auto i = key.as_number().ToInt64();
    const Array& items = target.as_array();
    if (!i) return Value();
    int64_t index = *i < 0 ? *i + static_cast<int64_t>(items.size()) : *i;
    return index >= 0 && index < static_cast<int64_t>(items.size()) ? items[index] : Value();
  }
  if (target.is_object() && key.is_string()) {
    const Value* v = target.Find(key.as_string());
    return v ? *v : Value();
  }
  if (target.is_string() && key.is_number()) {
    auto i = key.as_number().ToInt64();
    const std::string& s = target.as_string();
    if (!i || *i < 0 || *i >= static_cast<int64_t>(s.size())) return Value();
    if (!IsCharBoundary(s, *i) || !IsCharBoundary(s, *i + 1)) {
      Fail(n, "index " + std::to_string(*i) + " is one byte of a multi-byte character");
    }
    return Value(s.substr(*i, 1));
  }
  return Value();
}

Value Slice(const Node& n, Frame& f) {
  Value target = Eval(n.children[0], f);
  int64_t size = target.is_string()  ? static_cast<int64_t>(target.as_string().size())
                 : target.is_array() ? static_cast<int64_t>(target.as_array().size())
                                     : -1;
  if (size < 0) Fail(n, std::string("cannot slice ") + target.TypeName());
  // Both bounds are inclusive: 'sample_string'[0:5] == 'sample'.
  int64_t from = n.a ? Integer(n, Eval(n.children[1], f), "slice") : 0;
  int64_t to = n.b ? Integer(n, Eval(n.children[2], f), "slice") : size - 1;
  // Out-of-range bounds are errors, as in ZEN ('sampl'[0:5] fails).
  if (from < 0 || to >= size || from > to + 1) {
    Fail(n, "slice [" + std::to_string(from) + ":" + std::to_string(to) + "] is out of range for length " +
                std::to_string(size));
  }
  if (target.is_string()) {
    const std::string& s = target.as_string();
    if (from <= to && (!IsCharBoundary(s, from) || !IsCharBoundary(s, to + 1))) {
      Fail(n, "slice [" + std::to_string(from) + ":" + std::to_string(to) + "] cuts a multi-byte character");
    }
    return Value(from > to ? std::string() : s.substr(from, to - from + 1));
  }
  if (from > to) return Value(Array{});
  return Value(Array(target.as_array().begin() + from, target.as_array().begin() + to + 1));
}

Value Eval(const Node& n, Frame& f) {
  switch (n.kind) {
    case NodeKind::kLiteral:
      return n.literal;
    case NodeKind::kVariable:
    case NodeKind::kMember: {
      Value scratch;
      return EvalRef(n, f, scratch);
    }
    case NodeKind::kRoot: {
      if (!f.assigned) return f.input;
      Value root = f.input.is_object() ? f.input : Value(Object{});
      for (const auto& [key, item] : *f.assigned) root = Assign(root, {key}, 0, item);
      return root;
    }
    case NodeKind::kClosureRef:
      return *f.slots[n.slot];
    case NodeKind::kIndex: {
      Value s1, s2;
      const Value& target = EvalRef(n.children[0], f, s1);
      return Index(n, target, EvalRef(n.children[1], f, s2));
    }
    case NodeKind::kSlice:
      return Slice(n, f);
    case NodeKind::kNegate:
      return Value(Number(n, Eval(n.children[0], f), "'-'").Negate());
    case NodeKind::kBinary: {
      if (n.op >= BinaryOp::kEq) return Value(EvalCondition(n, f));
      Value s1, s2;
      const Value& a = EvalRef(n.children[0], f, s1);
      return ApplyBinary(n, n.op, a, EvalRef(n.children[1], f, s2));
    }
    case NodeKind::kCoalesce: {
      Value a = Eval(n.children[0], f);
      return a.is_null() ? Eval(n.children[1], f) : a;
    }
    case NodeKind::kTernary:
      return EvalCondition(n.children[0], f, "'?'") ? Eval(n.children[1], f) : Eval(n.children[2], f);
    case NodeKind::kIn:
    case NodeKind::kUnaryTest:
    case NodeKind::kNot:
    case NodeKind::kAnd:
    case NodeKind::kOr:
      return Value(EvalCondition(n, f));
    case NodeKind::kInterval:
      return IntervalItems(n, f);
    case NodeKind::kArray: {
      Array items;
      items.reserve(n.children.size());
      for (const Node& c : n.children) items.push_back(Eval(c, f));
      return Value(std::move(items));
    }
    case NodeKind::kObject: {
      Object members;
      members.reserve(n.children.size() / 2);
      for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
        Value key = Eval(n.children[i], f);
        members.emplace_back(key.is_string() ? key.as_string() : key.ToText(), Eval(n.children[i + 1], f));
      }
      return Value(std::move(members));
    }
    case NodeKind::kTemplate: {
      std::string out;
      for (const Node& c : n.children) out += Eval(c, f).ToText();
      return Value(std::move(out));
    }
    case NodeKind::kCall: {
      std::vector<Value> args;
      args.reserve(n.children.size());
      for (const Node& c : n.children) args.push_back(Eval(c, f));
      return CallBuiltin(n, args, f.context);
    }
    case NodeKind::kClosure:
      return Closure(n, f);
    case NodeKind::kMethod: {
      Value receiver = Eval(n.children[0], f);
      std::vector<Value> args;
      for (size_t i = 1; i < n.children.size(); ++i) args.push_back(Eval(n.children[i], f));
      return CallMethod(n, receiver, args, f.context);
    }
    case NodeKind::kAssign: {
      Value v = Eval(n.children[0], f);
      Value updated = Assign(Value(std::move(*f.assigned)), n.path, 0, v);
      *f.assigned = updated.as_object();
      return v;
    }
    case NodeKind::kProgram: {
      Value last;
      for (const Node& c : n.children) last = Eval(c, f);
      if (n.children.back().kind == NodeKind::kAssign) return Value(*f.assigned);
      return last;
    }
  }
  return Value();
}

// Where a condition met two values that cannot be ordered.
struct Unordered {
  const Node* node = nullptr;
  const char* left_type = "";
  const char* right_type = "";
};

// Conditions (comparisons, in, and/or/not) straight to bool: decision-table
// cells are all conditions, and this path builds no intermediate Values.
// Comparing values that cannot be ordered (a missing field with a number,
// common in cells) gives nullopt and says where in `unordered`, without an
// exception: EvalCondition turns it into the error, Holds() into false.
// Other errors throw.
std::optional<bool> Condition(const Node& n, Frame& f, const char* what, Unordered& unordered) {
  const auto cannot_order = [&](const Node& at, const Value& a, const Value& b) {
    unordered = {&at, a.TypeName(), b.TypeName()};
    return std::nullopt;
  };
  switch (n.kind) {
    case NodeKind::kBinary:
      if (n.op >= BinaryOp::kEq) {
        Value s1, s2;
        const Value& a = EvalRef(n.children[0], f, s1);
        const Value& b = EvalRef(n.children[1], f, s2);
        if (std::optional<bool> holds = TryComparison(n.op, a, b)) return holds;
        return cannot_order(n, a, b);
      }
      break;
    case NodeKind::kAnd: {
      const std::optional<bool> left = Condition(n.children[0], f, "'and'", unordered);
      if (!left || !*left) return left;
      return Condition(n.children[1], f, "'and'", unordered);
    }
    case NodeKind::kOr: {
      const std::optional<bool> left = Condition(n.children[0], f, "'or'", unordered);
      if (!left || *left) return left;
      return Condition(n.children[1], f, "'or'", unordered);
    }
    case NodeKind::kNot: {
      const std::optional<bool> inner = Condition(n.children[0], f, "'not'", unordered);
      if (!inner) return inner;
      return !*inner;
    }
    case NodeKind::kIn: {
      Value s1, s2, s3;
      const Value& v = EvalRef(n.children[0], f, s1);
      const Node& set = n.children[1];
      bool found = false;
      if (set.kind == NodeKind::kInterval) {
        const Value& low = EvalRef(set.children[0], f, s2);
        const Value& high = EvalRef(set.children[1], f, s3);
        const std::optional<int> lo = TryOrder(v, low);
        if (!lo) return cannot_order(set, v, low);
        const std::optional<int> hi = TryOrder(v, high);
        if (!hi) return cannot_order(set, v, high);
        found = (set.a ? *lo >= 0 : *lo > 0) && (set.b ? *hi <= 0 : *hi < 0);
      } else {
        const Value& container = EvalRef(set, f, s2);
        if (container.is_array()) {
          for (const Value& item : container.as_array()) {
            if (Equal(item, v)) {
              found = true;
              break;
            }
          }
        } else if (container.is_object()) {
          found = container.Find(String(n, v, "'in'")) != nullptr;
        } else {
          Fail(n, std::string("'in' expects an array, object or interval, got ") + container.TypeName());
        }
      }
      return found != n.a;
    }
    case NodeKind::kUnaryTest: {
      Value scratch;
      const Value& r = EvalRef(n.children[0], f, scratch);
      if (n.a && r.is_bool()) return r.as_bool();
      static const std::string kDollar = "$";
      const Value& dollar = Lookup(kDollar, f);
      if (!r.is_array()) return Equal(dollar, r);
      for (const Value& item : r.as_array()) {
        if (Equal(item, dollar)) return true;
      }
      return false;
    }
    default:
      break;
  }
  Value scratch;
  return Truth(n, EvalRef(n, f, scratch), what);
}

bool EvalCondition(const Node& n, Frame& f, const char* what) {
  Unordered unordered;
  if (std::optional<bool> holds = Condition(n, f, what, unordered)) return *holds;
  Fail(*unordered.node,
       std::string("cannot compare ") + unordered.left_type + " with " + unordered.right_type);
}

// Like Eval, but literals, variables, closure items and their members are
// returned by reference instead of copied: no reference-count traffic on the
// hot path of `field op literal`. Other nodes are evaluated into `scratch`.
const Value& EvalRef(const Node& n, Frame& f, Value& scratch) {
  switch (n.kind) {
    case NodeKind::kLiteral:
      return n.literal;
    case NodeKind::kVariable:
      return Lookup(n.name, f);
    case NodeKind::kClosureRef:
      return *f.slots[n.slot];
    case NodeKind::kMember: {
      const Value& target = EvalRef(n.children[0], f, scratch);
      const Value* v = target.Find(n.name);
      if (!v) return kNull;
      if (&target != &scratch) return *v;
      Value member = *v;  // `v` lives inside scratch: copy before replacing it
      scratch = std::move(member);
      return scratch;
    }
    default:
      scratch = Eval(n, f);
      return scratch;
  }
}

}  // namespace

bool ProgramHolds(const Program& program, const Value& input, const EvalContext& context) {
  if (program.assigns) {
    const Value v = EvaluateProgram(program, input, context);
    return v.is_bool() && v.as_bool();
  }
  Frame frame(input, context, nullptr);
  Unordered unordered;
  return Condition(program.root, frame, "condition", unordered).value_or(false);
}

Value EvaluateProgram(const Program& program, const Value& input, const EvalContext& context) {
  if (program.unary) {
    Frame frame(input, context, nullptr);
    return Value(EvalCondition(program.root, frame, "a unary test"));
  }
  if (!program.assigns) {
    Frame frame(input, context, nullptr);
    return Eval(program.root, frame);
  }
  Object assigned;
  Frame frame(input, context, &assigned);
  return Eval(program.root, frame);
}

}  // namespace credo::expr
