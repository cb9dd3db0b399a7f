#include "apk/installed_db.hpp"

#include <charconv>
#include <cstdio>

#include "apk/index_text.hpp"

namespace apk {
namespace {

base::Error db_line_error(size_t line, std::string what) {
  return base::Error{base::ErrorCode::kFormat, "installed db line " + std::to_string(line) + ": " + std::move(what), {}};
}

template <class Int>
bool parse_uint(std::string_view s, Int* out, int base) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && p == s.data() + s.size();
}

// "uid:gid:mode[:xattr-checksum]"
bool parse_acl(std::string_view v, uint32_t* uid, uint32_t* gid, uint32_t* mode) {
  size_t a = v.find(':');
  if (a == std::string_view::npos) return false;
  size_t b = v.find(':', a + 1);
  if (b == std::string_view::npos) return false;
  size_t c = v.find(':', b + 1);
  std::string_view mode_text = v.substr(b + 1, c == std::string_view::npos ? std::string_view::npos : c - b - 1);
  return parse_uint(v.substr(0, a), uid, 10) && parse_uint(v.substr(a + 1, b - a - 1), gid, 10) &&
         parse_uint(mode_text, mode, 8) && *mode <= 07777;
}

void put_acl(std::string& out, char key, uint32_t uid, uint32_t gid, uint32_t mode, DbStyle style) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, style == DbStyle::kApko ? "%c:%u:%u:%04o\n" : "%c:%u:%u:%o\n", key, uid,
                        gid, mode);
  out.append(buf, static_cast<size_t>(n));
}

void put(std::string& out, char key, std::string_view value) {
  out.push_back(key);
  out.push_back(':');
  out.append(value);
  out.push_back('\n');
}

void put_words(std::string& out, char key, const std::vector<std::string>& list) {
  out.push_back(key);
  out.push_back(':');
  append_words(out, list);
  out.push_back('\n');
}

void write_apko_header(std::string& out, const PackageInfo& info) {
  put(out, 'P', info.name);
  put(out, 'V', info.version);
  put(out, 'A', info.arch);
  put(out, 'L', info.license);
  put(out, 'T', info.description);
  put(out, 'o', info.origin);
  put(out, 'm', info.maintainer);
  put(out, 'U', info.url);
  put_words(out, 'D', info.depends);
  put_words(out, 'p', info.provides);
  if (!info.replaces.empty()) put_words(out, 'r', info.replaces);
  if (info.replaces_priority) put(out, 'q', std::to_string(*info.replaces_priority));
  put(out, 'c', info.commit);
  out += "i:[";
  append_words(out, info.install_if);
  out += "]\n";
  put(out, 't', std::to_string(info.build_time));
  put(out, 'S', std::to_string(info.package_size));
  put(out, 'I', std::to_string(info.installed_size));
  put(out, 'k', std::to_string(info.provider_priority.value_or(0)));
  put(out, 'C', info.checksum);
}

void write_apk_tools_header(std::string& out, const PackageInfo& info) {
  PackageInfo head = info;  // the index record carries no r:/q:, they follow it here
  head.replaces.clear();
  head.replaces_priority.reset();
  append_index_fields(out, head);
  if (!info.replaces.empty()) put_words(out, 'r', info.replaces);
  if (info.replaces_priority.value_or(0) != 0) put(out, 'q', std::to_string(*info.replaces_priority));
}

}  // namespace

std::string write_installed_db(const std::vector<InstalledPackage>& packages, DbStyle style) {
  std::string out;
  for (const auto& pkg : packages) {
    if (style == DbStyle::kApko) write_apko_header(out, pkg.info);
    else write_apk_tools_header(out, pkg.info);
    for (const auto& dir : pkg.dirs) {
      put(out, 'F', dir.path);
      if (dir.uid != 0 || dir.gid != 0 || dir.mode != 0755) put_acl(out, 'M', dir.uid, dir.gid, dir.mode, style);
      for (const auto& f : dir.files) {
        put(out, 'R', f.name);
        if (f.uid != 0 || f.gid != 0 || f.mode != 0644) put_acl(out, 'a', f.uid, f.gid, f.mode, style);
        if (!f.checksum.empty()) put(out, 'Z', f.checksum);
      }
    }
    out.push_back('\n');
  }
  return out;
}

base::Result<std::vector<InstalledPackage>> parse_installed_db(std::string_view text) {
  std::vector<InstalledPackage> out;
  InstalledPackage pkg;
  IndexEntry fields;
  bool in_record = false;
  size_t record_line = 0;
  InstalledDir* dir = nullptr;
  InstalledFile* file = nullptr;

  auto finish = [&]() -> base::Status {
    if (fields.name.empty())
      return tl::unexpected(db_line_error(record_line, "record has no P: (package name) field"));
    std::vector<InstalledDir> dirs = std::move(pkg.dirs);
    pkg.info = fields.to_info();
    pkg.dirs = std::move(dirs);
    out.push_back(std::move(pkg));
    pkg = InstalledPackage{};
    fields = IndexEntry{};
    dir = nullptr;
    file = nullptr;
    in_record = false;
    return base::ok();
  };

  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty()) {
      if (in_record) TRY(finish());
      continue;
    }
    if (line.size() < 2 || line[1] != ':') return tl::unexpected(db_line_error(line_no, "expected 'X:value'"));
    if (!in_record) {
      in_record = true;
      record_line = line_no;
    }
    char key = line[0];
    std::string_view v = line.substr(2);
    switch (key) {
      case 'F':
        pkg.dirs.push_back(InstalledDir{std::string(v)});
        dir = &pkg.dirs.back();
        file = nullptr;
        break;
      case 'M':
        if (!dir) return tl::unexpected(db_line_error(line_no, "M: before any F:"));
        if (!parse_acl(v, &dir->uid, &dir->gid, &dir->mode))
          return tl::unexpected(db_line_error(line_no, "bad M: value '" + std::string(v) + "'"));
        break;
      case 'R':
        if (!dir) return tl::unexpected(db_line_error(line_no, "R: before any F:"));
        dir->files.push_back(InstalledFile{std::string(v)});
        file = &dir->files.back();
        break;
      case 'a':
        if (!file) return tl::unexpected(db_line_error(line_no, "a: before any R:"));
        if (!parse_acl(v, &file->uid, &file->gid, &file->mode))
          return tl::unexpected(db_line_error(line_no, "bad a: value '" + std::string(v) + "'"));
        break;
      case 'Z':
        if (!file) return tl::unexpected(db_line_error(line_no, "Z: before any R:"));
        file->checksum = v;
        break;
      case 'i':
        if (v.size() >= 2 && v.front() == '[' && v.back() == ']') v = v.substr(1, v.size() - 2);  // apko's Go slice
        fields.install_if = v;
        break;
      default:
        if (!set_index_field(fields, key, v))
          return tl::unexpected(db_line_error(line_no, std::string("bad number in ") + key + ": field"));
    }
  }
  if (in_record) TRY(finish());
  return out;
}

}  // namespace apk
