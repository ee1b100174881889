// `credo features list|build|docs|ingest`: the feature engine's commands
// (docs/features.md). list and build are here; docs and ingest have their own files.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/progress.h"
#include "cli/subcommands.h"
#include "features/feature_plan.h"
#include "features/feature_table.h"

namespace credo::cli {
namespace {

using nlohmann::json;

void AddListCommand(CLI::App& features, Action* action) {
  struct Flags {
    std::string defs;
    bool json_output = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = features.add_subcommand(
      "list", "Every feature the definitions declare, with what it computes (the data dictionary)");
  cmd->add_option("--defs", flags->defs, "Feature definitions: a directory of *.yaml files, or one file")
      ->required();
  cmd->add_flag("--json", flags->json_output, "Print a JSON array of feature descriptions");
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(const features::FeaturePlan plan, features::FeaturePlan::Load(flags->defs));
      std::ostringstream out;
      if (flags->json_output) {
        json all = json::array();
        for (const auto& f : plan.features()) {
          all.push_back({{"name", f.name},
                         {"list", f.list},
                         {"filter", f.filter},
                         {"filter_expression", f.filter_expression},
                         {"aggregation", f.aggregation},
                         {"argument", f.argument},
                         {"window", f.window},
                         {"expression", f.expression},
                         {"description", f.description},
                         {"file", f.file},
                         {"line", f.line}});
        }
        out << all.dump(1) << '\n';
      } else {
        for (const auto& f : plan.features()) out << f.name << '\t' << f.description << '\n';
      }
      std::cout << out.str();
      std::cerr << plan.size() << " features\n";
      return Status::Ok();
    };
  });
}

void AddBuildCommand(CLI::App& features, Action* action) {
  struct Flags {
    std::string defs, docs, out, keep = "all";
    int threads = 0;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = features.add_subcommand(
      "build",
      "Compute the features of every document of a JSONL file into a table `credo model train` reads");
  cmd->add_option("--defs", flags->defs, "Feature definitions: a directory of *.yaml files, or one file")
      ->required();
  cmd->add_option("--docs", flags->docs, "Applicant documents, one JSON object a line (.jsonl, or .jsonl.gz)")
      ->required();
  cmd->add_option("--out", flags->out, "Output table (.csv; .csv.gz compresses)")->required();
  cmd->add_option("--keep-fields", flags->keep,
                  "Top-level document fields to copy before the features: all (every scalar field), none, "
                  "or a comma-separated list such as SK_ID_CURR,TARGET")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "Worker threads (default: one per hardware thread)")
      ->check(CLI::Range(1, 256));
  cmd->callback([=] {
    *action = [=]() -> Status {
      Progress progress;
      CREDO_ASSIGN_OR_RETURN(const features::FeaturePlan plan, features::FeaturePlan::Load(flags->defs));
      features::FeatureTableOptions options;
      options.documents = flags->docs;
      options.out = flags->out;
      options.threads = flags->threads;
      options.keep_all = flags->keep == "all";
      if (!options.keep_all && flags->keep != "none") {
        std::stringstream names(flags->keep);
        for (std::string name; std::getline(names, name, ',');) {
          if (!name.empty()) options.keep_fields.push_back(name);
        }
      }
      const int threads =
          options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
      progress.Say(std::to_string(plan.size()) + " features from " + flags->defs + "; " +
                   std::to_string(threads) + " threads");
      options.progress = [&](const features::FeatureTableProgress& p) {
        std::string line = "computed " + std::to_string(p.documents);
        if (p.total > 0) line += " / " + std::to_string(p.total);
        line += " documents";
        if (p.skipped > 0) line += " (" + std::to_string(p.skipped) + " skipped)";
        progress.Update(line);
      };
      CREDO_ASSIGN_OR_RETURN(const features::FeatureTableReport report,
                             features::BuildFeatureTable(plan, options));
      progress.Done();
      const double seconds = progress.elapsed_seconds();
      std::ostringstream rate;
      rate.precision(0);
      rate << std::fixed << (seconds > 0 ? report.documents / seconds : 0.0);
      progress.Say("wrote " + std::to_string(report.written) + " rows x " + std::to_string(report.columns) +
                   " columns to " + flags->out + " (" + rate.str() + " documents/s)");
      if (report.skipped > 0) {
        progress.Say("skipped " + std::to_string(report.skipped) + " of " + std::to_string(report.documents) +
                     " documents with data errors:");
        for (const auto& [reason, count] : report.skip_reasons) {
          progress.Say("  " + std::to_string(count) + " x " + reason);
        }
        progress.Say("first skipped:");
        for (const auto& s : report.first_skipped) {
          progress.Say("  line " + std::to_string(s.line) + ": " + s.reason.ToString());
        }
      }
      return Status::Ok();
    };
  });
}

}  // namespace

void AddFeaturesCommands(CLI::App& app, Action* action) {
  CLI::App* features = app.add_subcommand("features", "The feature engine: definitions, documents, tables");
  features->require_subcommand(1);
  AddListCommand(*features, action);
  AddBuildCommand(*features, action);
  AddFeaturesDocsCommand(*features, action);
  AddFeaturesIngestCommand(*features, action);
}

}  // namespace credo::cli
