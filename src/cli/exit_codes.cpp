#include "cli/exit_codes.h"

#include <iostream>

namespace credo::cli {

int ReportError(const Status& status) {
  std::cerr << "credo: error: " << status.ToString() << '\n';
  switch (status.code()) {
    case ErrorCode::kOk:
      return kExitOk;
    case ErrorCode::kUsage:
      return kExitUsage;
    case ErrorCode::kInternal:
      return kExitInternal;
    default:
      return kExitBadInput;
  }
}

}  // namespace credo::cli
