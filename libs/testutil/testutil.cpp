#include "testutil/testutil.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace testutil {

std::filesystem::path test_data_dir() { return MA_TEST_DATA_DIR; }
std::filesystem::path oci_schema_dir() { return MA_OCI_SCHEMA_DIR; }
std::filesystem::path spdx_schema() { return test_data_dir() / "schemas" / "spdx-2.3.schema.json"; }
std::string data_path(const std::string& rel) { return (test_data_dir() / rel).string(); }

std::string run_capture(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    if (status) *status = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = ::pclose(p);
  if (status) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

int run_quiet(const std::string& cmd) {
  int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

JsonValidation validate_json(const std::filesystem::path& schema, const std::string& doc) {
  JsonValidation v;
  char tmpl[] = "/tmp/ma-json-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) return v;
  ::close(fd);
  std::ofstream(tmpl, std::ios::binary) << doc;
  v.output = run_capture("python3 " + shell_quote(MA_SOURCE_DIR "/tests/tools/validate_json.py") + " " +
                             shell_quote(schema.string()) + " " + shell_quote(tmpl) + " 2>&1",
                         &v.exit_code);
  std::filesystem::remove(tmpl);
  return v;
}

}  // namespace testutil
