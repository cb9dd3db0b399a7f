// Test helper (header-only, used by the *_test.cpp files): builds a minimal ELF image
// of either class and byte order with a PT_INTERP, a PT_LOAD covering the whole file
// at vaddr 0x10000, and a PT_DYNAMIC holding DT_NEEDED / DT_SONAME / DT_STRTAB / DT_STRSZ,
// plus a section table naming .interp, .dynstr, .dynamic (and optionally .debug_info).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace melange {

struct TestElf {
  bool is_64 = true, big_endian = false;
  uint16_t type = 3, machine = 62;
  std::string interp;
  std::vector<std::string> needed;
  std::string soname;
  bool debug_section = false;
};

inline std::string make_test_elf(const TestElf& t) {
  const unsigned w = t.is_64 ? 8 : 4;
  auto put = [&](std::string& out, size_t off, uint64_t v, unsigned width) {
    if (out.size() < off + width) out.resize(off + width, '\0');
    for (unsigned i = 0; i < width; ++i) {
      unsigned shift = 8 * (t.big_endian ? width - 1 - i : i);
      out[off + i] = static_cast<char>((v >> shift) & 0xff);
    }
  };
  const size_t ehsize = t.is_64 ? 64 : 52, phent = t.is_64 ? 56 : 32, shent = t.is_64 ? 64 : 40;
  const size_t phnum = 3;
  // Layout: header | phdrs | interp | dynstr | dynamic | shstrtab | shdrs
  size_t off = ehsize + phnum * phent;
  const size_t interp_off = off;
  off += t.interp.size() + 1;
  std::string dynstr(1, '\0');
  std::vector<uint64_t> needed_idx;
  for (const auto& n : t.needed) needed_idx.push_back(dynstr.size()), dynstr += n + '\0';
  uint64_t soname_idx = dynstr.size();
  dynstr += t.soname + '\0';
  const size_t dynstr_off = off;
  off += dynstr.size();
  off = (off + 7) & ~size_t(7);
  const size_t dyn_off = off;
  const size_t ndyn = t.needed.size() + (t.soname.empty() ? 0 : 1) + 3;
  off += ndyn * 2 * w;
  std::string shstr("\0.interp\0.dynstr\0.dynamic\0.shstrtab\0.debug_info\0", 48);
  const size_t shstr_off = off;
  off += shstr.size();
  off = (off + 7) & ~size_t(7);
  const size_t sh_off = off;
  const size_t shnum = t.debug_section ? 6 : 5;
  const size_t total = sh_off + shnum * shent;
  const uint64_t base = 0x10000;

  std::string out(total, '\0');
  out.replace(0, 4, "\x7f" "ELF");
  out[4] = t.is_64 ? 2 : 1;
  out[5] = t.big_endian ? 2 : 1;
  out[6] = 1;
  put(out, 16, t.type, 2);
  put(out, 18, t.machine, 2);
  put(out, 20, 1, 4);
  const size_t f_phoff = t.is_64 ? 32 : 28, f_shoff = t.is_64 ? 40 : 32, f_rest = t.is_64 ? 52 : 40;
  put(out, f_phoff, ehsize, w);
  put(out, f_shoff, sh_off, w);
  put(out, f_rest, ehsize, 2);
  put(out, f_rest + 2, phent, 2);
  put(out, f_rest + 4, phnum, 2);
  put(out, f_rest + 6, shent, 2);
  put(out, f_rest + 8, shnum, 2);
  put(out, f_rest + 10, 4, 2);  // .shstrtab index

  auto phdr = [&](size_t i, uint32_t type, uint64_t o, uint64_t sz) {
    size_t p = ehsize + i * phent;
    put(out, p, type, 4);
    if (t.is_64) {
      put(out, p + 8, o, 8), put(out, p + 16, base + o, 8), put(out, p + 24, base + o, 8);
      put(out, p + 32, sz, 8), put(out, p + 40, sz, 8);
    } else {
      put(out, p + 4, o, 4), put(out, p + 8, base + o, 4), put(out, p + 12, base + o, 4);
      put(out, p + 16, sz, 4), put(out, p + 20, sz, 4);
    }
  };
  phdr(0, 3, interp_off, t.interp.size() + 1);
  phdr(1, 1, 0, total);
  phdr(2, 2, dyn_off, ndyn * 2 * w);
  out.replace(interp_off, t.interp.size(), t.interp);
  out.replace(dynstr_off, dynstr.size(), dynstr);
  size_t d = dyn_off;
  auto dyn = [&](uint64_t tag, uint64_t val) { put(out, d, tag, w), put(out, d + w, val, w), d += 2 * w; };
  for (auto idx : needed_idx) dyn(1, idx);
  if (!t.soname.empty()) dyn(14, soname_idx);
  dyn(5, base + dynstr_off);
  dyn(10, dynstr.size());
  dyn(0, 0);
  out.replace(shstr_off, shstr.size(), shstr);
  auto shdr = [&](size_t i, uint32_t name, uint32_t type, uint64_t o, uint64_t sz, uint32_t link) {
    size_t p = sh_off + i * shent;
    put(out, p, name, 4), put(out, p + 4, type, 4);
    if (t.is_64) put(out, p + 24, o, 8), put(out, p + 32, sz, 8), put(out, p + 40, link, 4);
    else put(out, p + 16, o, 4), put(out, p + 20, sz, 4), put(out, p + 24, link, 4);
  };
  shdr(1, 1, 1, interp_off, t.interp.size() + 1, 0);
  shdr(2, 9, 3, dynstr_off, dynstr.size(), 0);
  shdr(3, 17, 6, dyn_off, ndyn * 2 * w, 2);
  shdr(4, 26, 3, shstr_off, shstr.size(), 0);
  if (t.debug_section) shdr(5, 36, 1, 0, 0, 0);
  return out;
}

}  // namespace melange
