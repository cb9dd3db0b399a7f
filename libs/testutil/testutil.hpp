// Helpers for the unit tests: where the test data is, running host tools
// (tar, openssl, python3, skopeo...) as independent checkers, temp dirs.
#pragma once

#include <filesystem>
#include <string>

namespace testutil {

// tests/data of this repository (real-world apks, indexes, keys, configs; see its PROVENANCE).
std::filesystem::path test_data_dir();
// test_data_dir() / rel, as a string.
std::string data_path(const std::string& rel);
// The OCI image-spec JSON schemas (Debian's golang-github-opencontainers-image-spec-dev).
std::filesystem::path oci_schema_dir();
// The SPDX 2.3 JSON schema in tests/data.
std::filesystem::path spdx_schema();

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
