// `credo gen`: the synthetic applicant population (docs/population.md).
#include <CLI/CLI.hpp>

#include "cli/progress.h"
#include "cli/subcommands.h"
#include "population/population.h"

namespace credo::cli {

void AddGenCommand(CLI::App& app, Action* action) {
  struct Flags {
    int64_t rows = 10000;
    uint64_t seed = 1;
    int wide = 0;
    bool documents = false;
    bool typical_size = false;
    std::string out;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* gen = app.add_subcommand(
      "gen", "Generate a synthetic consumer-credit applicant population with a known default process");
  gen->add_option("--rows", flags->rows, "Number of applicants")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  gen->add_option("--seed", flags->seed, "Random seed; the same seed gives the same file")
      ->capture_default_str();
  gen->add_option("--wide", flags->wide, "Extra numeric variables x001..xNNN (for wide-table benchmarks)")
      ->capture_default_str()
      ->check(CLI::Range(0, 999));
  CLI::Option* documents =
      gen->add_flag("--documents", flags->documents,
                    "Write applicant documents with dated record lists (JSON Lines) instead of the CSV");
  gen->add_flag("--typical-size", flags->typical_size,
                "Benchmark-sized documents: 20 bureau accounts x 24 months, 10 previous applications, "
                "50 instalments")
      ->needs(documents);
  gen->add_option("--out", flags->out,
                  "Output CSV (.csv.gz to compress); with --documents .jsonl (.jsonl.gz)")
      ->required();
  gen->callback([=] {
    *action = [=]() -> Status {
      Progress progress;
      population::PopulationOptions options;
      options.rows = flags->rows;
      options.seed = flags->seed;
      options.wide_variables = flags->wide;
      const auto report = [&](int64_t done) {
        progress.Update("generated " + std::to_string(done) + " / " + std::to_string(flags->rows) +
                        " applicants");
      };
      if (flags->documents) {
        const auto sizes =
            flags->typical_size ? population::RecordSizes::kTypical : population::RecordSizes::kRealistic;
        CREDO_RETURN_IF_ERROR(population::WriteDocuments(options, sizes, flags->out, report));
      } else {
        CREDO_RETURN_IF_ERROR(population::WritePopulation(options, flags->out, report));
      }
      progress.Done();
      progress.Say("wrote " + std::to_string(flags->rows) +
                   (flags->documents ? " applicant documents" : " applicants") + " to " + flags->out);
      return Status::Ok();
    };
  });
}

}  // namespace credo::cli
