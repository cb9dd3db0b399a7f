// Test helper (see test_rootfs.hpp).
#include "sandbox/test_rootfs.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "sandbox/process.hpp"

namespace sandbox::testing {

namespace fs = std::filesystem;

fs::path static_busybox() {
  for (const char* p : {"/bin/busybox", "/usr/bin/busybox"}) {
    auto data = base::read_file(p);
    // A static ELF has no PT_INTERP; "ld-linux" appears in dynamic binaries only.
    if (data && data->rfind("\x7f" "ELF", 0) == 0 && data->find("/lib64/ld-linux") == std::string::npos) return p;
  }
  return {};
}

base::Status make_busybox_rootfs(const fs::path& root) {
  fs::path busybox = static_busybox();
  if (busybox.empty()) return base::fail(base::ErrorCode::kNotFound, "no static busybox on this host");
  std::error_code ec;
  for (const char* d : {"bin", "dev", "proc", "sys", "tmp", "etc", "root", "home/build"}) {
    fs::create_directories(root / d, ec);
    ::chmod((root / d).c_str(), std::string_view(d) == "tmp" ? 01777 : 0755);
  }
  ::chmod(root.c_str(), 0755);
  ::chmod((root / "home").c_str(), 0755);
  fs::copy_file(busybox, root / "bin/busybox", fs::copy_options::overwrite_existing, ec);
  if (ec) return base::fail(base::ErrorCode::kIo, busybox.string() + ": cannot copy: " + ec.message());
  std::string list;
  TRY_ASSIGN(int code, run_process({busybox.string(), "--list"}, [&](std::string_view l, bool err) {
    if (!err) list.append(l).push_back('\n');
  }));
  if (code != 0) return base::fail(base::ErrorCode::kInternal, "busybox --list failed");
  for (auto applet : base::split(list, '\n')) {
    if (applet.empty() || applet == "busybox") continue;
    fs::create_symlink("busybox", root / "bin" / std::string(applet), ec);
  }
  TRY(base::write_file_atomic(root / "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nbuild:x:1000:1000:build:/home/build:/bin/sh\n"));
  TRY(base::write_file_atomic(root / "etc/group", "root:x:0:\nbuild:x:1000:\n"));
  return base::ok();
}

void use_fake_limactl(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir / "bin", ec);
  fs::create_directories(dir / "lima", ec);
  fs::create_symlink(fs::path(MA_SOURCE_DIR) / "tests/tools/fake_limactl.py", dir / "bin/limactl", ec);
  static std::string original_path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  ::setenv("PATH", ((dir / "bin").string() + ":" + original_path).c_str(), 1);
  ::setenv("LIMA_HOME", (dir / "lima").c_str(), 1);
}

}  // namespace sandbox::testing
