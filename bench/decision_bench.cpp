// The decision engine's figures (issue 3), a small driver rather than Google
// Benchmark because it reports percentiles and matches the peer's method:
//
//   decision_bench zen DIR [--seconds S]
//       every graph of DIR/manifest.json (../shared/conformance/zen/benchmark)
//       with its manifest input, single thread, as ZEN's own Node benchmark
//       measures: one warm-up evaluation, then sequential evaluations. One JSON
//       line per graph and way of calling: "credo" (a parsed input in, the
//       output Value back) and "credo-json" (JSON text in, JSON text out: the
//       conversions the Node binding also pays).
//   decision_bench latency STRATEGY.json REQUEST.json [--model model.json [--reasons-when EXPR]] [--n N]
//       p50/p99 latency of one in-process evaluation of a strategy; --model
//       swaps the model file of its `model` nodes (e.g. a 300-tree GBDT),
//       with reason codes on every decision unless --reasons-when limits them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "decision/graph.h"
#include "expr/value_json.h"

namespace {

using credo::decision::DecisionGraph;
using credo::decision::EvaluateOptions;
using credo::expr::Value;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Any fixed instant: the benchmark graphs compare fixed dates only.
constexpr int64_t kNowMs = 1755622502078;

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    std::exit(2);
  }
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::shared_ptr<const DecisionGraph> Compile(const json& jdm, const std::string& path) {
  auto graph = DecisionGraph::Compile(jdm, path, {std::filesystem::path(path).parent_path().string(), {}});
  if (!graph.ok()) {
    std::fprintf(stderr, "%s\n", graph.status().ToString().c_str());
    std::exit(2);
  }
  return *graph;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

template <class F>
void TimeSequential(const std::string& engine, const std::string& name, double seconds, F&& evaluate) {
  evaluate();  // warm-up, as ZEN's benchmark does
  int64_t iterations = 0;
  const auto start = Clock::now();
  const auto stop =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto now = start;
  while (now < stop) {
    for (int i = 0; i < 16; ++i) evaluate();
    iterations += 16;
    now = Clock::now();
  }
  const double elapsed = Seconds(now - start);
  std::printf(
      "{\"engine\":\"%s\",\"graph\":\"%s\",\"evaluations_per_second\":%.1f,\"iterations\":%lld,\"mean_us\":%."
      "3f}\n",
      engine.c_str(), name.c_str(), iterations / elapsed, static_cast<long long>(iterations),
      elapsed / iterations * 1e6);
  std::fflush(stdout);
}

int Zen(const std::string& dir, double seconds) {
  const json manifest = ReadJson(dir + "/manifest.json");
  for (const json& entry : manifest) {
    if (entry.value("kind", "") != "graph") continue;
    const std::string name = entry.at("name");
    const std::string path = dir + "/" + entry.at("file").get<std::string>();
    auto graph = Compile(ReadJson(path), path);
    const Value input = Value::FromJson(entry.at("input"));
    const std::string input_text = entry.at("input").dump();
    auto check = graph->Evaluate(input, {kNowMs});
    if (!check.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), check.status().ToString().c_str());
      return 2;
    }
    TimeSequential("credo", name, seconds, [&] {
      auto r = graph->Evaluate(input, {kNowMs});
      if (!r.ok()) std::abort();
    });
    TimeSequential("credo-json", name, seconds, [&] {  // as `credo serve` reads and writes them
      auto parsed = credo::expr::ParseValueJson(input_text);
      if (!parsed.ok()) std::abort();
      auto r = graph->Evaluate(*parsed, {kNowMs});
      if (!r.ok() || credo::expr::ValueJson(r->output).empty()) std::abort();
    });
  }
  return 0;
}

// Points the strategy's model nodes at `model`, asking for reason codes on
// every decision, or where `reasons_when` holds when it is given.
void SwapModel(json& node_list, const std::string& model, const std::string& reasons_when) {
  for (json& node : node_list) {
    if (node.value("type", "") == "customNode" && node["content"].value("kind", "") == "model") {
      json& config = node["content"]["config"];
      config["model"] = std::filesystem::absolute(model).string();
      config.erase("reasonsWhen");
      if (!reasons_when.empty()) config["reasonsWhen"] = reasons_when;
    }
  }
}

int Latency(const std::string& strategy, const std::string& request, const std::string& model,
            const std::string& reasons_when, int n) {
  json jdm = ReadJson(strategy);
  if (!model.empty()) SwapModel(jdm["nodes"], model, reasons_when);
  auto graph = Compile(jdm, strategy);
  const Value input = Value::FromJson(ReadJson(request));
  for (int i = 0; i < 1000; ++i) (void)graph->Evaluate(input, {kNowMs});
  std::vector<double> us(n);
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    auto r = graph->Evaluate(input, {kNowMs});
    us[i] = Seconds(Clock::now() - t0) * 1e6;
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 2;
    }
  }
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double u : us) sum += u;
  std::printf(
      "{\"strategy\":\"%s\",\"model\":\"%s\",\"evaluations\":%d,\"p50_us\":%.2f,\"p99_us\":%.2f,\"p999_us\":%"
      ".2f,"
      "\"mean_us\":%.2f}\n",
      strategy.c_str(), model.c_str(), n, us[n / 2], us[n * 99 / 100], us[n * 999 / 1000], sum / n);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto flag = [&](const std::string& name, const std::string& fallback) {
    auto it = std::find(args.begin(), args.end(), name);
    return it != args.end() && it + 1 != args.end() ? *(it + 1) : fallback;
  };
  if (args.size() >= 2 && args[0] == "zen") return Zen(args[1], std::stod(flag("--seconds", "3")));
  if (args.size() >= 3 && args[0] == "latency") {
    return Latency(args[1], args[2], flag("--model", ""), flag("--reasons-when", ""),
                   std::stoi(flag("--n", "100000")));
  }
  std::fprintf(
      stderr,
      "usage: decision_bench zen DIR [--seconds S]\n"
      "       decision_bench latency STRATEGY.json REQUEST.json [--model model.json [--reasons-when EXPR]] "
      "[--n N]\n");
  return 1;
}
