// The qemu runner: each build runs in its own virtual machine.
//
// start(): the build root, with the mounts' contents copied in, ma-guest-init as /.ma/init and
// the kernel modules of the command channel, becomes a newc initramfs (initramfs.hpp);
// `qemu-system-<arch>` boots it with the kernel from $QEMU_KERNEL_IMAGE or the newest
// /boot/vmlinuz-*, with KVM when /dev/kvm can be opened, else TCG (logged); when qemu exits
// at once under KVM (a nested host lacking CPU features), once more with TCG. The machine has
// `cfg.cpus` vCPUs and `cfg.memory_mb` of memory, and no network card unless cfg.network
// (--network): then qemu's user-mode network on a virtio-net card (the guest is 10.0.2.15,
// the host's loopback 10.0.2.2, its resolver 10.0.2.3). Its console goes to a log file (its
// tail is shown when the boot fails). Commands travel over a virtio serial port
// (vm_client.hpp): the virtio modules come from $QEMU_KERNEL_MODULES or /lib/modules/<the
// kernel's version>; without them the second serial port is used, which is slow.
// exec(): one command in the guest as cfg.uid:cfg.gid with the effective capabilities (for
// root); the per-command timeout kills it in the guest. exec_interactive(): the same on a
// pseudo-terminal in the guest, relayed to this terminal (--interactive).
// retrieve(): copies a guest directory out over the channel (tree_receiver.hpp): owners,
// modes, xattrs and mtimes kept, nothing followed. Writes to the workspace reach the host only
// this way (melange build retrieves melange-out).
// stop(): asks the guest to power off, kills qemu after 10 s; always removes the temporary
// files. SIGINT/SIGTERM/SIGHUP kill the VM too (cleanup.hpp).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "base/fs.hpp"
#include "sandbox/initramfs.hpp"
#include "sandbox/runner.hpp"
#include "sandbox/vm_client.hpp"

namespace sandbox {

struct QemuSettings {
  std::string arch = "x86_64";  // uname -m spelling
  bool kvm = false;
  unsigned cpus = 2;
  uint64_t memory_mb = 4096;
  std::string cpu_model;  // -cpu; empty: host with KVM, else max
  std::filesystem::path kernel, initrd, socket, console_log;
  bool virtio_channel = true;
  bool network = false;  // user-mode (slirp) network on a virtio-net card
  std::string extra_cmdline;  // $QEMU_KERNEL_CMDLINE
};

// The qemu binary's arguments (without the binary).
std::vector<std::string> qemu_args(const QemuSettings& s);

// The kernel: `env_image` when set (it must exist), else the newest vmlinuz-* in boot_dir.
base::Result<std::filesystem::path> find_kernel(const std::string& env_image, const std::filesystem::path& boot_dir);

// The modules the virtio command channel needs (and virtio-net's with `network`), in load
// order, from a modules directory (/lib/modules/<version>: modules.dep and modules.builtin).
// Empty when the kernel has them built in; an error when one is neither a module nor built
// in, or is compressed.
base::Result<std::vector<std::filesystem::path>> channel_modules(const std::filesystem::path& modules_dir,
                                                                 bool network = false);

// The guest's eth0 on qemu's user-mode network (its defaults): "10.0.2.15/24 10.0.2.2 10.0.2.3".
inline constexpr const char* kGuestNetwork = "10.0.2.15/24 10.0.2.2 10.0.2.3";

// /lib/modules/<version> for a kernel image named vmlinuz-<version>.
std::filesystem::path default_modules_dir(const std::filesystem::path& kernel);

// What the qemu runner puts into its initramfs for cfg (rootfs, mounts, run-as) booted with
// `kernel`: ma-guest-init, and the channel modules from $QEMU_KERNEL_MODULES or the kernel's
// default modules directory (without them the serial channel, with a warning). Also serves
// `melange initramfs`.
base::Result<InitramfsSpec> qemu_initramfs_spec(const RunnerConfig& cfg, const std::filesystem::path& kernel);

// Writes it to `out` (gzip-compressed when out ends in ".gz"); logs size and time.
base::Status write_initramfs_file(const InitramfsSpec& spec, const std::filesystem::path& out);

// ma-guest-init: $MA_GUEST_INIT, else beside this executable, else ../guest-init/ (build tree).
std::filesystem::path find_guest_init();

class QemuRunner : public Runner {
 public:
  ~QemuRunner() override;
  std::string name() const override { return "qemu"; }
  base::Status check_available() const override;
  base::Status start(const RunnerConfig& cfg) override;
  base::Result<ExecResult> exec(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
                                const std::string& work_dir, const OutputFn& out) override;
  // A pseudo-terminal in the guest, typed into from this terminal (in raw mode meanwhile).
  base::Result<ExecResult> exec_interactive(const std::vector<std::string>& argv,
                                            const std::map<std::string, std::string>& extra_env,
                                            const std::string& work_dir) override;
  base::Status retrieve(const std::string& guest_dir, const std::filesystem::path& host_dir) override;
  base::Status stop() override;

 private:
  vm::ExecRequest request(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
                          const std::string& work_dir) const;
  // An exec's result, or the error that names an interrupt or the VM.
  base::Result<ExecResult> finish_exec(base::Result<int> code);
  base::Status boot(const QemuSettings& s);
  // Powers the VM off (killed after 10 s) and forgets it; the temporary files stay.
  void stop_vm();
  // True when qemu was started and has exited (or does within `grace`: the channel closes first).
  bool qemu_exited(std::chrono::milliseconds grace);
  std::string console_tail() const;
  RunnerConfig cfg_;
  std::optional<base::TempDir> dir_;
  std::optional<Child> qemu_;
  std::unique_ptr<GuestClient> client_;
  int cleanup_handle_ = -1;
};

}  // namespace sandbox
