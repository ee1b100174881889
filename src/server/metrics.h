// server/metrics.h — what `GET /metrics` reports, in the Prometheus text
// format: requests by route and status, decision latency, decisions by
// strategy and outcome, errors by code.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace credo::server {

// Counters and the decision-latency histogram of one server.
// Thread-safe: any number of threads may count while another renders.
class ServerMetrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 13> kLatencyBucketsSeconds = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};

  // One HTTP request answered; `route` is its pattern ("/v1/decide/{strategy}").
  void CountRequest(std::string_view route, int http_status);
  // One decision made and recorded, and how long it took end to end.
  void CountDecision(std::string_view strategy, std::string_view outcome, int64_t latency_us);
  // One error answered, by its JSON error code ("invalid_json").
  void CountError(std::string_view code);

  // Every metric in the Prometheus text exposition format 0.0.4.
  std::string PrometheusText() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t, std::less<>> requests_;
  std::map<std::pair<std::string, std::string>, uint64_t, std::less<>> decisions_;
  std::map<std::string, uint64_t, std::less<>> errors_;
  std::array<uint64_t, kLatencyBucketsSeconds.size() + 1> latency_counts_{};  // per bucket, last is +Inf
  int64_t latency_sum_us_ = 0;
};

}  // namespace credo::server
