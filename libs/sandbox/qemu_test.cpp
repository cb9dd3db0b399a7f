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
  EXPECT_EQ(std::find(a.begin(), a.end(), "-netdev"), a.end());
  s.network = true;  // --network: user-mode networking on a virtio-net card
  a = qemu_args(s);
  EXPECT_TRUE(has_pair(a, "-netdev", "user,id=net0"));
  EXPECT_TRUE(has_pair(a, "-device", "virtio-net-pci,netdev=net0,romfile="));
  s.cpu_model = "Skylake-Client";  // --cpumodel / resources.cpumodel
  a = qemu_args(s);
  EXPECT_TRUE(has_pair(a, "-cpu", "Skylake-Client"));
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

TEST(QemuKernel, NetworkAddsVirtioNetAfterTheChannel) {
  auto dir = base::TempDir::create("ma-qemu-");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "modules.dep",
                                      "kernel/drivers/virtio/virtio_ring.ko:\n"
                                      "kernel/drivers/char/virtio_console.ko:\n"
                                      "kernel/net/core/failover.ko:\n"
                                      "kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko\n"));
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "modules.builtin",
                                      "kernel/drivers/virtio/virtio.ko\nkernel/drivers/virtio/virtio_pci.ko\n"));
  auto plain = channel_modules(dir->path());
  ASSERT_TRUE(plain) << plain.error().to_string();
  EXPECT_EQ(plain->size(), 2u);
  auto without_virtio_net = channel_modules(dir->path(), true);
  ASSERT_FALSE(without_virtio_net);
  EXPECT_NE(without_virtio_net.error().message.find("virtio_net not found"), std::string::npos);
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "modules.dep",
                                      "kernel/drivers/virtio/virtio_ring.ko:\n"
                                      "kernel/drivers/char/virtio_console.ko:\n"
                                      "kernel/net/core/failover.ko:\n"
                                      "kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko\n"
                                      "kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko\n"));
  auto net = channel_modules(dir->path(), true);
  ASSERT_TRUE(net) << net.error().to_string();
  ASSERT_EQ(net->size(), 5u);
  EXPECT_EQ((*net)[2].filename(), "failover.ko");  // dependencies first
  EXPECT_EQ((*net)[4].filename(), "virtio_net.ko");
}

TEST(QemuRunner, NetworkWithoutVirtioNetIsOneErrorNamingTheFix) {
  auto dir = base::TempDir::create("ma-qemu-");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "vmlinuz-1", "k"));
  fs::create_directories(dir->path() / "modules");
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "modules/modules.dep", ""));
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "modules/modules.builtin", ""));
  ::setenv("QEMU_KERNEL_MODULES", (dir->path() / "modules").c_str(), 1);
  ::setenv("MA_GUEST_INIT", "/bin/true", 1);
  RunnerConfig cfg;
  cfg.rootfs = dir->path();
  cfg.network = true;
  auto spec = qemu_initramfs_spec(cfg, dir->path() / "vmlinuz-1");
  ::unsetenv("QEMU_KERNEL_MODULES");
  ::unsetenv("MA_GUEST_INIT");
  ASSERT_FALSE(spec);
  EXPECT_NE(spec.error().message.find("--network needs the virtio-net module"), std::string::npos) << spec.error().message;
  EXPECT_EQ(spec.error().message.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace sandbox
