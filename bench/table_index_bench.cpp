// A 500-rule decision table keyed on one column (a product code, each rule
// one code, hit policy first), evaluated with its index and with the full
// scan: the same table plus a last rule that never matches and whose
// non-literal cell (`$ != $`) keeps the column from being indexed. Requests
// cycle through all 500 codes, so the scan tries 250 rules on average.
//
//   table_index_bench [benchmark flags]
// Google Benchmark's items_per_second is evaluations per second.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "decision/graph.h"

namespace {

using credo::decision::DecisionGraph;
using credo::expr::Value;
using nlohmann::json;

constexpr int kRules = 500;

std::shared_ptr<const DecisionGraph> Table(bool indexable) {
  json rules = json::array();
  for (int r = 0; r < kRules; ++r) {
    // Also a second, blank-or-comparison column, as real tables have.
    rules.push_back({{"_id", std::to_string(r)},
                     {"code", "'P" + std::to_string(r) + "'"},
                     {"amount", r % 3 ? "" : "> 100"},
                     {"limit", std::to_string(1000 + r)}});
  }
  if (!indexable) rules.push_back({{"_id", "never"}, {"code", "$ != $"}, {"amount", ""}, {"limit", "0"}});
  json content = {{"hitPolicy", "first"},
                  {"inputs", json::array({{{"id", "code"}, {"name", "Code"}, {"field", "product"}},
                                          {{"id", "amount"}, {"name", "Amount"}, {"field", "amount"}}})},
                  {"outputs", json::array({{{"id", "limit"}, {"field", "limit"}}})},
                  {"rules", rules}};
  json nodes = {{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}},
                {{"id", "t"}, {"type", "decisionTableNode"}, {"name", "Limits"}, {"content", content}},
                {{"id", "out"}, {"type", "outputNode"}, {"name", "response"}}};
  json edges = {{{"id", "e1"}, {"sourceId", "in"}, {"targetId", "t"}},
                {{"id", "e2"}, {"sourceId", "t"}, {"targetId", "out"}}};
  return *DecisionGraph::Compile({{"nodes", nodes}, {"edges", edges}}, "bench.json", {});
}

void Evaluate(benchmark::State& state, bool indexable) {
  auto graph = Table(indexable);
  std::vector<Value> requests;
  for (int r = 0; r < kRules; ++r) {
    requests.push_back(Value::FromJson({{"product", "P" + std::to_string(r)}, {"amount", 500}}));
  }
  size_t i = 0;
  for (auto _ : state) {
    auto result = graph->Evaluate(requests[i], {});
    if (!result.ok()) state.SkipWithError("evaluation failed");
    benchmark::DoNotOptimize(result);
    i = (i + 1) % requests.size();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Table500_Indexed(benchmark::State& state) { Evaluate(state, true); }
void BM_Table500_FullScan(benchmark::State& state) { Evaluate(state, false); }
BENCHMARK(BM_Table500_Indexed);
BENCHMARK(BM_Table500_FullScan);

}  // namespace

BENCHMARK_MAIN();
