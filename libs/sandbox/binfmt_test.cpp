#include "sandbox/binfmt.hpp"

#include <gtest/gtest.h>

#include "base/fs.hpp"

namespace sandbox {
namespace {

const char kEntry[] =
    "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POF\noffset 0\n"
    "magic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n";

TEST(Binfmt, ParsesAnEntry) {
  auto e = parse_binfmt_entry(kEntry);
  EXPECT_TRUE(e.enabled);
  EXPECT_EQ(e.interpreter, "/usr/libexec/qemu-binfmt/aarch64-binfmt-P");
  EXPECT_EQ(e.flags, "POF");
  EXPECT_FALSE(parse_binfmt_entry("disabled\nflags: F\n").enabled);
}

TEST(Binfmt, ForeignArchNeedsAnFHandlerAndANonVmRunner) {
  auto dir = base::TempDir::create("ma-binfmt-");
  ASSERT_TRUE(dir);
  EXPECT_TRUE(check_foreign_arch("x86_64", "x86_64", "qemu", dir->path()));
  auto unmounted = check_foreign_arch("aarch64", "x86_64", "bubblewrap", dir->path());
  ASSERT_FALSE(unmounted);
  EXPECT_NE(unmounted.error().message.find("binfmt_misc is not mounted"), std::string::npos);
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "status", "enabled\n"));
  auto none = check_foreign_arch("aarch64", "x86_64", "bubblewrap", dir->path());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "cannot build for aarch64 on this x86_64 host: no binfmt_misc handler qemu-aarch64");
  EXPECT_NE(none.error().hint.find("qemu-user-static"), std::string::npos);
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "qemu-aarch64", "enabled\ninterpreter /x\nflags: PO\n"));
  auto nof = check_foreign_arch("aarch64", "x86_64", "bubblewrap", dir->path());
  ASSERT_FALSE(nof);
  EXPECT_NE(nof.error().message.find("lacks the F flag"), std::string::npos);
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "qemu-aarch64", kEntry));
  EXPECT_TRUE(check_foreign_arch("aarch64", "x86_64", "bubblewrap", dir->path()));
  EXPECT_TRUE(check_foreign_arch("aarch64", "x86_64", "docker", dir->path()));
  auto vm = check_foreign_arch("aarch64", "x86_64", "qemu", dir->path());
  ASSERT_FALSE(vm);
  EXPECT_EQ(vm.error().message, "cannot build for aarch64 on this x86_64 host with the qemu runner");
  EXPECT_EQ(qemu_user_name("armv7"), "arm");
  EXPECT_EQ(qemu_user_name("x86"), "i386");
}

}  // namespace
}  // namespace sandbox
