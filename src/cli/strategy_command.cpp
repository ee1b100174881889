// Placeholder: replaced by the strategy command.
#include "cli/subcommands.h"

namespace credo::cli {

void AddStrategyCommands(CLI::App& app, Action* action) {}

}  // namespace credo::cli
