#include "archive/gzip.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#include <libdeflate.h>
#include <zlib.h>

namespace archive {

namespace {

constexpr size_t kChunk = 256 * 1024;

struct Inflater {
  z_stream z{};
  bool ok = false;
  Inflater() { ok = inflateInit2(&z, 16 + MAX_WBITS) == Z_OK; }
  ~Inflater() {
    if (ok) inflateEnd(&z);
  }
};

tl::unexpected<base::Error> gz_error(size_t offset, const std::string& what) {
  return base::fail(base::ErrorCode::kFormat, "gzip member at offset " + std::to_string(offset) + ": " + what);
}

// Inflates the member starting at `off`; appends output to `out` when given.
// Returns the member's compressed length.
base::Result<size_t> inflate_member(Inflater& inf, std::string_view file, size_t off, std::string* out,
                                    size_t max_output) {
  if (file.size() - off < 2 || uint8_t(file[off]) != 0x1f || uint8_t(file[off + 1]) != 0x8b)
    return gz_error(off, "not a gzip member (bad magic)");
  if (inflateReset(&inf.z) != Z_OK) return gz_error(off, "inflateReset failed");
  // Output nobody keeps (finding member boundaries) goes to one buffer per thread: a fresh
  // 256 KiB string per member was zero-filled each time (a third of `melange index`'s work).
  thread_local std::string scratch;
  if (!out && scratch.size() < kChunk) scratch.resize(kChunk);
  size_t avail_total = file.size() - off;
  inf.z.avail_in = 0;
  size_t fed = 0;
  while (true) {
    if (inf.z.avail_in == 0 && fed < avail_total) {
      uInt n = uInt(std::min<size_t>(avail_total - fed, 1u << 30));
      inf.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(file.data() + off + fed));
      inf.z.avail_in = n;
      fed += n;
    }
    size_t before = 0;
    if (out) {
      before = out->size();
      size_t grow = std::min(kChunk, max_output - before);
      if (grow == 0) return gz_error(off, "output exceeds the limit of " + std::to_string(max_output) + " bytes");
      out->resize(before + grow);
      inf.z.next_out = reinterpret_cast<Bytef*>(out->data() + before);
      inf.z.avail_out = uInt(grow);
    } else {
      inf.z.next_out = reinterpret_cast<Bytef*>(scratch.data());
      inf.z.avail_out = uInt(scratch.size());
    }
    uInt avail_out_before = inf.z.avail_out;
    int rc = inflate(&inf.z, Z_NO_FLUSH);
    if (out) out->resize(before + (avail_out_before - inf.z.avail_out));
    if (rc == Z_STREAM_END) return fed - inf.z.avail_in;
    if (rc == Z_BUF_ERROR && inf.z.avail_in == 0 && fed == avail_total) return gz_error(off, "truncated");
    if (rc != Z_OK && rc != Z_BUF_ERROR)
      return gz_error(off, std::string("corrupt data (") + (inf.z.msg ? inf.z.msg : "zlib error") + ")");
  }
}

void put_le32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(char((v >> (8 * i)) & 0xff));
}

}  // namespace

base::Result<std::vector<GzipMember>> find_gzip_members(std::string_view file) {
  return find_gzip_members(file, SIZE_MAX);
}

base::Result<std::vector<GzipMember>> find_gzip_members(std::string_view file, size_t count) {
  Inflater inf;
  if (!inf.ok) return base::fail(base::ErrorCode::kInternal, "zlib: inflateInit2 failed");
  if (file.empty()) return gz_error(0, "empty input");
  std::vector<GzipMember> members;
  size_t off = 0;
  while (off < file.size() && members.size() < count) {
    TRY_ASSIGN(size_t len, inflate_member(inf, file, off, nullptr, 0));
    members.push_back({off, len});
    off += len;
  }
  return members;
}

namespace {

// One member whose trailer (ISIZE) gives the output size: libdeflate inflates it in one
// pass into a buffer of exactly that size (about 3x zlib, and no growing buffer). Anything
// else - several members, output of 4 GiB or more, a trailer that lies, corrupt data - is
// left to zlib's path, which inflates member by member and reports the errors.
bool gunzip_sized(std::string_view gz, size_t max_output, std::string* out) {
  if (gz.size() < 18) return false;
  const auto* t = reinterpret_cast<const uint8_t*>(gz.data() + gz.size() - 4);
  const size_t isize = size_t(t[0]) | size_t(t[1]) << 8 | size_t(t[2]) << 16 | size_t(t[3]) << 24;
  // Deflate expands at most ~1032:1; a larger claim is a lie not worth allocating for.
  if (isize > max_output || isize / 1032 > gz.size()) return false;
  thread_local std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> d(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  if (!d) return false;
  out->resize(isize);  // shrinking or growing keeps the bytes already there: no refill
  size_t in_used = 0, out_used = 0;
  auto rc = libdeflate_gzip_decompress_ex(d.get(), gz.data(), gz.size(), out->data(), out->size(), &in_used, &out_used);
  return rc == LIBDEFLATE_SUCCESS && in_used == gz.size() && out_used == isize;
}

std::optional<std::string> gunzip_sized(std::string_view gz, size_t max_output) {
  std::string out;
  if (!gunzip_sized(gz, max_output, &out)) return std::nullopt;
  return out;
}

}  // namespace

base::Result<InflatedMember> inflate_first_member(std::string_view file, size_t max_output) {
  thread_local std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> d(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  // One buffer per thread, kept between calls: the output size is unknown until the member's
  // trailer, and a fresh large buffer per member costs page faults and zero-filling.
  thread_local std::string buf;
  InflatedMember m;
  if (d && file.size() >= 18) {
    size_t cap = std::min<size_t>(max_output, std::max<size_t>(buf.size(), 256u << 10));
    for (;;) {
      if (buf.size() < cap) buf.resize(cap);
      size_t in_used = 0, out_used = 0;
      auto rc = libdeflate_gzip_decompress_ex(d.get(), file.data(), file.size(), buf.data(), cap, &in_used, &out_used);
      if (rc == LIBDEFLATE_SUCCESS) {
        m.output.assign(buf.data(), out_used);
        m.length = in_used;
        return m;
      }
      if (rc != LIBDEFLATE_INSUFFICIENT_SPACE || cap >= max_output) break;  // zlib says what is wrong
      cap = cap > max_output / 2 ? max_output : 2 * cap;
    }
  }
  Inflater inf;
  if (!inf.ok) return base::fail(base::ErrorCode::kInternal, "zlib: inflateInit2 failed");
  if (file.empty()) return gz_error(0, "empty input");
  m.output.clear();
  TRY_ASSIGN(m.length, inflate_member(inf, file, 0, &m.output, max_output));
  return m;
}

base::Result<std::string> gunzip(std::string_view gz, size_t max_output) {
  if (auto fast = gunzip_sized(gz, max_output)) return std::move(*fast);
  Inflater inf;
  if (!inf.ok) return base::fail(base::ErrorCode::kInternal, "zlib: inflateInit2 failed");
  if (gz.empty()) return gz_error(0, "empty input");
  std::string out;
  size_t off = 0;
  while (off < gz.size()) {
    TRY_ASSIGN(size_t len, inflate_member(inf, gz, off, &out, max_output));
    off += len;
  }
  return out;
}

base::Status gunzip_member(std::string_view gz, size_t max_output, std::string* out) {
  if (gunzip_sized(gz, max_output, out)) return base::ok();
  out->clear();
  Inflater inf;
  if (!inf.ok) return base::fail(base::ErrorCode::kInternal, "zlib: inflateInit2 failed");
  if (gz.empty()) return gz_error(0, "empty input");
  TRY_ASSIGN(size_t len, inflate_member(inf, gz, 0, out, max_output));
  if (len != gz.size()) return gz_error(len, "unexpected bytes after the member (" + std::to_string(gz.size() - len) + ")");
  return base::ok();
}

base::Result<std::string> gunzip_member(std::string_view gz, size_t max_output) {
  std::string out;
  TRY(gunzip_member(gz, max_output, &out));
  return out;
}

uint8_t gzip_xfl(int level) { return level >= 8 ? 2 : level < 2 ? 4 : 0; }

std::string gzip_header(int level) {
  std::string h = {'\x1f', '\x8b', '\x08', '\0', '\0', '\0', '\0', '\0'};
  h.push_back(char(gzip_xfl(level)));
  h.push_back('\xff');
  return h;
}

namespace {
constexpr size_t kGzipHeaderSize = 10;  // gzip_header(): no optional fields
constexpr size_t kGzipTrailerSize = 8;  // CRC-32, ISIZE
}  // namespace

size_t gzip_compress_bound(size_t size) {
  return kGzipHeaderSize + libdeflate_deflate_compress_bound(nullptr, size) + kGzipTrailerSize;
}

base::Result<size_t> gzip_compress_into(std::string_view data, int level, char* out, size_t capacity) {
  level = std::clamp(level, 1, 12);
  if (capacity < gzip_compress_bound(data.size()))
    return base::fail(base::ErrorCode::kInternal, "gzip: output buffer below the bound");
  std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> c(
      libdeflate_alloc_compressor(level), &libdeflate_free_compressor);
  if (!c) return base::fail(base::ErrorCode::kInternal, "gzip: out of memory for the compressor");
  const std::string header = gzip_header(level);
  std::memcpy(out, header.data(), header.size());
  size_t n = libdeflate_deflate_compress(c.get(), data.data(), data.size(), out + header.size(),
                                         capacity - header.size() - kGzipTrailerSize);
  if (n == 0) return base::fail(base::ErrorCode::kInternal, "gzip: compressed data above the bound");
  std::string trailer;
  put_le32(&trailer, libdeflate_crc32(0, data.data(), data.size()));
  put_le32(&trailer, uint32_t(data.size()));
  std::memcpy(out + header.size() + n, trailer.data(), trailer.size());
  return header.size() + n + trailer.size();
}

std::string gzip_compress(std::string_view data, int level) {
  std::string out(gzip_compress_bound(data.size()), '\0');
  auto n = gzip_compress_into(data, level, out.data(), out.size());
  if (!n) return gzip_compress_zlib(data, std::min(std::clamp(level, 1, 12), 9));  // allocation failure only
  out.resize(*n);
  return out;
}

std::string gzip_compress_zlib(std::string_view data, int level) {
  level = std::clamp(level, 1, 9);
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out = gzip_header(level);
  size_t head = out.size();
  out.resize(head + deflateBound(&z, data.size()) + 16);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.next_out = reinterpret_cast<Bytef*>(out.data() + head);
  size_t in_left = data.size(), out_used = 0;
  int rc;
  do {
    uInt in_now = uInt(std::min<size_t>(in_left, 1u << 30));
    z.avail_in = in_now;
    z.avail_out = uInt(std::min<size_t>(out.size() - head - out_used, 1u << 30));
    uInt out_before = z.avail_out;
    rc = deflate(&z, in_now == in_left ? Z_FINISH : Z_NO_FLUSH);
    in_left -= in_now - z.avail_in;
    out_used += out_before - z.avail_out;
    if (z.avail_out == 0 && rc != Z_STREAM_END) {
      out.resize(out.size() + kChunk);
      z.next_out = reinterpret_cast<Bytef*>(out.data() + head + out_used);
    }
  } while (rc != Z_STREAM_END);
  deflateEnd(&z);
  out.resize(head + out_used);
  put_le32(&out, uint32_t(crc32_z(0, reinterpret_cast<const Bytef*>(data.data()), data.size())));
  put_le32(&out, uint32_t(data.size()));
  return out;
}

}  // namespace archive
