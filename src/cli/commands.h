// cli/commands.h — the `credo` command line: `credo <noun> <verb> [flags]`.
//
// Exit codes: 0 success, 1 usage error, 2 bad input or data, 3 internal error.
#pragma once

namespace credo::cli {

// Parses argv, runs the chosen subcommand, returns the process exit code.
int Run(int argc, char** argv);

}  // namespace credo::cli
