#include "archive/tar_writer.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "archive/tar_format.hpp"

namespace archive {

namespace {

using namespace tarfmt;

constexpr uint64_t kMaxOctal7 = 07777777;         // 8-byte fields
constexpr uint64_t kMaxOctal11 = 077777777777ull;  // 12-byte fields

struct Header {
  std::array<unsigned char, kBlock> b{};

  char* at(Field f) { return reinterpret_cast<char*>(b.data()) + f.off; }

  // Copies `s` (cut to the field), NUL-terminating when shorter. A cut name whose
  // last kept byte is '/' gets that slash run replaced by NUL (Go does this so that
  // buggy readers do not see a directory).
  void str(Field f, std::string_view s) {
    if (!s.empty()) std::memcpy(at(f), s.data(), std::min(s.size(), f.len));
    if (s.size() < f.len) {
      at(f)[s.size()] = '\0';
    } else if (s.size() > f.len && at(f)[f.len - 1] == '/') {
      size_t n = f.len - 1;
      while (n > 0 && s[n - 1] == '/') --n;
      at(f)[n] = '\0';
    }
  }
  // Zero-padded octal filling the field but its last byte, which is NUL.
  void octal(Field f, uint64_t v) {
    char* p = at(f);
    p[f.len - 1] = '\0';
    for (size_t i = f.len - 1; i-- > 0;) {
      p[i] = char('0' + (v & 7));
      v >>= 3;
    }
  }
  void seal() {
    std::memcpy(at(kMagic), "ustar\0", 6);
    std::memcpy(at(kVersion), "00", 2);
    uint32_t sum = header_checksum(b.data());
    octal(Field{kChksum.off, 7}, sum);  // six digits + NUL
    at(kChksum)[7] = ' ';
  }
  std::string_view view() const { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
};

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string to_ascii(std::string_view s) {
  std::string out;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x80) out += c;
  return out;
}

// Splits a long ASCII name into ustar prefix/name at a '/', as Go does.
bool split_ustar(std::string_view name, std::string_view* prefix, std::string_view* rest) {
  if (name.size() <= kName.len || !is_ascii(name) || name.size() < 2) return false;
  size_t limit = std::min(kPrefix.len, name.size() - 2);
  size_t i = name.rfind('/', limit);
  if (i == std::string_view::npos || i == 0 || name.size() - i - 1 > kName.len) return false;
  *prefix = name.substr(0, i);
  *rest = name.substr(i + 1);
  return true;
}

// Lexical path cleaning (like Go's path.Clean, without a leading "/" case needed here).
std::string clean_path(std::string_view p) {
  std::vector<std::string_view> parts;
  bool rooted = !p.empty() && p[0] == '/';
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view seg = p.substr(i, j - i);
    if (seg == "..") {
      if (!parts.empty() && parts.back() != "..") parts.pop_back();
      else if (!rooted) parts.push_back(seg);
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    i = j + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  return out.empty() ? (rooted ? "/" : ".") : out;
}

// Name of the 'x' header for an entry: "<dir>/PaxHeaders.0/<base>".
std::string pax_header_name(std::string_view name) {
  size_t slash = name.rfind('/');
  std::string_view dir = slash == std::string_view::npos ? std::string_view() : name.substr(0, slash + 1);
  std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  std::string joined = clean_path(std::string(dir) + "/PaxHeaders.0/" + std::string(base));
  if (dir.empty() && joined.starts_with("/")) joined.erase(0, 1);
  std::string out = to_ascii(joined);
  if (out.size() > kName.len) out.resize(kName.len);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

void append_record(std::string* out, std::string_view key, std::string_view value) {
  size_t body = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size_t digits = std::to_string(body).size();
  size_t total = body + digits;
  if (std::to_string(total).size() > digits) ++total;
  *out += std::to_string(total);
  *out += ' ';
  out->append(key);
  *out += '=';
  out->append(value);
  *out += '\n';
}

bool is_standard_key(std::string_view k) {
  static constexpr std::string_view kKeys[] = {"path", "linkpath", "size", "uid", "gid",
                                               "uname", "gname", "mtime", "atime", "ctime"};
  return std::find(std::begin(kKeys), std::end(kKeys), k) != std::end(kKeys);
}

}  // namespace

char tar_typeflag(EntryType type) {
  switch (type) {
    case EntryType::kFile: return '0';
    case EntryType::kHardlink: return '1';
    case EntryType::kSymlink: return '2';
    case EntryType::kCharDevice: return '3';
    case EntryType::kBlockDevice: return '4';
    case EntryType::kDir: return '5';
    case EntryType::kFifo: return '6';
  }
  return '0';
}

TarWriter::TarWriter(Sink& out, TarWriterOptions opts) : out_(out), opts_(opts) {}

base::Status TarWriter::emit(std::string_view bytes) {
  auto st = out_.write(bytes);
  if (!st) {
    failed_ = true;
    return st;
  }
  written_ += bytes.size();
  return base::ok();
}

base::Status TarWriter::close_entry() {
  if (remaining_ != 0)
    return base::fail(base::ErrorCode::kInternal,
                      "tar entry " + current_ + ": " + std::to_string(remaining_) + " of " +
                          std::to_string(entry_size_) + " data bytes never written");
  static const char kZeros[kBlock] = {};
  size_t pad = padding(entry_size_);
  entry_size_ = 0;
  if (pad) return emit(std::string_view(kZeros, pad));
  return base::ok();
}

base::Status TarWriter::add_header(const TarEntry& e) {
  if (finished_) return base::fail(base::ErrorCode::kInternal, "tar entry " + e.name + ": added after finish()");
  if (failed_) return base::fail(base::ErrorCode::kIo, "tar entry " + e.name + ": earlier write failed");
  TRY(close_entry());

  std::string name = e.name;
  if (e.type == EntryType::kDir) {
    while (name.size() > 1 && name.back() == '/') name.pop_back();
    if (opts_.dir_trailing_slash && name != "/") name += '/';
  }
  if (name.empty()) return base::fail(base::ErrorCode::kInvalidInput, "tar entry with an empty name");
  auto bad = [&](const std::string& why) {
    return base::fail(base::ErrorCode::kInvalidInput, "tar entry " + e.name + ": " + why);
  };
  if (name.find('\0') != std::string::npos || e.linkname.find('\0') != std::string::npos)
    return bad("NUL byte in name or link target");
  if (e.devmajor > kMaxOctal7 || e.devminor > kMaxOctal7) return bad("device number too large for tar");
  for (const auto& [k, v] : e.pax) {
    if (k.empty() || k.find('=') != std::string::npos || k.find('\0') != std::string::npos)
      return bad("invalid PAX key '" + k + "'");
    if (is_standard_key(k)) return bad("PAX key '" + k + "' is set by the writer from the entry fields");
  }
  uint64_t size = e.type == EntryType::kFile ? e.size : 0;
  bool has_link = e.type == EntryType::kSymlink || e.type == EntryType::kHardlink;
  std::string_view linkname = has_link ? std::string_view(e.linkname) : std::string_view();

  // Standard records needed, kept in lexical key order.
  std::vector<std::pair<std::string, std::string>> std_recs;
  bool uid_big = e.uid > kMaxOctal7, gid_big = e.gid > kMaxOctal7, size_big = size > kMaxOctal11;
  bool mtime_bad = e.mtime < 0 || uint64_t(e.mtime) > kMaxOctal11;
  bool uname_pax = e.uname.size() > kUname.len || !is_ascii(e.uname);
  bool gname_pax = e.gname.size() > kGname.len || !is_ascii(e.gname);
  bool link_pax = linkname.size() > kLinkname.len || !is_ascii(linkname);
  bool name_long = name.size() > kName.len || !is_ascii(name);
  bool other_pax = !e.pax.empty() || uid_big || gid_big || size_big || mtime_bad || uname_pax ||
                   gname_pax || link_pax;
  std::string_view prefix, short_name = name;
  bool path_pax = false;
  if (name_long && (other_pax || !split_ustar(name, &prefix, &short_name))) {
    path_pax = true;
    prefix = {};
    short_name = name;
  }
  if (gid_big) std_recs.emplace_back("gid", std::to_string(e.gid));
  if (gname_pax) std_recs.emplace_back("gname", e.gname);
  if (link_pax) std_recs.emplace_back("linkpath", std::string(linkname));
  if (mtime_bad) std_recs.emplace_back("mtime", std::to_string(e.mtime));
  if (path_pax) std_recs.emplace_back("path", name);
  if (size_big) std_recs.emplace_back("size", std::to_string(size));
  if (uid_big) std_recs.emplace_back("uid", std::to_string(e.uid));
  if (uname_pax) std_recs.emplace_back("uname", e.uname);

  if (!e.pax.empty() || !std_recs.empty()) {
    std::string recs;
    for (const auto& [k, v] : e.pax) append_record(&recs, k, v);
    for (const auto& [k, v] : std_recs) append_record(&recs, k, v);
    Header x;
    x.str(kName, pax_header_name(name));
    x.octal(kMode, 0);
    x.octal(kUid, 0);
    x.octal(kGid, 0);
    x.octal(kSize, recs.size());
    x.octal(kMtime, 0);
    x.at(kTypeflag)[0] = 'x';
    x.seal();
    TRY(emit(x.view()));
    TRY(emit(recs));
    entry_size_ = recs.size();
    TRY(close_entry());
  }

  Header h;
  h.str(kName, path_pax ? to_ascii(short_name) : std::string(short_name));
  h.str(kPrefix, prefix);
  h.octal(kMode, e.mode & 07777);
  h.octal(kUid, uid_big ? 0 : e.uid);
  h.octal(kGid, gid_big ? 0 : e.gid);
  h.octal(kSize, size_big ? 0 : size);
  h.octal(kMtime, mtime_bad ? 0 : uint64_t(e.mtime));
  h.at(kTypeflag)[0] = tar_typeflag(e.type);
  h.str(kLinkname, to_ascii(linkname));
  h.str(kUname, to_ascii(e.uname));
  h.str(kGname, to_ascii(e.gname));
  h.octal(kDevmajor, e.devmajor);
  h.octal(kDevminor, e.devminor);
  h.seal();
  TRY(emit(h.view()));
  current_ = e.name;
  entry_size_ = remaining_ = size;
  return base::ok();
}

base::Status TarWriter::add_data(std::string_view chunk) {
  if (failed_) return base::fail(base::ErrorCode::kIo, "tar entry " + current_ + ": earlier write failed");
  if (chunk.size() > remaining_)
    return base::fail(base::ErrorCode::kInvalidInput,
                      "tar entry " + current_ + ": more data than its size " + std::to_string(entry_size_));
  remaining_ -= chunk.size();
  return emit(chunk);
}

base::Status TarWriter::add(const TarEntry& e, std::string_view data) {
  uint64_t expect = e.type == EntryType::kFile ? e.size : 0;
  if (data.size() != expect)
    return base::fail(base::ErrorCode::kInvalidInput,
                      "tar entry " + e.name + ": data is " + std::to_string(data.size()) +
                          " bytes but the entry size is " + std::to_string(expect));
  TRY(add_header(e));
  if (!data.empty()) TRY(add_data(data));
  return close_entry();
}

base::Status TarWriter::finish(bool end_blocks) {
  if (finished_) return base::fail(base::ErrorCode::kInternal, "tar stream finished twice");
  if (failed_) return base::fail(base::ErrorCode::kIo, "tar stream: earlier write failed");
  TRY(close_entry());
  finished_ = true;
  if (end_blocks) {
    static const char kZeros[2 * kBlock] = {};
    return emit(std::string_view(kZeros, sizeof kZeros));
  }
  return base::ok();
}

}  // namespace archive
