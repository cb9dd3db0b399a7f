// Flags shared by build, publish, lock, show-packages, dot and build-minirootfs.
#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <memory>
#include <regex>

#include "apko/build_date.hpp"
#include "apko/commands.hpp"
#include "base/strings.hpp"
#include "ma_version.hpp"

namespace apko_app {
namespace {

// `git -C dir cmd` output's first line, or "".
std::string git_line(const std::string& dir, const std::string& args) {
  std::string cmd = "git -C '" + dir + "' " + args + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  if (!p) return {};
  std::array<char, 1024> buf{};
  std::string out;
  if (std::fgets(buf.data(), buf.size(), p.get())) out = buf.data();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

void add_common_flags(CLI::App& sub, CommonFlags& f, FlagSet set) {
  auto& o = f.opts;
  // The list flags split at commas as well, as apko's (Go string slices) do.
  sub.add_option("-k,--keyring-append", o.keyring_append, "Extra key file or URL to trust (repeatable, comma separated)")
      ->delimiter(',');
  sub.add_option("-r,--repository-append", o.repository_append,
                 "Extra repository, used to build and written to /etc/apk/repositories (repeatable, comma separated)")
      ->delimiter(',');
  sub.add_option("-b,--build-repository-append", o.build_repository_append,
                 "Extra repository used only to build (repeatable, comma separated)")
      ->delimiter(',');
  sub.add_option("-p,--package-append", o.package_append, "Extra package to install (repeatable, comma separated)")
      ->delimiter(',');
  sub.add_option("--arch", f.arch_flag, "Architectures, comma separated (apk or OCI names, 'all', 'host')");
  sub.add_option("--cache-dir", f.cache_dir, "Cache for downloaded indexes, packages and keys");
  sub.add_flag("--offline", o.offline, "Use only the cache and local repositories");
  sub.add_flag("--ignore-signatures", o.ignore_signatures, "Do not verify index and package signatures");
  sub.add_option("--mirror", o.mirrors, "Rewrite a URL prefix FROM=TO (repeatable; over $APK_MIRRORS)");
  sub.add_option("--include-paths", o.include_paths, "Extra directories searched for include: files (comma separated)")
      ->delimiter(',');
  if (set == FlagSet::kBuild) {
    sub.add_option("--annotations", f.annotations, "OCI annotation key:value (repeatable, comma separated)")->delimiter(',');
    sub.add_option("--build-date", f.build_date, "Image creation time (RFC 3339); SOURCE_DATE_EPOCH wins");
    sub.add_option("--lockfile", f.lockfile, "Install exactly the packages of this lock file");
    sub.add_option("--sbom", f.sbom, "Write SBOMs (true/false)")->default_str("true");
    sub.add_option("--sbom-path", f.sbom_path, "Directory for the SBOMs (default: the working directory)");
    sub.add_option("--sbom-formats", f.sbom_formats, "SBOM formats, comma separated (spdx, the one apko has)")
        ->delimiter(',')
        ->capture_default_str();
    sub.add_option("--format", f.format, "Layer payload format: tar (default); erofs is not supported");
    sub.add_option("--vcs", f.vcs, "Annotate with the git origin and commit of the config (true/false)")
        ->default_str("true");
  }
}

base::Status check_layer_format(const CommonFlags& f, const std::string& config_format) {
  const std::string& format = f.format.empty() ? config_format : f.format;
  const std::string where = f.format.empty() ? "format: " + format + " (config)" : "--format " + format;
  if (format.empty() || format == "tar") return base::ok();
  if (format == "erofs")
    return base::fail(base::ErrorCode::kUnsupported,
                      where + ": EROFS layers are not supported by this apko; build tar layers (the default)");
  return base::fail(base::ErrorCode::kUsage, where + ": want tar or erofs");
}

base::Status finish_common_flags(CommonFlags& f, const std::string& config) {
  auto& o = f.opts;
  for (const auto& s : f.sbom_formats)
    if (!s.empty() && s != "spdx")
      return base::fail(base::ErrorCode::kUnsupported,
                        "--sbom-formats " + s + ": only spdx SBOMs are written (apko's only generator too)");
  if (!f.format.empty() && f.format != "tar" && f.format != "erofs")
    return base::fail(base::ErrorCode::kUsage, "--format " + f.format + ": want tar or erofs");
  if (!f.arch_flag.empty()) o.archs = {f.arch_flag};
  o.cache_dir = f.cache_dir;
  o.lockfile = f.lockfile;
  o.tool_version = MA_VERSION;
  static const std::regex key_re("^[a-z0-9.-]+$");
  for (const auto& a : f.annotations) {
    auto colon = a.find(':');
    if (colon == std::string::npos || colon == 0 || !std::regex_match(a.substr(0, colon), key_re))
      return base::fail(base::ErrorCode::kUsage, "--annotations '" + a + "': want key:value with key [a-z0-9.-]+");
    o.annotations.emplace_back(a.substr(0, colon), a.substr(colon + 1));
  }
  if (!f.build_date.empty()) {
    TRY_ASSIGN(int64_t d, apko::parse_rfc3339(f.build_date));
    o.build_date = d;
  }
  TRY_ASSIGN(o.source_date_epoch, apko::source_date_epoch_from_env());
  if (f.vcs && !config.empty()) {
    std::string dir = std::filesystem::path(config).parent_path().string();
    if (dir.empty()) dir = ".";
    std::string url = git_line(dir, "config --get remote.origin.url");
    std::string head = git_line(dir, "rev-parse HEAD");
    // Never record credentials: drop any userinfo of an https origin.
    if (auto scheme = url.find("://"); scheme != std::string::npos) {
      auto at = url.find('@', scheme + 3), slash = url.find('/', scheme + 3);
      if (at != std::string::npos && (slash == std::string::npos || at < slash)) url.erase(scheme + 3, at - scheme - 2);
    }
    if (!url.empty() && !head.empty()) o.vcs_url = url + "@" + head;
  }
  return base::ok();
}

}  // namespace apko_app
