#include "sandbox/initramfs.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.hpp"
#include "sandbox/process.hpp"

namespace sandbox {
namespace {

namespace fs = std::filesystem;

// `cpio -itv` of the archive, one line per entry ("mode owner group ... name").
std::vector<std::string> list_cpio(const fs::path& archive) {
  std::vector<std::string> lines;
  auto code = run_process({"sh", "-c", "cpio -itv --numeric-uid-gid --quiet < '" + archive.string() + "'"},
                          [&](std::string_view l, bool err) {
                            if (!err) lines.emplace_back(l);
                          });
  EXPECT_TRUE(code && *code == 0);
  return lines;
}

const std::string* find_entry(const std::vector<std::string>& lines, const std::string& name) {
  for (const auto& l : lines)
    if (l.size() > name.size() && l.compare(l.size() - name.size(), name.size(), name) == 0 &&
        l[l.size() - name.size() - 1] == ' ')
      return &l;
  return nullptr;
}

TEST(Initramfs, RootMountsInitAndModules) {
  ASSERT_FALSE(find_program("cpio").empty()) << "GNU cpio is needed as the independent reader (apt-get install cpio)";
  auto dir = base::TempDir::create("ma-initramfs-");
  ASSERT_TRUE(dir);
  fs::path root = dir->path() / "root", ws = dir->path() / "ws";
  fs::create_directories(root / "bin");
  fs::create_directories(root / "home/build");
  fs::create_directories(ws / "src");
  ASSERT_TRUE(base::write_file_atomic(root / "bin/tool", "#!/bin/sh\n"));
  ::chmod((root / "bin/tool").c_str(), 04755);
  ASSERT_TRUE(base::write_file_atomic(root / "home/build/hidden", "root's own, hidden by the mount"));
  fs::create_symlink("tool", root / "bin/alias");
  ASSERT_TRUE(base::write_file_atomic(ws / "src/main.c", "int main(){}\n"));
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "init", "ELF"));
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "virtio.ko", "ko"));

  InitramfsSpec spec;
  spec.rootfs = root;
  fs::create_symlink(dir->path() / "init", dir->path() / "init-link");
  // a mount source given as a symlink to a file is archived as that file
  spec.mounts = {{ws, "/home/build", false},
                 {dir->path() / "init", "/etc/ro-file", true},
                 {dir->path() / "init-link", "/etc/linked-file", true}};
  spec.init = dir->path() / "init";
  spec.modules = {dir->path() / "virtio.ko"};
  spec.run_uid = 1000;
  spec.run_gid = 1000;
  spec.host_is_root = false;  // map this process's files as bubblewrap's user namespace does
  spec.host_uid = ::geteuid();
  spec.host_gid = ::getegid();
  fs::path out = dir->path() / "out.cpio";
  {
    auto f = base::AtomicFile::create(out);
    ASSERT_TRUE(f);
    archive::FdSink sink(f->fd(), archive::FdOwnership::kBorrow, out.string());
    auto st = write_initramfs(spec, sink);
    ASSERT_TRUE(st) << st.error().to_string();
    EXPECT_GT(st->entries, 8u);
    ASSERT_TRUE(f->commit());
  }
  auto lines = list_cpio(out);
  const std::string* tool = find_entry(lines, "bin/tool");
  ASSERT_TRUE(tool);
  EXPECT_EQ(tool->substr(0, 10), "-rwsr-xr-x");
  EXPECT_NE(tool->find(" 0 "), std::string::npos) << *tool;  // our file, root's in the guest
  ASSERT_TRUE(find_entry(lines, "bin/alias -> tool"));
  const std::string* src = find_entry(lines, "home/build/src/main.c");
  ASSERT_TRUE(src);
  EXPECT_NE(src->find(" 1000 "), std::string::npos) << *src;  // our file, the build user's in the guest
  EXPECT_FALSE(find_entry(lines, "home/build/hidden"));
  EXPECT_TRUE(find_entry(lines, "etc/ro-file"));
  const std::string* linked = find_entry(lines, "etc/linked-file");
  ASSERT_TRUE(linked);
  EXPECT_EQ(linked->substr(0, 1), "-") << *linked;
  EXPECT_TRUE(find_entry(lines, ".ma/init"));
  EXPECT_TRUE(find_entry(lines, ".ma/mod/0-virtio.ko"));
  EXPECT_TRUE(find_entry(lines, ".ma/modules"));
  EXPECT_TRUE(find_entry(lines, ".ma/ro"));
  EXPECT_TRUE(find_entry(lines, ".ma/channel"));
}

TEST(Initramfs, MissingRootIsOneLineError) {
  InitramfsSpec spec;
  spec.rootfs = "/nonexistent-ma-root";
  archive::StringSink sink;
  auto st = write_initramfs(spec, sink);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message.rfind("/nonexistent-ma-root: cannot stat", 0), 0u) << st.error().message;
}

}  // namespace
}  // namespace sandbox
