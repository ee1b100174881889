// `credo strategy backtest`: what a strategy would have decided on a file of
// past applications, against another version, as tables or JSON.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/progress.h"
#include "cli/subcommands.h"
#include "decision/backtest.h"
#include "decision/evaluation_json.h"
#include "decision/graph.h"

namespace credo::cli {
namespace {

namespace fs = std::filesystem;

// Writes `text` to `path` through a temporary file, so that a failed run leaves no half report.
void AddBacktestCommand(CLI::App* strategy, Action* action) {
  struct Flags {
    std::string strategy;
    std::string data;
    std::string compare;
    std::string label;
    std::string now;
    std::string json_file;
    std::string format = "text";
    int threads = 2;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = strategy->add_subcommand(
      "backtest",
      "Run a strategy over past applications: decision rates, rule hits, outputs, swap set, bad rate");
  cmd->add_option("--strategy", f->strategy, "The strategy (JDM decision graph JSON)")->required();
  cmd->add_option("--data", f->data, "Applications: CSV (dotted columns nest) or JSONL (.jsonl)")->required();
  cmd->add_option("--compare", f->compare, "Another version of the strategy, for the swap set");
  cmd->add_option("--label", f->label, "Outcome column, 0 good / 1 bad, for the bad rate by decision");
  cmd->add_option("--now", f->now,
                  "Pin the clock date functions see, ISO 8601 UTC (default: now; the report records it)");
  cmd->add_option("--json", f->json_file, "Also write the report as JSON to this file");
  cmd->add_option("--format", f->format, "Report format on stdout")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--threads", f->threads, "Threads to evaluate with")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->callback([=] {
    *action = [=]() -> Status {
      Progress progress;
      CREDO_ASSIGN_OR_RETURN(nlohmann::json jdm, ReadJsonInput(f->strategy));
      CREDO_ASSIGN_OR_RETURN(auto strategy_graph, decision::DecisionGraph::LoadFile(f->strategy));
      std::shared_ptr<const decision::DecisionGraph> compare_graph;
      if (!f->compare.empty()) {
        CREDO_ASSIGN_OR_RETURN(compare_graph, decision::DecisionGraph::LoadFile(f->compare));
      }
      decision::BacktestOptions options;
      options.now_ms = decision::NowMs();
      if (!f->now.empty()) {
        CREDO_ASSIGN_OR_RETURN(options.now_ms, decision::ParseInstantMs(f->now));
      }
      options.threads = f->threads;
      options.strategy_jdm = &jdm;
      progress.Say("reading " + f->data);
      CREDO_ASSIGN_OR_RETURN(decision::BacktestData data,
                             decision::BacktestData::ReadFile(f->data, f->label));
      progress.Say(std::to_string(data.num_rows()) + " rows");
      options.progress = [&](size_t done, size_t total) {
        progress.Update("evaluated " + std::to_string(done) + " of " + std::to_string(total) + " rows");
      };
      const decision::BacktestReport report = Backtest(*strategy_graph, compare_graph.get(), data, options);
      progress.Done();
      const nlohmann::json json = decision::BacktestReportToJson(report);
      if (!f->json_file.empty())
        CREDO_RETURN_IF_ERROR(WriteFileAtomically(f->json_file, json.dump(1) + "\n"));
      std::cout << (f->format == "json" ? json.dump(1) + "\n" : decision::FormatBacktestReport(report));
      progress.Say("done");
      return Status::Ok();
    };
  });
}

}  // namespace

void AddStrategyCommands(CLI::App& app, Action* action) {
  CLI::App* strategy = app.add_subcommand("strategy", "Work with decision strategies");
  strategy->require_subcommand(1);
  AddBacktestCommand(strategy, action);
}

}  // namespace credo::cli
