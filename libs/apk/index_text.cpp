#include "apk/index_text.hpp"

#include <charconv>
#include <cstring>

namespace apk {
namespace {

template <class Int>
bool parse_number(std::string_view s, Int* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

base::Error index_line_error(size_t line, std::string what) {
  return base::Error{base::ErrorCode::kFormat, "APKINDEX line " + std::to_string(line) + ": " + std::move(what), {}};
}

// Upper bound on the number of records, to size the entry vector in one allocation: a
// record ends at a blank line ("\n\n") or at the end of the text. A branch-free loop the
// compiler vectorizes; it reads the text at several GB/s.
size_t count_records(std::string_view text) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t count = 1;
  for (size_t i = 0; i + 1 < n; ++i) count += (p[i] == '\n') & (p[i + 1] == '\n');
  return count;
}

void put_field(std::string& out, char key, std::string_view value) {
  out.push_back(key);
  out.push_back(':');
  out.append(value);
  out.push_back('\n');
}

template <class Int>
void put_number(std::string& out, char key, Int value) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;
  put_field(out, key, std::string_view(buf, p - buf));
}

void put_list(std::string& out, char key, const std::vector<std::string>& list) {
  if (list.empty()) return;
  out.push_back(key);
  out.push_back(':');
  append_words(out, list);
  out.push_back('\n');
}

// A raw list as the file has it ("a  b c"): written with single spaces, word for word as
// split_words + append_words would, without the vector.
void put_list(std::string& out, char key, std::string_view raw) {
  bool any = false;
  for_each_word(raw, [&](std::string_view w) {
    if (any) {
      out.push_back(' ');
    } else {
      out.push_back(key);
      out.push_back(':');
      any = true;
    }
    out.append(w);
  });
  if (any) out.push_back('\n');
}

// One writer for both record types (PackageInfo: owned strings and word lists; IndexEntry:
// views and raw lists), so that a record taken over from a previous index is written exactly
// as its PackageInfo would be.
template <class Record>
void append_fields(std::string& out, const Record& info) {
  put_field(out, 'C', info.checksum);
  put_field(out, 'P', info.name);
  put_field(out, 'V', info.version);
  if (!info.arch.empty()) put_field(out, 'A', info.arch);
  put_number(out, 'S', info.package_size);
  put_number(out, 'I', info.installed_size);
  put_field(out, 'T', info.description);
  put_field(out, 'U', info.url);
  put_field(out, 'L', info.license);
  if (!info.origin.empty()) put_field(out, 'o', info.origin);
  if (!info.maintainer.empty()) put_field(out, 'm', info.maintainer);
  if (info.build_time != 0) put_number(out, 't', info.build_time);
  if (!info.commit.empty()) put_field(out, 'c', info.commit);
  if (info.provider_priority) put_number(out, 'k', *info.provider_priority);
  put_list(out, 'D', info.depends);
  put_list(out, 'p', info.provides);
  put_list(out, 'i', info.install_if);
  put_list(out, 'r', info.replaces);
  if (info.replaces_priority) put_number(out, 'q', *info.replaces_priority);
}

}  // namespace

bool set_index_field(IndexEntry& e, char key, std::string_view v) {
  switch (key) {
    case 'C': e.checksum = v; break;
    case 'P': e.name = v; break;
    case 'V': e.version = v; break;
    case 'A': e.arch = v; break;
    case 'S': return parse_number(v, &e.package_size);
    case 'I': return parse_number(v, &e.installed_size);
    case 'T': e.description = v; break;
    case 'U': e.url = v; break;
    case 'L': e.license = v; break;
    case 'o': e.origin = v; break;
    case 'm': e.maintainer = v; break;
    case 't': return parse_number(v, &e.build_time);
    case 'c': e.commit = v; break;
    case 'k':
    case 'q': {
      int64_t n = 0;
      if (!parse_number(v, &n)) return false;
      (key == 'k' ? e.provider_priority : e.replaces_priority) = n;
      break;
    }
    case 'D': e.depends = v; break;
    case 'p': e.provides = v; break;
    case 'i': e.install_if = v; break;
    case 'r': e.replaces = v; break;
    default: break;  // unknown letters are ignored
  }
  return true;
}

PackageInfo IndexEntry::to_info() const {
  PackageInfo info;
  info.name = name;
  info.version = version;
  info.arch = arch;
  info.description = description;
  info.url = url;
  info.license = license;
  info.origin = origin;
  info.maintainer = maintainer;
  info.commit = commit;
  info.checksum = checksum;
  info.datahash = datahash;
  info.installed_size = installed_size;
  info.package_size = package_size;
  info.build_time = build_time;
  info.provider_priority = provider_priority;
  info.replaces_priority = replaces_priority;
  info.depends = split_words(depends);
  info.provides = split_words(provides);
  info.replaces = split_words(replaces);
  info.install_if = split_words(install_if);
  info.triggers = split_words(triggers);
  return info;
}

bool IndexEntry::operator==(const IndexEntry& o) const {
  return name == o.name && version == o.version && arch == o.arch && description == o.description &&
         url == o.url && license == o.license && origin == o.origin && maintainer == o.maintainer &&
         commit == o.commit && checksum == o.checksum && datahash == o.datahash &&
         installed_size == o.installed_size && package_size == o.package_size &&
         build_time == o.build_time && provider_priority == o.provider_priority &&
         replaces_priority == o.replaces_priority && depends == o.depends && provides == o.provides &&
         replaces == o.replaces && install_if == o.install_if && triggers == o.triggers;
}

base::Result<IndexText> IndexText::parse(std::string buffer) {
  IndexText out;
  out.buffer_ = std::make_unique<std::string>(std::move(buffer));
  std::string_view text = *out.buffer_;
  out.entries_.reserve(count_records(text));

  const char* p = text.data();
  const char* end = p + text.size();
  size_t line_no = 0;
  bool in_record = false;
  IndexEntry cur;
  auto finish = [&]() -> base::Status {
    if (cur.name.empty())
      return tl::unexpected(index_line_error(cur.line, "record has no P: (package name) field"));
    out.entries_.push_back(cur);
    cur = IndexEntry{};
    in_record = false;
    return base::ok();
  };
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* line_end = nl ? nl : end;
    ++line_no;
    size_t len = line_end - p;
    if (len == 0) {
      if (in_record) TRY(finish());
    } else {
      if (len < 2 || p[1] != ':')
        return tl::unexpected(index_line_error(line_no, "expected 'X:value'"));
      if (!in_record) {
        in_record = true;
        cur.line = static_cast<uint32_t>(line_no);
      }
      std::string_view value(p + 2, len - 2);
      if (!set_index_field(cur, p[0], value))
        return tl::unexpected(index_line_error(line_no, std::string("bad number in ") + p[0] + ": field"));
    }
    if (!nl) break;
    p = nl + 1;
  }
  if (in_record) TRY(finish());
  return out;
}

void append_index_fields(std::string& out, const PackageInfo& info) { append_fields(out, info); }

void append_index_fields(std::string& out, const IndexEntry& entry) { append_fields(out, entry); }

std::string write_index_text(const std::vector<PackageInfo>& packages) {
  std::string out;
  out.reserve(packages.size() * 512);
  for (const auto& info : packages) {
    append_index_fields(out, info);
    out.push_back('\n');
  }
  return out;
}

}  // namespace apk
