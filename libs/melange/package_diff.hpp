// Comparing two .apk files entry by entry: what `melange rebuild` reports when a rebuilt
// package is not byte-identical to the original.
//
// Every tar entry of every gzip member (signature, control, data) is keyed by its name, as
// melange does it: "removed: NAME" (only in the old package), "added: NAME" (only in the
// new one), "changed: NAME: digests OLD -> NEW" (sha256 of the content), followed for
// .PKGINFO, .melange.yaml and var/lib/db/sbom/* by a unified diff of the two texts. Beyond
// melange, a header difference with equal content is reported too ("changed: NAME: mode
// 0644 -> 0755, uid ..., mtime ..., link ..."), and when all entries agree but the bytes do
// not, the gzip member that differs. The last line is "APK digest diff: OLD -> NEW" (sha256
// of the files) when the bytes differ. Lines come in the old package's entry order, then
// the added entries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace melange {

struct PackageDiff {
  std::string old_sha256, new_sha256;
  std::vector<std::string> lines;  // a diff of contents may span several lines in one element
  bool identical() const { return old_sha256 == new_sha256; }
};

// `old_name` / `new_name` name the files in errors (a member that does not inflate or a
// tar that does not parse).
base::Result<PackageDiff> diff_packages(std::string_view old_bytes, std::string_view old_name, std::string_view new_bytes,
                                        std::string_view new_name);

}  // namespace melange
