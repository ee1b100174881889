// cli/exit_codes.h — how a Status becomes a message on stderr and an exit code.
#pragma once

#include "core/status.h"

namespace credo::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;

// Prints "credo: error: <path>: <message>" to stderr; returns the exit code for it.
int ReportError(const Status& status);

}  // namespace credo::cli
