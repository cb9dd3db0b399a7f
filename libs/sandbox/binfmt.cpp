// binfmt_misc handlers for foreign architectures (see binfmt.hpp).
#include "sandbox/binfmt.hpp"

#include "base/fs.hpp"
#include "base/strings.hpp"

namespace sandbox {

BinfmtEntry parse_binfmt_entry(std::string_view text) {
  BinfmtEntry e;
  for (auto line : base::split(text, '\n')) {
    line = base::trim(line);
    if (line == "enabled") e.enabled = true;
    if (line.rfind("interpreter ", 0) == 0) e.interpreter = std::string(base::trim(line.substr(12)));
    if (line.rfind("flags:", 0) == 0) e.flags = std::string(base::trim(line.substr(6)));
  }
  return e;
}

std::string qemu_user_name(std::string_view a) {
  if (a == "armv7" || a == "armhf") return "arm";
  if (a == "x86") return "i386";
  return std::string(a);
}

base::Status check_foreign_arch(std::string_view apk_arch, std::string_view host, std::string_view runner,
                                const std::filesystem::path& binfmt_dir) {
  if (apk_arch == host) return base::ok();
  const std::string what = "cannot build for " + std::string(apk_arch) + " on this " + std::string(host) + " host";
  if (runner != "bubblewrap" && runner != "docker")
    return base::fail(base::ErrorCode::kUnsupported, what + " with the " + std::string(runner) + " runner",
                      "the " + std::string(runner) +
                          " runner boots the host's architecture; use --runner bubblewrap with qemu-user-static");
  std::error_code ec;
  if (!std::filesystem::exists(binfmt_dir / "status", ec))
    return base::fail(base::ErrorCode::kUnsupported, what + ": binfmt_misc is not mounted at " + binfmt_dir.string(),
                      "mount it: mount -t binfmt_misc binfmt_misc " + binfmt_dir.string() +
                          " (then: systemctl restart systemd-binfmt, or update-binfmts --enable)");
  const std::string name = "qemu-" + qemu_user_name(apk_arch);
  auto text = base::read_file(binfmt_dir / name);
  if (!text)
    return base::fail(base::ErrorCode::kUnsupported, what + ": no binfmt_misc handler " + name,
                      "install qemu-user-static (Debian: apt-get install qemu-user-static binfmt-support)");
  BinfmtEntry e = parse_binfmt_entry(*text);
  if (!e.enabled)
    return base::fail(base::ErrorCode::kUnsupported, what + ": the binfmt_misc handler " + name + " is disabled",
                      "enable it: update-binfmts --enable " + name);
  if (e.flags.find('F') == std::string::npos)
    return base::fail(base::ErrorCode::kUnsupported,
                      what + ": the binfmt_misc handler " + name + " lacks the F flag (its interpreter " + e.interpreter +
                          " would have to exist inside the build root)",
                      "use Debian's qemu-user-static, which registers its handlers with F");
  return base::ok();
}

}  // namespace sandbox
