#include "modeling/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace credo::modeling {
namespace {

using nlohmann::json;

std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Num(double x, int decimals = 4) {
  if (!std::isfinite(x)) return "–";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string Pct(double share, int decimals = 1) { return Num(100.0 * share, decimals) + "%"; }

double Get(const json& j, const char* key, double fallback = NAN) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// A plot area of fixed size with axes from (x0,y0) to (x1,y1).
struct Plot {
  double width = 420, height = 260, margin_left = 48, margin_bottom = 32, margin_top = 12, margin_right = 12;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;

  double X(double x) const {
    return margin_left + (x - x0) / (x1 - x0) * (width - margin_left - margin_right);
  }
  double Y(double y) const {
    return height - margin_bottom - (y - y0) / (y1 - y0) * (height - margin_bottom - margin_top);
  }

  std::string Open(const std::string& title) const {
    std::ostringstream s;
    s << "<figure><figcaption>" << Escape(title) << "</figcaption><svg viewBox='0 0 " << width << ' '
      << height << "' width='" << width << "' height='" << height << "' role='img'>";
    s << "<line x1='" << X(x0) << "' y1='" << Y(y0) << "' x2='" << X(x1) << "' y2='" << Y(y0)
      << "' class='axis'/><line x1='" << X(x0) << "' y1='" << Y(y0) << "' x2='" << X(x0) << "' y2='" << Y(y1)
      << "' class='axis'/>";
    for (int i = 0; i <= 4; ++i) {
      const double yv = y0 + (y1 - y0) * i / 4.0, xv = x0 + (x1 - x0) * i / 4.0;
      s << "<text x='" << X(x0) - 4 << "' y='" << Y(yv) + 4 << "' class='tick' text-anchor='end'>"
        << Num(yv, 2) << "</text>";
      s << "<text x='" << X(xv) << "' y='" << Y(y0) + 14 << "' class='tick' text-anchor='middle'>"
        << Num(xv, 2) << "</text>";
    }
    return s.str();
  }

  std::string Polyline(const std::vector<std::pair<double, double>>& pts, const char* cls) const {
    std::ostringstream s;
    s << "<polyline class='" << cls << "' points='";
    for (const auto& [x, y] : pts) s << Num(X(x), 1) << ',' << Num(Y(y), 1) << ' ';
    s << "'/>";
    return s.str();
  }
};

std::string Legend(const std::vector<std::pair<const char*, std::string>>& items) {
  std::string s = "<div class='legend'>";
  for (const auto& [cls, label] : items)
    s += "<span class='key " + std::string(cls) + "'></span>" + Escape(label) + " ";
  return s + "</div>";
}

std::vector<std::pair<double, double>> Points(const json& arr) {
  std::vector<std::pair<double, double>> pts;
  for (const json& p : arr) pts.emplace_back(p.at(0).get<double>(), p.at(1).get<double>());
  return pts;
}

std::string RocChart(const json& metrics) {
  if (!metrics.contains("roc")) return "";
  Plot p;
  std::string s = p.Open("ROC curve (validation): AUC " + Num(Get(metrics["validation"], "auc")));
  s += p.Polyline({{0, 0}, {1, 1}}, "ref");
  s += p.Polyline(Points(metrics["roc"]), "line1");
  s += "</svg>" + Legend({{"line1", "model"}, {"ref", "random"}}) + "</figure>";
  return s;
}

std::string KsChart(const json& metrics) {
  if (!metrics.contains("ks_curve")) return "";
  Plot p;
  std::vector<std::pair<double, double>> bads, goods;
  for (const json& r : metrics["ks_curve"]) {
    bads.emplace_back(r.at(0).get<double>(), r.at(1).get<double>());
    goods.emplace_back(r.at(0).get<double>(), r.at(2).get<double>());
  }
  std::string s = p.Open("KS curve (validation): KS " + Num(Get(metrics["validation"], "ks")) +
                         " — cumulative share by population share, riskiest first");
  s += p.Polyline(bads, "line2") + p.Polyline(goods, "line1");
  s += "</svg>" + Legend({{"line2", "bads"}, {"line1", "goods"}}) + "</figure>";
  return s;
}

std::string ScoreDistributionChart(const json& metrics) {
  if (!metrics.contains("score_distribution")) return "";
  const json& d = metrics["score_distribution"];
  const json& edges = d.at("edges");
  const json& goods = d.at("goods");
  const json& bads = d.at("bads");
  if (goods.empty()) return "";
  double g_total = 0, b_total = 0;
  for (const json& g : goods) g_total += g.get<double>();
  for (const json& b : bads) b_total += b.get<double>();
  Plot p;
  p.x0 = edges.front().get<double>();
  p.x1 = edges.back().get<double>();
  p.y1 = 0;
  for (size_t i = 0; i < goods.size(); ++i) {
    p.y1 = std::max({p.y1, goods[i].get<double>() / std::max(1.0, g_total),
                     bads[i].get<double>() / std::max(1.0, b_total)});
  }
  p.y1 = p.y1 > 0 ? p.y1 * 1.1 : 1;
  std::string s =
      p.Open("Distribution of " + Text(d, "of") + " (validation), goods vs bads, share of each group");
  for (size_t i = 0; i < goods.size(); ++i) {
    const double left = p.X(edges[i].get<double>()), right = p.X(edges[i + 1].get<double>());
    const double w = (right - left) / 2;
    const double gy = p.Y(goods[i].get<double>() / std::max(1.0, g_total));
    const double by = p.Y(bads[i].get<double>() / std::max(1.0, b_total));
    s += "<rect class='bar1' x='" + Num(left, 1) + "' y='" + Num(gy, 1) + "' width='" + Num(w, 1) +
         "' height='" + Num(p.Y(0) - gy, 1) + "'/>";
    s += "<rect class='bar2' x='" + Num(left + w, 1) + "' y='" + Num(by, 1) + "' width='" + Num(w, 1) +
         "' height='" + Num(p.Y(0) - by, 1) + "'/>";
  }
  s += "</svg>" + Legend({{"bar1", "goods"}, {"bar2", "bads"}}) + "</figure>";
  return s;
}

// WOE bars with the event rate as a line, one pair per bin.
std::string BinChart(const json& var) {
  const json& bins = var.at("bins");
  if (bins.empty()) return "";
  double woe_abs = 0.1, rate_max = 0.01;
  for (const json& b : bins) {
    woe_abs = std::max(woe_abs, std::fabs(Get(b, "woe", 0)));
    rate_max = std::max(rate_max, Get(b, "event_rate", 0));
  }
  Plot p;
  p.width = 360;
  p.height = 180;
  p.x0 = 0;
  p.x1 = static_cast<double>(bins.size());
  p.y0 = -woe_abs * 1.1;
  p.y1 = woe_abs * 1.1;
  std::ostringstream s;
  s << "<svg viewBox='0 0 " << p.width << ' ' << p.height << "' width='" << p.width << "' height='"
    << p.height << "' role='img'><line class='axis' x1='" << p.X(0) << "' x2='" << p.X(p.x1) << "' y1='"
    << p.Y(0) << "' y2='" << p.Y(0) << "'/>";
  std::vector<std::pair<double, double>> rate_pts;
  for (size_t i = 0; i < bins.size(); ++i) {
    const double woe = Get(bins[i], "woe", 0);
    const double top = p.Y(std::max(woe, 0.0)), bottom = p.Y(std::min(woe, 0.0));
    s << "<rect class='" << (woe >= 0 ? "bar1" : "bar2") << "' x='" << Num(p.X(i + 0.15), 1) << "' y='"
      << Num(top, 1) << "' width='" << Num(p.X(i + 0.85) - p.X(i + 0.15), 1) << "' height='"
      << Num(std::max(bottom - top, 0.5), 1) << "'><title>" << Escape(Text(bins[i], "label")) << ": WOE "
      << Num(woe) << "</title></rect>";
    // Event rate drawn on its own scale over the same height.
    rate_pts.emplace_back(i + 0.5, p.y0 + (p.y1 - p.y0) * Get(bins[i], "event_rate", 0) / (rate_max * 1.1));
  }
  s << p.Polyline(rate_pts, "line2") << "</svg>";
  return s.str() + Legend({{"bar1", "WOE (safer)"},
                           {"bar2", "WOE (riskier)"},
                           {"line2", "event rate (max " + Pct(rate_max) + ")"}});
}

std::string Table(const std::vector<std::string>& headers,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string s = "<table><thead><tr>";
  for (const std::string& h : headers) s += "<th>" + Escape(h) + "</th>";
  s += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    s += "<tr>";
    for (const std::string& cell : row) s += "<td>" + Escape(cell) + "</td>";
    s += "</tr>";
  }
  return s + "</tbody></table>";
}

std::string Summary(const json& r) {
  std::string s = "<section><h2>Summary</h2>";
  const json& data = r.value("data", json::object());
  const json& metrics = r.value("metrics", json::object());
  std::vector<std::vector<std::string>> rows = {
      {"Model", Text(r.value("model", json::object()), "kind") + " (" +
                    Text(r.value("model", json::object()), "id") + ")"},
      {"Method requested", Text(r.value("model", json::object()), "method_requested")},
      {"Data", Text(data, "file") + " — " + Text(data, "rows") + " rows, target '" + Text(data, "target") +
                   "', bad rate " + Pct(Get(data, "bad_rate", 0), 2)},
      {"Split", Text(data, "split")},
      {"Train / validation rows", Text(data, "train_rows") + " / " + Text(data, "validation_rows")},
  };
  for (const char* part : {"train", "validation"}) {
    if (!metrics.contains(part)) continue;
    const json& m = metrics[part];
    rows.push_back({std::string("AUC / KS / Gini (") + part + ")",
                    Num(Get(m, "auc")) + " / " + Num(Get(m, "ks")) + " / " + Num(Get(m, "gini"))});
  }
  if (metrics.contains("psi"))
    rows.push_back({"Score PSI, train → validation", Num(Get(metrics["psi"], "value"))});
  s += Table({"", ""}, rows);
  if (r.contains("candidates")) {
    std::vector<std::vector<std::string>> c;
    for (const json& cand : r["candidates"]) {
      c.push_back({Text(cand, "method"), Num(Get(cand, "validation_auc")), Num(Get(cand, "validation_ks")),
                   Num(Get(cand, "seconds"), 1), Text(cand, "detail")});
    }
    s += "<h3>Candidates</h3>" + Table({"method", "validation AUC", "validation KS", "seconds", "detail"}, c);
  }
  if (r.contains("notices") && !r["notices"].empty()) {
    s += "<h3>Notices</h3><ul>";
    for (const json& n : r["notices"]) s += "<li>" + Escape(n.get<std::string>()) + "</li>";
    s += "</ul>";
  }
  return s + "</section>";
}

std::string Performance(const json& metrics) {
  if (metrics.empty()) return "";
  std::string s = "<section><h2>Performance</h2><div class='charts'>" + RocChart(metrics) + KsChart(metrics) +
                  ScoreDistributionChart(metrics) + "</div>";
  if (metrics.contains("deciles")) {
    std::vector<std::vector<std::string>> rows;
    for (const json& d : metrics["deciles"]) {
      rows.push_back({Text(d, "band"), Text(d, "rows"), Text(d, "bads"), Pct(Get(d, "bad_rate"), 2),
                      Num(Get(d, "min_probability")) + " – " + Num(Get(d, "max_probability")),
                      Pct(Get(d, "cumulative_bad_capture")), Num(Get(d, "lift"), 2)});
    }
    s +=
        "<h3>Decile table (validation, riskiest first)</h3>" +
        Table({"decile", "rows", "bads", "bad rate", "probability range", "cumulative bads captured", "lift"},
              rows);
  }
  if (metrics.contains("score_bands")) {
    std::vector<std::vector<std::string>> rows;
    for (const json& b : metrics["score_bands"]) {
      rows.push_back({Text(b, "band"), Text(b, "rows"), Text(b, "bads"), Pct(Get(b, "bad_rate"), 2)});
    }
    s += "<h3>Bad rate by score band (validation)</h3>" +
         Table({"score band", "rows", "bads", "bad rate"}, rows);
  }
  if (metrics.contains("calibration")) {
    std::vector<std::vector<std::string>> rows;
    for (const json& c : metrics["calibration"]) {
      rows.push_back(
          {Text(c, "band"), Text(c, "rows"), Pct(Get(c, "mean_predicted"), 2), Pct(Get(c, "observed"), 2)});
    }
    s += "<h3>Calibration (validation)</h3>" +
         Table({"band", "rows", "mean predicted", "observed bad rate"}, rows);
  }
  if (metrics.contains("psi") && metrics["psi"].contains("table")) {
    std::vector<std::vector<std::string>> rows;
    for (const json& b : metrics["psi"]["table"]) {
      rows.push_back({Text(b, "bucket"), Pct(Get(b, "expected_share")), Pct(Get(b, "actual_share")),
                      Num(Get(b, "psi"))});
    }
    s += "<h3>Score stability (PSI " + Num(Get(metrics["psi"], "value")) +
         "; below 0.1 stable, 0.1–0.25 watch, above 0.25 shifted)</h3>" +
         Table({"bucket", "train share", "validation share", "PSI part"}, rows);
  }
  return s + "</section>";
}

std::string ModelSection(const json& r) {
  std::string s;
  if (r.contains("scorecard")) {
    const json& sc = r["scorecard"];
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"(intercept)", Num(Get(sc, "intercept")), "", "", ""});
    for (const json& c : sc.value("coefficients", json::array())) {
      rows.push_back({Text(c, "variable"), Num(Get(c, "coefficient")), Num(Get(c, "std_error")),
                      Num(Get(c, "p_value"), 5), Text(c, "points_range")});
    }
    s += "<section><h2>Scorecard</h2><p>" + Escape(Text(sc, "scaling")) + "</p>" +
         Table({"characteristic", "coefficient (on WOE)", "std. error", "p-value", "points"}, rows) +
         "</section>";
  }
  if (r.contains("gbdt")) {
    const json& g = r["gbdt"];
    std::vector<std::vector<std::string>> rows;
    for (const json& f : g.value("feature_importance", json::array())) {
      rows.push_back({Text(f, "feature"), Num(Get(f, "gain"), 2), Pct(Get(f, "share"))});
    }
    s += "<section><h2>Gradient-boosted trees</h2><p>" + Escape(Text(g, "summary")) + "</p>" +
         Table({"feature", "total gain", "share of gain"}, rows) + "</section>";
  }
  return s;
}

std::string Variables(const json& r) {
  if (!r.contains("variables")) return "";
  std::string s = "<section><h2>Variables by information value</h2>";
  std::vector<std::vector<std::string>> rows;
  double iv_max = 0.01;
  for (const json& v : r["variables"]) iv_max = std::max(iv_max, Get(v, "iv", 0));
  s += "<table><thead><tr><th>variable</th><th>type</th><th>IV</th><th></th><th>trend</th><th>PSI</"
       "th><th>status</th></tr></thead><tbody>";
  for (const json& v : r["variables"]) {
    const double iv = Get(v, "iv", 0);
    s += "<tr><td><a href='#var-" + Escape(Text(v, "variable")) + "'>" + Escape(Text(v, "variable")) +
         "</a></td><td>" + Escape(Text(v, "type")) + "</td><td>" + Num(iv) +
         "</td><td><span class='ivbar' style='width:" + Num(120.0 * iv / iv_max, 0) + "px'></span></td><td>" +
         Escape(Text(v, "trend")) + "</td><td>" + Num(Get(v, "psi")) + "</td><td>" +
         Escape(Text(v, "status")) + "</td></tr>";
  }
  s += "</tbody></table>";
  for (const json& v : r["variables"]) {
    s += "<div class='var' id='var-" + Escape(Text(v, "variable")) + "'><h3>" + Escape(Text(v, "variable")) +
         " <small>IV " + Num(Get(v, "iv", 0)) + ", " + Escape(Text(v, "trend")) + "</small></h3>";
    std::vector<std::vector<std::string>> bins;
    for (const json& b : v.at("bins")) {
      bins.push_back({Text(b, "label"), Text(b, "count"), Pct(Get(b, "share", 0)), Text(b, "bads"),
                      Pct(Get(b, "event_rate", 0), 2), Num(Get(b, "woe", 0)), Num(Get(b, "iv", 0)),
                      b.contains("points") ? Text(b, "points") : ""});
    }
    s += "<div class='varbody'>" +
         Table({"bin", "rows", "share", "bads", "event rate", "WOE", "IV", "points"}, bins) + BinChart(v) +
         "</div></div>";
  }
  return s + "</section>";
}

constexpr const char* kStyle = R"(
body{font:14px/1.45 -apple-system,'Segoe UI',Roboto,'Noto Sans SC',sans-serif;margin:0 auto;max-width:1180px;padding:16px 24px;color:#1d2733}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;border-bottom:1px solid #d5dbe3;padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:18px 0 6px}small{color:#5b6878;font-weight:normal}
table{border-collapse:collapse;margin:6px 0 12px;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d5dbe3;padding:3px 8px;text-align:right}th{background:#f1f4f8}td:first-child,th:first-child{text-align:left}
figure{display:inline-block;margin:6px 18px 6px 0}figcaption{font-weight:600;margin-bottom:2px}
.charts{display:flex;flex-wrap:wrap}.varbody{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.axis{stroke:#8895a7;stroke-width:1}.tick{font-size:10px;fill:#5b6878}
.line1{fill:none;stroke:#2f6fde;stroke-width:2}.line2{fill:none;stroke:#d9480f;stroke-width:2}.ref{fill:none;stroke:#adb5bd;stroke-dasharray:4 3}
.bar1{fill:#2f6fde;opacity:.8}.bar2{fill:#d9480f;opacity:.8}
.legend{font-size:12px;color:#5b6878}.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 8px}
.key.line1,.key.bar1{background:#2f6fde}.key.line2,.key.bar2{background:#d9480f}.key.ref{background:#adb5bd}
.ivbar{display:inline-block;height:9px;background:#2f6fde}
)";

}  // namespace

std::string RenderReportHtml(const json& report) {
  std::string title = "Credo model report";
  if (report.contains("model")) title += " — " + Text(report["model"], "kind");
  std::string html = "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>" + Escape(title) +
                     "</title><style>" + kStyle + "</style></head><body><h1>" + Escape(title) + "</h1>";
  html += "<p><small>Generated " + Escape(Text(report.value("model", json::object()), "created_at")) +
          " by credo. The same numbers are in report.json.</small></p>";
  html += Summary(report);
  html += Performance(report.value("metrics", json::object()));
  html += ModelSection(report);
  html += Variables(report);
  if (report.contains("selection") && !report["selection"].empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const json& d : report["selection"])
      rows.push_back({Text(d, "variable"), Text(d, "step"), Text(d, "reason")});
    html += "<section><h2>Variables left out by selection</h2>" +
            Table({"variable", "step", "reason"}, rows) + "</section>";
  }
  return html + "</body></html>\n";
}

}  // namespace credo::modeling
