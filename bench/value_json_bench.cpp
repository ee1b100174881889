// The decision request and answer as `credo serve` handles them, through
// expr/value_json (SAX straight into a Value, text written straight from
// it) against the nlohmann DOM route it replaced (json::parse then
// Value::FromJson; Value::ToJson then dump). Same input, same output bytes.
//
//   value_json_bench [REQUEST.json] [benchmark flags]
// (default examples/strategies/cash_loan_request.json). items_per_second is
// requests (or answers) per second.
#include <benchmark/benchmark.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "expr/value_json.h"

namespace {

using credo::expr::Value;
using nlohmann::json;

std::string request_text;

void ParseDirect(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(credo::expr::ParseValueJson(request_text));
  state.SetItemsProcessed(state.iterations());
}

void ParseThroughDom(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Value::FromJson(json::parse(request_text)));
  state.SetItemsProcessed(state.iterations());
}

void WriteDirect(benchmark::State& state) {
  const Value value = *credo::expr::ParseValueJson(request_text);
  for (auto _ : state) benchmark::DoNotOptimize(credo::expr::ValueJson(value));
  state.SetItemsProcessed(state.iterations());
}

void WriteThroughDom(benchmark::State& state) {
  const Value value = *credo::expr::ParseValueJson(request_text);
  for (auto _ : state) benchmark::DoNotOptimize(value.ToJson().dump());
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(ParseDirect);
BENCHMARK(ParseThroughDom);
BENCHMARK(WriteDirect);
BENCHMARK(WriteThroughDom);

}  // namespace

int main(int argc, char** argv) {
  std::string path = "examples/strategies/cash_loan_request.json";
  if (argc > 1 && argv[1][0] != '-') {
    path = argv[1];
    --argc;
    ++argv;
  }
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "value_json_bench: cannot open %s\n", path.c_str());
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  request_text = text.str();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
