// The lima runner against tests/tools/fake_limactl.py (which records its calls and carries
// them out with bubblewrap): what the runner asks of limactl, and that the instance is gone
// afterwards. The shared behaviour is in runner_integration_test.cpp.
#include "sandbox/lima.hpp"

#include <gtest/gtest.h>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "sandbox/test_rootfs.hpp"

namespace sandbox {
namespace {

namespace fs = std::filesystem;

TEST(LimaTemplate, ImageIsTheRootAndMountsBindHostFolders) {
  RunnerConfig cfg;
  cfg.rootfs = "/tmp/root \"x\"";
  cfg.mounts = {{"/ws", "/home/build", false}, {"/etc/resolv.conf", "/etc/resolv.conf", true}};
  cfg.cpus = 2;
  cfg.memory_mb = 2048;
  EXPECT_EQ(lima_template(cfg),
            "# melange build instance (lima runner)\n"
            "images:\n  - location: \"file:///tmp/root \\\"x\\\"\"\n"
            "mounts:\n"
            "  - location: \"/ws\"\n    mountPoint: \"/home/build\"\n    writable: true\n"
            "  - location: \"/etc/resolv.conf\"\n    mountPoint: \"/etc/resolv.conf\"\n    writable: false\n"
            "cpus: 2\nmemory: \"2048MiB\"\n"
            "containerd:\n  system: false\n  user: false\n");
}

TEST(LimaTemplate, ExecGoesThroughTheHelper) {
  RunnerConfig cfg;
  cfg.uid = 1000;
  cfg.gid = 1000;
  cfg.cap_drop = {"ALL"};
  cfg.cap_add = {"CHOWN"};
  cfg.timeout = std::chrono::seconds(5);
  EXPECT_EQ(lima_exec_argv(cfg, {"/bin/sh", "-c", "x"}, {{"A", "1 2"}}),
            (std::vector<std::string>{"/.ma/init", "--exec", "1000", "1000", "1", "5", "A=1 2", "--", "/bin/sh", "-c", "x"}));
}

TEST(LimaRunner, CallsLimactlAsDocumentedAndDeletesTheInstance) {
  ASSERT_FALSE(testing::static_busybox().empty()) << "busybox-static is needed (scripts/install-deps.sh test)";
  ::setenv("MA_GUEST_INIT", MA_BINARY_DIR "/apps/guest-init/ma-guest-init", 1);
  auto dir = base::TempDir::create("ma-lima-");
  ASSERT_TRUE(dir);
  testing::use_fake_limactl(dir->path());
  ASSERT_TRUE(testing::make_busybox_rootfs(dir->path() / "root"));
  fs::create_directories(dir->path() / "ws");
  RunnerConfig cfg;
  cfg.rootfs = dir->path() / "root";
  cfg.mounts = {{dir->path() / "ws", "/home/build", false}};
  cfg.env = {{"PATH", "/bin"}};
  std::string instance;
  {
    LimaRunner r;
    auto st = r.start(cfg);
    ASSERT_TRUE(st) << st.error().to_string();
    instance = r.instance();
    EXPECT_TRUE(fs::is_directory(dir->path() / "lima" / instance));
    auto e = r.exec({"/bin/sh", "-c", "mkdir -p /opt/res && echo r > /opt/res/f && ln -s /etc/passwd /opt/res/l"}, {}, "",
                    nullptr);
    ASSERT_TRUE(e) << e.error().to_string();
    EXPECT_EQ(e->exit_code, 0);
    auto got = r.retrieve("/opt/res", dir->path() / "out");
    ASSERT_TRUE(got) << got.error().to_string();
    EXPECT_EQ(*base::read_file(dir->path() / "out/f"), "r\n");
    EXPECT_EQ(fs::read_symlink(dir->path() / "out/l"), "/etc/passwd");
    auto missing = r.retrieve("/opt/none", dir->path() / "out2");
    ASSERT_FALSE(missing);
    ASSERT_TRUE(r.stop());
  }
  EXPECT_FALSE(fs::exists(dir->path() / "lima" / instance)) << "instance not deleted";
  auto calls = base::read_file(dir->path() / "lima/_calls.jsonl");
  ASSERT_TRUE(calls);
  std::vector<std::string> verbs;
  for (auto line : base::split(*calls, '\n'))
    if (line.size() > 3) verbs.emplace_back(line.substr(2, line.find('"', 2) - 2));
  EXPECT_EQ(verbs, (std::vector<std::string>{"create", "start", "shell", "copy", "copy", "stop", "delete"}));
  EXPECT_NE(calls->find("\"--name=" + instance + "\""), std::string::npos);
  EXPECT_NE(calls->find("[\"shell\", \"--workdir\", \"/home/build\", \"" + instance + "\", \"--\", \"/.ma/init\", \"--exec\""),
            std::string::npos)
      << *calls;
  EXPECT_NE(calls->find("[\"delete\", \"--force\", \"" + instance + "\"]"), std::string::npos);
}

TEST(LimaRunner, MissingLimactlIsOneClearError) {
  auto dir = base::TempDir::create("ma-lima-");
  ASSERT_TRUE(dir);
  std::string old = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", dir->path().c_str(), 1);
  LimaRunner r;
  auto st = r.check_available();
  ::setenv("PATH", old.c_str(), 1);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "lima runner: 'limactl' not found in PATH");
}

}  // namespace
}  // namespace sandbox
