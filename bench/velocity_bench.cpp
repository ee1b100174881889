// velocity_bench — the velocity store's figures (issue 4): events ingested per
// second and the latency of reading counts, for the RocksDB store.
//
//   velocity_bench [--events N] [--devices D] [--read-samples S]
//
// A synthetic month of applications: N events (default 200,000) spread evenly
// over 30 days in time order, each with a device_id (one of D, default 50,000,
// so ~4 events a device), a phone (one of D) and, on every 5th event, the
// employer "E1" (a hot entity with N/5 events). Every event has a unique
// event_id, so the idempotency check is part of the cost, as in the server.
//
// Ingest: one event per write (the server's POST /v1/events) from 1 and
// from 2 threads, and batches of 1,000 (`credo features ingest`), each into a
// fresh store. Reads, on the store of the batched run with `now` just after the
// last event: one Count over 24h, 7d and 30d for random devices and for the
// hot employer, and one VelocityFeatureReader::Read of 12 features (3
// entities x 4 windows) for a document: p50/p99 over S reads (default 20,000),
// after one unmeasured pass over the devices warms RocksDB's block cache.
// Stores are scratch directories in $TMPDIR (default /tmp), removed at exit.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "features/velocity_features.h"
#include "features/velocity_rocksdb.h"

namespace {

using credo::features::CounterKey;
using credo::features::RocksDbVelocityStore;
using credo::features::VelocityEvent;
using Clock = std::chrono::steady_clock;

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kStartMs = 1'740'787'200'000;  // 2025-03-01T00:00:00Z

template <class T>
T OrDie(credo::Result<T> result) {
  if (!result.ok()) {
    std::fprintf(stderr, "velocity_bench: %s\n", result.status().ToString().c_str());
    std::exit(2);
  }
  return std::move(result).value();
}

void OrDie(const credo::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "velocity_bench: %s\n", status.ToString().c_str());
    std::exit(2);
  }
}

std::vector<VelocityEvent> MakeEvents(int64_t n, int64_t devices) {
  std::mt19937_64 rng(42);
  std::vector<VelocityEvent> events(n);
  for (int64_t i = 0; i < n; ++i) {
    VelocityEvent& e = events[i];
    e.type = "application";
    e.time_ms = kStartMs + i * (30 * kDayMs / n);
    e.event_id = "app-" + std::to_string(i);
    e.entities.push_back({"device_id", "D" + std::to_string(rng() % devices)});
    e.entities.push_back({"phone", std::to_string(13'800'000'000 + static_cast<int64_t>(rng() % devices))});
    if (i % 5 == 0) e.entities.push_back({"employer", "E1"});
  }
  return events;
}

class ScratchStore {
 public:
  explicit ScratchStore(const std::string& name) {
    const char* tmp = std::getenv("TMPDIR");
    dir_ = std::string(tmp != nullptr ? tmp : "/tmp") + "/credo_velocity_bench_" + std::to_string(getpid()) +
           "_" + name;
    std::filesystem::remove_all(dir_);
    store_ = OrDie(RocksDbVelocityStore::Open(dir_, {.retention_ms = 31 * kDayMs}));
  }
  ~ScratchStore() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  RocksDbVelocityStore& operator*() { return *store_; }

 private:
  std::string dir_;
  std::unique_ptr<RocksDbVelocityStore> store_;
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

void ReportIngest(const char* how, int threads, int64_t events, double seconds) {
  std::printf(
      "{\"bench\":\"ingest\",\"how\":\"%s\",\"threads\":%d,\"events\":%lld,\"seconds\":%.2f,"
      "\"events_per_second\":%.0f}\n",
      how, threads, static_cast<long long>(events), seconds, events / seconds);
  std::fflush(stdout);
}

// One Record per event, the events split between `threads` threads by index.
void IngestSingly(const std::vector<VelocityEvent>& events, int threads) {
  ScratchStore store("singly" + std::to_string(threads));
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (size_t i = t; i < events.size(); i += threads) OrDie((*store).Record(events[i]));
    });
  }
  for (auto& w : workers) w.join();
  ReportIngest("one event a write", threads, events.size(), Seconds(Clock::now() - start));
}

void IngestBatched(RocksDbVelocityStore& store, const std::vector<VelocityEvent>& events) {
  const auto start = Clock::now();
  constexpr size_t kBatch = 1000;
  for (size_t i = 0; i < events.size(); i += kBatch) {
    const size_t n = std::min(kBatch, events.size() - i);
    OrDie(store.RecordBatch(std::span(events).subspan(i, n)));
  }
  ReportIngest("batches of 1000", 1, events.size(), Seconds(Clock::now() - start));
}

template <class F>
void ReportLatency(const std::string& what, int samples, F&& read) {
  std::vector<double> us(samples);
  for (int i = 0; i < samples; ++i) {
    const auto start = Clock::now();
    read(i);
    us[i] = Seconds(Clock::now() - start) * 1e6;
  }
  std::sort(us.begin(), us.end());
  std::printf("{\"bench\":\"read\",\"what\":\"%s\",\"samples\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f}\n",
              what.c_str(), samples, us[samples / 2], us[samples * 99 / 100]);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 200'000;
  int64_t devices = 50'000;
  int samples = 20'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--events")
      n = std::atoll(argv[i + 1]);
    else if (flag == "--devices")
      devices = std::atoll(argv[i + 1]);
    else if (flag == "--read-samples")
      samples = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: velocity_bench [--events N] [--devices D] [--read-samples S]\n");
      return 1;
    }
  }
  const std::vector<VelocityEvent> events = MakeEvents(n, devices);
  IngestSingly(events, 1);
  IngestSingly(events, 2);

  ScratchStore store("batched");
  IngestBatched(*store, events);
  const int64_t now = events.back().time_ms + 1;
  std::mt19937_64 rng(7);
  std::vector<std::string> device_ids(samples);
  for (auto& id : device_ids) id = "D" + std::to_string(rng() % devices);
  for (const std::string& id : device_ids) {  // warm the block cache: the figures are for a warm store
    OrDie((*store).Count(CounterKey{"device_id", id, "application"}, now, 30 * kDayMs));
  }
  for (const auto& [name, window] : {std::pair{"24h", kDayMs}, {"7d", 7 * kDayMs}, {"30d", 30 * kDayMs}}) {
    ReportLatency(std::string("count device_id ") + name, samples, [&](int i) {
      OrDie((*store).Count(CounterKey{"device_id", device_ids[i], "application"}, now, window));
    });
    ReportLatency(std::string("count hot employer ") + name, samples, [&](int) {
      OrDie((*store).Count(CounterKey{"employer", "E1", "application"}, now, window));
    });
  }
  std::vector<std::string> names;
  for (const char* entity : {"device_id", "phone", "employer"}) {
    for (const char* window : {"1h", "24h", "7d", "30d"}) {
      names.push_back(std::string("velocity.") + entity + ".application." + window);
    }
  }
  const auto reader = OrDie(credo::features::VelocityFeatureReader::Create(names));
  std::vector<double> values(names.size());
  ReportLatency("reader: 12 features of one document", samples, [&](int i) {
    const std::vector<std::optional<std::string>> entity_values = {
        device_ids[i], std::to_string(13'800'000'000 + static_cast<int64_t>(i % devices)), "E1"};
    OrDie(reader.Read(*store, entity_values, now, values));
  });
  return 0;
}
