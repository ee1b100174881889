#include "cli/commands.h"

#include <CLI/CLI.hpp>

#include "cli/exit_codes.h"
#include "cli/subcommands.h"

namespace credo::cli {

int Run(int argc, char** argv) {
  CLI::App app{
      "Credo: the consumer-lending decision platform.\n"
      "Run `credo <command> --help` for the flags of a command.",
      "credo"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "credo 0.1.0");
  app.failure_message(CLI::FailureMessage::help);

  Action action;
  AddGenCommand(app, &action);
  AddModelCommands(app, &action);
  AddDecideCommand(app, &action);
  AddServeCommand(app, &action);
  AddDecisionCommands(app, &action);
  AddStrategyCommands(app, &action);
  AddFeaturesCommands(app, &action);
  AddLoanCommands(app, &action);
  AddCreditLineCommands(app, &action);
  AddLedgerCommands(app, &action);
  AddEodCommand(app, &action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!action) return kExitUsage;
  const Status status = action();
  return status.ok() ? kExitOk : ReportError(status);
}

}  // namespace credo::cli
