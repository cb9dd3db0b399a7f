// Test helper: a signed two-architecture repository and an apko config using it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "base/fs.hpp"
#include "repo/test_repo.hpp"

namespace apko::testing {

struct RepoFixture {
  std::unique_ptr<base::TempDir> dir;
  std::filesystem::path config;  // apko.yaml
  std::filesystem::path path(const std::string& rel) const { return dir->path() / rel; }
};

// Packages: app (depends on libfoo and so:libbar.so.1), libfoo 1.0 and 2.0, libbar
// (provides so:libbar.so.1), os-release-pkg? no. `extra_yaml` is appended to the config.
inline RepoFixture make_repo_fixture(const std::string& extra_yaml = "") {
  RepoFixture f;
  f.dir = std::make_unique<base::TempDir>(base::TempDir::create("apko-test-").value());
  std::vector<repo::testing::TestPkg> pkgs = {
      {"app", "1.0-r0", {"libfoo", "so:libbar.so.1"}, {}, "application"},
      {"libfoo", "1.0-r0", {}, {}, "old foo"},
      {"libfoo", "2.0-r0", {}, {}, "new foo"},
      {"libbar", "3.1-r2", {}, {"so:libbar.so.1=1"}, "bar"},
      {"unused", "9.9-r9", {}, {}, "unused"},
  };
  for (const char* arch : {"x86_64", "aarch64"}) repo::testing::write_repo(f.path("repo"), arch, pkgs);
  (void)base::write_file_atomic(f.path("test.rsa.pub"), repo::testing::test_key(0).public_pem);
  f.config = f.path("apko.yaml");
  std::string yaml = "contents:\n  repositories:\n    - " + f.path("repo").string() + "\n  keyring:\n    - " +
                     f.path("test.rsa.pub").string() + "\n  packages:\n    - app\narchs: [x86_64, aarch64]\n" +
                     extra_yaml;
  (void)base::write_file_atomic(f.config, yaml);
  return f;
}

}  // namespace apko::testing
