// Software composition analysis of a package's output directory (melange-out/<name>),
// as melange's pkg/sca does it, producing the package's runtime dependencies and
// provides:
//   - ELF files with r-x for everyone (mode & 0555 == 0555): PT_INTERP -> `so:<basename>`
//     (ld-musl-* becomes libc.musl-*), each DT_NEEDED containing ".so." -> `so:<name>`;
//     a DT_SONAME (of a file with no interpreter, or named *.so.*) -> provides
//     `so:<soname>=<ver>` when the file sits directly in a library directory (lib,
//     usr/lib, lib64, usr/lib64, lib/<triplet>, usr/lib/<triplet>, and the paths the
//     package lists in etc/ld.so.conf.d/*.conf), otherwise it is "vendored";
//     <ver> is the part after ".so." when it is all digits and dots, else "0";
//   - symlinks named *.so* resolving to a library of this or a related package
//     (libfoo.so -> libfoo.so.1 in the main package) -> `so:<soname>` depends;
//   - executables (mode & 0555 == 0555) directly in bin, sbin, usr/bin, usr/sbin ->
//     `cmd:<name>=<full version>`;
//   - shebangs of files under bin/ and usr/bin/ -> `cmd:<interpreter>` (`/usr/bin/env X`
//     and `/usr/bin/env -S X ...` use X; sh, python, python3, awk and luajit are ignored);
//   - pkg-config files in usr/lib/pkgconfig, usr/lib64/pkgconfig, usr/share/pkgconfig,
//     usr/local/{lib,share}/pkgconfig -> `pc:<name>=<full version>` provides and one
//     `pc:<module>` depend per Requires / Requires.private / Requires.internal module;
//     elsewhere they are vendored;
//   - python modules in usr/lib/pythonX.Y/site-packages -> `python-X.Y-base` unless the
//     YAML already depends on a python* package; -doc packages with usr/share/man or
//     usr/share/info -> man-db / texinfo.
// Then: no-commands drops generated cmd: entries, no-depends the generated depends,
// no-provides the generated provides; generated depends satisfied by vendored
// libraries are dropped; the YAML lists are merged in; both lists are sorted
// (bytewise) and deduplicated; depends provided by the package itself are removed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace melange {

struct ScaOptions {
  std::string package_name;
  std::string full_version;  // "2.10-r0"
  bool no_provides = false, no_depends = false, no_commands = false;
  std::vector<std::string> runtime;   // package.dependencies.runtime from the YAML
  std::vector<std::string> provides;  // package.dependencies.provides from the YAML
  // Output dirs of the other packages of the same build (for *.so symlinks into them).
  std::vector<std::filesystem::path> related_dirs;
};

struct ScaResult {
  std::vector<std::string> depends;   // merged, sorted, unique, without self-provided
  std::vector<std::string> provides;  // merged, sorted, unique
  std::vector<std::string> vendored;  // so:/pc: found outside the standard directories
};

base::Result<ScaResult> analyze(const std::filesystem::path& pkgdir, const ScaOptions& opts);

// --- pieces, exposed for tests ---

// "libfoo.so.1.2" -> "1.2"; "libfoo.so" / "libfoo.so.1a" -> "0".
std::string soname_version(std::string_view soname);

// The command a script's first line runs, from the first 80 bytes of the file; nullopt
// for no shebang or an ignored interpreter; an error for a bare `/usr/bin/env` or an env
// line melange cannot read.
base::Result<std::optional<std::string>> shebang_command(std::string_view head);

struct PkgConfigFile {
  std::string version;
  std::vector<std::string> requires_;  // module names of Requires, Requires.private, Requires.internal
};
// Parses the keywords of a .pc file (variables expanded; version constraints dropped).
PkgConfigFile parse_pkgconfig(std::string_view text);

}  // namespace melange
