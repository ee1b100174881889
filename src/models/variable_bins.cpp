#include "models/variable_bins.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace credo::models {
namespace {

std::string FormatEdge(double x) {
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

const char* KindName(BinKind kind) {
  switch (kind) {
    case BinKind::kRange:
      return "range";
    case BinKind::kMissing:
      return "missing";
    case BinKind::kSpecial:
      return "special";
    case BinKind::kCategories:
      return "categories";
  }
  return "range";
}

BinKind KindFromName(const std::string& name) {
  if (name == "missing") return BinKind::kMissing;
  if (name == "special") return BinKind::kSpecial;
  if (name == "categories") return BinKind::kCategories;
  if (name == "range") return BinKind::kRange;
  throw nlohmann::json::other_error::create(501, "unknown bin kind '" + name + "'", nullptr);
}

// JSON has no infinity; edges are written as null for +-inf.
nlohmann::json EdgeToJson(double x) { return std::isinf(x) ? nlohmann::json(nullptr) : nlohmann::json(x); }
double EdgeFromJson(const nlohmann::json& j, double if_null) {
  return j.is_null() ? if_null : j.get<double>();
}

}  // namespace

std::string Bin::Label() const {
  switch (kind) {
    case BinKind::kRange:
      return "(" + FormatEdge(lower) + ", " + FormatEdge(upper) + "]";
    case BinKind::kMissing:
      return "missing";
    case BinKind::kSpecial:
      return "= " + FormatEdge(special_value);
    case BinKind::kCategories: {
      std::string s = "{";
      for (size_t i = 0; i < categories.size(); ++i) s += (i ? ", " : "") + categories[i];
      if (takes_unseen) s += categories.empty() ? "other" : ", other";
      return s + "}";
    }
  }
  return {};
}

const char* TrendName(Trend trend) {
  switch (trend) {
    case Trend::kAscending:
      return "ascending";
    case Trend::kDescending:
      return "descending";
    case Trend::kPeak:
      return "peak";
    case Trend::kValley:
      return "valley";
    case Trend::kNone:
      return "none";
  }
  return "none";
}

int VariableBins::missing_bin() const {
  for (size_t i = 0; i < bins.size(); ++i) {
    if (bins[i].kind == BinKind::kMissing) return static_cast<int>(i);
  }
  return 0;
}

int VariableBins::Locate(double value) const {
  if (std::isnan(value)) return missing_bin();
  // Special values first, then the ordered range bins (binary search on upper edges).
  int first_range = -1, last_range = -1;
  for (size_t i = 0; i < bins.size(); ++i) {
    const Bin& b = bins[i];
    if (b.kind == BinKind::kSpecial && b.special_value == value) return static_cast<int>(i);
    if (b.kind == BinKind::kRange) {
      if (first_range < 0) first_range = static_cast<int>(i);
      last_range = static_cast<int>(i);
    }
  }
  if (first_range < 0) return missing_bin();
  int lo = first_range, hi = last_range;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (value <= bins[mid].upper)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

int VariableBins::LocateCategory(std::string_view level) const {
  if (level.empty()) return missing_bin();
  int unseen = -1;
  for (size_t i = 0; i < bins.size(); ++i) {
    const Bin& b = bins[i];
    if (b.kind != BinKind::kCategories) continue;
    for (const std::string& c : b.categories) {
      if (c == level) return static_cast<int>(i);
    }
    if (b.takes_unseen) unseen = static_cast<int>(i);
  }
  return unseen >= 0 ? unseen : missing_bin();
}

void to_json(nlohmann::json& j, const VariableBins& v) {
  nlohmann::json bins = nlohmann::json::array();
  for (const Bin& b : v.bins) {
    nlohmann::json jb = {{"kind", KindName(b.kind)}, {"label", b.Label()}, {"count", b.count},
                         {"bads", b.bads},           {"woe", b.woe},       {"iv", b.iv}};
    if (b.kind == BinKind::kRange) {
      jb["lower"] = EdgeToJson(b.lower);
      jb["upper"] = EdgeToJson(b.upper);
    } else if (b.kind == BinKind::kSpecial) {
      jb["value"] = b.special_value;
    } else if (b.kind == BinKind::kCategories) {
      jb["categories"] = b.categories;
      jb["takes_unseen"] = b.takes_unseen;
    }
    bins.push_back(std::move(jb));
  }
  j = {{"variable", v.variable},
       {"categorical", v.categorical},
       {"iv", v.iv},
       {"trend", TrendName(v.trend)},
       {"bins", std::move(bins)}};
}

void from_json(const nlohmann::json& j, VariableBins& v) {
  v.variable = j.at("variable").get<std::string>();
  v.categorical = j.at("categorical").get<bool>();
  v.iv = j.value("iv", 0.0);
  const std::string trend = j.value("trend", "none");
  v.trend = trend == "ascending"    ? Trend::kAscending
            : trend == "descending" ? Trend::kDescending
            : trend == "peak"       ? Trend::kPeak
            : trend == "valley"     ? Trend::kValley
                                    : Trend::kNone;
  v.bins.clear();
  for (const nlohmann::json& jb : j.at("bins")) {
    Bin b;
    b.kind = KindFromName(jb.at("kind").get<std::string>());
    b.count = jb.value("count", int64_t{0});
    b.bads = jb.value("bads", int64_t{0});
    b.woe = jb.at("woe").get<double>();
    b.iv = jb.value("iv", 0.0);
    if (b.kind == BinKind::kRange) {
      b.lower = EdgeFromJson(jb.at("lower"), -std::numeric_limits<double>::infinity());
      b.upper = EdgeFromJson(jb.at("upper"), std::numeric_limits<double>::infinity());
    } else if (b.kind == BinKind::kSpecial) {
      b.special_value = jb.at("value").get<double>();
    } else if (b.kind == BinKind::kCategories) {
      b.categories = jb.at("categories").get<std::vector<std::string>>();
      b.takes_unseen = jb.value("takes_unseen", false);
    }
    v.bins.push_back(std::move(b));
  }
}

}  // namespace credo::models
