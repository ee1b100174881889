// binning_bench — optimal binning + WOE of a wide table, against the target of
// 100 numeric variables x 1,000,000 rows in under 10 s.
//
//   binning_bench [FILE.csv [TARGET]]     (or CREDO_BENCH_TABLE=FILE.csv)
//
// FILE is what `credo gen --rows 1000000 --wide 75 --out FILE` writes; every
// column except TARGET (default "bad") and "*_id" columns is binned. Without
// a file, 100 numeric columns x 1,000,000 rows are synthesised with a fixed
// seed (ties, 2% missing, a special value -1 in some columns), so the bench
// always runs. Reading the file is not timed; binning (BinAll on all cores)
// and applying WOE to every column are, separately.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "data/table.h"
#include "modeling/binning.h"

namespace credo {
namespace {

constexpr double kTargetSeconds = 10;

struct Workload {
  std::vector<data::Column> columns;
  std::vector<uint8_t> bads;
  std::vector<double> special_values;
};

// 100 numeric columns driven by one latent risk: column j has correlation
// that falls with j, a third are whole numbers (many ties), every fifth uses
// -1 as "no record".
Workload Synthesise(size_t rows, int variables) {
  Workload w;
  w.special_values = {-1};
  std::mt19937_64 rng(20240607);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<double> risk(rows);
  w.bads.resize(rows);
  for (size_t i = 0; i < rows; ++i) {
    risk[i] = normal(rng);
    w.bads[i] = unit(rng) < 1 / (1 + std::exp(2.2 - 0.8 * risk[i]));
  }
  for (int j = 0; j < variables; ++j) {
    data::Column c;
    c.name = std::to_string(j + 1);
    c.name.insert(c.name.begin(), 'v');
    c.numbers.resize(rows);
    const double weight = 0.9 / (1 + j / 10.0);
    for (size_t i = 0; i < rows; ++i) {
      double x = 50 + 15 * (weight * risk[i] + std::sqrt(1 - weight * weight) * normal(rng));
      if (j % 3 == 0) x = std::round(x);
      if (unit(rng) < 0.02)
        x = std::nan("");
      else if (j % 5 == 0 && unit(rng) < 0.03)
        x = -1;
      c.numbers[i] = x;
    }
    w.columns.push_back(std::move(c));
  }
  return w;
}

Result<Workload> Load(const std::string& path, const std::string& target) {
  CREDO_ASSIGN_OR_RETURN(data::Table table, data::ReadCsv(path));
  Workload w;
  const data::Column* bad = table.Find(target);
  if (bad == nullptr || bad->type != data::ColumnType::kNumeric) {
    return Status::NotFound("no numeric target column '" + target + "'", path);
  }
  for (double y : bad->numbers) w.bads.push_back(y == 1 ? 1 : 0);
  for (const data::Column& c : table.columns()) {
    const bool id = c.name.size() >= 3 && c.name.compare(c.name.size() - 3, 3, "_id") == 0;
    if (c.name != target && !id) w.columns.push_back(c);
  }
  return w;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds of the process (all threads): on a shared machine, wall time
// alone hides how much of the machine the bench actually got.
double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

int Run(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : "";
  if (path.empty() && std::getenv("CREDO_BENCH_TABLE") != nullptr) path = std::getenv("CREDO_BENCH_TABLE");
  const std::string target = argc > 2 ? argv[2] : "bad";
  Workload w;
  if (path.empty()) {
    std::printf("no table given: synthesising 100 numeric columns x 1,000,000 rows (seed fixed)\n");
    w = Synthesise(1'000'000, 100);
  } else {
    std::printf("reading %s\n", path.c_str());
    Result<Workload> loaded = Load(path, target);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
      return 2;
    }
    w = std::move(loaded).value();
  }
  std::vector<const data::Column*> columns;
  int numeric = 0;
  for (const data::Column& c : w.columns) {
    columns.push_back(&c);
    numeric += c.type != data::ColumnType::kCategorical;
  }
  const size_t rows = w.bads.size();
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());

  modeling::BinningOptions options;
  options.special_values = w.special_values;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  Result<std::vector<models::VariableBins>> bins = modeling::BinAll(columns, w.bads, options);
  const double binning_seconds = SecondsSince(start);
  const double binning_cpu_seconds = CpuSeconds() - cpu_start;
  if (!bins.ok()) {
    std::fprintf(stderr, "%s\n", bins.status().ToString().c_str());
    return 2;
  }

  // WOE of every row of every column, one column per thread at a time, into
  // output the caller owns (allocated, and faulted in, before the clock starts).
  std::vector<std::vector<double>> woe(columns.size(), std::vector<double>(rows));
  start = std::chrono::steady_clock::now();
  cpu_start = CpuSeconds();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (size_t j = t; j < columns.size(); j += threads) {
        const data::Column& c = *columns[j];
        if (c.type == data::ColumnType::kCategorical) {
          modeling::ApplyWoe((*bins)[j], c.codes, c.levels, woe[j]);
        } else {
          modeling::ApplyWoe((*bins)[j], c.numbers, woe[j]);
        }
      }
    });
  }
  for (std::thread& t : pool) t.join();
  const double woe_seconds = SecondsSince(start);
  const double woe_cpu_seconds = CpuSeconds() - cpu_start;

  const double total = binning_seconds + woe_seconds;
  const double cells = static_cast<double>(rows) * static_cast<double>(columns.size());
  double iv_sum = 0;
  size_t range_bins = 0;
  for (const models::VariableBins& v : *bins) {
    iv_sum += v.iv;
    range_bins += v.bins.size();
  }
  std::printf("variables              %zu (%d numeric)\n", columns.size(), numeric);
  std::printf("rows                   %zu\n", rows);
  std::printf("threads                %u\n", threads);
  std::printf("binning seconds        %.3f wall, %.3f cpu\n", binning_seconds, binning_cpu_seconds);
  std::printf("apply WOE seconds      %.3f wall, %.3f cpu\n", woe_seconds, woe_cpu_seconds);
  std::printf("total seconds          %.3f wall (target %.0f s; target / measured = %.2f)\n", total,
              kTargetSeconds, kTargetSeconds / total);
  std::printf("rows x variables / s   %.3g\n", cells / total);
  std::printf("mean bins per variable %.2f, mean IV %.4f\n", static_cast<double>(range_bins) / bins->size(),
              iv_sum / bins->size());
  return 0;
}

}  // namespace
}  // namespace credo

int main(int argc, char** argv) { return credo::Run(argc, argv); }
