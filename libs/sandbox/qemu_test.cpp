#include "sandbox/qemu.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/fs.hpp"

namespace sandbox {
namespace {

namespace fs = std::filesystem;

bool has_pair(const std::vector<std::string>& a, const std::string& k, const std::string& v) {
  for (size_t i = 0; i + 1 < a.size(); ++i)
    if (a[i] == k && a[i + 1] == v) return true;
  return false;
}

TEST(QemuArgs, TcgWithoutNetworkAndWithVirtioChannel) {
  QemuSettings s;
  s.kernel = "/boot/vmlinuz-1";
  s.initrd = "/t/i.cpio";
  s.socket = "/t/s";
  s.console_log = "/t/c.log";
  s.cpus = 3;
  s.memory_mb = 1536;
  s.extra_cmdline = "debug";
  auto a = qemu_args(s);
  EXPECT_TRUE(has_pair(a, "-accel", "tcg,thread=multi"));
  EXPECT_TRUE(has_pair(a, "-cpu", "max"));
  EXPECT_TRUE(has_pair(a, "-smp", "3"));
  EXPECT_TRUE(has_pair(a, "-m", "1536M"));
  EXPECT_TRUE(has_pair(a, "-kernel", "/boot/vmlinuz-1"));
  EXPECT_TRUE(has_pair(a, "-initrd", "/t/i.cpio"));
  EXPECT_TRUE(has_pair(a, "-append", "console=ttyS0 rdinit=/.ma/init panic=-1 quiet loglevel=3 mitigations=off debug"));
  EXPECT_TRUE(has_pair(a, "-chardev", "socket,id=cmd,path=/t/s"));
  EXPECT_TRUE(has_pair(a, "-device", "virtserialport,bus=vs.0,chardev=cmd,name=ma.cmd"));
  EXPECT_NE(std::find(a.begin(), a.end(), "-nodefaults"), a.end());  // no network card, no disks
  EXPECT_EQ(std::find(a.begin(), a.end(), "-nic"), a.end());
  s.kvm = true;
  s.virtio_channel = false;
  a = qemu_args(s);
  EXPECT_TRUE(has_pair(a, "-accel", "kvm"));
  EXPECT_TRUE(has_pair(a, "-cpu", "host"));
  EXPECT_TRUE(has_pair(a, "-serial", "chardev:cmd"));
}

TEST(QemuKernel, EnvironmentThenNewestInBoot) {
  auto dir = base::TempDir::create("ma-qemu-");
  ASSERT_TRUE(dir);
  auto none = find_kernel("", dir->path());
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("QEMU_KERNEL_IMAGE is not set"), std::string::npos);
  EXPECT_NE(none.error().message.find(dir->path().string()), std::string::npos);
  for (const char* k : {"vmlinuz-6.1.0-9-amd64", "vmlinuz-6.1.0-10-amd64", "config-6.1.0-11-amd64"})
    ASSERT_TRUE(base::write_file_atomic(dir->path() / k, "k"));
  auto newest = find_kernel("", dir->path());
  ASSERT_TRUE(newest);
  EXPECT_EQ(newest->filename(), "vmlinuz-6.1.0-10-amd64");
  auto env = find_kernel((dir->path() / "vmlinuz-6.1.0-9-amd64").string(), "/nonexistent");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->filename(), "vmlinuz-6.1.0-9-amd64");
  auto bad = find_kernel("/nonexistent/vmlinuz", dir->path());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "/nonexistent/vmlinuz: QEMU_KERNEL_IMAGE names no file");
  EXPECT_EQ(default_modules_dir("/boot/vmlinuz-6.1.0-10-amd64"), "/lib/modules/6.1.0-10-amd64");
  EXPECT_TRUE(default_modules_dir("/x/bzImage").empty());
}

TEST(QemuKernel, ChannelModulesFromModulesDep) {
  auto dir = base::TempDir::create("ma-qemu-");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "modules.dep",
                                      "kernel/drivers/virtio/virtio_ring.ko:\n"
                                      "kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko\n"
                                      "kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio.ko\n"
                                      "kernel/drivers/char/virtio_console.ko: kernel/drivers/virtio/virtio.ko\n"));
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "modules.builtin", ""));
  auto mods = channel_modules(dir->path());
  ASSERT_TRUE(mods) << mods.error().to_string();
  ASSERT_EQ(mods->size(), 4u);
  EXPECT_EQ((*mods)[0], dir->path() / "kernel/drivers/virtio/virtio_ring.ko");
  EXPECT_EQ((*mods)[3], dir->path() / "kernel/drivers/char/virtio_console.ko");
  // Built in: nothing to load.
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "modules.dep", ""));
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "modules.builtin",
                                      "kernel/drivers/virtio/virtio_ring.ko\nkernel/drivers/virtio/virtio.ko\n"
                                      "kernel/drivers/virtio/virtio_pci.ko\nkernel/drivers/char/virtio_console.ko\n"));
  mods = channel_modules(dir->path());
  ASSERT_TRUE(mods);
  EXPECT_TRUE(mods->empty());
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "modules.builtin", ""));
  auto missing = channel_modules(dir->path());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("virtio_ring not found"), std::string::npos);
}

TEST(QemuRunner, RefusesNetwork) {
  auto dir = base::TempDir::create("ma-qemu-");
  ASSERT_TRUE(dir);
  QemuRunner r;
  RunnerConfig cfg;
  cfg.rootfs = dir->path();
  cfg.network = true;
  auto st = r.start(cfg);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, base::ErrorCode::kUnsupported);
  EXPECT_NE(st.error().message.find("no network"), std::string::npos);
}

}  // namespace
}  // namespace sandbox
