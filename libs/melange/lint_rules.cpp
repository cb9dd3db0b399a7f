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

std::string_view base_of(std::string_view p) {
  auto i = p.rfind('/');
  return i == std::string_view::npos ? p : p.substr(i + 1);
}
std::string_view dir_of(std::string_view p) {
  auto i = p.rfind('/');
  return i == std::string_view::npos ? std::string_view{} : p.substr(0, i);
}
std::string_view ext_of(std::string_view p) {
  std::string_view b = base_of(p);
  auto i = b.rfind('.');
  return i == std::string_view::npos ? std::string_view{} : b.substr(i);
}

namespace {

using archive::EntryType;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }
bool ignored(std::string_view p) { return starts_with(p, "var/lib/db/sbom/"); }
bool is_reg(const LintEntry& e) { return e.type == EntryType::kFile; }

// Adds a hit for every non-directory entry matching `pred`.
template <class Pred>
base::Status paths(const LintTree& t, std::vector<Hit>& hits, std::string_view msg, Pred pred) {
  for (const auto& e : t.entries())
    if (!is_dir(e) && pred(e.path)) hits.push_back({e.path, std::string(msg)});
  return base::ok();
}

base::Status dev(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  return paths(t, h, "package writes to /dev", [](std::string_view p) { return starts_with(p, "dev/"); });
}
base::Status infodir(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  // Only files inside a usr/share/info/dir/ directory: melange's rule does not match the
  // plain file usr/share/info/dir (maninfo warns about that one).
  return paths(t, h, "package writes to usr/share/info/dir/",
               [](std::string_view p) { return starts_with(p, "usr/share/info/dir/"); });
}
base::Status lafiles(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  return paths(t, h, "libtool archive (.la) file", [](std::string_view p) { return ext_of(p) == ".la"; });
}
base::Status setuidgid(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  for (const auto& e : t.entries()) {
    if (!is_reg(e) || !(e.mode & 07000)) continue;
    std::string what;
    for (auto [bit, name] : {std::pair{04000u, "setuid"}, {02000u, "setgid"}, {01000u, "sticky"}})
      if (e.mode & bit) what += (what.empty() ? "" : "+") + std::string(name);
    h.push_back({e.path, "file is " + what});
  }
  return base::ok();
}
base::Status tempdir(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  // Non-directories in tmp/, var/tmp/ and run/; anything in var/run/; directories in run/
  // unless the package ships a usr/lib/tmpfiles.d/ entry (systemd-tmpfiles creates them).
  const bool tmpfiles = std::any_of(t.entries().begin(), t.entries().end(),
                                    [](const LintEntry& e) { return starts_with(e.path, "usr/lib/tmpfiles.d/"); });
  for (const auto& e : t.entries()) {
    const std::string_view p = e.path;
    bool hit = starts_with(p, "var/run/");
    if (!is_dir(e)) hit = hit || starts_with(p, "tmp/") || starts_with(p, "var/tmp/") || starts_with(p, "run/");
    else if (starts_with(p, "run/")) hit = hit || !tmpfiles;
    if (hit) h.push_back({e.path, "package writes to a temp dir"});
  }
  return base::ok();
}
base::Status usrmerge(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  static const std::vector<std::string_view> kDirs = {"sbin", "bin", "usr/sbin", "lib", "lib64"};
  for (const auto& e : t.entries()) {
    if (ignored(e.path)) continue;
    for (auto d : kDirs) {
      // Any entry named exactly bin, sbin, ... counts, a symlink bin -> usr/bin too (as melange).
      if (e.path == d || (starts_with(e.path, d) && e.path.size() > d.size() && e.path[d.size()] == '/')) {
        h.push_back({e.path, "path violates usrmerge (use /usr/bin and /usr/lib)"});
        break;
      }
    }
  }
  return base::ok();
}
base::Status varempty(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  return paths(t, h, "package writes to /var/empty", [](std::string_view p) { return starts_with(p, "var/empty/"); });
}
base::Status worldwrite(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  for (const auto& e : t.entries())
    if (is_reg(e) && (e.mode & 02))
      h.push_back({e.path, (e.mode & 0111) ? "world-writable executable file (security risk)" : "world-writable file"});
  return base::ok();
}

// Regular files that may be ELF objects: executable, or whose extension (from the last
// dot) is .so / .a / .dylib. `fn` gets the parse result (an error for a corrupt ELF).
template <class Fn>
base::Status each_elf(const LintTree& t, Fn fn) {
  static const std::regex kObj(R"(\.(a|so|dylib)(\..*)?)");
  for (const auto& e : t.entries()) {
    if (!is_reg(e) || ignored(e.path) || e.size < 4) continue;
    std::string ext(ext_of(e.path));
    if (!(e.mode & 0111) && !std::regex_search(ext, kObj)) continue;
    TRY_ASSIGN(LintTree::Content data, t.view(e));
    if (!is_elf(data.view())) continue;
    fn(e, parse_elf(data.view(), e.path));
  }
  return base::ok();
}
base::Status binaryarch(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  return each_elf(t, [&](const LintEntry& e, const base::Result<ElfInfo>& info) {
    if (info && info->machine != kElfMachineX86_64 && info->machine != kElfMachineAarch64)
      h.push_back({e.path, "binary for unsupported architecture " + elf_machine_name(info->machine)});
  });
}
base::Status strip(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  // As melange: only a section named exactly .debug or .zdebug counts (not .debug_info
  // or .symtab), and an ELF that cannot be parsed is a finding.
  return each_elf(t, [&](const LintEntry& e, const base::Result<ElfInfo>& info) {
    if (!info) {
      h.push_back({e.path, "cannot read the ELF file: " + info.error().message});
      return;
    }
    for (const auto& s : info->sections)
      if (s == ".debug" || s == ".zdebug") {
        h.push_back({e.path, "unstripped binary (has a " + s + " section)"});
        return;
      }
  });
}
base::Status cudaruntimelib(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  static const std::regex kCuda(R"(^usr/lib/lib(cuda|nvidia-ml)\.so(\.[0-9]+)*$)");
  return paths(t, h, "package ships a CUDA driver library (it must come from the host)",
               [](std::string_view p) { return std::regex_search(std::string(p), kCuda); });
}
base::Status dll(const LintTree& t, const LintOptions& o, std::vector<Hit>& h) {
  if (ends_with(o.package_name, "-dev")) return base::ok();
  return paths(t, h, "Windows DLL", [](std::string_view p) { return ext_of(p) == ".dll"; });
}
base::Status dylib(const LintTree& t, const LintOptions& o, std::vector<Hit>& h) {
  if (ends_with(o.package_name, "-dev")) return base::ok();
  return paths(t, h, "macOS dylib", [](std::string_view p) { return ext_of(p) == ".dylib"; });
}
// Whether melange's license detection (Licensee's file name rules) takes `base` for a
// license text: LICENSE / LICENCE / UNLICENSE / COPYING / COPYRIGHT with an optional
// extension or "-suffix", "MIT-LICENSE"-style prefixes, OFL and PATENTS; never with the
// extensions .xml .go .gemspec .spdx .header. A "-1.2.3-" version segment is collapsed first.
bool license_like(std::string_view base) {
  static const std::regex kVersion(R"(-[0-9]+\.[0-9]+\.[0-9]+-)");
  static const std::regex kName(
      R"(^(?:(?:(?:un)?licen[sc]e|copy(?:ing|right))(?:\.\.(?:md|markdown|txt|html)|\.[^./]+)?)"
      R"(|(?:(?:un)?licen[sc]e|copy(?:ing|right))[-_][^.]*(?:\.[^./]+)?)"
      R"(|\w+[-_](?:(?:un)?licen[sc]e|copy(?:ing|right))[^.]*(?:\.[^./]+)?)"
      R"(|ofl(?:\.\.(?:md|markdown|txt|html)|\.[^./]+)?|patents(?:\.[^./]+)?)$)",
      std::regex::icase);
  std::string name = std::regex_replace(std::string(base), kVersion, "-");
  std::string_view ext = ext_of(name);
  for (std::string_view bad : {".xml", ".go", ".gemspec", ".spdx", ".header"})
    if (ext == bad) return false;
  return std::regex_match(name, kName);
}
base::Status duplicate(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> groups;  // (sha256, basename) -> paths
  for (const auto& e : t.entries()) {
    if (!is_reg(e) || e.size < 1024 || license_like(base_of(e.path))) continue;
    TRY_ASSIGN(LintTree::Content data, t.view(e));
    groups[{base::sha256_hex(data.view()), std::string(base_of(e.path))}].push_back(e.path);
  }
  for (const auto& [key, ps] : groups) {
    if (ps.size() < 2) continue;
    std::string others;
    for (size_t i = 1; i < ps.size(); ++i) others += (i > 1 ? ", " : "") + ps[i];
    h.push_back({ps[0], "identical to " + others + " (consider a symlink)"});
  }
  return base::ok();
}
base::Status maninfo(const LintTree& t, const LintOptions& o, std::vector<Hit>& h) {
  if (ends_with(o.package_name, "-doc")) return base::ok();
  static const std::regex kMan(
      R"(^usr/(?:local/)?share/man(?:/man[0-9][^/]*)?(?:/[^/]+\.[0-9][^/]*(?:\.(?:gz|bz2|xz|lzma|Z))?)?$|^usr/man(?:/man[0-9][^/]*)?(?:/[^/]+\.[0-9][^/]*(?:\.(?:gz|bz2|xz|lzma|Z))?)?$)");
  static const std::regex kInfo(R"(^usr/(?:local/)?share/info/(?:dir|[^/]+\.info(?:\-[0-9]+)?(?:\.(?:gz|bz2|xz|lzma|Z))?)$)");
  return paths(t, h, "man/info page outside a -doc package", [](std::string_view p) {
    std::string s(p);
    return std::regex_search(s, kMan) || std::regex_search(s, kInfo);
  });
}
base::Status nonlinux(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
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
base::Status object(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  return paths(t, h, "intermediate object file", [](std::string_view p) { return ext_of(p) == ".o"; });
}
base::Status prefix_unless_compat(const LintTree& t, std::string_view pkg, std::vector<Hit>& h, std::string_view prefix,
                                  std::string_view msg) {
  if (ends_with(pkg, "-compat")) return base::ok();
  return paths(t, h, msg, [&](std::string_view p) { return starts_with(p, prefix); });
}
base::Status opt(const LintTree& t, const LintOptions& o, std::vector<Hit>& h) {
  return prefix_unless_compat(t, o.package_name, h, "opt/", "package writes to /opt");
}
base::Status srv(const LintTree& t, const LintOptions& o, std::vector<Hit>& h) {
  return prefix_unless_compat(t, o.package_name, h, "srv/", "package writes to /srv");
}
base::Status usrlocal(const LintTree& t, const LintOptions& o, std::vector<Hit>& h) {
  return prefix_unless_compat(t, o.package_name, h, "usr/local/", "/usr/local path in a non-compat package");
}

// The entries directly in usr/lib/python3.*/site-packages (also when the tree only lists
// files below them). With more than one usr/lib/python3.* entry, melange's python linters
// report only that: one hit and no entries.
std::vector<std::string> site_packages(const LintTree& t, std::vector<Hit>& h) {
  std::set<std::string> pydirs, out;
  for (const auto& e : t.entries()) {
    if (!starts_with(e.path, "usr/lib/python3.")) continue;
    std::string_view rest = std::string_view(e.path).substr(8);
    std::string pydir(rest.substr(0, rest.find('/')));
    pydirs.insert(pydir);
    std::string_view sub = rest.substr(std::min(rest.size(), pydir.size()));
    if (starts_with(sub, "/site-packages/")) {
      std::string_view name = sub.substr(15);
      name = name.substr(0, name.find('/'));
      if (!name.empty()) out.insert("usr/lib/" + pydir + "/site-packages/" + std::string(name));
    }
  }
  if (pydirs.size() > 1) {
    h.push_back({"usr/lib", "more than one Python version: " + std::to_string(pydirs.size()) + " found"});
    return {};
  }
  return {out.begin(), out.end()};
}
base::Status python_docs(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  for (const auto& p : site_packages(t, h))
    if (base_of(p) == "doc" || base_of(p) == "docs") h.push_back({p, "docs directory in Python site-packages"});
  return base::ok();
}
base::Status python_test(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  for (const auto& p : site_packages(t, h))
    if (base_of(p) == "test" || base_of(p) == "tests") h.push_back({p, "tests directory in Python site-packages"});
  return base::ok();
}
base::Status python_multiple(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  std::set<std::string> mods;
  for (const auto& p : site_packages(t, h)) {
    std::string b(base_of(p));
    if (b.front() == '_' || b == "test" || b == "tests" || b == "doc" || b == "docs") continue;
    std::string ext(ext_of(b));
    if (ext == ".egg-info" || ext == ".dist-info" || ext == ".pth") continue;
    // The module name is the entry name without its extension. (melange keeps the first
    // len(ext) characters instead, so "yaml.py" and "yaml/" count as two modules there;
    // that slip is deliberately not reproduced.)
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
base::Status sbom(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  return paths(t, h, "non-SBOM file in var/lib/db/sbom", [](std::string_view p) {
    return dir_of(p) == "var/lib/db/sbom" && !ends_with(p, ".spdx.json");
  });
}
base::Status staticarchive(const LintTree& t, const LintOptions& o, std::vector<Hit>& h) {
  if (ends_with(o.package_name, "-dev") || ends_with(o.package_name, "-static")) return base::ok();
  return paths(t, h, "static archive outside a -dev/-static package", [](std::string_view p) { return ext_of(p) == ".a"; });
}
base::Status empty(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  for (const auto& e : t.entries())
    if (!is_dir(e) && !ignored(e.path)) return base::ok();
  h.push_back({"", "package is empty"});
  return base::ok();
}
base::Status documentation(const LintTree& t, const LintOptions& o, std::vector<Hit>& h) {
  if (ends_with(o.package_name, "-doc")) return base::ok();
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
      {{"lddcheck", D::kWarn, "the package ships shared objects: add `uses: test/ldd-check` to its test pipeline"}, lddcheck},
      {{"maninfo", D::kWarn, "move man/info pages to a -doc subpackage"}, maninfo},
      {{"nonlinux", D::kWarn, "remove files for other operating systems"}, nonlinux},
      {{"unsupportedarch", D::kWarn, "remove files for architectures other than x86_64/amd64 and aarch64/arm64"}, unsupportedarch},
      {{"object", D::kWarn, "remove intermediate .o files"}, object},
      {{"pkgconf", D::kWarn, "the package ships pkg-config files: add `uses: test/pkgconf` to its test pipeline"}, pkgconf},
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
