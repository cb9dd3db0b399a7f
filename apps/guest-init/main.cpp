// ma-guest-init: the qemu runner's init (PID 1 of the build VM, see libs/sandbox/qemu.hpp).
//
// As PID 1 it mounts /proc, /sys, /dev (devtmpfs), /dev/pts, /dev/shm and /run, loads the
// kernel modules listed in /.ma/modules (paths, in order: the virtio drivers of the command
// channel, copied from the host; /.ma/channel says "virtio" or "serial"), makes the paths listed in /.ma/ro read-only bind mounts,
// brings up the network (network.hpp), opens the command channel (the first virtio serial port /dev/vport*p1 when the modules
// gave one, else the second serial port /dev/ttyS1 in raw mode, which is much slower), says
// hello and serves requests until kPowerOff, then powers the machine off. `ma-guest-init --serve-fd N` serves on an inherited file
// descriptor instead (tests run the protocol on the host that way, without a VM).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <dirent.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "channel.hpp"
#include "network.hpp"

namespace {

using sandbox::vm::Frame;

void mount_fs(const char* type, const char* target, unsigned long flags, const char* data) {
  ::mkdir(target, 0755);
  if (::mount(type, target, type, flags, data) != 0 && errno != EBUSY)
    std::fprintf(stderr, "ma-guest-init: mount %s on %s: %s\n", type, target, std::strerror(errno));
}

void load_modules() {
  std::ifstream list("/.ma/modules");
  for (std::string path; std::getline(list, path);) {
    if (path.empty()) continue;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (::syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST))
      std::fprintf(stderr, "ma-guest-init: load %s: %s\n", path.c_str(), std::strerror(errno));
    if (fd >= 0) ::close(fd);
  }
}

// The first virtio serial port, waiting up to 10 s for the driver to create it.
std::string find_vport() {
  for (int i = 0; i < 1000; ++i) {
    if (DIR* d = ::opendir("/dev")) {
      std::string found;
      while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n.rfind("vport", 0) == 0 && n.find('p', 5) != std::string::npos && (found.empty() || n < found)) found = n;
      }
      ::closedir(d);
      if (!found.empty()) return "/dev/" + found;
    }
    ::usleep(10000);
  }
  return {};
}

void boot_mounts() {
  mount_fs("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  mount_fs("sysfs", "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, nullptr);
  mount_fs("devtmpfs", "/dev", MS_NOSUID, "mode=0755");
  mount_fs("devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=620,ptmxmode=666");
  mount_fs("tmpfs", "/dev/shm", MS_NOSUID | MS_NODEV, "mode=1777");
  mount_fs("tmpfs", "/run", MS_NOSUID | MS_NODEV, "mode=0755");
  ::symlink("/proc/self/fd", "/dev/fd");
  ::symlink("/proc/self/fd/0", "/dev/stdin");
  ::symlink("/proc/self/fd/1", "/dev/stdout");
  ::symlink("/proc/self/fd/2", "/dev/stderr");
  std::ifstream ro("/.ma/ro");
  for (std::string line; std::getline(ro, line);) {
    if (line.empty()) continue;
    if (::mount(line.c_str(), line.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
        ::mount(nullptr, line.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
      std::fprintf(stderr, "ma-guest-init: read-only %s: %s\n", line.c_str(), std::strerror(errno));
  }
  ::sethostname("melange", 7);
}

int open_serial(const char* dev) {
  int fd = ::open(dev, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return -1;
  termios t{};
  if (::tcgetattr(fd, &t) == 0) {
    ::cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~tcflag_t(CRTSCTS);
    t.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY);
    ::cfsetispeed(&t, B115200);
    ::cfsetospeed(&t, B115200);
    ::tcsetattr(fd, TCSANOW, &t);
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

void serve(int fd) {
  guest::Channel ch(fd);
  if (!ch.send(Frame::kHello)) return;
  while (auto f = ch.receive()) {
    switch (f->first) {
      case Frame::kExec:
        if (auto req = sandbox::vm::decode_exec(f->second))
          guest::run_exec(ch, *req);
        else
          ch.send(Frame::kError, "ma-guest-init: malformed exec request");
        break;
      case Frame::kExecTty:
        if (auto req = sandbox::vm::decode_tty_exec(f->second))
          guest::run_exec_tty(ch, *req);
        else
          ch.send(Frame::kError, "ma-guest-init: malformed terminal exec request");
        break;
      case Frame::kCopyOut:
        guest::copy_out(ch, f->second);
        break;
      case Frame::kPowerOff:
        return;
      default:
        break;  // a late kKill or kStdin: nothing runs
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  if (argc >= 2 && std::strcmp(argv[1], "--exec") == 0) return guest::exec_as(argc, argv);
  if (argc == 3 && std::strcmp(argv[1], "--serve-fd") == 0) {
    int fd = std::atoi(argv[2]);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    serve(fd);
    return 0;
  }
  if (::getpid() != 1) {
    std::fprintf(stderr, "usage: ma-guest-init (as PID 1 of the qemu runner's VM) | ma-guest-init --serve-fd N\n");
    return 2;
  }
  boot_mounts();
  int fd = -1;
  std::string dev = "/dev/ttyS1";
  std::string channel;
  std::getline(std::ifstream("/.ma/channel") >> std::ws, channel);
  if (channel == "virtio") {
    load_modules();
    guest::setup_network();
    dev = find_vport();
    // The node can appear before the port is registered (ENXIO meanwhile).
    for (int i = 0; !dev.empty() && fd < 0 && i < 500; ++i) {
      fd = ::open(dev.c_str(), O_RDWR | O_CLOEXEC);
      if (fd < 0 && errno != ENXIO && errno != ENOENT) break;
      if (fd < 0) ::usleep(10000);
    }
  } else {
    guest::setup_network();  // loopback (no virtio-net without the modules)
    fd = open_serial(dev.c_str());
  }
  if (fd < 0) {
    std::fprintf(stderr, "ma-guest-init: cannot open the command channel %s: %s\n", dev.c_str(), std::strerror(errno));
  } else {
    serve(fd);
  }
  ::sync();
  ::reboot(RB_POWER_OFF);
  return 0;
}
