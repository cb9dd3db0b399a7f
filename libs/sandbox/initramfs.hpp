// The qemu runner's initramfs: a build root directory as a newc cpio (archive/cpio_writer.hpp)
// that the kernel unpacks as the VM's root, with
//   - the contents of each mount source at its target (the workspace and caches are copied
//     in; the root's own files under a target are left out, as a bind mount hides them);
//   - /.ma/init: ma-guest-init, the VM's PID 1 (booted with rdinit=/.ma/init);
//   - /.ma/modules: the kernel modules to load at boot (one path per line, in order), stored
//     under /.ma/mod/; /.ma/ro: the targets of read-only mounts, one per line; /.ma/network:
//     the guest's address, gateway and DNS server when it has a network.
//
// Nothing is followed: symlinks are archived as symlinks, hard links become copies, sockets
// are skipped; devices and fifos are kept. Modes (with setuid/setgid/sticky) and mtimes are
// kept; extended attributes are not (newc has no field for them: counted in the stats).
// Owners: when this process is not root, the files it owns become root's in the root and
// the run-as user's under mount targets (what bubblewrap's user namespace shows); other
// owners and all owners under root are kept as they are.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "archive/sink.hpp"
#include "base/error.hpp"
#include "sandbox/runner.hpp"

namespace sandbox {

struct InitramfsSpec {
  std::filesystem::path rootfs;
  std::vector<Mount> mounts;
  std::filesystem::path init;                  // ma-guest-init
  std::vector<std::filesystem::path> modules;  // in load order
  std::string channel = "virtio";              // /.ma/channel: "virtio" or "serial"
  // /.ma/network when not empty: "ADDRESS/PREFIX GATEWAY DNS" for eth0 (the qemu runner's
  // user-mode network, --network).
  std::string network;
  uint32_t run_uid = 0, run_gid = 0;
  // Whose files are mapped (see above); host_is_root disables the mapping.
  bool host_is_root = false;
  uint32_t host_uid = 0, host_gid = 0;
};

struct InitramfsStats {
  uint64_t entries = 0;
  uint64_t bytes = 0;
  uint64_t xattrs_dropped = 0;
};

base::Result<InitramfsStats> write_initramfs(const InitramfsSpec& spec, archive::Sink& out);

// The spec's host_* fields for this process.
void set_host_identity(InitramfsSpec& spec);

}  // namespace sandbox
