// The individual linters (see lint.hpp for the defaults). Each rule walks the tree and
// appends one Hit per offending path (or one per package-wide problem).
#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>

#include "base/hash.hpp"
#include "melange/elf.hpp"
#include "melange/lint.hpp"

namespace melange::lint_detail {
namespace {

using archive::EntryType;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }
std::string_view base_of(std::string_view p) {
  auto i = p.rfind('/');
  return i == std::string_view::npos ? p : p.substr(i + 1);
}
std::string_view dir_of(std::string_view p) {
  auto i = p.rfind('/');
  return i == std::string_view::npos ? std::string_view{} : p.substr(0, i);
}
// Go's filepath.Ext: from the last dot of the base name.
std::string_view ext_of(std::string_view p) {
  std::string_view b = base_of(p);
  auto i = b.rfind('.');
  return i == std::string_view::npos ? std::string_view{} : b.substr(i);
}
bool ignored(std::string_view p) { return starts_with(p, "var/lib/db/sbom/"); }
bool is_dir(const LintEntry& e) { return e.type == EntryType::kDir; }
bool is_reg(const LintEntry& e) { return e.type == EntryType::kFile; }

// Adds a hit for every non-directory entry matching `pred`.
template <class Pred>
base::Status paths(const LintTree& t, std::vector<Hit>& hits, std::string_view msg, Pred pred) {
  for (const auto& e : t.entries())
    if (!is_dir(e) && pred(e.path)) hits.push_back({e.path, std::string(msg)});
  return base::ok();
}

base::Status dev(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  return paths(t, h, "package writes to /dev", [](std::string_view p) { return starts_with(p, "dev/"); });
}
base::Status infodir(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  return paths(t, h, "package ships the generated info index usr/share/info/dir", [](std::string_view p) {
    return p == "usr/share/info/dir" || starts_with(p, "usr/share/info/dir/");
  });
}
base::Status lafiles(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  return paths(t, h, "libtool archive (.la) file", [](std::string_view p) { return ext_of(p) == ".la"; });
}
base::Status setuidgid(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  for (const auto& e : t.entries()) {
    if (!is_reg(e) || !(e.mode & 07000)) continue;
    std::string what;
    for (auto [bit, name] : {std::pair{04000u, "setuid"}, {02000u, "setgid"}, {01000u, "sticky"}})
      if (e.mode & bit) what += (what.empty() ? "" : "+") + std::string(name);
    h.push_back({e.path, "file is " + what});
  }
  return base::ok();
}
base::Status tempdir(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  static const std::regex kTemp("^(var/)?(tmp|run)/");
  for (const auto& e : t.entries()) {
    bool run = starts_with(e.path, "run/") || starts_with(e.path, "var/run/");
    if (run || (!is_dir(e) && std::regex_search(e.path, kTemp))) h.push_back({e.path, "package writes to a temp dir"});
  }
  return base::ok();
}
base::Status usrmerge(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  static const std::vector<std::string_view> kDirs = {"sbin", "bin", "usr/sbin", "lib", "lib64"};
  for (const auto& e : t.entries()) {
    if (ignored(e.path)) continue;
    for (auto d : kDirs) {
      bool exact = e.path == d && (is_dir(e) || is_reg(e));  // a symlink bin -> usr/bin is fine
      if (exact || (starts_with(e.path, d) && e.path.size() > d.size() && e.path[d.size()] == '/')) {
        h.push_back({e.path, "path violates usrmerge (use /usr/bin and /usr/lib)"});
        break;
      }
    }
  }
  return base::ok();
}
base::Status varempty(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  return paths(t, h, "package writes to /var/empty", [](std::string_view p) { return starts_with(p, "var/empty/"); });
}
base::Status worldwrite(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  for (const auto& e : t.entries())
    if (is_reg(e) && (e.mode & 02))
      h.push_back({e.path, (e.mode & 0111) ? "world-writable executable file (security risk)" : "world-writable file"});
  return base::ok();
}

// Regular files that may be ELF objects: executable, or named *.so / *.a / *.dylib.
template <class Fn>
base::Status each_elf(const LintTree& t, Fn fn) {
  static const std::regex kObj(R"(\.(a|so|dylib)(\..*)?)");
  for (const auto& e : t.entries()) {
    if (!is_reg(e) || ignored(e.path) || e.size < 4) continue;
    std::string ext(ext_of(e.path));
    if (!(e.mode & 0111) && !std::regex_search(ext, kObj)) continue;
    TRY_ASSIGN(std::string data, t.read(e));
    if (!is_elf(data)) continue;
    auto info = parse_elf(data, e.path);
    if (info) fn(e, *info);
  }
  return base::ok();
}
base::Status binaryarch(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  return each_elf(t, [&](const LintEntry& e, const ElfInfo& info) {
    if (info.machine != kElfMachineX86_64 && info.machine != kElfMachineAarch64)
      h.push_back({e.path, "binary for unsupported architecture " + elf_machine_name(info.machine)});
  });
}
base::Status strip(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  return each_elf(t, [&](const LintEntry& e, const ElfInfo& info) {
    if (info.has_debug_sections()) h.push_back({e.path, "unstripped binary (has debug sections)"});
    else if (info.has_symtab()) h.push_back({e.path, "unstripped binary (has a symbol table)"});
  });
}
base::Status cudaruntimelib(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  static const std::regex kCuda(R"(^usr/lib/lib(cuda|nvidia-ml)\.so(\.[0-9]+)*$)");
  return paths(t, h, "package ships a CUDA driver library (it must come from the host)",
               [](std::string_view p) { return std::regex_search(std::string(p), kCuda); });
}
base::Status dll(const LintTree& t, std::string_view pkg, std::vector<Hit>& h) {
  if (ends_with(pkg, "-dev")) return base::ok();
  return paths(t, h, "Windows DLL", [](std::string_view p) { return ext_of(p) == ".dll"; });
}
base::Status dylib(const LintTree& t, std::string_view pkg, std::vector<Hit>& h) {
  if (ends_with(pkg, "-dev")) return base::ok();
  return paths(t, h, "macOS dylib", [](std::string_view p) { return ext_of(p) == ".dylib"; });
}
bool license_like(std::string_view base) {
  std::string up;
  for (char c : base) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view p : {"LICENSE", "LICENCE", "COPYING", "COPYRIGHT", "NOTICE"})
    if (starts_with(up, p)) return true;
  return false;
}
base::Status duplicate(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> groups;  // (sha256, basename) -> paths
  for (const auto& e : t.entries()) {
    if (!is_reg(e) || e.size < 1024 || license_like(base_of(e.path))) continue;
    TRY_ASSIGN(std::string data, t.read(e));
    groups[{base::sha256_hex(data), std::string(base_of(e.path))}].push_back(e.path);
  }
  for (const auto& [key, ps] : groups) {
    if (ps.size() < 2) continue;
    std::string others;
    for (size_t i = 1; i < ps.size(); ++i) others += (i > 1 ? ", " : "") + ps[i];
    h.push_back({ps[0], "identical to " + others + " (consider a symlink)"});
  }
  return base::ok();
}
base::Status maninfo(const LintTree& t, std::string_view pkg, std::vector<Hit>& h) {
  if (ends_with(pkg, "-doc")) return base::ok();
  static const std::regex kMan(
      R"(^usr/(?:local/)?share/man(?:/man[0-9][^/]*)?(?:/[^/]+\.[0-9][^/]*(?:\.(?:gz|bz2|xz|lzma|Z))?)?$|^usr/man(?:/man[0-9][^/]*)?(?:/[^/]+\.[0-9][^/]*(?:\.(?:gz|bz2|xz|lzma|Z))?)?$)");
  static const std::regex kInfo(R"(^usr/(?:local/)?share/info/(?:dir|[^/]+\.info(?:\-[0-9]+)?(?:\.(?:gz|bz2|xz|lzma|Z))?)$)");
  return paths(t, h, "man/info page outside a -doc package", [](std::string_view p) {
    std::string s(p);
    return std::regex_search(s, kMan) || std::regex_search(s, kInfo);
  });
}
base::Status nonlinux(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> kPlatforms = {
      {"macos", {"darwin", "macos", "mac_os", "mac-os", "osx", "os_x", "os-x"}}, {"windows", {"windows", "win32", "win64"}}};
  for (const auto& e : t.entries()) {
    if (is_dir(e)) continue;
    std::string lower;
    for (char c : e.path) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool found = false;
    for (const auto& [platform, variants] : kPlatforms) {
      for (auto v : variants)
        if (lower.find(v) != std::string::npos) {
          h.push_back({e.path, "path refers to " + std::string(platform)});
          found = true;
          break;
        }
      if (found) break;
    }
  }
  return base::ok();
}
base::Status object(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  return paths(t, h, "intermediate object file", [](std::string_view p) { return ext_of(p) == ".o"; });
}
base::Status prefix_unless_compat(const LintTree& t, std::string_view pkg, std::vector<Hit>& h, std::string_view prefix,
                                  std::string_view msg) {
  if (ends_with(pkg, "-compat")) return base::ok();
  return paths(t, h, msg, [&](std::string_view p) { return starts_with(p, prefix); });
}
base::Status opt(const LintTree& t, std::string_view pkg, std::vector<Hit>& h) {
  return prefix_unless_compat(t, pkg, h, "opt/", "package writes to /opt");
}
base::Status srv(const LintTree& t, std::string_view pkg, std::vector<Hit>& h) {
  return prefix_unless_compat(t, pkg, h, "srv/", "package writes to /srv");
}
base::Status usrlocal(const LintTree& t, std::string_view pkg, std::vector<Hit>& h) {
  return prefix_unless_compat(t, pkg, h, "usr/local/", "/usr/local path in a non-compat package");
}

// Top-level entries of usr/lib/python3.*/site-packages; a hit when several python dirs exist.
std::vector<std::string> site_packages(const LintTree& t, std::vector<Hit>& h) {
  std::set<std::string> pydirs;
  std::vector<std::string> out;
  for (const auto& e : t.entries()) {
    if (!starts_with(e.path, "usr/lib/python3.")) continue;
    std::string_view rest = std::string_view(e.path).substr(8);
    std::string pydir(rest.substr(0, rest.find('/')));
    pydirs.insert(pydir);
    std::string_view sub = rest.substr(std::min(rest.size(), pydir.size()));
    if (starts_with(sub, "/site-packages/")) {
      std::string_view name = sub.substr(15);
      if (!name.empty() && name.find('/') == std::string_view::npos) out.emplace_back(e.path);
    }
  }
  if (pydirs.size() > 1) h.push_back({"usr/lib", "more than one Python version: " + std::to_string(pydirs.size())});
  return out;
}
base::Status python_docs(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  for (const auto& p : site_packages(t, h))
    if (base_of(p) == "doc" || base_of(p) == "docs") h.push_back({p, "docs directory in Python site-packages"});
  return base::ok();
}
base::Status python_test(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  for (const auto& p : site_packages(t, h))
    if (base_of(p) == "test" || base_of(p) == "tests") h.push_back({p, "tests directory in Python site-packages"});
  return base::ok();
}
base::Status python_multiple(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  std::set<std::string> mods;
  for (const auto& p : site_packages(t, h)) {
    std::string b(base_of(p));
    if (b.front() == '_' || b == "test" || b == "tests" || b == "doc" || b == "docs") continue;
    std::string ext(ext_of(b));
    if (ext == ".egg-info" || ext == ".dist-info" || ext == ".pth") continue;
    if (!ext.empty()) b.resize(b.size() - ext.size());
    if (!b.empty()) mods.insert(b);
  }
  if (mods.size() > 1) {
    std::string list;
    for (const auto& m : mods) list += (list.empty() ? "" : ", ") + m;
    h.push_back({"", "several Python modules in site-packages: " + list});
  }
  return base::ok();
}
base::Status sbom(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  return paths(t, h, "non-SBOM file in var/lib/db/sbom", [](std::string_view p) {
    return dir_of(p) == "var/lib/db/sbom" && !ends_with(p, ".spdx.json");
  });
}
base::Status staticarchive(const LintTree& t, std::string_view pkg, std::vector<Hit>& h) {
  if (ends_with(pkg, "-dev") || ends_with(pkg, "-static")) return base::ok();
  return paths(t, h, "static archive outside a -dev/-static package", [](std::string_view p) { return ext_of(p) == ".a"; });
}
base::Status empty(const LintTree& t, std::string_view, std::vector<Hit>& h) {
  for (const auto& e : t.entries())
    if (!is_dir(e) && !ignored(e.path)) return base::ok();
  h.push_back({"", "package is empty"});
  return base::ok();
}
base::Status documentation(const LintTree& t, std::string_view pkg, std::vector<Hit>& h) {
  if (ends_with(pkg, "-doc")) return base::ok();
  static const std::regex kDoc(R"((?:READ(?:\.?ME)?|TODO|CREDITS|\.(?:md|docx?|rst|[0-9][a-z]))$)");
  return paths(t, h, "documentation file outside a -doc package",
               [](std::string_view p) { return std::regex_search(std::string(p), kDoc); });
}

}  // namespace

const std::vector<Rule>& rules() {
  using D = LintDefault;
  static const std::vector<Rule> r = {
      {{"dev", D::kRequire, "use udev instead of creating /dev nodes, or remove the files in /dev"}, dev},
      {{"infodir", D::kRequire, "remove /usr/share/info/dir (run split/infodir)"}, infodir},
      {{"libtool/la-files", D::kRequire, "remove the .la files in the pipeline, or disable this linter"}, lafiles},
      {{"setuidgid", D::kRequire, "unset the setuid/setgid bits, or disable this linter"}, setuidgid},
      {{"tempdir", D::kRequire, "remove files in temporary dirs in the pipeline"}, tempdir},
      {{"usrmerge", D::kRequire, "install to /usr/bin and /usr/lib instead of /bin, /sbin, /lib, /usr/sbin"}, usrmerge},
      {{"varempty", D::kRequire, "remove files in /var/empty in the pipeline"}, varempty},
      {{"worldwrite", D::kRequire, "change the permissions of world-writable files, or disable this linter"}, worldwrite},
      {{"binaryarch", D::kWarn, "remove binaries for other architectures"}, binaryarch},
      {{"cudaruntimelib", D::kWarn, "do not ship CUDA driver libraries"}, cudaruntimelib},
      {{"dll", D::kWarn, "remove Windows libraries"}, dll},
      {{"dylib", D::kWarn, "remove macOS libraries"}, dylib},
      {{"duplicate", D::kWarn, "replace duplicate files by symlinks"}, duplicate},
      {{"maninfo", D::kWarn, "move man/info pages to a -doc subpackage"}, maninfo},
      {{"nonlinux", D::kWarn, "remove files for other operating systems"}, nonlinux},
      {{"object", D::kWarn, "remove intermediate .o files"}, object},
      {{"opt", D::kWarn, "this package should be a -compat package"}, opt},
      {{"srv", D::kWarn, "this package should be a -compat package"}, srv},
      {{"usrlocal", D::kWarn, "this package should be a -compat package"}, usrlocal},
      {{"python/docs", D::kWarn, "remove docs directories from site-packages"}, python_docs},
      {{"python/test", D::kWarn, "remove test directories from site-packages"}, python_test},
      {{"python/multiple", D::kWarn, "split the Python modules into several packages"}, python_multiple},
      {{"sbom", D::kWarn, "remove files from /var/lib/db/sbom"}, sbom},
      {{"staticarchive", D::kWarn, "move static archives to a -dev or -static package, or remove them"}, staticarchive},
      {{"strip", D::kWarn, "strip all binaries in the pipeline (uses: strip)"}, strip},
      {{"documentation", D::kOff, "move documentation to a -doc subpackage"}, documentation},
      {{"empty", D::kOff, "check the build, or disable this linter if the package is meant to be empty"}, empty},
  };
  return r;
}

}  // namespace melange::lint_detail
