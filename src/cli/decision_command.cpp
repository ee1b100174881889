// Placeholder: replaced by the decision command.
#include "cli/subcommands.h"

namespace credo::cli {

void AddDecisionCommands(CLI::App& app, Action* action) {}

}  // namespace credo::cli
