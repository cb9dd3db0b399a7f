#include "archive/tar_reader.hpp"

#include <algorithm>
#include <cstring>

#include "archive/tar_format.hpp"

namespace archive {

namespace {

using namespace tarfmt;

std::string_view field(const unsigned char* b, Field f) {
  std::string_view s(reinterpret_cast<const char*>(b) + f.off, f.len);
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

// Octal with optional leading spaces, ended by NUL/space; or GNU base-256.
bool parse_number(const unsigned char* b, Field f, uint64_t* out) {
  const unsigned char* p = b + f.off;
  if (p[0] & 0x80) {
    if (p[0] & 0x40) return false;  // negative
    uint64_t v = p[0] & 0x3f;
    for (size_t i = 1; i < f.len; ++i) {
      if (v >> 56) return false;
      v = (v << 8) | p[i];
    }
    *out = v;
    return true;
  }
  size_t i = 0;
  while (i < f.len && p[i] == ' ') ++i;
  uint64_t v = 0;
  for (; i < f.len && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (v >> 60) return false;
    v = v * 8 + (p[i] - '0');
  }
  for (; i < f.len; ++i)
    if (p[i] != ' ' && p[i] != '\0') return false;
  *out = v;
  return true;
}

bool parse_decimal(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + uint64_t(c - '0');
  }
  *out = v;
  return true;
}

// PAX time: "[-]seconds[.fraction]"; the fraction is dropped.
bool parse_pax_time(std::string_view s, int64_t* out) {
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  size_t dot = s.find('.');
  uint64_t v;
  if (!parse_decimal(s.substr(0, dot), &v) || v > uint64_t(INT64_MAX)) return false;
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (!std::all_of(frac.begin(), frac.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  }
  *out = neg ? -int64_t(v) : int64_t(v);
  return true;
}

struct Overrides {
  std::optional<std::string> path, linkpath, uname, gname;
  std::optional<uint64_t> size, uid, gid;
  std::optional<int64_t> mtime;
  std::vector<std::pair<std::string, std::string>> other;
};

// Parses "<len> <key>=<value>\n" records; returns an error message or "".
std::string parse_pax(std::string_view data, Overrides* o) {
  while (!data.empty()) {
    size_t sp = data.find(' ');
    uint64_t len;
    if (sp == std::string_view::npos || !parse_decimal(data.substr(0, sp), &len))
      return "bad PAX record length";
    if (len > data.size() || len < sp + 3 || data[len - 1] != '\n') return "PAX record overruns its header";
    std::string_view rec = data.substr(sp + 1, len - sp - 2);
    data.remove_prefix(len);
    size_t eq = rec.find('=');
    if (eq == std::string_view::npos || eq == 0) return "PAX record without key";
    std::string_view key = rec.substr(0, eq), value = rec.substr(eq + 1);
    uint64_t n;
    if (key == "path") o->path = std::string(value);
    else if (key == "linkpath") o->linkpath = std::string(value);
    else if (key == "uname") o->uname = std::string(value);
    else if (key == "gname") o->gname = std::string(value);
    else if (key == "size" || key == "uid" || key == "gid") {
      if (!parse_decimal(value, &n)) return "bad PAX " + std::string(key) + " '" + std::string(value) + "'";
      if (key == "size") o->size = n;
      else if (n > UINT32_MAX) return "PAX " + std::string(key) + " out of range";
      else if (key == "uid") o->uid = n;
      else o->gid = n;
    } else if (key == "mtime") {
      int64_t t;
      if (!parse_pax_time(value, &t)) return "bad PAX mtime '" + std::string(value) + "'";
      o->mtime = t;
    } else if (key == "atime" || key == "ctime") {
      // dropped
    } else {
      o->other.emplace_back(std::string(key), std::string(value));
    }
  }
  return "";
}

bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '\0'; });
}

}  // namespace

TarReader::TarReader(std::string_view tar) : tar_(tar) {}

bool TarReader::fail(std::string message) {
  error_ = base::Error{base::ErrorCode::kFormat, "tar at offset " + std::to_string(pos_) + ": " + message, {}};
  done_ = true;
  return false;
}

bool TarReader::next(TarEntry* entry, std::string_view* data) {
  if (done_) return false;
  Overrides ov;
  std::optional<std::string> long_name, long_link;
  bool pending = false;  // an extension header is waiting for its entry
  while (true) {
    if (tar_.size() - pos_ < kBlock) {
      if (!all_zero(tar_.substr(pos_))) return fail("truncated header");
      if (pending) return fail("extension header without an entry");
      done_ = true;
      return false;
    }
    const auto* b = reinterpret_cast<const unsigned char*>(tar_.data() + pos_);
    std::string_view block = tar_.substr(pos_, kBlock);
    if (all_zero(block)) {
      bool second = tar_.size() - pos_ >= 2 * kBlock && all_zero(tar_.substr(pos_ + kBlock, kBlock));
      if (second) {
        if (pending) return fail("extension header without an entry");
        pos_ += 2 * kBlock;
        done_ = true;
        return false;
      }
      pos_ += kBlock;
      continue;
    }
    uint64_t stored_sum, mode, uid, gid, size, mtime, devmajor, devminor;
    if (!parse_number(b, kChksum, &stored_sum)) return fail("bad header checksum field");
    uint32_t sum = header_checksum(b);
    int32_t signed_sum = 0;
    for (size_t i = 0; i < kBlock; ++i)
      signed_sum += (i >= kChksum.off && i < kChksum.off + kChksum.len) ? ' ' : int32_t(static_cast<signed char>(b[i]));
    if (stored_sum != sum && int64_t(stored_sum) != signed_sum) return fail("header checksum mismatch");
    if (!parse_number(b, kMode, &mode) || !parse_number(b, kUid, &uid) || !parse_number(b, kGid, &gid) ||
        !parse_number(b, kSize, &size) || !parse_number(b, kMtime, &mtime))
      return fail("bad numeric field in header");
    std::string_view magic(reinterpret_cast<const char*>(b) + kMagic.off, 8);
    bool posix = magic == std::string_view("ustar\0" "00", 8);
    bool gnu = magic == std::string_view("ustar  \0", 8);
    if (posix || gnu) {
      if (!parse_number(b, kDevmajor, &devmajor) || !parse_number(b, kDevminor, &devminor))
        return fail("bad device number field in header");
    } else {
      devmajor = devminor = 0;
    }
    char flag = static_cast<char>(b[kTypeflag.off]);
    size_t data_pos = pos_ + kBlock;
    if (size > tar_.size() - data_pos && (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K'))
      return fail("truncated extension header");

    if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
      std::string_view payload = tar_.substr(data_pos, size);
      if (flag == 'x') {
        std::string err = parse_pax(payload, &ov);
        if (!err.empty()) return fail(err);
        pending = true;
      } else if (flag == 'g') {
        Overrides ignored;
        std::string err = parse_pax(payload, &ignored);
        if (!err.empty()) return fail(err);
      } else {
        std::string s(payload.substr(0, payload.find('\0')));
        (flag == 'L' ? long_name : long_link) = std::move(s);
        pending = true;
      }
      pos_ = data_pos + size_t(size) + padding(size);
      if (pos_ > tar_.size()) pos_ = tar_.size();
      continue;
    }

    TarEntry e;
    switch (flag) {
      case '0': case '\0': case '7': e.type = EntryType::kFile; break;
      case '1': e.type = EntryType::kHardlink; break;
      case '2': e.type = EntryType::kSymlink; break;
      case '3': e.type = EntryType::kCharDevice; break;
      case '4': e.type = EntryType::kBlockDevice; break;
      case '5': e.type = EntryType::kDir; break;
      case '6': e.type = EntryType::kFifo; break;
      default: {
        std::string shown = (flag >= 0x20 && flag < 0x7f) ? std::string(1, flag) : "\\x" + std::to_string(uint8_t(flag));
        return fail("unsupported entry type '" + shown + "'");
      }
    }
    std::string name(field(b, kName));
    std::string_view prefix = posix ? field(b, kPrefix) : std::string_view();
    if (!prefix.empty()) name = std::string(prefix) + "/" + name;
    if (long_name) name = *long_name;
    if (ov.path) name = *ov.path;
    e.linkname = std::string(field(b, kLinkname));
    if (long_link) e.linkname = *long_link;
    if (ov.linkpath) e.linkname = *ov.linkpath;
    if (e.type == EntryType::kFile && (flag == '\0') && !name.empty() && name.back() == '/')
      e.type = EntryType::kDir;  // old v7 directories
    if (e.type == EntryType::kDir)
      while (name.size() > 1 && name.back() == '/') name.pop_back();
    if (name.empty()) return fail("entry with an empty name");
    e.name = std::move(name);
    e.mode = uint32_t(mode & 07777);
    e.uid = uint32_t(ov.uid.value_or(uid));
    e.gid = uint32_t(ov.gid.value_or(gid));
    if (uid > UINT32_MAX || gid > UINT32_MAX) return fail("uid/gid out of range");
    e.uname = ov.uname ? *ov.uname : std::string(field(b, kUname));
    e.gname = ov.gname ? *ov.gname : std::string(field(b, kGname));
    e.mtime = ov.mtime ? *ov.mtime : int64_t(mtime);
    e.devmajor = uint32_t(devmajor);
    e.devminor = uint32_t(devminor);
    if (devmajor > UINT32_MAX || devminor > UINT32_MAX) return fail("device number out of range");
    e.pax = std::move(ov.other);
    uint64_t dsize = ov.size.value_or(size);
    if (e.type != EntryType::kFile) dsize = 0;
    if (dsize > tar_.size() - data_pos) return fail("entry " + e.name + ": data truncated");
    e.size = dsize;
    *data = tar_.substr(data_pos, size_t(dsize));
    pos_ = std::min(tar_.size(), data_pos + size_t(dsize) + padding(dsize));
    *entry = std::move(e);
    return true;
  }
}

}  // namespace archive
