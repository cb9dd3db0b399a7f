// ma-mkapk: packages a directory tree as a signed .apk (test infrastructure only).
//
// Used by tests/bootstrap/make-bootstrap-repo.sh to turn files of the host's Debian
// packages into a local apk repository (busybox, glibc, build-base, ...), because
// there is no Wolfi or Alpine mirror on the test machines. Not installed, not a
// melange command: melange builds packages from YAML only.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "apk/data_tar.hpp"
#include "apk/package_writer.hpp"
#include "base/fs.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Package a directory as an apk (test tool)", "ma-mkapk"};
  apk::PackageInfo info;
  std::string dir, out, key;
  int64_t mtime = 0;
  app.add_option("--name", info.name)->required();
  app.add_option("--version", info.version)->required();
  app.add_option("--arch", info.arch)->required();
  app.add_option("--description", info.description);
  app.add_option("--license", info.license);
  app.add_option("--url", info.url);
  app.add_option("--origin", info.origin);
  app.add_option("--depend", info.depends);
  app.add_option("--provide", info.provides);
  app.add_option("--provider-priority", info.provider_priority);
  app.add_option("--replace", info.replaces);
  app.add_option("--signing-key", key);
  app.add_option("--mtime", mtime);
  app.add_option("--out", out)->required();
  app.add_option("dir", dir)->required();
  CLI11_PARSE(app, argc, argv);
  if (info.origin.empty()) info.origin = info.name;
  info.build_time = mtime;
  info.maintainer = "bootstrap";
  auto data = apk::build_data_tar(dir, apk::DataTarOptions{mtime});
  if (!data) {
    std::fprintf(stderr, "ma-mkapk: %s\n", data.error().message.c_str());
    return 1;
  }
  info.installed_size = data->installed_size;
  std::optional<apk::LoadedKey> loaded;
  apk::SigningKey sk;
  if (!key.empty()) {
    auto k = apk::load_signing_key(key);
    if (!k) {
      std::fprintf(stderr, "ma-mkapk: %s\n", k.error().message.c_str());
      return 1;
    }
    loaded.emplace(std::move(*k));
    sk = loaded->signing_key();
  }
  auto pkg = apk::assemble_package(info, {}, data->tar, mtime, loaded ? &sk : nullptr);
  if (!pkg) {
    std::fprintf(stderr, "ma-mkapk: %s\n", pkg.error().message.c_str());
    return 1;
  }
  if (auto st = base::write_file_atomic(out, pkg->bytes); !st) {
    std::fprintf(stderr, "ma-mkapk: %s\n", st.error().message.c_str());
    return 1;
  }
  return 0;
}
