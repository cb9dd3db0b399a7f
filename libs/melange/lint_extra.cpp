// The linters that look beyond single paths: lddcheck and pkgconf (does the package's own
// test pipeline cover its shared objects / pkg-config files?) and unsupportedarch (path
// names that mention other CPU architectures), plus the helpers that collect a package's
// test pipeline `uses:` for them.
#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

#include "config/build_config.hpp"
#include "melange/compile.hpp"
#include "melange/lint.hpp"

namespace melange {

std::vector<std::string> config_test_uses(const config::BuildConfig& cfg, std::string_view package) {
  const config::TestSection* test = nullptr;
  if (cfg.package.name == package) {
    if (cfg.test) test = &*cfg.test;
  } else {
    auto it = std::find_if(cfg.subpackages.begin(), cfg.subpackages.end(),
                           [&](const config::Subpackage& s) { return s.name == package; });
    if (it != cfg.subpackages.end() && it->test) test = &*it->test;
  }
  std::vector<std::string> out;
  if (test)
    for (const auto& step : test->pipeline)
      if (!step.uses.empty()) out.push_back(step.uses);
  return out;
}

std::vector<std::string> compiled_test_uses(const CompiledPackage& pkg) {
  std::vector<std::string> out;
  if (pkg.test)
    for (const auto& step : pkg.test->steps)
      if (!step.uses.empty() && std::find(out.begin(), out.end(), step.uses) == out.end()) out.push_back(step.uses);
  return out;
}

namespace lint_detail {
namespace {


// One package-wide hit when some non-directory entry matches `pred` and none of
// `test_pipelines` is among the package's test steps.
template <class Pred>
void untested(const LintTree& t, const LintOptions& o, std::vector<Hit>& h, std::vector<std::string_view> test_pipelines,
              std::string_view what, Pred pred) {
  if (o.test_uses)
    for (const auto& u : *o.test_uses)
      if (std::find(test_pipelines.begin(), test_pipelines.end(), u) != test_pipelines.end()) return;
  std::vector<std::string> found;
  for (const auto& e : t.entries())
    if (!is_dir(e) && pred(e.path)) found.push_back(e.path);
  if (found.empty()) return;
  std::string msg = "ships " + std::to_string(found.size()) + " " + std::string(what) + " (";
  for (size_t i = 0; i < found.size() && i < 3; ++i) msg += (i ? ", " : "") + found[i];
  msg += found.size() > 3 ? ", ...)" : ")";
  msg += o.test_uses ? " but its test pipeline does not use " + std::string(test_pipelines.front())
                     : "; without a .melange.yaml nothing shows that " + std::string(test_pipelines.front()) + " runs";
  h.push_back({"", msg});
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
bool contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

}  // namespace

base::Status lddcheck(const LintTree& t, const LintOptions& o, std::vector<Hit>& h) {
  static const std::regex kShared(R"(\.so(\.[0-9]+)*$)");
  untested(t, o, h, {"test/ldd-check", "test/tw/ldd-check"}, "shared object(s)",
           [](const std::string& p) { return std::regex_search(p, kShared); });
  return base::ok();
}

base::Status pkgconf(const LintTree& t, const LintOptions& o, std::vector<Hit>& h) {
  // Any file in the pkg-config directories counts, not only *.pc.
  untested(t, o, h, {"test/pkgconf"}, "file(s) in pkgconfig directories", [](const std::string& p) {
    return p.rfind("usr/lib/pkgconfig/", 0) == 0 || p.rfind("usr/share/pkgconfig/", 0) == 0;
  });
  return base::ok();
}

// melange's rules, checked per architecture in this order: the directory part (lowercased)
// containing "/<arch>" is a hit outright; the base name containing "<sep><arch><sep>" or
// "<sep><arch>." or ending in "<sep><arch>" (sep one of - _ .) is a hit unless the whole
// path also names a supported architecture. Directories themselves are not reported; a
// directory with no slash ("." in Go) never matches.
base::Status unsupportedarch(const LintTree& t, const LintOptions&, std::vector<Hit>& h) {
  static constexpr std::array<std::string_view, 18> kOther = {
      "i386",  "i686",    "x86_32", "x86-32", "ppc64", "ppc64le", "powerpc", "s390x", "s390",
      "mips",  "mipsel",  "mips64", "riscv",  "riscv64", "sparc", "sparc64", "ia64",   "m68k"};
  static constexpr std::array<std::string_view, 5> kSupported = {"aarch64", "arm64", "amd64", "x86_64", "x86-64"};
  for (const auto& e : t.entries()) {
    if (is_dir(e)) continue;
    const std::string path = lower(e.path), dir = lower(dir_of(e.path)), base = lower(base_of(e.path));
    const bool names_supported =
        std::any_of(kSupported.begin(), kSupported.end(), [&](std::string_view s) { return contains(path, s); });
    for (std::string_view arch : kOther) {
      const std::string a(arch);
      bool hit = contains(dir, "/" + a);
      for (std::string_view sep : {"-", "_", "."}) {
        if (hit || names_supported) break;
        const std::string s(sep);
        hit = contains(base, s + a + s) || contains(base, s + a + ".") || std::string_view(base).ends_with(s + a);
      }
      if (hit) {
        h.push_back({e.path, "path refers to the unsupported architecture " + a});
        break;
      }
    }
  }
  return base::ok();
}

}  // namespace lint_detail
}  // namespace melange
