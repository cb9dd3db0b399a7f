// Error values for the whole project.
//
// Library code never throws across its API: fallible functions return Result<T>
// (tl::expected<T, Error>) and callers propagate with TRY / TRY_ASSIGN. Only the
// apps' run() functions turn an Error into a one-line message and an exit code.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace base {

// What kind of failure; decides the process exit status (see exit_status()).
enum class ErrorCode {
  kUsage = 1,        // bad command line
  kInvalidInput,     // bad YAML, bad flag value, bad package contents
  kFormat,           // a file that does not parse as its format
  kSignature,        // untrusted or failing signature, checksum mismatch
  kNotFound,         // a file, package or key that does not exist
  kConflict,         // solver conflicts, file conflicts between packages
  kIo,               // filesystem errors
  kNetwork,          // HTTP / registry errors
  kSandbox,          // runner could not start or a build step failed
  kUnsupported,      // valid but not implemented
  kInternal,         // a bug
  kInterrupted,      // SIGINT/SIGTERM/SIGHUP received (base/interrupt.hpp)
};

// One failure: `message` is a single line naming the file/object and the problem;
// `hint`, when set, tells the user what to change. `block` marks a report that is meant to
// span lines (the solver's explanation): its producer builds every line from fields that
// cannot hold a line break, so the CLI prints it as is instead of escaping the breaks.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string hint;
  bool block = false;

  // Prefixes the message with context, e.g. the file name: "x.apk: bad gzip".
  Error& context(const std::string& what) {
    message = what + ": " + message;
    return *this;
  }
  std::string to_string() const { return hint.empty() ? message : message + " (hint: " + hint + ")"; }
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message, std::string hint = {}) {
  return tl::unexpected<Error>(Error{code, std::move(message), std::move(hint)});
}
inline Status ok() { return {}; }

// Exit statuses scripts can rely on (documented in docs/ci.md).
int exit_status(ErrorCode code);

// Adds context to the error of a Result, leaving a value untouched.
template <class T>
Result<T> with_context(Result<T> r, const std::string& what) {
  if (!r) r.error().context(what);
  return r;
}

}  // namespace base

#define BASE_CAT_(a, b) a##b
#define BASE_CAT(a, b) BASE_CAT_(a, b)

// TRY(expr): evaluates a Result/Status; on error returns it from the enclosing function.
#define TRY(expr)                                                        \
  do {                                                                   \
    auto&& try_result_ = (expr);                                         \
    if (!try_result_) return ::tl::unexpected(std::move(try_result_).error()); \
  } while (0)

// TRY_ASSIGN(decl, expr): `decl = *expr` or return the error. decl may be `auto x`.
#define TRY_ASSIGN(decl, expr) TRY_ASSIGN_IMPL_(BASE_CAT(try_tmp_, __LINE__), decl, expr)
#define TRY_ASSIGN_IMPL_(tmp, decl, expr)                         \
  auto&& tmp = (expr);                                            \
  if (!tmp) return ::tl::unexpected(std::move(tmp).error());     \
  decl = std::move(*tmp)
