// Test helper: validates a JSON document against a schema with tests/tools/validate_json.py.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>

#include "base/fs.hpp"

namespace sbom::testing {

struct Validation {
  int exit_code = -1;
  std::string output;
};

inline Validation validate_json(const std::string& schema, const std::string& doc) {
  Validation v;
  auto dir = base::TempDir::create("sbom-test-");
  if (!dir) return v;
  auto doc_path = dir->path() / "doc.json";
  if (!base::write_file_atomic(doc_path, doc)) return v;
  std::string cmd = "python3 '" MA_SOURCE_DIR "/tests/tools/validate_json.py' '" + schema + "' '" + doc_path.string() + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return v;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) v.output.append(buf, n);
  int status = pclose(p);
  v.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return v;
}

inline std::string spdx_schema() { return MA_SHARED_DIR "/schemas/spdx/spdx-2.3.schema.json"; }
inline bool have_spdx_schema() { return std::filesystem::exists(spdx_schema()); }

}  // namespace sbom::testing
