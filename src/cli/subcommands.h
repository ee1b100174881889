// cli/subcommands.h — each group of `credo` subcommands registers itself on
// the CLI11 app and, when chosen, leaves the work to run in `*action`.
#pragma once

#include <functional>

#include "core/status.h"

namespace CLI {
class App;
}

namespace credo::cli {

// The chosen subcommand's work, run after parsing succeeded.
using Action = std::function<Status()>;

void AddGenCommand(CLI::App& app, Action* action);     // credo gen
void AddModelCommands(CLI::App& app, Action* action);  // credo model train|score|bin|import-xgboost

}  // namespace credo::cli
