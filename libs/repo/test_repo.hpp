// Test helpers: signed local repositories built in temp dirs (packages assembled with
// apk::assemble_package, index written with apk::write_index_archive).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apk/keyring.hpp"
#include "apk/package_info.hpp"
#include "apk/signing.hpp"

namespace repo::testing {

struct TestPkg {
  std::string name;
  std::string version = "1.0-r0";
  std::vector<std::string> depends;
  std::vector<std::string> provides;
  std::string payload;  // content of usr/share/<name>/payload
};

// A process-wide 2048-bit test key pair; `which` picks one of two independent keys.
const apk::KeyPair& test_key(int which = 0);

// Builds one package for `arch`; signed by test_key(key_index) named `key_name` unless
// key_index < 0 (unsigned).
std::string build_package(const TestPkg& p, const std::string& arch, int key_index, const std::string& key_name,
                          apk::PackageInfo* info_out = nullptr);

// Writes <dir>/<arch>/<name>-<version>.apk for each package and a signed
// <dir>/<arch>/APKINDEX.tar.gz. `index_key` signs the index (or -1 = unsigned),
// `package_key` signs the packages (default: the same key).
void write_repo(const std::filesystem::path& dir, const std::string& arch, const std::vector<TestPkg>& pkgs,
                const std::string& key_name = "test.rsa.pub", int index_key = 0, int package_key = -2);

// A keyring with test_key(which) under `name`.
apk::Keyring test_keyring(const std::string& name = "test.rsa.pub", int which = 0);

}  // namespace repo::testing

namespace repo::testing {

// `python3 -m http.server` on 127.0.0.1 and a free port, serving `dir`; stopped (and
// waited for) by stop() or the destructor. With `script`, `python3 -u script dir` instead,
// which must print http.server's "Serving HTTP on 127.0.0.1 port N" line first.
class HttpServer {
 public:
  explicit HttpServer(const std::filesystem::path& dir, const std::filesystem::path& script = {});
  ~HttpServer() { stop(); }
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  bool running() const { return pid_ > 0 && port_ > 0; }
  int port() const { return port_; }
  std::string url(const std::string& path = "") const;
  void stop();

 private:
  int pid_ = -1;
  int port_ = 0;
};

}  // namespace repo::testing
