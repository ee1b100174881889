// modeling/report.h — the model report a credit team reads.
//
// Training produces the report as JSON (report.json, the numbers); this
// renders the same numbers as one self-contained HTML page (report.html:
// inline CSS and SVG charts, no scripts, no network): IV ranking, per
// variable binning tables with WOE and event-rate charts, ROC and KS curves,
// score distribution of goods and bads, decile and calibration tables, PSI,
// coefficients or feature importance, and every notice training raised.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace credo::modeling {

// Renders a report JSON (as built by TrainModel) to HTML. Sections whose
// data is absent are left out, so a partial report still renders.
std::string RenderReportHtml(const nlohmann::json& report);

}  // namespace credo::modeling
