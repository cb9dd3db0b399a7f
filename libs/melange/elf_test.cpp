#include "melange/elf.hpp"

#include <gtest/gtest.h>

#include <random>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "melange/elf_testdata.hpp"
#include "testutil/testutil.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;
using testutil::shell_quote;

TEST(Elf, HostDynamicExecutable) {
  if (!fs::exists("/usr/bin/ls")) GTEST_SKIP() << "/usr/bin/ls not present";
  auto info = read_elf_file("/usr/bin/ls");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_TRUE(info->is_64);
  EXPECT_FALSE(info->big_endian);
  EXPECT_TRUE(info->has_dynamic);
  EXPECT_EQ(fs::path(info->interpreter).filename(), "ld-linux-x86-64.so.2");
  EXPECT_NE(std::find(info->needed.begin(), info->needed.end(), "libc.so.6"), info->needed.end());
  EXPECT_TRUE(info->soname.empty());
  EXPECT_EQ(elf_machine_name(info->machine), "x86_64");
  // Cross-check the DT_NEEDED list against readelf (binutils), when present.
  int st = 0;
  std::string out = testutil::run_capture("readelf -d /usr/bin/ls 2>/dev/null | grep -c NEEDED", &st);
  if (st == 0) {
    EXPECT_EQ(std::to_string(info->needed.size()), std::string(base::trim(out)));
  }
}

TEST(Elf, HostLibc) {
  const fs::path libc = "/usr/lib/x86_64-linux-gnu/libc.so.6";
  if (!fs::exists(libc)) GTEST_SKIP() << libc << " not present";
  auto info = read_elf_file(libc);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->soname, "libc.so.6");
  EXPECT_EQ(info->type, kElfTypeDyn);
}

TEST(Elf, StaticBusybox) {
  if (!fs::exists("/bin/busybox")) GTEST_SKIP() << "/bin/busybox (busybox-static) not present";
  auto info = read_elf_file("/bin/busybox");
  ASSERT_TRUE(info) << info.error().message;
  if (testutil::run_quiet("file -L /bin/busybox | grep -q 'statically linked'") != 0)
    GTEST_SKIP() << "/bin/busybox is not the static build";
  EXPECT_TRUE(info->interpreter.empty());
  EXPECT_TRUE(info->needed.empty());
  EXPECT_TRUE(info->soname.empty());
}

TEST(Elf, CompiledSharedObjectAndDebugInfo) {
  auto dir = base::TempDir::create("elf-test-");
  ASSERT_TRUE(dir);
  fs::path src = dir->path() / "foo.c";
  ASSERT_TRUE(base::write_file_atomic(src, "int foo(void) { return 42; }\n"));
  fs::path so = dir->path() / "libfoo.so.1.2";
  std::string cmd = "gcc -g -shared -fPIC -Wl,-soname,libfoo.so.1 -o " + shell_quote(so.string()) + " " +
                    shell_quote(src.string()) + " -lm -Wl,--no-as-needed -lz 2>&1";
  int st = 0;
  std::string out = testutil::run_capture(cmd, &st);
  if (st != 0) GTEST_SKIP() << "gcc cannot build a shared object here: " << out;
  auto info = read_elf_file(so);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->soname, "libfoo.so.1");
  EXPECT_NE(std::find(info->needed.begin(), info->needed.end(), "libz.so.1"), info->needed.end());
  EXPECT_TRUE(info->has_debug_sections());
  EXPECT_TRUE(info->has_symtab());

  fs::path stripped = dir->path() / "stripped.so";
  if (testutil::run_quiet("strip -o " + shell_quote(stripped.string()) + " " + shell_quote(so.string())) == 0) {
    auto s = read_elf_file(stripped);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->has_debug_sections());
    EXPECT_FALSE(s->has_symtab());
    EXPECT_EQ(s->soname, "libfoo.so.1");
  }
}

TEST(Elf, SyntheticAllClassesAndByteOrders) {
  for (bool is64 : {false, true}) {
    for (bool be : {false, true}) {
      TestElf spec;
      spec.is_64 = is64;
      spec.big_endian = be;
      spec.machine = is64 ? kElfMachineAarch64 : kElfMachineArm;
      spec.interp = "/lib/ld-musl-armhf.so.1";
      spec.needed = {"libz.so.1", "libcrypto.so.3"};
      spec.soname = "libbar.so.2";
      std::string img = make_test_elf(spec);
      auto info = parse_elf(img, "synthetic");
      ASSERT_TRUE(info) << info.error().message;
      EXPECT_EQ(info->is_64, is64);
      EXPECT_EQ(info->big_endian, be);
      EXPECT_EQ(info->machine, spec.machine);
      EXPECT_EQ(info->interpreter, spec.interp);
      EXPECT_EQ(info->needed, spec.needed);
      EXPECT_EQ(info->soname, "libbar.so.2");
    }
  }
}

TEST(Elf, RejectsNonElf) {
  EXPECT_FALSE(parse_elf("", "empty"));
  EXPECT_FALSE(parse_elf("#!/bin/sh\n", "script"));
  auto r = parse_elf(std::string("\x7f" "ELF\x03\x01", 6) + std::string(60, '\0'), "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kFormat);
  EXPECT_NE(r.error().message.find("x: "), std::string::npos);
}

// Every truncation and many random corruptions of a valid image must parse or fail
// cleanly (run under ASan/UBSan to catch out-of-bounds reads).
TEST(Elf, TruncatedAndCorruptInputNeverCrash) {
  TestElf spec;
  spec.is_64 = true;
  spec.interp = "/lib64/ld-linux-x86-64.so.2";
  spec.needed = {"libc.so.6"};
  spec.soname = "libx.so.1";
  for (bool is64 : {true, false}) {
    spec.is_64 = is64;
    std::string img = make_test_elf(spec);
    for (size_t n = 0; n <= img.size(); ++n) (void)parse_elf(std::string_view(img).substr(0, n), "trunc");
    std::mt19937 rng(1234);
    for (int round = 0; round < 4000; ++round) {
      std::string bad = img;
      int flips = 1 + static_cast<int>(rng() % 8);
      for (int i = 0; i < flips; ++i) bad[rng() % bad.size()] = static_cast<char>(rng() & 0xff);
      (void)parse_elf(bad, "fuzz");
    }
    for (int round = 0; round < 500; ++round) {
      std::string noise(4 + rng() % 300, '\0');
      for (auto& c : noise) c = static_cast<char>(rng() & 0xff);
      noise.replace(0, 4, "\x7f" "ELF");
      if (noise.size() > 5) noise[4] = static_cast<char>(1 + rng() % 2), noise[5] = static_cast<char>(1 + rng() % 2);
      (void)parse_elf(noise, "noise");
    }
  }
  // A host binary truncated at a few sizes.
  auto ls = base::read_file("/usr/bin/ls");
  if (ls) {
    for (size_t n : {size_t(64), size_t(100), size_t(1000), ls->size() / 2, ls->size() - 1})
      (void)parse_elf(std::string_view(*ls).substr(0, std::min(n, ls->size())), "ls");
  }
  SUCCEED();
}

}  // namespace
}  // namespace melange
