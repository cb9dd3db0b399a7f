#include "melange/scan.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "apk/pkginfo.hpp"
#include "base/fs.hpp"
#include "melange/build_package.hpp"
#include "melange/emit.hpp"
#include "melange/text_diff.hpp"
#include "rootfs/installer.hpp"
#include "rootfs/layer.hpp"

namespace melange {

namespace fs = std::filesystem;

base::Status unpack_package(const apk::Package& pkg, const fs::path& dir) {
  rootfs::Tree tree;
  rootfs::Installer installer(tree);
  TRY(base::with_context(installer.install(pkg), pkg.origin()));
  TRY(base::with_context(rootfs::materialize(tree, dir), pkg.origin()));
  return base::ok();
}

base::Result<std::vector<ScanResult>> scan_packages(const ScanInput& in) {
  if (in.config == nullptr || in.packages.empty())
    return base::fail(base::ErrorCode::kInternal, "scan: no configuration or no packages");
  const config::BuildConfig& cfg = *in.config;
  const apk::PackageInfo& first = in.packages.front()->info();
  CompileOptions co;
  TRY_ASSIGN(co.arch, base::with_context(apk::parse_arch(first.arch), in.packages.front()->origin()));
  co.namespace_ = in.namespace_.empty() ? "unknown" : in.namespace_;
  co.source_date_epoch = first.build_time;
  co.pipeline_dirs = in.pipeline_dirs;
  TRY_ASSIGN(CompiledBuild b, compile(cfg, co));

  std::vector<const CompiledPackage*> compiled{&b.main};
  for (const auto& s : b.subpackages) compiled.push_back(&s);
  auto compiled_of = [&](const std::string& name) -> const CompiledPackage* {
    for (const auto* p : compiled)
      if (p->name == name) return p;
    return nullptr;
  };

  // Unpack every package into <tmp>/<name> (SCA reads them as melange-out/<name>).
  TRY_ASSIGN(base::TempDir tmp, base::TempDir::create("melange-scan-"));
  std::map<std::string, const apk::Package*> by_name;
  for (const apk::Package* p : in.packages) {
    const std::string& name = p->info().name;
    if (!compiled_of(name))
      return base::fail(base::ErrorCode::kInvalidInput,
                        p->origin() + ": package \"" + name + "\" is not built by " + cfg.source_file,
                        "give the configuration that built it");
    if (p->info().arch != first.arch)
      return base::fail(base::ErrorCode::kInvalidInput, p->origin() + ": architecture " + p->info().arch + " differs from " +
                                                            first.arch + " of " + in.packages.front()->origin());
    if (!by_name.emplace(name, p).second)
      return base::fail(base::ErrorCode::kInvalidInput, p->origin() + ": package \"" + name + "\" given twice");
    fs::path dir = tmp.path() / name;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return tl::unexpected(base::io_error(dir, "create directory", ec.value()));
    TRY(unpack_package(*p, dir));
  }

  std::vector<ScanResult> out;
  // melange's order: subpackages first, then the main package.
  std::vector<const CompiledPackage*> order(compiled.begin() + 1, compiled.end());
  order.push_back(&b.main);
  for (const CompiledPackage* cp : order) {
    auto it = by_name.find(cp->name);
    if (it == by_name.end()) continue;
    if (!in.scan.empty() && std::find(in.scan.begin(), in.scan.end(), cp->name) == in.scan.end()) continue;
    const apk::Package& pkg = *it->second;
    const apk::PackageInfo& old = pkg.info();

    EmitInput e;
    e.package_dir = tmp.path() / cp->name;
    TRY_ASSIGN(e.info, compiled_package_info(b, *cp));
    e.info.commit = old.commit;  // as melange: the package's own commit line
    if (cp->options) {
      e.no_provides = cp->options->no_provides;
      e.no_depends = cp->options->no_depends;
      e.no_commands = cp->options->no_commands;
    }
    for (const auto& [name, p] : by_name)
      if (name != cp->name) e.related_dirs.push_back(tmp.path() / name);
    e.scriptlets = cp->scriptlets;
    TRY_ASSIGN(AnalyzedInfo a, base::with_context(analyzed_package_info(e), pkg.origin()));
    a.info.installed_size = old.installed_size;
    a.info.datahash = old.datahash;

    ScanResult r;
    r.name = cp->name;
    r.old_label = old.name + "-" + old.version + ".apk";
    r.old_pkginfo = pkg.pkginfo_text();
    r.new_pkginfo = apk::write_pkginfo(a.info);
    out.push_back(std::move(r));
  }
  return out;
}

std::string scan_diff(const ScanResult& r, const std::string& new_label, bool comments) {
  if (r.old_pkginfo == r.new_pkginfo) return {};
  auto strip = [&](const std::string& text) {
    if (comments) return text;
    std::string kept;
    for (const auto& line : split_lines_keep(text))
      if (line.empty() || line[0] != '#') kept += line;
    return kept;
  };
  return unified_diff(r.old_label, strip(r.old_pkginfo), new_label, strip(r.new_pkginfo));
}

}  // namespace melange
