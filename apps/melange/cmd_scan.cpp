// melange scan CONFIG | PKG.apk: regenerate .PKGINFO of built packages with the current SCA
// (libs/melange/scan.hpp) and print it, or with --diff how it differs from the package's.
//
// CONFIG (as melange): the packages are <repository>/<arch>/<name>-<version>-r<epoch>.apk
// for the main package and every subpackage, from -r (a directory or an http(s) URL).
// PKG.apk: the configuration is the one embedded in the package (.melange.yaml); the other
// packages of the same origin and version next to it serve as related packages for SCA.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include "apk/arch.hpp"
#include "apk/package.hpp"
#include "config/build_config.hpp"
#include "fetch/client.hpp"
#include "melange/commands.hpp"
#include "melange/compile.hpp"
#include "melange/scan.hpp"

namespace melange_app {

namespace fs = std::filesystem;

namespace {

struct ScanFlags {
  std::string file;
  std::string keyring = "local-melange.rsa.pub";
  std::string repository = "./packages";
  std::string package;
  std::vector<std::string> archs;
  bool diff = false, comments = false;
  std::string namespace_ = "unknown";
};

base::Result<apk::Package> read_package(fetch::Client& client, const std::string& where) {
  TRY_ASSIGN(std::string bytes, client.get(where));
  apk::PackageReadOptions ro;
  ro.signature = apk::SignaturePolicy::kIgnore;
  return apk::Package::parse(std::move(bytes), where, ro);
}

base::Result<config::BuildConfig> embedded_config(const apk::Package& pkg) {
  for (const auto& f : pkg.control_files())
    if (f.name == ".melange.yaml") return config::parse_build_config(f.content, pkg.origin() + ":.melange.yaml");
  return base::fail(base::ErrorCode::kInvalidInput, pkg.origin() + ": no .melange.yaml in the package",
                    "scan it with the configuration that built it: melange scan CONFIG -r REPOSITORY");
}

// Prints the regenerated .PKGINFO (or the diffs); true when some diff was printed.
bool print_results(const std::vector<melange::ScanResult>& results, const ScanFlags& f) {
  bool saw = false;
  for (const auto& r : results) {
    if (f.diff) {
      std::string d = melange::scan_diff(r, f.file, f.comments);
      if (!d.empty()) {
        saw = true;
        std::fwrite(d.data(), 1, d.size(), stdout);
      }
    } else if (f.package.empty() || f.package == r.name) {
      std::fwrite(r.new_pkginfo.data(), 1, r.new_pkginfo.size(), stdout);
    }
  }
  std::fflush(stdout);
  return saw;
}

base::Status scan_apk(const ScanFlags& f, fetch::Client& client) {
  TRY_ASSIGN(apk::Package pkg, read_package(client, f.file));
  TRY_ASSIGN(config::BuildConfig cfg, embedded_config(pkg));
  // Related packages: same origin and version, next to it.
  std::vector<apk::Package> siblings;
  fs::path dir = fs::path(f.file).parent_path();
  if (dir.empty()) dir = ".";
  const std::string suffix = "-" + pkg.info().version + ".apk";
  std::error_code ec;
  std::set<fs::path> seen{fs::weakly_canonical(f.file, ec)};
  for (const auto& de : fs::directory_iterator(dir, ec)) {
    const std::string name = de.path().filename().string();
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    if (!seen.insert(fs::weakly_canonical(de.path(), ec)).second) continue;
    auto sib = read_package(client, de.path().string());
    if (!sib) {
      spdlog::warn("{}: not used as a related package: {}", de.path().string(), sib.error().message);
      continue;
    }
    if (sib->info().origin != pkg.info().origin || sib->info().arch != pkg.info().arch ||
        sib->info().name == pkg.info().name)
      continue;
    siblings.push_back(std::move(*sib));
  }
  melange::ScanInput in;
  in.config = &cfg;
  in.packages.push_back(&pkg);
  for (const auto& s : siblings) in.packages.push_back(&s);
  in.scan = {pkg.info().name};
  in.namespace_ = f.namespace_;
  auto results = melange::scan_packages(in);
  if (!results) {
    // A sibling the embedded configuration does not build is not worth failing for: retry alone.
    in.packages.resize(1);
    TRY_ASSIGN(auto alone, melange::scan_packages(in));
    results = std::move(alone);
  }
  if (print_results(*results, f))
    return base::fail(base::ErrorCode::kInvalidInput, "saw diff for " + f.file);
  return {};
}

base::Status scan_config(const ScanFlags& f, fetch::Client& client) {
  TRY_ASSIGN(config::BuildConfig cfg, config::load_build_config(f.file));
  std::vector<std::string> archs = f.archs.empty() ? std::vector<std::string>{"x86_64"} : f.archs;
  bool saw = false;
  for (const auto& a : archs) {
    TRY_ASSIGN(apk::Arch arch, apk::parse_arch(a));
    melange::CompileOptions co;
    co.arch = arch;
    co.namespace_ = f.namespace_;
    TRY_ASSIGN(melange::CompiledBuild b, melange::compile(cfg, co));
    std::vector<std::string> names{b.main.name};
    for (const auto& s : b.subpackages) names.push_back(s.name);
    std::vector<apk::Package> pkgs;
    std::string repo = f.repository;
    while (repo.size() > 1 && repo.back() == '/') repo.pop_back();
    for (const auto& n : names) {
      std::string where = repo + "/" + arch.apk + "/" + n + "-" + b.full_version + ".apk";
      TRY_ASSIGN(apk::Package p, read_package(client, where));
      pkgs.push_back(std::move(p));
    }
    melange::ScanInput in;
    in.config = &cfg;
    for (const auto& p : pkgs) in.packages.push_back(&p);
    in.namespace_ = f.namespace_;
    TRY_ASSIGN(auto results, melange::scan_packages(in));
    saw = print_results(results, f) || saw;
  }
  if (saw) return base::fail(base::ErrorCode::kInvalidInput, "saw diff for " + f.file);
  return {};
}

}  // namespace

cli::Command scan_command() {
  return {"scan", "Scan existing packages to regenerate .PKGINFO (SCA), or show how it would change", [](CLI::App& sub) {
            auto f = std::make_shared<ScanFlags>();
            sub.add_option("file", f->file, "The melange YAML file, or a .apk built by melange (embedded configuration)")
                ->required();
            sub.add_option("-k,--keyring-append", f->keyring, "Accepted for compatibility (signatures are not checked)")
                ->capture_default_str();
            sub.add_option("-r,--repository-append", f->repository,
                           "Repository holding <arch>/<name>-<version>.apk (a directory or URL; with a YAML file)")
                ->capture_default_str();
            sub.add_option("-p,--package", f->package, "Print only this package's .PKGINFO (if there are subpackages)");
            sub.add_option("--arch", f->archs, "Architectures to scan (with a YAML file; default x86_64)")->delimiter(',');
            sub.add_flag("--diff", f->diff, "Print a diff against the package's .PKGINFO; fail when one differs");
            sub.add_flag("--comments", f->comments, "Include comment lines in the diff");
            sub.add_option("--namespace", f->namespace_, "Namespace written as maintainer (eg wolfi, alpine)")
                ->capture_default_str();
            return [f]() -> base::Status {
              fetch::Client client;
              if (f->file.size() > 4 && f->file.compare(f->file.size() - 4, 4, ".apk") == 0) return scan_apk(*f, client);
              return scan_config(*f, client);
            };
          }};
}

}  // namespace melange_app
