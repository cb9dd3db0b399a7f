#include "melange/elf.hpp"

#include <cstring>
#include <optional>

#include "base/fs.hpp"
#include "base/temp_file.hpp"

namespace melange {
namespace {

constexpr uint32_t kPtLoad = 1, kPtDynamic = 2, kPtInterp = 3;
constexpr uint32_t kShtDynamic = 6;
constexpr uint64_t kDtNull = 0, kDtNeeded = 1, kDtStrtab = 5, kDtStrsz = 10, kDtSoname = 14;
constexpr size_t kMaxHeaders = 1u << 16;    // e_phnum / e_shnum are 16-bit (extended: capped)
constexpr size_t kMaxDynEntries = 1u << 16;
constexpr size_t kMaxName = 4096;

// Bounds-checked little/big endian reads over the image.
class Image {
 public:
  Image(std::string_view b, bool be) : b_(b), be_(be) {}
  size_t size() const { return b_.size(); }
  bool has(uint64_t off, uint64_t len) const { return off <= b_.size() && len <= b_.size() - off; }
  std::optional<uint64_t> uint(uint64_t off, unsigned width) const {
    if (!has(off, width)) return std::nullopt;
    uint64_t v = 0;
    for (unsigned i = 0; i < width; ++i) {
      uint64_t byte = static_cast<unsigned char>(b_[off + (be_ ? i : width - 1 - i)]);
      v = (v << 8) | byte;
    }
    return v;
  }
  // NUL-terminated string at `off`, not past `limit` (exclusive) nor kMaxName bytes.
  std::optional<std::string> cstr(uint64_t off, uint64_t limit) const {
    limit = std::min<uint64_t>(limit, b_.size());
    if (off >= limit) return std::nullopt;
    uint64_t end = off;
    while (end < limit && end - off < kMaxName && b_[end] != '\0') ++end;
    if (end >= limit || b_[end] != '\0') return std::nullopt;
    return std::string(b_.substr(off, end - off));
  }
  std::string_view view(uint64_t off, uint64_t len) const { return has(off, len) ? b_.substr(off, len) : std::string_view{}; }

 private:
  std::string_view b_;
  bool be_;
};

struct Segment {
  uint32_t type;
  uint64_t offset, vaddr, filesz;
};
struct Section {
  uint32_t name, type, link;
  uint64_t offset, size;
};

// Header field offsets for the two classes.
struct Layout {
  unsigned word;  // 4 or 8
  uint64_t phoff, shoff, phentsize, phnum, shentsize, shnum, shstrndx;
  uint64_t min_ph, min_sh;  // minimum entry sizes
};
constexpr Layout kLayout32{4, 28, 32, 42, 44, 46, 48, 50, 32, 40};
constexpr Layout kLayout64{8, 32, 40, 54, 56, 58, 60, 62, 56, 64};

base::Error format_error(std::string_view origin, const std::string& what) {
  return base::Error{base::ErrorCode::kFormat, std::string(origin) + ": " + what, {}};
}

std::optional<Segment> read_segment(const Image& img, const Layout& l, uint64_t off) {
  Segment s{};
  auto type = img.uint(off, 4);
  if (!type) return std::nullopt;
  s.type = static_cast<uint32_t>(*type);
  std::optional<uint64_t> o, v, f;
  if (l.word == 8) {
    o = img.uint(off + 8, 8), v = img.uint(off + 16, 8), f = img.uint(off + 32, 8);
  } else {
    o = img.uint(off + 4, 4), v = img.uint(off + 8, 4), f = img.uint(off + 16, 4);
  }
  if (!o || !v || !f) return std::nullopt;
  s.offset = *o, s.vaddr = *v, s.filesz = *f;
  return s;
}

std::optional<Section> read_section(const Image& img, const Layout& l, uint64_t off) {
  Section s{};
  auto name = img.uint(off, 4), type = img.uint(off + 4, 4);
  std::optional<uint64_t> o, sz, link;
  if (l.word == 8) {
    o = img.uint(off + 24, 8), sz = img.uint(off + 32, 8), link = img.uint(off + 40, 4);
  } else {
    o = img.uint(off + 16, 4), sz = img.uint(off + 20, 4), link = img.uint(off + 24, 4);
  }
  if (!name || !type || !o || !sz || !link) return std::nullopt;
  s.name = static_cast<uint32_t>(*name), s.type = static_cast<uint32_t>(*type);
  s.link = static_cast<uint32_t>(*link), s.offset = *o, s.size = *sz;
  return s;
}

// File offset of virtual address `addr` through the PT_LOAD segments.
std::optional<uint64_t> vaddr_to_offset(const std::vector<Segment>& segs, uint64_t addr) {
  for (const auto& s : segs) {
    if (s.type != kPtLoad) continue;
    if (addr >= s.vaddr && addr - s.vaddr < s.filesz) return s.offset + (addr - s.vaddr);
  }
  return std::nullopt;
}

// Reads the dynamic entries in [off, off+len) and fills needed/soname.
void read_dynamic(const Image& img, const Layout& l, uint64_t off, uint64_t len, const std::vector<Segment>& segs,
                  std::optional<Section> dynstr, ElfInfo& info) {
  const uint64_t ent = 2ull * l.word;
  if (!img.has(off, 0)) return;
  len = std::min<uint64_t>(len, img.size() - off);
  std::vector<uint64_t> needed;
  std::optional<uint64_t> soname, strtab, strsz;
  for (uint64_t i = 0; i < len / ent && i < kMaxDynEntries; ++i) {
    auto tag = img.uint(off + i * ent, l.word), val = img.uint(off + i * ent + l.word, l.word);
    if (!tag || !val || *tag == kDtNull) break;
    if (*tag == kDtNeeded) needed.push_back(*val);
    else if (*tag == kDtSoname) soname = *val;
    else if (*tag == kDtStrtab) strtab = *val;
    else if (*tag == kDtStrsz) strsz = *val;
  }
  std::optional<uint64_t> str_off;
  uint64_t str_end = img.size();
  if (strtab) str_off = vaddr_to_offset(segs, *strtab);
  if (str_off) {
    if (strsz && *strsz <= img.size() - std::min<uint64_t>(*str_off, img.size())) str_end = *str_off + *strsz;
  } else if (dynstr && img.has(dynstr->offset, dynstr->size)) {
    str_off = dynstr->offset;
    str_end = dynstr->offset + dynstr->size;
  }
  if (!str_off) return;
  auto name_at = [&](uint64_t idx) -> std::optional<std::string> {
    if (idx > str_end - std::min(*str_off, str_end)) return std::nullopt;
    return img.cstr(*str_off + idx, str_end);
  };
  for (uint64_t idx : needed)
    if (auto s = name_at(idx); s && !s->empty()) info.needed.push_back(*s);
  if (soname)
    if (auto s = name_at(*soname)) info.soname = *s;
}

}  // namespace

bool ElfInfo::has_debug_sections() const {
  for (const auto& s : sections)
    if (s.rfind(".debug", 0) == 0 || s.rfind(".zdebug", 0) == 0) return true;
  return false;
}

bool ElfInfo::has_symtab() const {
  for (const auto& s : sections)
    if (s == ".symtab") return true;
  return false;
}

bool is_elf(std::string_view bytes) { return bytes.size() >= 4 && bytes.substr(0, 4) == "\x7f" "ELF"; }

base::Result<ElfInfo> parse_elf(std::string_view bytes, std::string_view origin) {
  if (!is_elf(bytes)) return tl::unexpected(format_error(origin, "not an ELF file (bad magic)"));
  if (bytes.size() < 52) return tl::unexpected(format_error(origin, "truncated ELF header"));
  const unsigned char cls = static_cast<unsigned char>(bytes[4]), data = static_cast<unsigned char>(bytes[5]);
  if (cls != 1 && cls != 2) return tl::unexpected(format_error(origin, "unknown ELF class " + std::to_string(cls)));
  if (data != 1 && data != 2) return tl::unexpected(format_error(origin, "unknown ELF data encoding " + std::to_string(data)));
  ElfInfo info;
  info.is_64 = cls == 2;
  info.big_endian = data == 2;
  const Layout& l = info.is_64 ? kLayout64 : kLayout32;
  Image img(bytes, info.big_endian);
  if (info.is_64 && bytes.size() < 64) return tl::unexpected(format_error(origin, "truncated ELF header"));
  info.type = static_cast<uint16_t>(*img.uint(16, 2));
  info.machine = static_cast<uint16_t>(*img.uint(18, 2));
  uint64_t phoff = *img.uint(l.phoff, l.word), shoff = *img.uint(l.shoff, l.word);
  uint64_t phentsize = *img.uint(l.phentsize, 2), phnum = *img.uint(l.phnum, 2);
  uint64_t shentsize = *img.uint(l.shentsize, 2), shnum = *img.uint(l.shnum, 2), shstrndx = *img.uint(l.shstrndx, 2);

  // Section 0 carries the real counts when they overflow the 16-bit header fields.
  std::optional<Section> sec0;
  if (shoff != 0 && shentsize >= l.min_sh) sec0 = read_section(img, l, shoff);
  if (sec0) {
    if (shnum == 0) shnum = std::min<uint64_t>(sec0->size, kMaxHeaders);
    if (shstrndx == 0xffff) shstrndx = sec0->link;
  }
  if (phnum == 0xffff && sec0 && shentsize >= l.min_sh) {
    if (auto info_field = img.uint(shoff + (l.word == 8 ? 44 : 28), 4)) phnum = std::min<uint64_t>(*info_field, kMaxHeaders);
  }

  std::vector<Segment> segs;
  if (phoff != 0 && phnum != 0) {
    if (phentsize < l.min_ph) return tl::unexpected(format_error(origin, "bad program header entry size"));
    if (phnum > (img.size() / phentsize) || !img.has(phoff, phnum * phentsize))
      return tl::unexpected(format_error(origin, "program headers beyond end of file"));
    for (uint64_t i = 0; i < phnum; ++i)
      if (auto s = read_segment(img, l, phoff + i * phentsize)) segs.push_back(*s);
  }

  std::vector<Section> secs;
  if (shoff != 0 && shnum != 0 && shentsize >= l.min_sh && shnum <= img.size() / shentsize &&
      img.has(shoff, shnum * shentsize)) {
    for (uint64_t i = 0; i < shnum; ++i)
      if (auto s = read_section(img, l, shoff + i * shentsize)) secs.push_back(*s);
  }
  if (shstrndx < secs.size()) {
    const Section& names = secs[shstrndx];
    if (img.has(names.offset, names.size)) {
      for (const auto& s : secs) {
        auto n = s.name < names.size ? img.cstr(names.offset + s.name, names.offset + names.size) : std::nullopt;
        info.sections.push_back(n.value_or(""));
      }
    }
  }

  for (const auto& s : segs) {
    if (s.type == kPtInterp && info.interpreter.empty()) {
      std::string_view v = img.view(s.offset, s.filesz);
      while (!v.empty() && v.back() == '\0') v.remove_suffix(1);
      if (auto nul = v.find('\0'); nul != std::string_view::npos) v = v.substr(0, nul);
      info.interpreter = std::string(v.substr(0, kMaxName));
    }
  }

  std::optional<Section> dynsec, dynstr;
  for (const auto& s : secs)
    if (s.type == kShtDynamic) {
      dynsec = s;
      if (s.link < secs.size()) dynstr = secs[s.link];
      break;
    }
  bool done = false;
  for (const auto& s : segs)
    if (s.type == kPtDynamic) {
      info.has_dynamic = true;
      read_dynamic(img, l, s.offset, s.filesz, segs, dynstr, info);
      done = true;
      break;
    }
  if (!done && dynsec) {
    info.has_dynamic = true;
    read_dynamic(img, l, dynsec->offset, dynsec->size, segs, dynstr, info);
  }
  return info;
}

base::Result<ElfInfo> read_elf_file(const std::filesystem::path& path) {
  TRY_ASSIGN(base::FileMapping map, base::FileMapping::map_file(path));
  if (map.size() < 4) return tl::unexpected(format_error(path.string(), "not an ELF file"));
  return parse_elf(map.view(), path.string());
}

std::string elf_machine_name(uint16_t machine) {
  switch (machine) {
    case kElfMachine386: return "i386";
    case kElfMachineArm: return "arm";
    case kElfMachineX86_64: return "x86_64";
    case kElfMachineAarch64: return "aarch64";
    case kElfMachineRiscv: return "riscv";
    case kElfMachinePpc64: return "ppc64";
    case kElfMachineS390: return "s390";
    case 8: return "mips";
    default: return "unknown(" + std::to_string(machine) + ")";
  }
}

}  // namespace melange
