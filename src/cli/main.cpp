// The `credo` command: see `credo --help`.
#include "cli/commands.h"

int main(int argc, char** argv) { return credo::cli::Run(argc, argv); }
