#include "server/metrics.h"

#include <algorithm>
#include <cstdio>

namespace credo::server {
namespace {

// A label value with \, " and newline escaped as the text format requires.
std::string LabelValue(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", seconds);
  return text;
}

}  // namespace

void ServerMetrics::CountRequest(std::string_view route, int http_status) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), http_status}];
}

void ServerMetrics::CountDecision(std::string_view strategy, std::string_view outcome, int64_t latency_us) {
  const double seconds = static_cast<double>(latency_us) / 1e6;
  const size_t bucket =
      std::lower_bound(kLatencyBucketsSeconds.begin(), kLatencyBucketsSeconds.end(), seconds) -
      kLatencyBucketsSeconds.begin();
  std::lock_guard lock(mutex_);
  ++decisions_[{std::string(strategy), std::string(outcome)}];
  ++latency_counts_[bucket];
  latency_sum_us_ += latency_us;
}

void ServerMetrics::CountError(std::string_view code) {
  std::lock_guard lock(mutex_);
  ++errors_[std::string(code)];
}

std::string ServerMetrics::PrometheusText() const {
  std::lock_guard lock(mutex_);
  std::string text;
  text += "# HELP credo_http_requests_total HTTP requests answered, by route and status.\n";
  text += "# TYPE credo_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    text += "credo_http_requests_total{route=\"" + LabelValue(key.first) + "\",status=\"" +
            std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  text += "# HELP credo_decision_latency_seconds Time from request body to recorded decision.\n";
  text += "# TYPE credo_decision_latency_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < latency_counts_.size(); ++i) {
    cumulative += latency_counts_[i];
    const std::string bound = i < kLatencyBucketsSeconds.size() ? Seconds(kLatencyBucketsSeconds[i]) : "+Inf";
    text +=
        "credo_decision_latency_seconds_bucket{le=\"" + bound + "\"} " + std::to_string(cumulative) + "\n";
  }
  text += "credo_decision_latency_seconds_sum " + Seconds(static_cast<double>(latency_sum_us_) / 1e6) + "\n";
  text += "credo_decision_latency_seconds_count " + std::to_string(cumulative) + "\n";
  text += "# HELP credo_decisions_total Decisions made and recorded, by strategy and outcome.\n";
  text += "# TYPE credo_decisions_total counter\n";
  for (const auto& [key, count] : decisions_) {
    text += "credo_decisions_total{strategy=\"" + LabelValue(key.first) + "\",outcome=\"" +
            LabelValue(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  text += "# HELP credo_errors_total Error responses, by error code.\n";
  text += "# TYPE credo_errors_total counter\n";
  for (const auto& [code, count] : errors_) {
    text += "credo_errors_total{code=\"" + LabelValue(code) + "\"} " + std::to_string(count) + "\n";
  }
  return text;
}

}  // namespace credo::server
