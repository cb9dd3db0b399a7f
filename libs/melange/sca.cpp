#include "melange/sca.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <system_error>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "melange/elf.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kLibDirs = {"lib", "usr/lib", "lib64", "usr/lib64"};
const std::vector<std::string> kCmdDirs = {"bin", "sbin", "usr/bin", "usr/sbin"};
const std::vector<std::string> kPcDirs = {"usr/local/lib/pkgconfig", "usr/local/share/pkgconfig", "usr/lib/pkgconfig",
                                          "usr/lib64/pkgconfig", "usr/share/pkgconfig"};

struct Generated {
  std::vector<std::string> runtime, provides, vendored;
};

struct Entry {
  std::string rel;  // "usr/bin/hello"
  fs::path abs;
  fs::file_type type;
  unsigned perms;
};

std::string parent_of(const std::string& rel) {
  auto slash = rel.rfind('/');
  return slash == std::string::npos ? std::string() : rel.substr(0, slash);
}
std::string base_of(const std::string& rel) {
  auto slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}
bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }
bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// lib/x86_64-linux-gnu, usr/lib/aarch64-linux-musl, ...
bool is_multiarch_lib_dir(const std::string& dir) {
  for (std::string_view base : {"lib/", "usr/lib/"}) {
    if (!starts_with(dir, base)) continue;
    std::string_view rest = std::string_view(dir).substr(base.size());
    if (!rest.empty() && rest.find('/') == std::string_view::npos && rest.find("-linux") != std::string_view::npos)
      return true;
  }
  return false;
}

// Paths (relative, no leading slash) listed in <dir>/etc/ld.so.conf.d/*.conf.
void ld_so_conf_dirs(const fs::path& dir, std::vector<std::string>& out) {
  std::error_code ec;
  fs::path conf = dir / "etc/ld.so.conf.d";
  if (!fs::is_directory(fs::symlink_status(conf, ec))) return;
  for (const auto& e : fs::directory_iterator(conf, ec)) {
    if (e.path().extension() != ".conf" || !e.is_regular_file(ec) || e.is_symlink(ec)) continue;
    auto text = base::read_file(e.path());
    if (!text) continue;
    for (std::string_view line : base::split(*text, '\n')) {
      line = base::trim(line);
      if (line.empty() || line.front() != '/') continue;
      std::string p(line.substr(1));
      while (!p.empty() && p.back() == '/') p.pop_back();
      out.push_back(p);
    }
  }
}

base::Result<std::vector<Entry>> walk(const fs::path& root) {
  std::vector<Entry> out;
  std::error_code ec;
  auto st = fs::symlink_status(root, ec);
  if (ec || !fs::is_directory(st))
    return base::fail(base::ErrorCode::kNotFound, root.string() + ": package directory does not exist");
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return tl::unexpected(base::io_error(root, "read directory", ec.value()));
  for (; it != end; it.increment(ec)) {
    if (ec) return tl::unexpected(base::io_error(it->path(), "read directory", ec.value()));
    auto s = it->symlink_status(ec);
    if (ec) return tl::unexpected(base::io_error(it->path(), "stat", ec.value()));
    out.push_back({it->path().lexically_relative(root).generic_string(), it->path(), s.type(),
                   static_cast<unsigned>(s.permissions())});
  }
  if (ec) return tl::unexpected(base::io_error(root, "read directory", ec.value()));
  return out;
}

std::string read_head(const fs::path& p, size_t n) {
  std::ifstream in(p, std::ios::binary);
  std::string buf(n, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(n));
  buf.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return buf;
}

// A *.so symlink pointing (by basename) at a library in this or a related package.
void symlink_so_depends(const Entry& e, const std::vector<fs::path>& roots, Generated& gen) {
  std::error_code ec;
  fs::path target = fs::read_symlink(e.abs, ec);
  if (ec) return;
  std::string name = target.filename().string();
  if (name.empty() || name == "." || name == "..") return;
  for (const auto& root : roots) {
    for (const auto& dir : kLibDirs) {
      fs::path cand = root / dir / name;
      if (!fs::is_regular_file(fs::symlink_status(cand, ec))) continue;
      auto info = read_elf_file(cand);
      if (info && !info->soname.empty()) gen.runtime.push_back("so:" + info->soname);
      return;
    }
  }
}

void elf_deps(const Entry& e, const std::vector<std::string>& lib_dirs, Generated& gen) {
  if (read_head(e.abs, 4) != "\x7f" "ELF") return;
  auto info = read_elf_file(e.abs);
  if (!info) return;  // a broken ELF is not SCA's business (the linters may complain)
  std::string base = base_of(e.rel);
  if (!info->interpreter.empty()) {
    std::string interp = fs::path(info->interpreter).filename().string();
    if (starts_with(interp, "ld-musl")) interp = "libc.musl" + interp.substr(7);
    gen.runtime.push_back("so:" + interp);
  }
  for (const auto& lib : info->needed) {
    if (lib.find(".so.") == std::string::npos) continue;
    if (lib == "libcuda.so.1" || lib == "libnvidia-ml.so.1") continue;  // host driver libraries
    gen.runtime.push_back("so:" + lib);
  }
  if ((info->interpreter.empty() || base.find(".so.") != std::string::npos) && !info->soname.empty()) {
    std::string dir = parent_of(e.rel);
    std::string prov = "so:" + info->soname + "=" + soname_version(info->soname);
    bool in_lib = contains(lib_dirs, dir) || is_multiarch_lib_dir(dir);
    (in_lib ? gen.provides : gen.vendored).push_back(prov);
  }
}

void pc_deps(const Entry& e, const std::string& full_version, Generated& gen) {
  auto text = base::read_file(e.abs);
  if (!text) return;
  PkgConfigFile pc = parse_pkgconfig(*text);
  std::string name = base_of(e.rel);
  name.resize(name.size() - 3);
  if (contains(kPcDirs, parent_of(e.rel))) {
    gen.provides.push_back("pc:" + name + "=" + full_version);
    for (const auto& r : pc.requires_) gen.runtime.push_back("pc:" + r);
  } else {
    gen.vendored.push_back("pc:" + name + "=" + full_version);
  }
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

std::vector<std::string> remove_provided(const std::vector<std::string>& deps, const std::vector<std::string>& provided) {
  std::set<std::string, std::less<>> names;
  for (const auto& p : provided) names.insert(p.substr(0, p.find('=')));
  std::vector<std::string> out;
  for (const auto& d : deps)
    if (!names.count(d)) out.push_back(d);
  return out;
}

}  // namespace

base::Result<ScaResult> analyze(const fs::path& pkgdir, const ScaOptions& opts) {
  TRY_ASSIGN(std::vector<Entry> entries, walk(pkgdir));
  std::vector<fs::path> roots{pkgdir};
  for (const auto& r : opts.related_dirs)
    if (r != pkgdir) roots.push_back(r);
  std::vector<std::string> lib_dirs = kLibDirs;
  for (const auto& r : roots) ld_so_conf_dirs(r, lib_dirs);

  Generated gen;
  std::map<std::string, std::string> shebangs;  // command -> first script using it
  std::string python_version;
  const bool doc_package = opts.package_name.size() > 4 && opts.package_name.ends_with("-doc");
  for (const auto& e : entries) {
    const bool regular = e.type == fs::file_type::regular, symlink = e.type == fs::file_type::symlink;
    const bool all_rx = (e.perms & 0555) == 0555;
    const std::string dir = parent_of(e.rel), base = base_of(e.rel);
    if (symlink && e.rel.find(".so") != std::string::npos) symlink_so_depends(e, roots, gen);
    if (regular && all_rx) elf_deps(e, lib_dirs, gen);
    if (regular && all_rx && contains(kCmdDirs, dir)) gen.provides.push_back("cmd:" + base + "=" + opts.full_version);
    if (regular && base.size() > 3 && base.ends_with(".pc")) pc_deps(e, opts.full_version, gen);
    if (regular && (starts_with(e.rel, "usr/bin/") || starts_with(e.rel, "bin/"))) {
      auto cmd = shebang_command(read_head(e.abs, 80));
      if (cmd && *cmd) shebangs.emplace(**cmd, e.rel);
    }
    if (e.type == fs::file_type::directory && base == "site-packages") {
      std::string py = base_of(dir);
      if (starts_with(py, "python")) python_version = py.substr(6);
    }
    if (doc_package && dir == "usr/share/man") gen.runtime.push_back("man-db");
    if (doc_package && dir == "usr/share/info") gen.runtime.push_back("texinfo");
  }
  for (const auto& [cmd, path] : shebangs) gen.runtime.push_back("cmd:" + cmd);
  if (!python_version.empty() &&
      std::none_of(opts.runtime.begin(), opts.runtime.end(), [](const std::string& d) { return starts_with(d, "python"); }))
    gen.runtime.push_back("python-" + python_version + "-base");

  sort_unique(gen.runtime);
  sort_unique(gen.provides);
  sort_unique(gen.vendored);
  auto is_cmd = [](const std::string& s) { return starts_with(s, "cmd:"); };
  if (opts.no_commands) {
    std::erase_if(gen.provides, is_cmd);
    std::erase_if(gen.runtime, is_cmd);
  }
  if (opts.no_depends) gen.runtime.clear();
  if (opts.no_provides) gen.provides.clear();

  ScaResult out;
  out.depends = opts.runtime;
  for (auto& d : remove_provided(gen.runtime, gen.vendored)) out.depends.push_back(std::move(d));
  sort_unique(out.depends);
  out.provides = opts.provides;
  out.provides.insert(out.provides.end(), gen.provides.begin(), gen.provides.end());
  sort_unique(out.provides);
  out.depends = remove_provided(out.depends, out.provides);
  out.vendored = std::move(gen.vendored);
  return out;
}

}  // namespace melange
