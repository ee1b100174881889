// `credo decision replay ID`: re-evaluates a recorded decision with the
// strategy version and clock it was made with; exit 0 when it is reproduced
// exactly, 2 (with the difference on stderr) when it is not.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "audit/decision_log.h"
#include "cli/subcommands.h"
#include "decision/registry.h"
#include "server/replay.h"

namespace credo::cli {

void AddDecisionCommands(CLI::App& app, Action* action) {
  struct Flags {
    std::string decision_id;
    std::string db = "credo-decisions.db";
    std::string strategies = "examples/strategies";
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* decision = app.add_subcommand("decision", "Recorded decisions");
  decision->require_subcommand(1);
  CLI::App* replay =
      decision->add_subcommand("replay", "Re-evaluate a recorded decision and check it is reproduced");
  replay->add_option("id", flags->decision_id, "The decision id (dec_...)")->required();
  replay->add_option("--db", flags->db, "Audit log (SQLite file)")->capture_default_str();
  replay->add_option("--strategies", flags->strategies, "Strategy directory")->capture_default_str();
  replay->callback([=] {
    *action = [=]() -> Status {
      if (!std::filesystem::exists(flags->db)) return Status::NotFound("no audit log '" + flags->db + "'");
      CREDO_ASSIGN_OR_RETURN(auto log, audit::DecisionLog::Open(flags->db));
      CREDO_ASSIGN_OR_RETURN(auto record, log->Find(flags->decision_id));
      if (!record) return Status::NotFound("no decision '" + flags->decision_id + "' in " + flags->db);
      CREDO_ASSIGN_OR_RETURN(auto registry, decision::StrategyRegistry::Open(flags->strategies));
      CREDO_ASSIGN_OR_RETURN(server::Replay replayed, server::ReplayDecision(*registry, *record));
      const nlohmann::json report = {{"decision_id", record->decision_id},
                                     {"strategy", record->strategy},
                                     {"version", record->version},
                                     {"reproduced", replayed.reproduced},
                                     {"output", nlohmann::json::parse(replayed.output_json)},
                                     {"stored_output", nlohmann::json::parse(record->output_json)}};
      std::cout << report.dump(2) << "\n";
      if (!replayed.reproduced) {
        return Status::Invalid("decision '" + record->decision_id +
                               "' was not reproduced: " + replayed.difference);
      }
      return Status::Ok();
    };
  });
}

}  // namespace credo::cli
