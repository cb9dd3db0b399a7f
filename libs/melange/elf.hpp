// A small, defensive ELF reader for SCA and the linters (ELF gABI, 32/64-bit, either
// byte order).
//
// Reads the file header, the program headers (PT_INTERP, PT_LOAD, PT_DYNAMIC), the
// dynamic section (DT_NEEDED, DT_SONAME; names resolved through DT_STRTAB mapped to a
// file offset via the PT_LOAD segments, falling back to the section table's .dynstr)
// and the section names (for the strip linter). Every offset and count is checked
// against the file size with overflow-safe arithmetic: truncated, corrupt or hostile
// input yields a kFormat error or partial data, never a crash or an unbounded loop.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace melange {

inline constexpr uint16_t kElfTypeExec = 2, kElfTypeDyn = 3;
inline constexpr uint16_t kElfMachine386 = 3, kElfMachineArm = 40, kElfMachineX86_64 = 62, kElfMachineAarch64 = 183,
                          kElfMachineRiscv = 243, kElfMachinePpc64 = 21, kElfMachineS390 = 22;

struct ElfInfo {
  bool is_64 = false;
  bool big_endian = false;
  uint16_t type = 0;     // e_type: 1 REL, 2 EXEC, 3 DYN, 4 CORE
  uint16_t machine = 0;  // e_machine
  std::string interpreter;           // PT_INTERP contents without the trailing NULs
  std::vector<std::string> needed;   // DT_NEEDED, in order
  std::string soname;                // DT_SONAME, empty when absent
  bool has_dynamic = false;          // a PT_DYNAMIC segment or SHT_DYNAMIC section exists
  std::vector<std::string> sections; // section names, in table order

  // A .debug* / .zdebug* section (DWARF) is present.
  bool has_debug_sections() const;
  // A .symtab (the full symbol table `strip` removes) is present.
  bool has_symtab() const;
};

// True when `bytes` starts with the ELF magic.
bool is_elf(std::string_view bytes);

// Parses an in-memory ELF image; `origin` names it in errors ("usr/bin/hello: ...").
base::Result<ElfInfo> parse_elf(std::string_view bytes, std::string_view origin);

// Maps the file read-only and parses it. kNotFound/kIo for file errors, kInvalidInput for what is
// not a regular file (a symlink is not followed), kFormat for anything that is not a
// well-formed ELF header.
base::Result<ElfInfo> read_elf_file(const std::filesystem::path& path);

// "x86_64", "aarch64", "i386", ... or "unknown(<n>)".
std::string elf_machine_name(uint16_t machine);

}  // namespace melange
