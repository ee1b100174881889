// The feature engine's figures (issue 4), a small driver that reports percentiles:
//
//   features_bench latency DEFS DOCS.jsonl [--n N]
//       per-document latency, one thread, cycling through the documents of
//       DOCS (the first 200), each parsed into a Value beforehand as the
//       server parses a request:
//         engine  FeaturePlan::ComputeValue: the Value in, the features as doubles out;
//         node    the `features` node in a one-node strategy: also builds the
//                 output object of every feature by name (what a strategy sees);
//         json    FeaturePlan::ComputeJson: from the JSON text (the batch path).
//       Target: p99 < 1 ms for 5,000 features on a typical document (20 bureau
//       accounts x 24 months, 50 instalments, 10 previous applications:
//       `credo gen --documents --typical-size`).
//   features_bench throughput DEFS DOCS.jsonl [--threads T]
//       documents/s of `credo features build`'s library call (JSONL in, CSV out).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "decision/graph.h"
#include "features/feature_plan.h"
#include "features/feature_table.h"

namespace {

using credo::expr::Value;
using credo::features::FeaturePlan;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::exit(2);
}

FeaturePlan LoadPlan(const std::string& defs) {
  auto plan = FeaturePlan::Load(defs);
  if (!plan.ok()) Fail(plan.status().ToString());
  return std::move(plan).value();
}

std::vector<std::string> ReadLines(const std::string& path, size_t max) {
  std::ifstream in(path);
  if (!in) Fail("cannot open " + path);
  std::vector<std::string> lines;
  for (std::string line; lines.size() < max && std::getline(in, line);) {
    if (!line.empty()) lines.push_back(std::move(line));
  }
  if (lines.empty()) Fail("no documents in " + path);
  return lines;
}

void Report(const char* path, size_t features, std::vector<double>& us) {
  std::sort(us.begin(), us.end());
  const auto at = [&](double q) { return us[static_cast<size_t>(q * static_cast<double>(us.size() - 1))]; };
  std::printf(
      "{\"path\":\"%s\",\"features\":%zu,\"evaluations\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%."
      "1f,"
      "\"max_us\":%.1f}\n",
      path, features, us.size(), at(0.5), at(0.99), at(0.999), us.back());
  std::fflush(stdout);
}

template <class F>
void Time(const char* path, size_t features, size_t n, size_t documents, F&& evaluate) {
  for (size_t i = 0; i < documents; ++i) evaluate(i);  // warm-up: one pass over the documents
  std::vector<double> us;
  us.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const auto start = Clock::now();
    evaluate(i % documents);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  Report(path, features, us);
}

// Records per list over the documents, to say what "typical" was.
void DescribeDocuments(const std::vector<std::string>& lines) {
  std::map<std::string, double> records;
  size_t bytes = 0;
  for (const auto& line : lines) {
    bytes += line.size();
    const json doc = json::parse(line);
    for (const auto& [key, value] : doc.items()) {
      if (!value.is_array()) continue;
      records[key] += static_cast<double>(value.size());
      for (const auto& record : value) {
        for (const auto& [inner, nested] : record.items()) {
          if (nested.is_array()) records[key + "." + inner] += static_cast<double>(nested.size());
        }
      }
    }
  }
  std::printf("{\"documents\":%zu,\"mean_bytes\":%.0f", lines.size(),
              static_cast<double>(bytes) / lines.size());
  for (const auto& [list, n] : records) std::printf(",\"%s\":%.1f", list.c_str(), n / lines.size());
  std::printf("}\n");
}

void Latency(const std::string& defs, const std::string& docs_path, size_t n) {
  const FeaturePlan plan = LoadPlan(defs);
  const std::vector<std::string> lines = ReadLines(docs_path, 200);
  DescribeDocuments(lines);
  std::vector<Value> values;
  for (const auto& line : lines) values.push_back(Value::FromJson(json::parse(line)));
  credo::features::FeatureWorkspace workspace;
  std::vector<double> out(plan.size());
  Time("engine", plan.size(), n, values.size(), [&](size_t i) {
    if (!plan.ComputeValue(values[i], std::nullopt, workspace, out).ok()) Fail("compute failed");
  });
  const json graph = {
      {"nodes",
       {{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}},
        {{"id", "f"},
         {"type", "customNode"},
         {"name", "features"},
         {"content",
          {{"kind", "features"}, {"config", {{"defs", std::filesystem::absolute(defs).string()}}}}}},
        {{"id", "out"}, {"type", "outputNode"}, {"name", "response"}}}},
      {"edges",
       {{{"id", "1"}, {"sourceId", "in"}, {"targetId", "f"}},
        {{"id", "2"}, {"sourceId", "f"}, {"targetId", "out"}}}}};
  auto compiled = credo::decision::DecisionGraph::Compile(graph, "features_bench", {});
  if (!compiled.ok()) Fail(compiled.status().ToString());
  Time("node", plan.size(), n, values.size(), [&](size_t i) {
    if (!(*compiled)->Evaluate(values[i], {}).ok()) Fail("evaluation failed");
  });
  Time("json", plan.size(), n, lines.size(), [&](size_t i) {
    if (!plan.ComputeJson(lines[i], std::nullopt, workspace, out).ok()) Fail("compute failed");
  });
}

void Throughput(const std::string& defs, const std::string& docs_path, int threads) {
  const FeaturePlan plan = LoadPlan(defs);
  const std::string out = "/tmp/features_bench_" + std::to_string(getpid()) + ".csv";
  credo::features::FeatureTableOptions options;
  options.documents = docs_path;
  options.out = out;
  options.threads = threads;
  const auto start = Clock::now();
  auto report = credo::features::BuildFeatureTable(plan, options);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::filesystem::remove(out);
  if (!report.ok()) Fail(report.status().ToString());
  std::printf(
      "{\"path\":\"build\",\"features\":%zu,\"threads\":%d,\"documents\":%zu,\"seconds\":%.3f,"
      "\"documents_per_second\":%.0f}\n",
      plan.size(), threads, report->written, seconds, static_cast<double>(report->written) / seconds);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) Fail("usage: features_bench latency|throughput DEFS DOCS.jsonl [--n N] [--threads T]");
  const std::string mode = argv[1];
  size_t n = 20000;
  int threads = 1;
  for (int i = 4; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--n") n = std::stoul(argv[i + 1]);
    if (std::string(argv[i]) == "--threads") threads = std::stoi(argv[i + 1]);
  }
  if (mode == "latency") {
    Latency(argv[2], argv[3], n);
  } else if (mode == "throughput") {
    Throughput(argv[2], argv[3], threads);
  } else {
    Fail("unknown mode " + mode);
  }
  return 0;
}
