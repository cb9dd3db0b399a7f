#include "sandbox/bubblewrap.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "sandbox/test_rootfs.hpp"

namespace sandbox {
namespace {

bool has_seq(const std::vector<std::string>& a, const std::vector<std::string>& seq) {
  return std::search(a.begin(), a.end(), seq.begin(), seq.end()) != a.end();
}

TEST(BwrapArgs, OrderAndNamespaces) {
  RunnerConfig cfg;
  cfg.rootfs = "/r";
  cfg.mounts = {{"/ws", "/home/build", false}, {"/cache", "/var/cache/melange", true}};
  auto a = bwrap_args(cfg, HostUser::kRoot, {"/bin/sh", "-c", "true"}, {{"K", "V"}}, "");
  EXPECT_EQ(std::vector<std::string>(a.begin(), a.begin() + 9),
            (std::vector<std::string>{"--bind", "/r", "/", "--bind", "/ws", "/home/build", "--ro-bind", "/cache",
                                      "/var/cache/melange"}));
  EXPECT_TRUE(has_seq(a, {"--unshare-pid", "--die-with-parent", "--dev", "/dev", "--proc", "/proc", "--ro-bind", "/sys",
                          "/sys", "--chdir", "/home/build", "--clearenv", "--setenv", "K", "V"}));
  EXPECT_TRUE(has_seq(a, {"--cap-drop", "ALL"}));
  EXPECT_TRUE(has_seq(a, {"--cap-add", "CAP_CHOWN"}));
  EXPECT_TRUE(has_seq(a, {"--new-session", "--unshare-net", "--", "/bin/sh", "-c", "true"}));
  // Root running as uid 0 needs no user namespace.
  EXPECT_EQ(std::find(a.begin(), a.end(), "--unshare-user"), a.end());
  EXPECT_EQ(a.back(), "true");
}

TEST(BwrapArgs, UserNamespaceWhenUnprivilegedOrOtherUid) {
  RunnerConfig cfg;
  cfg.rootfs = "/r";
  auto a = bwrap_args(cfg, HostUser::kUnprivileged, {"true"}, {}, "/tmp");
  EXPECT_TRUE(has_seq(a, {"--unshare-user", "--uid", "0", "--gid", "0"}));
  EXPECT_TRUE(has_seq(a, {"--chdir", "/tmp"}));
  cfg.uid = 1000;
  cfg.gid = 1001;
  cfg.network = true;
  a = bwrap_args(cfg, HostUser::kRoot, {"true"}, {}, "");
  EXPECT_TRUE(has_seq(a, {"--unshare-user", "--uid", "1000", "--gid", "1001"}));
  EXPECT_EQ(std::find(a.begin(), a.end(), "--unshare-net"), a.end());
}

TEST(BwrapTrialError, UidMapFailureGetsSysctlHint) {
  auto e = bwrap_trial_error("bwrap: setting up uid map: Permission denied\n", 1);
  EXPECT_EQ(e.code, base::ErrorCode::kSandbox);
  EXPECT_EQ(e.message, "bubblewrap cannot create its sandbox: bwrap: setting up uid map: Permission denied");
  EXPECT_NE(e.hint.find("kernel.apparmor_restrict_unprivileged_userns=0"), std::string::npos);
  EXPECT_NE(e.hint.find("kernel.unprivileged_userns_clone=1"), std::string::npos);
  EXPECT_NE(e.hint.find("root"), std::string::npos);
  EXPECT_EQ(e.hint.find('\n'), std::string::npos);
  auto e2 = bwrap_trial_error("bwrap: No permission to create new namespace, likely because the kernel does not allow "
                              "non-privileged user namespaces.\n", 1);
  EXPECT_NE(e2.hint.find("sysctl"), std::string::npos);
}

TEST(BwrapTrialError, OtherFailuresKeepTheFirstLine) {
  auto e = bwrap_trial_error("bwrap: Can't mount proc on /newroot/proc: Device busy\nmore\n", 1);
  EXPECT_EQ(e.message, "bubblewrap trial run failed: bwrap: Can't mount proc on /newroot/proc: Device busy");
  EXPECT_EQ(e.hint.find("apparmor"), std::string::npos);
  EXPECT_EQ(bwrap_trial_error("", 5).message, "bubblewrap trial run failed: exit status 5");
}

TEST(BubblewrapRunner, MissingBwrapIsExplained) {
  const char* old = std::getenv("PATH");
  std::string saved = old ? old : "";
  ::setenv("PATH", "/nonexistent", 1);
  BubblewrapRunner r;
  auto st = r.check_available();
  ::setenv("PATH", saved.c_str(), 1);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("'bwrap' not found"), std::string::npos);
  EXPECT_NE(st.error().hint.find("apt-get install bubblewrap"), std::string::npos);
}

// The arguments for an unprivileged host user really work: run them as "nobody" via setpriv.
TEST(BwrapArgs, UnprivilegedUserNamespaceRunsAsNobody) {
  if (::geteuid() != 0 || find_program("setpriv").empty() || find_program("bwrap").empty() ||
      testing::static_busybox().empty()) {
    GTEST_SKIP() << "needs root, setpriv, bwrap and busybox-static to impersonate an unprivileged user";
  }
  auto dir = base::TempDir::create("ma-bwrap-nobody-");
  ASSERT_TRUE(dir);
  std::filesystem::permissions(dir->path(), std::filesystem::perms(0755));
  auto root = dir->path() / "rootfs", ws = dir->path() / "ws";
  ASSERT_TRUE(testing::make_busybox_rootfs(root));
  std::filesystem::create_directories(ws);
  std::filesystem::permissions(ws, std::filesystem::perms(0777));
  RunnerConfig cfg;
  cfg.rootfs = root;
  cfg.mounts = {{ws, "/home/build", false}};
  std::vector<std::string> cmd = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", find_program("bwrap")};
  auto args = bwrap_args(cfg, HostUser::kUnprivileged, {"/bin/sh", "-c", "id -u; echo x > f"}, {{"PATH", "/bin"}}, "");
  cmd.insert(cmd.end(), args.begin(), args.end());
  std::vector<std::string> out, err;
  auto code = run_process(cmd, [&](std::string_view l, bool e) { (e ? err : out).emplace_back(l); });
  ASSERT_TRUE(code) << code.error().to_string();
  if (*code != 0) {
    auto e = bwrap_trial_error(err.empty() ? "" : err[0], *code);
    GTEST_SKIP() << "unprivileged user namespaces unavailable here: " << e.to_string();
  }
  EXPECT_EQ(out, (std::vector<std::string>{"0"}));
  struct stat st {};
  ASSERT_EQ(::stat((ws / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);  // uid 0 inside maps to the invoking user outside
}

}  // namespace
}  // namespace sandbox
