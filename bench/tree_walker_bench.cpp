// One applicant through a 300-tree GBDT: the native tree walker
// (models/tree_walker.h) against XGBoost's C API (models/xgboost_booster.h),
// same model, same rows, same process. Prints Google Benchmark's table, then
// the C API's time over the native time for the probability and for the
// SHAP contributions.
//
//   tree_walker_bench [MODEL.json] [benchmark flags]
//
// MODEL.json defaults to the test fixture (300 trees, depth 4, 8 features),
// so run from the repository root:
//   build/bench/tree_walker_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "models/artifact.h"
#include "models/tree_walker.h"
#include "models/xgboost_booster.h"

namespace credo {
namespace {

using nlohmann::json;

constexpr size_t kRows = 1024;  // applicants cycled through, so no single path stays hot

// Applicants for the model: each feature uniform between the lowest and the
// highest threshold the trees split it at, 15% missing.
std::vector<float> Applicants(const json& model, size_t features) {
  std::vector<float> low(features, INFINITY);
  std::vector<float> high(features, -INFINITY);
  for (const json& tree : model["learner"]["gradient_booster"]["model"]["trees"]) {
    for (size_t node = 0; node < tree["left_children"].size(); ++node) {
      if (tree["left_children"][node] == -1) continue;
      const size_t f = tree["split_indices"][node].get<size_t>();
      const float threshold = tree["split_conditions"][node].get<float>();
      low[f] = std::min(low[f], threshold);
      high[f] = std::max(high[f], threshold);
    }
  }
  std::mt19937 random(7);
  std::uniform_real_distribution<float> unit(0, 1);
  std::vector<float> x(kRows * features);
  for (size_t i = 0; i < x.size(); ++i) {
    const size_t f = i % features;
    x[i] = unit(random) < 0.15f || low[f] > high[f] ? NAN : low[f] + unit(random) * (high[f] - low[f]);
  }
  return x;
}

// The model under test, loaded every way the benchmarks score it.
struct Models {
  models::CompiledTrees native;
  models::TreeEnsemble xgboost;
  models::ModelArtifact artifact;
  std::vector<float> applicants;
};

template <class T>
T OrExit(Result<T> result) {
  if (!result.ok()) {
    std::fprintf(stderr, "%s\n", result.status().ToString().c_str());
    std::exit(2);
  }
  return std::move(result).value();
}

const Models& Load(const std::string& path) {
  static const Models* loaded = [&] {
    std::ifstream in(path);
    if (!in) {
      std::fprintf(stderr, "cannot open %s (run from the repository root or pass MODEL.json)\n",
                   path.c_str());
      std::exit(2);
    }
    std::stringstream text;
    text << in.rdbuf();
    const json model = json::parse(text.str());
    std::vector<models::FeatureSpec> features;
    for (const json& name : model["learner"]["feature_names"])
      features.push_back({name.get<std::string>(), false});
    auto* m = new Models{OrExit(models::CompiledTrees::FromXgboostJson(text.str())),
                         OrExit(models::TreeEnsemble::FromJson(text.str())),
                         OrExit(models::ModelArtifact::FromXgboostJson(text.str(), features)),
                         {}};
    m->applicants = Applicants(model, m->native.num_features());
    return m;
  }();
  return *loaded;
}

std::string model_path = "tests/models/fixtures/xgboost/gbdt300_with_missing.json";

const float* Applicant(const Models& m, size_t i) {
  return &m.applicants[(i % kRows) * m.native.num_features()];
}

void ProbabilityNative(benchmark::State& state) {
  const Models& m = Load(model_path);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(m.native.Probability(Applicant(m, i++)));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void ProbabilityXgboostCApi(benchmark::State& state) {
  const Models& m = Load(model_path);
  const size_t cols = m.native.num_features();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(m.xgboost.PredictProbability(Applicant(m, i++), 1, cols));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void ContributionsNative(benchmark::State& state) {
  const Models& m = Load(model_path);
  std::vector<double> out(m.native.num_features() + 1);
  size_t i = 0;
  for (auto _ : state) {
    m.native.Contributions(Applicant(m, i++), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void ContributionsXgboostCApi(benchmark::State& state) {
  const Models& m = Load(model_path);
  const size_t cols = m.native.num_features();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(m.xgboost.Contributions(Applicant(m, i++), 1, cols));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// What the decision engine calls per applicant: probability and 3 reasons.
void ArtifactScore(benchmark::State& state) {
  const Models& m = Load(model_path);
  const size_t cols = m.native.num_features();
  models::FeatureValues values{std::vector<double>(cols), std::vector<std::string>(cols)};
  size_t i = 0;
  for (auto _ : state) {
    const float* row = Applicant(m, i++);
    values.numbers.assign(row, row + cols);
    benchmark::DoNotOptimize(m.artifact.Score(values, 3));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

BENCHMARK(ProbabilityNative);
BENCHMARK(ProbabilityXgboostCApi);
BENCHMARK(ContributionsNative);
BENCHMARK(ContributionsXgboostCApi);
BENCHMARK(ArtifactScore);

// The console table, remembering each benchmark's time per applicant for the ratios.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration) ns_[run.benchmark_name()] = run.GetAdjustedRealTime();
    }
  }
  void PrintRatio(const char* what, const std::string& native, const std::string& xgboost) const {
    const auto n = ns_.find(native);
    const auto x = ns_.find(xgboost);
    if (n == ns_.end() || x == ns_.end()) return;
    std::printf("%s: native %.2f us, XGBoost C API %.2f us, native is %.1fx faster\n", what, n->second / 1000,
                x->second / 1000, x->second / n->second);
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace
}  // namespace credo

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) credo::model_path = argv[1];
  credo::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatio("one-applicant probability", "ProbabilityNative", "ProbabilityXgboostCApi");
  reporter.PrintRatio("one-applicant SHAP contributions", "ContributionsNative", "ContributionsXgboostCApi");
  const credo::models::CompiledTrees& native = credo::Load(credo::model_path).native;
  std::printf("%zu trees, SHAP tables %.1f MB\n", native.num_trees(), native.table_bytes() / 1e6);
  benchmark::Shutdown();
  return 0;
}
