// `credo decide`: one decision from a JDM graph file, printed as JSON.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/subcommands.h"
#include "decision/evaluation_json.h"
#include "decision/graph.h"
#include "features/velocity_rocksdb.h"

namespace credo::cli {

void AddDecideCommand(CLI::App& app, Action* action) {
  struct Flags {
    std::string graph;
    std::string input;
    std::string now;
    std::string velocity;
    bool trace = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* decide =
      app.add_subcommand("decide", "Evaluate a JDM decision graph on one input and print the result");
  decide->add_option("graph", flags->graph, "The decision graph (JDM JSON)")->required();
  decide->add_option("--input", flags->input, "Input JSON file (default: stdin)");
  decide->add_option("--now", flags->now,
                     "Pin the clock date functions see, ISO 8601 UTC (e.g. 2025-08-19T16:55:02.078Z)");
  decide->add_option("--velocity-store", flags->velocity,
                     "Velocity store (RocksDB directory) for the velocity.* features of `features` nodes");
  decide->add_flag("--trace", flags->trace, "Add the per-node trace (inputs, outputs, matched rules)");
  decide->callback([=] {
    *action = [=]() -> Status {
      std::unique_ptr<features::RocksDbVelocityStore> velocity;
      if (!flags->velocity.empty()) {
        CREDO_ASSIGN_OR_RETURN(velocity, features::RocksDbVelocityStore::Open(flags->velocity));
      }
      CREDO_ASSIGN_OR_RETURN(auto graph, decision::DecisionGraph::LoadFile(flags->graph, velocity.get()));
      CREDO_ASSIGN_OR_RETURN(nlohmann::json input, ReadJsonInput(flags->input));
      decision::EvaluateOptions options;
      options.now_ms = decision::NowMs();
      if (!flags->now.empty()) {
        CREDO_ASSIGN_OR_RETURN(options.now_ms, decision::ParseInstantMs(flags->now));
      }
      options.trace = flags->trace ? decision::TraceLevel::kFull : decision::TraceLevel::kNone;
      CREDO_ASSIGN_OR_RETURN(decision::Evaluation evaluation,
                             graph->Evaluate(expr::Value::FromJson(input), options));
      std::cout << decision::EvaluationToJson(evaluation).dump(2) << "\n";
      return Status::Ok();
    };
  });
}

}  // namespace credo::cli
