#include "base/error.hpp"

namespace base {

int exit_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUsage: return 2;
    case ErrorCode::kInvalidInput: return 3;
    case ErrorCode::kFormat: return 3;
    case ErrorCode::kSignature: return 4;
    case ErrorCode::kNotFound: return 5;
    case ErrorCode::kConflict: return 6;
    case ErrorCode::kIo: return 7;
    case ErrorCode::kNetwork: return 8;
    case ErrorCode::kSandbox: return 9;
    case ErrorCode::kUnsupported: return 10;
    case ErrorCode::kInternal: return 70;
    case ErrorCode::kInterrupted: return 130;  // as a shell reports a Ctrl-C
  }
  return 1;
}

}  // namespace base
