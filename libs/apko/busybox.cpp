#include "apko/busybox.hpp"

#include <sstream>

#include "base/strings.hpp"

namespace apko {
namespace {

// Default install directories of busybox 1.36 applets, one directory per string.
constexpr const char* kBin =
    "arch ash base64 bbconfig cat chattr chgrp chmod chown cp date dd df dmesg dnsdomainname dumpkmap echo "
    "egrep false fatattr fdflush fgrep fsync getopt grep gunzip gzip hostname ionice iostat ipcalc kbd_mode kill "
    "link linux32 linux64 ln login ls lsattr lzop makemime mkdir mknod mktemp more mount mountpoint mpstat mv "
    "netstat nice pidof ping ping6 pipe_progress printenv ps pwd reformime rev rm rmdir run-parts sed setpriv "
    "setserial sh sleep stat stty su sync tar touch true umount uname usleep watch zcat";
constexpr const char* kSbin =
    "acpid adjtimex arp blkid blockdev depmod fbsplash fdisk findfs fsck fstrim getty halt hwclock ifconfig "
    "ifdown ifenslave ifup init inotifyd insmod ip ipaddr iplink ipneigh iproute iprule iptunnel klogd loadkmap "
    "logread losetup lsmod mdev mkdosfs mkfs.vfat mkswap modinfo modprobe nameif nologin pivot_root poweroff "
    "raidautorun reboot rmmod route setconsole slattach swapoff swapon switch_root sysctl syslogd tunctl udhcpc "
    "vconfig watchdog";
constexpr const char* kUsrBin =
    "[ [[ awk basename bc beep blkdiscard bunzip2 bzcat bzip2 cal chvt cksum clear cmp comm cpio crontab cryptpw "
    "cut dc deallocvt diff dirname dos2unix du dumpleases eject env expand expr factor fallocate find flock fold "
    "free fuser getconf groups hd head hexdump hostid iconv id install ipcrm ipcs killall last less logger lsof "
    "lsusb lzcat lzma md5sum mesg microcom mkfifo mkpasswd nc nl nmeter nohup nproc nsenter nslookup od openvt "
    "passwd paste pgrep pkill pmap printf pscan pstree pwdx readlink realpath renice reset resize seq "
    "setkeycodes setsid sha1sum sha256sum sha3sum sha512sum showkey shred shuf sort split strings sum tac tail "
    "tee test time timeout top tr traceroute traceroute6 tree truncate tty ttysize udhcpc6 unexpand uniq "
    "unix2dos unlink unlzma unlzop unshare unxz unzip uptime uudecode uuencode vi vlock volname wc wget which "
    "who whoami whois xargs xxd xzcat yes";
constexpr const char* kUsrSbin =
    "addgroup adduser arping brctl chpasswd chroot crond delgroup deluser ether-wake fbset killall5 loadfont "
    "nanddump nandwrite nbd-client ntpd partprobe rdate rdev readahead remove-shell rfkill sendmail setfont "
    "setlogcons";

void add_dir(std::vector<std::string>& out, const char* dir, const char* names) {
  std::istringstream in(names);
  std::string n;
  while (in >> n) out.push_back(std::string(dir) + "/" + n);
}

std::vector<std::string> paths_from_dir(const rootfs::Tree& tree) {
  std::vector<std::string> out;
  auto dir = tree.lookup("etc/busybox-paths.d", rootfs::Follow::kFollow);
  if (!dir || !(*dir)->is_dir()) return out;
  for (const auto& [name, node] : (*dir)->children) {
    auto text = tree.read_file("etc/busybox-paths.d/" + name);
    if (!text) continue;
    for (auto line : base::split(*text, '\n')) {
      auto p = base::trim(line);
      while (!p.empty() && p.front() == '/') p.remove_prefix(1);
      if (!p.empty() && p.front() != '#') out.emplace_back(p);
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& builtin_busybox_applets() {
  static const std::vector<std::string> table = [] {
    std::vector<std::string> v;
    add_dir(v, "bin", kBin);
    add_dir(v, "sbin", kSbin);
    add_dir(v, "usr/bin", kUsrBin);
    add_dir(v, "usr/sbin", kUsrSbin);
    return v;
  }();
  return table;
}

base::Result<size_t> add_busybox_links(rootfs::Tree& tree) {
  std::string busybox;
  for (const char* p : {"usr/bin/busybox", "bin/busybox", "sbin/busybox"}) {
    auto n = tree.lookup(p, rootfs::Follow::kFollow);
    if (n && ((*n)->type == rootfs::NodeType::kFile || (*n)->type == rootfs::NodeType::kHardlink)) {
      busybox = std::string("/") + p;
      break;
    }
  }
  if (busybox.empty()) return size_t{0};
  std::vector<std::string> applets = paths_from_dir(tree);
  if (applets.empty()) applets = builtin_busybox_applets();
  size_t made = 0;
  for (const auto& path : applets) {
    if (path.find("..") != std::string::npos) continue;
    if (tree.exists(path, rootfs::Follow::kNoFollow)) continue;
    auto slash = path.find_last_of('/');
    if (slash != std::string::npos) TRY(tree.mkdir_p(path.substr(0, slash), rootfs::Meta{0755, 0, 0, 0, {}}));
    if (tree.exists(path, rootfs::Follow::kNoFollow)) continue;  // e.g. bin -> usr/bin made it visible
    auto st = tree.symlink(path, busybox, rootfs::Meta{0777, 0, 0, 0, {}});
    if (!st) return tl::unexpected(st.error().context("busybox applet " + path));
    ++made;
  }
  return made;
}

}  // namespace apko
