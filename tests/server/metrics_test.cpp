// The Prometheus text of ServerMetrics: cumulative histogram buckets, sums
// and escaped label values.
#include "server/metrics.h"

#include <gtest/gtest.h>

namespace credo::server {
namespace {

void ExpectLine(const std::string& text, const std::string& line) {
  EXPECT_NE(text.find(line + "\n"), std::string::npos) << "missing: " << line << "\nin:\n" << text;
}

TEST(ServerMetrics, TheLatencyHistogramIsCumulativeWithInclusiveBounds) {
  ServerMetrics metrics;
  metrics.CountDecision("cash", "approve", 40);     // <= 50 us
  metrics.CountDecision("cash", "approve", 100);    // == 100 us: le="0.0001" is inclusive
  metrics.CountDecision("cash", "decline", 2000);   // <= 2.5 ms
  metrics.CountDecision("cash", "refer", 3000000);  // 3 s: only +Inf
  const std::string text = metrics.PrometheusText();
  ExpectLine(text, "credo_decision_latency_seconds_bucket{le=\"5e-05\"} 1");
  ExpectLine(text, "credo_decision_latency_seconds_bucket{le=\"0.0001\"} 2");
  ExpectLine(text, "credo_decision_latency_seconds_bucket{le=\"0.001\"} 2");
  ExpectLine(text, "credo_decision_latency_seconds_bucket{le=\"0.0025\"} 3");
  ExpectLine(text, "credo_decision_latency_seconds_bucket{le=\"1\"} 3");
  ExpectLine(text, "credo_decision_latency_seconds_bucket{le=\"+Inf\"} 4");
  ExpectLine(text, "credo_decision_latency_seconds_count 4");
  // 40 + 100 + 2000 + 3000000 us = 3002140 us = 3.00214 s.
  ExpectLine(text, "credo_decision_latency_seconds_sum 3.00214");
  ExpectLine(text, "credo_decisions_total{strategy=\"cash\",outcome=\"approve\"} 2");
  ExpectLine(text, "credo_decisions_total{strategy=\"cash\",outcome=\"refer\"} 1");
}

TEST(ServerMetrics, LabelValuesAreEscaped) {
  ServerMetrics metrics;
  metrics.CountDecision("cash", "say \"no\"\\\n", 1);
  metrics.CountError("invalid_json");
  metrics.CountError("invalid_json");
  metrics.CountRequest("/healthz", 200);
  const std::string text = metrics.PrometheusText();
  ExpectLine(text, "credo_decisions_total{strategy=\"cash\",outcome=\"say \\\"no\\\"\\\\\\n\"} 1");
  ExpectLine(text, "credo_errors_total{code=\"invalid_json\"} 2");
  ExpectLine(text, "credo_http_requests_total{route=\"/healthz\",status=\"200\"} 1");
}

}  // namespace
}  // namespace credo::server
