#include "melange/package_diff.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "archive/gzip.hpp"
#include "archive/tar_reader.hpp"
#include "base/hash.hpp"
#include "melange/text_diff.hpp"

namespace melange {

namespace {

struct ApkEntry {
  archive::TarEntry header;
  std::string digest;   // hex sha256 of the content
  std::string content;  // kept for the paths whose text is shown
  size_t member = 0;
};

bool important_entry(const std::string& name) {
  return name == ".PKGINFO" || name == ".melange.yaml" || name.rfind("var/lib/db/sbom/", 0) == 0;
}

struct ParsedApk {
  std::vector<std::string> order;
  std::map<std::string, ApkEntry> entries;
  std::vector<std::string> member_digests;
};

base::Result<ParsedApk> parse_apk(std::string_view bytes, std::string_view name) {
  ParsedApk p;
  TRY_ASSIGN(auto members, base::with_context(archive::find_gzip_members(bytes), std::string(name)));
  for (size_t m = 0; m < members.size(); ++m) {
    std::string_view gz = bytes.substr(members[m].offset, members[m].length);
    p.member_digests.push_back(base::sha256_hex(gz));
    TRY_ASSIGN(std::string tar, base::with_context(archive::gunzip(gz), std::string(name)));
    archive::TarReader reader(tar);
    archive::TarEntry e;
    std::string_view data;
    while (reader.next(&e, &data)) {
      ApkEntry en;
      en.digest = base::sha256_hex(data);
      if (important_entry(e.name)) en.content = std::string(data);
      en.member = m;
      std::string key = e.name;
      en.header = std::move(e);
      if (p.entries.emplace(key, std::move(en)).second) p.order.push_back(key);
      e = {};
    }
    if (reader.error()) {
      base::Error err = *reader.error();
      return tl::unexpected(err.context(std::string(name) + ": gzip member " + std::to_string(m)));
    }
  }
  return p;
}

std::string octal4(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", v);
  return buf;
}

// "mode 0644 -> 0755, mtime 0 -> 5" for the header fields that differ.
std::string header_changes(const archive::TarEntry& a, const archive::TarEntry& b) {
  std::string out;
  auto add = [&](const std::string& what, const std::string& x, const std::string& y) {
    if (x == y) return;
    out += (out.empty() ? "" : ", ") + what + " " + x + " -> " + y;
  };
  add("type", std::string(1, archive::tar_typeflag(a.type)), std::string(1, archive::tar_typeflag(b.type)));
  add("mode", octal4(a.mode), octal4(b.mode));
  add("uid", std::to_string(a.uid), std::to_string(b.uid));
  add("gid", std::to_string(a.gid), std::to_string(b.gid));
  add("uname", a.uname, b.uname);
  add("gname", a.gname, b.gname);
  add("mtime", std::to_string(a.mtime), std::to_string(b.mtime));
  add("link", a.linkname, b.linkname);
  add("device", std::to_string(a.devmajor) + ":" + std::to_string(a.devminor),
      std::to_string(b.devmajor) + ":" + std::to_string(b.devminor));
  std::string pa, pb;
  for (const auto& [k, v] : a.pax) pa += k + "=" + base::sha256_hex(v).substr(0, 12) + ";";
  for (const auto& [k, v] : b.pax) pb += k + "=" + base::sha256_hex(v).substr(0, 12) + ";";
  if (pa != pb) out += std::string(out.empty() ? "" : ", ") + "PAX records differ";
  return out;
}

}  // namespace

base::Result<PackageDiff> diff_packages(std::string_view old_bytes, std::string_view old_name, std::string_view new_bytes,
                                        std::string_view new_name) {
  PackageDiff d;
  d.old_sha256 = base::sha256_hex(old_bytes);
  d.new_sha256 = base::sha256_hex(new_bytes);
  if (d.identical()) return d;
  TRY_ASSIGN(ParsedApk a, parse_apk(old_bytes, old_name));
  TRY_ASSIGN(ParsedApk b, parse_apk(new_bytes, new_name));
  bool entry_diff = false;
  for (const auto& name : a.order) {
    const ApkEntry& o = a.entries.at(name);
    auto it = b.entries.find(name);
    if (it == b.entries.end()) {
      d.lines.push_back("removed: " + name);
      entry_diff = true;
      continue;
    }
    const ApkEntry& n = it->second;
    if (o.digest != n.digest) {
      d.lines.push_back("changed: " + name + ": digests " + o.digest + " -> " + n.digest);
      if (important_entry(name)) {
        std::string text = unified_diff(name + " (old)", o.content, name + " (new)", n.content);
        if (!text.empty() && text.back() == '\n') text.pop_back();
        d.lines.push_back(text);
      }
      entry_diff = true;
    }
    std::string h = header_changes(o.header, n.header);
    if (!h.empty()) {
      d.lines.push_back("changed: " + name + ": " + h);
      entry_diff = true;
    }
  }
  for (const auto& name : b.order)
    if (!a.entries.count(name)) {
      d.lines.push_back("added: " + name);
      entry_diff = true;
    }
  if (!entry_diff) {
    // Same entries, different bytes: entry order, tar padding or compression.
    static const char* kinds3[] = {"signature", "control", "data"};
    static const char* kinds2[] = {"control", "data"};
    for (size_t m = 0; m < std::max(a.member_digests.size(), b.member_digests.size()); ++m) {
      std::string x = m < a.member_digests.size() ? a.member_digests[m] : "(none)";
      std::string y = m < b.member_digests.size() ? b.member_digests[m] : "(none)";
      if (x == y) continue;
      std::string kind = a.member_digests.size() == 3 && m < 3   ? kinds3[m]
                         : a.member_digests.size() == 2 && m < 2 ? kinds2[m]
                                                                 : "#" + std::to_string(m);
      d.lines.push_back("changed: gzip member " + std::to_string(m) + " (" + kind + "): digests " + x + " -> " + y);
    }
  }
  d.lines.push_back("APK digest diff: " + d.old_sha256 + " -> " + d.new_sha256);
  return d;
}

}  // namespace melange
