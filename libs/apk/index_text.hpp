// The APKINDEX text: the file named APKINDEX inside APKINDEX.tar.gz.
//
// One record per package, records separated by a blank line, one `X:value` field per line.
// Letters: C checksum, P name, V version, A arch, S package size, I installed size,
// T description, U url, L license, o origin, m maintainer, t build time, c commit,
// k provider_priority, D depends, p provides, i install_if, r replaces,
// q replaces_priority (lists are space-separated). Unknown letters are ignored, as
// apk-tools ignores them.
//
// Reading is zero-copy: IndexText owns the text and every IndexEntry field is a view into
// it, so parsing allocates only the entry vector. The writer uses apk-tools' field order
// (apk_pkg_write_index_header): C P V A S I T U L, then o m t c k when set, then D p i,
// then r q when set; every record ends with a blank line.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apk/package_info.hpp"
#include "base/error.hpp"

namespace apk {

// One index record; the views point into the IndexText that produced it (or any buffer
// the caller keeps alive, for set_index_field users).
struct IndexEntry {
  std::string_view name, version, arch, description, url, license, origin, maintainer, commit;
  std::string_view checksum;  // "Q1..."
  std::string_view datahash;  // not an index field; empty unless a caller sets it
  uint64_t installed_size = 0;
  uint64_t package_size = 0;
  int64_t build_time = 0;
  std::optional<int64_t> provider_priority;
  std::optional<int64_t> replaces_priority;
  // Raw space-separated lists, as in the file (`triggers` is not an index field: always empty
  // from parse(), kept so that the fields match PackageInfo).
  std::string_view depends, provides, replaces, install_if, triggers;
  uint32_t line = 0;  // line number of the record's first field (1-based)

  PackageInfo to_info() const;
  bool operator==(const IndexEntry& o) const;  // all fields but `line`
};

class IndexText {
 public:
  // Parses `buffer` (takes ownership). Errors name the line: "APKINDEX line 7: ...".
  static base::Result<IndexText> parse(std::string buffer);

  const std::vector<IndexEntry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  const std::string& text() const { return *buffer_; }

 private:
  std::unique_ptr<std::string> buffer_;  // heap-held so moving IndexText keeps views valid
  std::vector<IndexEntry> entries_;
};

// Sets the field `key` of `entry` from `value` (a view the caller keeps alive).
// Returns false when the value is malformed (a bad number); unknown keys are ignored.
// Shared with the installed-database reader.
bool set_index_field(IndexEntry& entry, char key, std::string_view value);

// Appends one record (without the blank line that ends it) in apk-tools' field order. The
// IndexEntry form writes exactly what append_index_fields(out, entry.to_info()) would, without
// the copies (a re-index takes most records over from the previous index this way).
void append_index_fields(std::string& out, const PackageInfo& info);
void append_index_fields(std::string& out, const IndexEntry& entry);

// The whole APKINDEX text: each record followed by a blank line.
std::string write_index_text(const std::vector<PackageInfo>& packages);

}  // namespace apk
