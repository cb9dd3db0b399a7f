// Package linters, as melange's pkg/linter runs them after a build and `melange lint`
// runs them on existing .apk files.
//
// Each linter looks at the package's file tree (a directory, or the data entries of an
// .apk) and the package name. Its default behaviour is one of:
//   require (a finding is an error): dev, infodir, libtool/la-files, setuidgid, tempdir,
//                                    usrmerge, varempty, worldwrite
//   warn:   binaryarch, cudaruntimelib, dll, duplicate, dylib, lddcheck, maninfo, nonlinux,
//           object, opt, pkgconf, python/docs, python/multiple, python/test, sbom, srv,
//           staticarchive, strip, unsupportedarch, usrlocal
//   off:    documentation, empty (LintOptions::enabled turns them on as warnings)
// A linter named in the package's `checks.disabled` is downgraded to a warning, and an
// off-by-default one listed there runs as a warning (as melange does). Paths under
// var/lib/db/sbom/ (the SBOM melange puts in the package) are ignored by the ELF, empty
// and usrmerge linters. lddcheck and pkgconf look at the package's own `test:` pipeline
// (LintOptions::test_uses): shipping shared objects / pkg-config files without using
// test/ldd-check (or test/tw/ldd-check) / test/pkgconf there is a finding.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apk/package.hpp"
#include "archive/tar_entry.hpp"
#include "base/error.hpp"
#include "base/temp_file.hpp"

namespace config {
struct BuildConfig;
}

namespace melange {

struct CompiledPackage;

enum class LintDefault { kRequire, kWarn, kOff };
enum class LintSeverity { kError, kWarning };

struct LinterInfo {
  std::string_view name;
  LintDefault behaviour;
  std::string_view explain;  // what to do about a finding
};
// Every linter, sorted by name.
const std::vector<LinterInfo>& all_linters();

struct LintFinding {
  std::string linter;
  LintSeverity severity = LintSeverity::kWarning;
  std::string path;  // relative path, empty for package-wide findings
  std::string message;
};

struct LintEntry {
  std::string path;  // "usr/bin/hello", no leading or trailing slash
  archive::EntryType type = archive::EntryType::kFile;
  uint32_t mode = 0644;  // permission bits incl. 07000
  uint64_t size = 0;
};

// The files of one package, from a directory or from an .apk's data member.
class LintTree {
 public:
  static base::Result<LintTree> from_dir(const std::filesystem::path& root);
  static base::Result<LintTree> from_package(const apk::Package& pkg);

  const std::vector<LintEntry>& entries() const { return entries_; }
  // The content of a regular file entry: from disk a mapping of the file (file-backed pages, so a linter over
  // a package with a multi-GB file does not hold it in the process), from a package its
  // in-memory content. Valid while the returned object lives.
  class Content {
   public:
    std::string_view view() const { return view_; }

   private:
    friend class LintTree;
    std::optional<base::FileMapping> map_;
    std::string_view view_;
  };
  base::Result<Content> view(const LintEntry& e) const;

 private:
  std::vector<LintEntry> entries_;  // sorted by path
  std::filesystem::path root_;
  std::map<std::string, std::string, std::less<>> data_;  // package contents by path
};

struct LintOptions {
  std::string package_name;
  std::vector<std::string> disabled;  // checks.disabled
  std::vector<std::string> enabled;   // off-by-default linters to run (as warnings)
  // --lint-require / --lint-warn: when set, they replace the default behaviours (a linter
  // in neither list does not run); `disabled` still downgrades.
  std::optional<std::vector<std::string>> require, warn;
  // The `uses:` of the steps of this package's own `test:` pipeline (lddcheck, pkgconf).
  // nullopt: no configuration is known (an .apk without .melange.yaml).
  std::optional<std::vector<std::string>> test_uses;
};

// test_uses for `package` (the main package or a subpackage) from a parsed configuration,
// such as the .melange.yaml embedded in an .apk: the `uses:` of the top-level steps of its
// own test pipeline, as melange reads them. Empty when it has none or is not in `cfg`.
std::vector<std::string> config_test_uses(const config::BuildConfig& cfg, std::string_view package);
// test_uses of a compiled package (during a build): the pipeline each test step came from
// (ranged subpackages are expanded there, and steps whose `if:` is false are gone).
std::vector<std::string> compiled_test_uses(const CompiledPackage& pkg);

// Runs the linters. Fails only for unknown linter names in the options (kInvalidInput)
// or unreadable files.
base::Result<std::vector<LintFinding>> lint(const LintTree& tree, const LintOptions& opts);
base::Result<std::vector<LintFinding>> lint_dir(const std::filesystem::path& dir, const LintOptions& opts);

bool has_errors(const std::vector<LintFinding>& findings);
// "error: [worldwrite] usr/bin/x: world-writable file (hint: ...)" on one line.
std::string format_finding(const LintFinding& f);

// --- for lint_rules.cpp ---
namespace lint_detail {
struct Hit {
  std::string path, message;
};
using RuleFn = base::Status (*)(const LintTree& tree, const LintOptions& opts, std::vector<Hit>& hits);
struct Rule {
  LinterInfo info;
  RuleFn fn;
};
const std::vector<Rule>& rules();
// In lint_extra.cpp.
base::Status lddcheck(const LintTree& t, const LintOptions& o, std::vector<Hit>& h);
base::Status pkgconf(const LintTree& t, const LintOptions& o, std::vector<Hit>& h);
base::Status unsupportedarch(const LintTree& t, const LintOptions& o, std::vector<Hit>& h);
// Path helpers for relative slash paths (lint_rules.cpp). dir_of is "" without a slash;
// ext_of is Go's filepath.Ext (from the last dot of the base name).
std::string_view base_of(std::string_view p);
std::string_view dir_of(std::string_view p);
std::string_view ext_of(std::string_view p);
inline bool is_dir(const LintEntry& e) { return e.type == archive::EntryType::kDir; }
}  // namespace lint_detail

}  // namespace melange
