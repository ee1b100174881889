// Placeholder: replaced by the serve command.
#include "cli/subcommands.h"

namespace credo::cli {

void AddServeCommand(CLI::App& app, Action* action) {}

}  // namespace credo::cli
