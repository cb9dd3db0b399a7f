// The qemu runner (see qemu.hpp).
#include "sandbox/qemu.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "archive/gzip_parallel.hpp"
#include "archive/sink.hpp"
#include "base/interrupt.hpp"
#include "base/strings.hpp"
#include "sandbox/cleanup.hpp"

namespace sandbox {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

const char* const kChannelModules[] = {"virtio_ring",           "virtio",     "virtio_pci_modern_dev",
                                       "virtio_pci_legacy_dev", "virtio_pci", "virtio_console"};
const char* const kNetworkModules[] = {"failover", "net_failover", "virtio_net"};

std::string getenv_str(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string host_machine() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}

bool kvm_usable() {
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::string module_name(const std::string& path) {
  std::string base = fs::path(path).filename().string();
  auto dot = base.find(".ko");
  if (dot != std::string::npos) base.erase(dot);
  std::replace(base.begin(), base.end(), '-', '_');
  return base;
}

// "vmlinuz-6.1.0-9" < "vmlinuz-6.1.0-10": runs of digits compare as numbers.
bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      auto x = std::stoull(a.substr(i, std::min<size_t>(ie - i, 18))), y = std::stoull(b.substr(j, std::min<size_t>(je - j, 18)));
      if (x != y) return x < y;
      i = ie, j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

}  // namespace

std::vector<std::string> qemu_args(const QemuSettings& s) {
  std::vector<std::string> a = {"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"};
  const std::string cpu = !s.cpu_model.empty() ? s.cpu_model : s.kvm ? "host" : "max";
  a.insert(a.end(), {"-machine", s.arch == "aarch64" ? "virt" : "pc", "-cpu", cpu});
  a.insert(a.end(), {"-accel", s.kvm ? "kvm" : "tcg,thread=multi"});
  a.insert(a.end(), {"-smp", std::to_string(std::max(1u, s.cpus)), "-m", std::to_string(s.memory_mb) + "M"});
  std::string cmdline = std::string(s.arch == "aarch64" ? "console=ttyAMA0" : "console=ttyS0") +
                        " rdinit=/.ma/init panic=-1 quiet loglevel=3 mitigations=off";
  if (!s.extra_cmdline.empty()) cmdline += " " + s.extra_cmdline;
  a.insert(a.end(), {"-kernel", s.kernel.string(), "-initrd", s.initrd.string(), "-append", cmdline});
  a.insert(a.end(), {"-chardev", "file,id=con,path=" + s.console_log.string(), "-serial", "chardev:con"});
  a.insert(a.end(), {"-chardev", "socket,id=cmd,path=" + s.socket.string()});
  if (s.virtio_channel)
    a.insert(a.end(), {"-device", "virtio-serial-pci,id=vs", "-device", "virtserialport,bus=vs.0,chardev=cmd,name=ma.cmd"});
  else
    a.insert(a.end(), {"-serial", "chardev:cmd"});
  if (s.network)
    a.insert(a.end(), {"-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0,romfile="});
  return a;
}

base::Result<fs::path> find_kernel(const std::string& env_image, const fs::path& boot_dir) {
  std::error_code ec;
  if (!env_image.empty()) {
    if (!fs::is_regular_file(env_image, ec))
      return base::fail(base::ErrorCode::kNotFound, env_image + ": QEMU_KERNEL_IMAGE names no file");
    return fs::path(env_image);
  }
  std::vector<fs::path> found;
  for (fs::directory_iterator it(boot_dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename().string().rfind("vmlinuz-", 0) == 0) found.push_back(it->path());
  if (found.empty())
    return base::fail(base::ErrorCode::kNotFound,
                      "qemu runner: no kernel: QEMU_KERNEL_IMAGE is not set and " + boot_dir.string() +
                          " has no vmlinuz-*",
                      "set QEMU_KERNEL_IMAGE to a kernel image, or install one (Debian: apt-get install linux-image-amd64)");
  // Newest by version: compare the part after "vmlinuz-" like sort -V would for simple versions.
  std::sort(found.begin(), found.end(), [](const fs::path& x, const fs::path& y) {
    return natural_less(x.filename().string(), y.filename().string());
  });
  return found.back();
}

fs::path default_modules_dir(const fs::path& kernel) {
  std::string name = kernel.filename().string();
  if (name.rfind("vmlinuz-", 0) != 0) return {};
  return fs::path("/lib/modules") / name.substr(8);
}

base::Result<std::vector<fs::path>> channel_modules(const fs::path& dir, bool network) {
  std::ifstream dep(dir / "modules.dep"), builtin(dir / "modules.builtin");
  if (!dep) return base::fail(base::ErrorCode::kNotFound, (dir / "modules.dep").string() + ": cannot read");
  std::map<std::string, std::string> mods;
  for (std::string line; std::getline(dep, line);) {
    auto colon = line.find(':');
    if (colon != std::string::npos) mods[module_name(line.substr(0, colon))] = line.substr(0, colon);
  }
  std::set<std::string> built;
  for (std::string line; std::getline(builtin, line);) built.insert(module_name(line));
  std::vector<std::string_view> wanted(std::begin(kChannelModules), std::end(kChannelModules));
  if (network) wanted.insert(wanted.end(), std::begin(kNetworkModules), std::end(kNetworkModules));
  std::vector<fs::path> out;
  for (std::string_view m : wanted) {
    auto it = mods.find(std::string(m));
    if (it == mods.end()) {
      if (built.count(std::string(m)) || m == "virtio_pci_legacy_dev" || m == "virtio_pci_modern_dev")
        continue;  // built in, or a kernel from before the split of virtio_pci
      return base::fail(base::ErrorCode::kNotFound, dir.string() + ": kernel module " + std::string(m) + " not found");
    }
    if (it->second.size() < 3 || it->second.compare(it->second.size() - 3, 3, ".ko") != 0)
      return base::fail(base::ErrorCode::kUnsupported, (dir / it->second).string() + ": compressed module");
    out.push_back(dir / it->second);
  }
  return out;
}

fs::path find_guest_init() {
  std::string env = getenv_str("MA_GUEST_INIT");
  if (!env.empty()) return env;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path cand : {self.parent_path() / "ma-guest-init", self.parent_path().parent_path() / "guest-init/ma-guest-init",
                          self.parent_path().parent_path() / "apps/guest-init/ma-guest-init",
                          self.parent_path().parent_path() / "libexec/melange/ma-guest-init"})
      if (fs::is_regular_file(cand, ec)) return cand;
  }
  std::string p = find_program("ma-guest-init");
  return p;
}

base::Result<InitramfsSpec> qemu_initramfs_spec(const RunnerConfig& cfg, const fs::path& kernel) {
  InitramfsSpec spec;
  spec.rootfs = cfg.rootfs;
  spec.mounts = cfg.mounts;
  spec.init = find_guest_init();
  if (spec.init.empty())
    return base::fail(base::ErrorCode::kNotFound, "qemu runner: ma-guest-init not found",
                      "set MA_GUEST_INIT to the ma-guest-init built with melange");
  spec.run_uid = cfg.uid;
  spec.run_gid = cfg.gid;
  set_host_identity(spec);
  std::string mods_env = getenv_str("QEMU_KERNEL_MODULES");
  fs::path mods_dir = mods_env.empty() ? default_modules_dir(kernel) : fs::path(mods_env);
  auto mods = mods_dir.empty() ? base::Result<std::vector<fs::path>>(base::fail(
                                     base::ErrorCode::kNotFound, kernel.string() + ": no modules directory known"))
                               : channel_modules(mods_dir, cfg.network);
  if (mods) {
    spec.modules = *mods;
    spec.channel = "virtio";
    if (cfg.network) spec.network = kGuestNetwork;
  } else if (cfg.network) {
    return base::fail(base::ErrorCode::kNotFound, "qemu runner: --network needs the virtio-net module: " + mods.error().message,
                      "set QEMU_KERNEL_MODULES to the kernel's modules directory");
  } else {
    spec.channel = "serial";
    spdlog::warn("qemu: {}; commands go over the slow serial port (set QEMU_KERNEL_MODULES to the kernel's modules)",
                 mods.error().message);
  }
  return spec;
}

base::Status write_initramfs_file(const InitramfsSpec& spec, const fs::path& out) {
  auto t0 = Clock::now();
  TRY_ASSIGN(base::AtomicFile file, base::AtomicFile::create(out));
  archive::FdSink sink(file.fd(), archive::FdOwnership::kBorrow, out.string());
  const std::string name = out.filename().string();
  InitramfsStats st;
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) {
    archive::GzipSink z(sink, 6, 1 << 20, 0, archive::GzipMembers::kPerBlock);
    TRY_ASSIGN(st, write_initramfs(spec, z));
    TRY(z.finish());
  } else {
    TRY_ASSIGN(st, write_initramfs(spec, sink));
  }
  TRY(file.commit());
  spdlog::info("qemu: initramfs {} of {} entries, {} MiB, in {} ms", out.string(), st.entries, st.bytes >> 20,
               std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
  if (st.xattrs_dropped)
    spdlog::warn("qemu: extended attributes of {} build-root files are not in the initramfs (newc has no field for them)",
                 st.xattrs_dropped);
  return base::ok();
}

QemuRunner::~QemuRunner() { (void)stop(); }

base::Status QemuRunner::check_available() const {
  std::string bin = "qemu-system-" + host_machine();
  if (find_program(bin).empty())
    return base::fail(base::ErrorCode::kSandbox, "qemu runner: '" + bin + "' not found in PATH",
                      "install qemu (Debian: apt-get install qemu-system-x86) or use --runner bubblewrap");
  TRY(find_kernel(getenv_str("QEMU_KERNEL_IMAGE"), "/boot"));
  if (find_guest_init().empty())
    return base::fail(base::ErrorCode::kSandbox, "qemu runner: ma-guest-init not found",
                      "set MA_GUEST_INIT to the ma-guest-init built with melange");
  return base::ok();
}

base::Status QemuRunner::start(const RunnerConfig& cfg) {
  TRY(validate_config(cfg));
  TRY(check_available());
  (void)stop();
  cfg_ = cfg;
  TRY_ASSIGN(base::TempDir dir, base::TempDir::create("melange-qemu-"));
  dir_.emplace(std::move(dir));

  QemuSettings s;
  s.arch = host_machine();
  s.kvm = kvm_usable();
  s.cpus = cfg.cpus ? cfg.cpus : std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
  s.memory_mb = cfg.memory_mb ? cfg.memory_mb : 4096;
  s.cpu_model = cfg.cpu_model;
  TRY_ASSIGN(s.kernel, find_kernel(getenv_str("QEMU_KERNEL_IMAGE"), "/boot"));
  s.initrd = dir_->path() / "initramfs.cpio";
  s.socket = dir_->path() / "cmd.sock";
  s.console_log = dir_->path() / "console.log";
  s.extra_cmdline = getenv_str("QEMU_KERNEL_CMDLINE");
  s.network = cfg.network;

  TRY_ASSIGN(InitramfsSpec spec, qemu_initramfs_spec(cfg, s.kernel));
  s.virtio_channel = spec.channel == "virtio";
  auto t0 = Clock::now();
  TRY(write_initramfs_file(spec, s.initrd));
  spdlog::info("qemu: booting {} with {} ({} vCPUs, {} MiB)", s.kernel.string(),
               s.kvm ? "KVM" : "TCG (no usable /dev/kvm: slow)", s.cpus, s.memory_mb);
  auto st = boot(s);
  if (!st && s.kvm && !base::interrupted() && !cleanup::interrupted() && qemu_exited(std::chrono::seconds(3))) {
    // /dev/kvm opens on hosts whose KVM cannot run this guest (nested virtualization without
    // the CPU features qemu sets: "failed to set MSR ..."): the same VM under TCG then.
    spdlog::warn("qemu: KVM failed ({}); booting again with TCG (slow)", st.error().message);
    stop_vm();
    std::error_code ec;
    fs::remove(s.socket, ec);
    fs::remove(s.console_log, ec);
    s.kvm = false;
    st = boot(s);
  }
  if (!st) {
    (void)stop();
    return st;
  }
  spdlog::info("qemu: guest ready in {} ms", std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
  for (const char* ldconfig : {"sbin/ldconfig", "usr/sbin/ldconfig"}) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(cfg.rootfs / ldconfig, ec))) continue;
    auto r = exec({"/" + std::string(ldconfig)}, {}, "/", [](std::string_view line, bool) {
      spdlog::debug("[qemu] ldconfig: {}", line);
    });
    if (!r || r->exit_code != 0) spdlog::warn("qemu: ldconfig failed in the guest");
    break;
  }
  return base::ok();
}

base::Status QemuRunner::boot(const QemuSettings& s) {
  int lfd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (s.socket.string().size() >= sizeof addr.sun_path)
    return base::fail(base::ErrorCode::kSandbox, s.socket.string() + ": socket path too long", "set TMPDIR to a shorter path");
  std::strcpy(addr.sun_path, s.socket.c_str());
  if (lfd < 0 || ::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(lfd, 1) != 0) {
    if (lfd >= 0) ::close(lfd);
    return base::fail(base::ErrorCode::kSandbox, s.socket.string() + ": cannot listen: " + std::strerror(errno));
  }
  std::vector<std::string> argv = {"qemu-system-" + s.arch};
  auto args = qemu_args(s);
  argv.insert(argv.end(), args.begin(), args.end());
  spdlog::debug("qemu: {}", base::join(argv, " "));
  SpawnOptions so;
  so.out = so.err = Stdio::kPipe;  // qemu's own complaints, read on failure
  auto child = Child::spawn(argv, so);
  if (!child) {
    ::close(lfd);
    return tl::unexpected(child.error());
  }
  qemu_.emplace(std::move(*child));
  cleanup_handle_ = cleanup::register_pid(qemu_->pid());
  // qemu connects at once; a qemu that fails to start exits instead.
  int cfd = -1;
  for (auto deadline = Clock::now() + std::chrono::seconds(30); Clock::now() < deadline;) {
    pollfd p{lfd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      cfd = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
      break;
    }
    int code;
    if (qemu_->try_wait(&code)) break;
  }
  ::close(lfd);
  auto qemu_failed = [&](const std::string& what) -> base::Status {
    std::string err;
    char buf[4096];
    ssize_t n;
    ::fcntl(qemu_->stderr_fd(), F_SETFL, O_NONBLOCK);
    while ((n = ::read(qemu_->stderr_fd(), buf, sizeof buf)) > 0) err.append(buf, size_t(n));
    std::string first(base::trim(err.substr(0, err.find('\n'))));
    std::string tail = console_tail();
    return base::fail(base::ErrorCode::kSandbox,
                      "qemu runner: " + what + (first.empty() ? "" : ": " + first) + (tail.empty() ? "" : "; console: " + tail));
  };
  if (cfd < 0) return qemu_failed("qemu did not start");
  client_ = std::make_unique<GuestClient>(cfd);
  auto boot_timeout = std::chrono::seconds(300);
  auto hello = client_->wait_hello(boot_timeout, [this] {
    int code;
    return !qemu_->try_wait(&code);
  });
  if (!hello) return qemu_failed(hello.error().message);
  return base::ok();
}

std::string QemuRunner::console_tail() const {
  if (!dir_) return {};
  std::ifstream in(dir_->path() / "console.log");
  std::string line, last, init;
  while (std::getline(in, line)) {
    auto t = base::trim(line);
    if (t.empty()) continue;
    last = std::string(t);
    if (t.find("ma-guest-init") != std::string_view::npos) init += (init.empty() ? "" : " | ") + last;
  }
  return init.empty() ? last : init;  // our init's complaints say more than the kernel's last word
}

base::Result<ExecResult> QemuRunner::exec(const std::vector<std::string>& argv,
                                          const std::map<std::string, std::string>& extra_env,
                                          const std::string& work_dir, const OutputFn& out) {
  if (!client_) return base::fail(base::ErrorCode::kInternal, "qemu: exec before start");
  if (argv.empty()) return base::fail(base::ErrorCode::kInternal, "qemu: exec of an empty command");
  auto code = client_->exec(request(argv, extra_env, work_dir), out ? out : log_output(name()), cfg_.timeout);
  return finish_exec(std::move(code));
}

vm::ExecRequest QemuRunner::request(const std::vector<std::string>& argv,
                                    const std::map<std::string, std::string>& extra_env,
                                    const std::string& work_dir) const {
  vm::ExecRequest req;
  req.argv = argv;
  for (const auto& [k, v] : merged_env(cfg_, extra_env)) req.env.push_back(k + "=" + v);
  req.work_dir = work_dir.empty() ? cfg_.work_dir : work_dir;
  req.uid = cfg_.uid;
  req.gid = cfg_.gid;
  for (const auto& c : effective_caps(cfg_)) {
    int n = vm::capability_number(c);
    if (n >= 0) req.caps |= 1ull << n;
  }
  return req;
}

namespace {

// This process's terminal in raw mode while a guest shell owns it (keys, ^C included, go to
// the guest's terminal as typed); restored on scope exit.
class RawTerminal {
 public:
  explicit RawTerminal(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(fd_, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

}  // namespace

base::Result<ExecResult> QemuRunner::exec_interactive(const std::vector<std::string>& argv,
                                                      const std::map<std::string, std::string>& extra_env,
                                                      const std::string& work_dir) {
  if (!client_) return base::fail(base::ErrorCode::kInternal, "qemu: exec before start");
  if (argv.empty()) return base::fail(base::ErrorCode::kInternal, "qemu: exec of an empty command");
  vm::TtyExecRequest req;
  req.exec = request(argv, extra_env, work_dir);
  bool has_term = false;
  for (const auto& e : req.exec.env) has_term = has_term || e.rfind("TERM=", 0) == 0;
  const char* term = std::getenv("TERM");
  if (!has_term) req.exec.env.push_back(std::string("TERM=") + (term && *term ? term : "linux"));
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
    req.rows = ws.ws_row;
    req.cols = ws.ws_col;
  }
  base::Result<int> code = [&] {
    RawTerminal raw(STDIN_FILENO);
    return client_->exec_tty(req, STDIN_FILENO, STDOUT_FILENO);
  }();
  return finish_exec(std::move(code));
}

base::Result<ExecResult> QemuRunner::finish_exec(base::Result<int> code) {
  if (!code && (cleanup::interrupted() || base::interrupted())) {
    if (base::interrupted()) return tl::unexpected(base::check_interrupted("qemu: the VM was stopped").error());
    return base::fail(base::ErrorCode::kInterrupted, "qemu: the VM was stopped: interrupted by signal " +
                                                         std::to_string(cleanup::interrupted()));
  }
  if (!code) return tl::unexpected(code.error().context("qemu"));
  return ExecResult{*code};
}

base::Status QemuRunner::retrieve(const std::string& guest_dir, const fs::path& host_dir) {
  if (!client_) return base::fail(base::ErrorCode::kInternal, "qemu: retrieve before start");
  auto t0 = Clock::now();
  TRY(with_context(client_->copy_out(guest_dir, host_dir), "qemu"));
  spdlog::debug("qemu: copied {} out in {} ms", guest_dir,
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
  return base::ok();
}

bool QemuRunner::qemu_exited(std::chrono::milliseconds grace) {
  int code;
  for (auto deadline = Clock::now() + grace;; std::this_thread::sleep_for(std::chrono::milliseconds(20))) {
    if (qemu_ && qemu_->try_wait(&code)) return true;
    if (!qemu_ || Clock::now() >= deadline) return false;
  }
}

base::Status QemuRunner::stop() {
  stop_vm();
  dir_.reset();
  return base::ok();
}

void QemuRunner::stop_vm() {
  if (client_) {
    (void)client_->power_off();
    if (qemu_) {
      int code;
      for (auto deadline = Clock::now() + std::chrono::seconds(10); Clock::now() < deadline;) {
        if (qemu_->try_wait(&code)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    client_.reset();
  }
  if (qemu_) {
    int code;
    if (!qemu_->try_wait(&code)) {
      qemu_->kill(SIGKILL);
      (void)qemu_->wait();
    }
    qemu_.reset();
  }
  cleanup::unregister(cleanup_handle_);
  cleanup_handle_ = -1;
}

}  // namespace sandbox
