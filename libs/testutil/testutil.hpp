// Shared helpers for the unit tests: where the fixtures are, running host tools
// (tar, openssl, python3, skopeo...) as independent checkers, temp dirs.
#pragma once

#include <filesystem>
#include <string>

namespace testutil {

// shared/fixtures of the steering repo (MA_SHARED_DIR at build time, or $MA_SHARED_DIR).
std::filesystem::path fixtures_dir();
std::filesystem::path schemas_dir();
bool have_fixtures();

// Runs `cmd` with /bin/sh; returns its stdout. `status` gets the exit status.
std::string run_capture(const std::string& cmd, int* status = nullptr);
// Runs `cmd` with /bin/sh, output discarded; returns the exit status.
int run_quiet(const std::string& cmd);
// Single-quotes `s` for the shell.
std::string shell_quote(const std::string& s);

// Validates the JSON text `doc` against the JSON schema file `schema` with the independent
// checker tests/tools/validate_json.py (python jsonschema). exit_code 0 = valid; output holds
// the checker's stdout and stderr.
struct JsonValidation {
  int exit_code = -1;
  std::string output;
};
JsonValidation validate_json(const std::filesystem::path& schema, const std::string& doc);

}  // namespace testutil

// Skips the current test with a clear message when the shared fixtures are absent.
#define SKIP_WITHOUT_FIXTURES()                                                              \
  if (!::testutil::have_fixtures())                                                          \
  GTEST_SKIP() << "shared fixtures not found at " << ::testutil::fixtures_dir()             \
               << " (set MA_SHARED_DIR to the steering repo's shared/ folder)"
