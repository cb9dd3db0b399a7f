// apk dependency and provide strings.
//
// The same syntax appears in .PKGINFO `depend`/`provides`/`install_if`, APKINDEX
// D:/p:/i: fields, /etc/apk/world and apko/melange YAML package lists:
//
//   [!]name[@tag][op version]      op: < <= = >= > ~ =~ <~ >~   (apk writes "=~" as "~")
//
// `name` may carry a namespace prefix (so:libc.so.6, cmd:sh, pc:zlib). "!name" is a
// conflict. A repository tag may also trail the version ("name=1.0@tag"), as some
// YAML writes it; to_string() always writes apk's own order, "name@tag=1.0".
// Lists are separated by whitespace. apk's "><checksum" pins are not supported.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "apk/version.hpp"
#include "base/error.hpp"

namespace apk {

struct Dependency {
  std::string name;          // without "!" and "@tag"
  uint8_t op = kOpAny;       // VersionOp bits; kOpAny means no version constraint
  std::string version;       // empty when op == kOpAny
  std::string tag;           // repository tag without the "@"; empty if none
  bool conflict = false;     // "!name": must NOT be installed (in the given versions)

  // Canonical text, e.g. "!foo@edge>=1.2-r0"; parse_dependency(to_string()) == *this.
  std::string to_string() const;
  // True if version `v` satisfies op/version (always for kOpAny). Ignores `conflict`.
  bool matches_version(std::string_view v) const;

  bool operator==(const Dependency&) const = default;
};

// Parses one dependency. Errors (kInvalidInput) name the text: "dependency 'foo>=': ...".
base::Result<Dependency> parse_dependency(std::string_view text);

// Parses a whitespace-separated list; empty input gives an empty list.
base::Result<std::vector<Dependency>> parse_dependencies(std::string_view space_separated);

// What a package provides: "so:libfoo.so.1=1.2" -> {so:libfoo.so.1, 1.2};
// an unversioned provide ("cmd:foo") has an empty version.
struct Provide {
  std::string name;
  std::string version;

  bool operator==(const Provide&) const = default;
};

Provide parse_provide(std::string_view text);
// Whitespace-separated list of provides (the .PKGINFO/APKINDEX `p:` form).
std::vector<Provide> parse_provides(std::string_view space_separated);

}  // namespace apk
