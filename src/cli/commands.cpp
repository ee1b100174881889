#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <iostream>

namespace credo::cli {

int Run(int argc, char** argv) {
  CLI::App app{"Credo: the consumer-lending decision platform", "credo"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "credo 0.1.0");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  return 0;
}

}  // namespace credo::cli
