// Package URLs (purl, github.com/package-url/purl-spec) for the packages our SBOMs
// describe: `pkg:<type>/<namespace>/<name>@<version>?<qualifiers>#<subpath>`.
// Components are percent-encoded (everything outside A-Z a-z 0-9 . - _ ~ becomes
// %XX, so a version's `+` is `%2B`); qualifiers are sorted by key and empty values
// are left out. For `apk` the namespace (vendor: alpine, wolfi) and name are lowercased.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace sbom {

// Percent-encodes one purl component; `keep` lists extra characters left as they are.
std::string purl_escape(std::string_view s, std::string_view keep = {});

struct Purl {
  std::string type, namespace_, name, version;
  std::map<std::string, std::string> qualifiers;  // sorted by key, as the spec's canonical form
  std::string subpath;
  std::string str() const;
};

// pkg:apk/<ns>/<name>@<version>?arch=<arch>[&distro=<distro>][&origin=<origin>]
// `origin` is only added when it differs from the package name.
std::string purl_apk(std::string_view ns, std::string_view name, std::string_view version, std::string_view arch,
                     std::string_view distro = {}, std::string_view origin = {});

// pkg:oci/<name>@sha256:...?arch=..&mediaType=..&os=.. (name is the repository's last path element).
std::string purl_oci(std::string_view name, std::string_view digest, std::string_view arch, std::string_view os,
                     std::string_view media_type);

}  // namespace sbom
