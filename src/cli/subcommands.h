// cli/subcommands.h — each group of `credo` subcommands registers itself on
// the CLI11 app and, when chosen, leaves the work to run in `*action`.
#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "core/status.h"

namespace CLI {
class App;
}

namespace credo::cli {

// Reads a JSON document from `path`, or from stdin when it is "" or "-";
// a parse error names the file and the position.
Result<nlohmann::json> ReadJsonInput(const std::string& path);

// Writes `text` to `path` through a temporary file and a rename, so a failed
// run never leaves a half-written file.
Status WriteFileAtomically(const std::string& path, const std::string& text);

// The chosen subcommand's work, run after parsing succeeded.
using Action = std::function<Status()>;

void AddGenCommand(CLI::App& app, Action* action);        // credo gen
void AddModelCommands(CLI::App& app, Action* action);     // credo model train|score|bin|import-xgboost
void AddDecideCommand(CLI::App& app, Action* action);     // credo decide
void AddServeCommand(CLI::App& app, Action* action);      // credo serve
void AddDecisionCommands(CLI::App& app, Action* action);  // credo decision replay
void AddStrategyCommands(CLI::App& app, Action* action);  // credo strategy backtest
void AddLoanCommands(CLI::App& app, Action* action);  // credo loan schedule|open|repay|show|quote|prepay|...
void AddCreditLineCommands(CLI::App& app, Action* action);  // credo line open|show|limit|draw
void AddLedgerCommands(CLI::App& app, Action* action);      // credo ledger check|trial-balance
void AddEodCommand(CLI::App& app, Action* action);          // credo eod
void AddFeaturesCommands(CLI::App& app, Action* action);    // credo features list|build|docs|ingest
// Subcommands of the `credo features` group (`features` is the group's App).
void AddFeaturesDocsCommand(CLI::App& features, Action* action);    // credo features docs
void AddFeaturesIngestCommand(CLI::App& features, Action* action);  // credo features ingest

}  // namespace credo::cli
