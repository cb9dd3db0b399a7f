#include "repo/test_repo.hpp"

#include <gtest/gtest.h>

#include "apk/data_tar.hpp"
#include "apk/index_archive.hpp"
#include "apk/package_writer.hpp"
#include "base/fs.hpp"

namespace repo::testing {

namespace fs = std::filesystem;

const apk::KeyPair& test_key(int which) {
  static const apk::KeyPair keys[2] = {apk::generate_rsa_key(2048).value(), apk::generate_rsa_key(2048).value()};
  return keys[which];
}

std::string build_package(const TestPkg& p, const std::string& arch, int key_index, const std::string& key_name,
                          apk::PackageInfo* info_out) {
  auto tmp = base::TempDir::create("ma-repo-pkg-");
  EXPECT_TRUE(tmp);
  fs::path share = tmp->path() / "usr" / "share" / p.name;
  fs::create_directories(share);
  EXPECT_TRUE(base::write_file_atomic(share / "payload", p.payload.empty() ? p.name + "\n" : p.payload));
  auto data = apk::build_data_tar(tmp->path(), apk::DataTarOptions{});
  EXPECT_TRUE(data) << data.error().message;

  apk::PackageInfo info;
  info.name = p.name;
  info.version = p.version;
  info.arch = arch;
  info.description = "test package " + p.name;
  info.license = "MIT";
  info.origin = p.name;
  info.depends = p.depends;
  info.provides = p.provides;
  info.installed_size = data->installed_size;

  std::optional<apk::PrivateKey> key;
  apk::SigningKey sk;
  if (key_index >= 0) {
    key.emplace(apk::PrivateKey::from_pem(test_key(key_index).private_pem, "test key").value());
    sk = apk::SigningKey{&*key, key_name, apk::SignatureAlgo::kRsaSha256};
  }
  auto pkg = apk::assemble_package(info, {}, data->tar, 0, key_index >= 0 ? &sk : nullptr);
  EXPECT_TRUE(pkg) << pkg.error().message;
  if (info_out) *info_out = pkg->info;
  return pkg->bytes;
}

void write_repo(const fs::path& dir, const std::string& arch, const std::vector<TestPkg>& pkgs,
                const std::string& key_name, int index_key, int package_key) {
  if (package_key == -2) package_key = index_key;
  fs::path adir = dir / arch;
  fs::create_directories(adir);
  std::vector<apk::PackageInfo> infos;
  for (const auto& p : pkgs) {
    apk::PackageInfo info;
    std::string bytes = build_package(p, arch, package_key, key_name, &info);
    ASSERT_TRUE(base::write_file_atomic(adir / (p.name + "-" + p.version + ".apk"), bytes));
    infos.push_back(std::move(info));
  }
  std::optional<apk::PrivateKey> key;
  apk::SigningKey sk;
  if (index_key >= 0) {
    key.emplace(apk::PrivateKey::from_pem(test_key(index_key).private_pem, "test key").value());
    sk = apk::SigningKey{&*key, key_name, apk::SignatureAlgo::kRsaSha256};
  }
  auto index = apk::write_index_archive(infos, "test repository", index_key >= 0 ? &sk : nullptr, 0);
  ASSERT_TRUE(index) << index.error().message;
  ASSERT_TRUE(base::write_file_atomic(adir / "APKINDEX.tar.gz", *index));
}

apk::Keyring test_keyring(const std::string& name, int which) {
  apk::Keyring k;
  auto st = k.add_pem(name, test_key(which).public_pem);
  EXPECT_TRUE(st) << st.error().message;
  return k;
}

}  // namespace repo::testing

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace repo::testing {

HttpServer::HttpServer(const std::filesystem::path& dir, const std::filesystem::path& script) {
  int fds[2];
  if (::pipe(fds) != 0) return;
  pid_t pid = ::fork();
  if (pid < 0) return;
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    std::FILE* null = std::fopen("/dev/null", "w");
    if (null) ::dup2(::fileno(null), 2);
    std::string d = dir.string();
    if (!script.empty())
      ::execlp("python3", "python3", "-u", script.c_str(), d.c_str(), static_cast<char*>(nullptr));
    else
      ::execlp("python3", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", d.c_str(),
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pid_ = pid;
  ::close(fds[1]);
  std::FILE* out = ::fdopen(fds[0], "r");
  char line[256] = {0};
  // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
  if (std::fgets(line, sizeof line, out)) {
    const char* p = std::strstr(line, " port ");
    if (p) port_ = std::atoi(p + 6);
  }
  std::fclose(out);
}

std::string HttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpServer::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

}  // namespace repo::testing
