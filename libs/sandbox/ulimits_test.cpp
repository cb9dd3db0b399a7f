#include "sandbox/ulimits.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/fs.hpp"
#include "sandbox/docker.hpp"
#include "sandbox/process.hpp"
#include "sandbox/test_rootfs.hpp"

namespace sandbox {
namespace {

TEST(Ulimits, ClampNeverExceedsOwnLimitsOrCap) {
  EXPECT_EQ(clamp_ulimit("nofile", -1, -1, 1024, 20000, -1), (Ulimit{"nofile", 1024, 20000}));
  EXPECT_EQ(clamp_ulimit("nproc", -1, -1, 96367, 96367, 32768), (Ulimit{"nproc", 32768, 32768}));
  EXPECT_EQ(clamp_ulimit("nofile", 1024, 4096, 20000, 20000, -1), (Ulimit{"nofile", 1024, 4096}));
  EXPECT_EQ(clamp_ulimit("nofile", 1024, 4096, 512, 800, -1), (Ulimit{"nofile", 512, 800}));
  // Unlimited everywhere still gives finite numbers: the API has no "unlimited" here.
  auto u = clamp_ulimit("nofile", -1, -1, -1, -1, -1);
  EXPECT_GT(u.soft, 0);
  EXPECT_EQ(u.soft, u.hard);
}

TEST(Ulimits, ContainerLimitsStayWithinThisProcess) {
  struct rlimit nofile {}, nproc {};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &nofile), 0);
  ASSERT_EQ(::getrlimit(RLIMIT_NPROC, &nproc), 0);
  for (const auto& set : {container_ulimits(), conservative_ulimits()}) {
    ASSERT_EQ(set.size(), 2u);
    EXPECT_EQ(set[0].name, "nofile");
    EXPECT_EQ(set[1].name, "nproc");
    EXPECT_LE(set[0].soft, set[0].hard);
    EXPECT_LE(set[1].soft, set[1].hard);
    if (nofile.rlim_max != RLIM_INFINITY) {
      EXPECT_LE(set[0].hard, (long long)nofile.rlim_max);
    }
    if (nproc.rlim_max != RLIM_INFINITY) {
      EXPECT_LE(set[1].hard, (long long)nproc.rlim_max);
    }
  }
  long long pid_max = 0;
  std::ifstream("/proc/sys/kernel/pid_max") >> pid_max;
  if (pid_max > 0) {
    EXPECT_LE(container_ulimits()[1].hard, pid_max);
  }
  EXPECT_LE(conservative_ulimits()[0].hard, 4096);
}

TEST(Ulimits, RecognisesEngineRefusals) {
  EXPECT_TRUE(is_rlimit_refusal("runc create failed: error setting rlimit type 7: operation not permitted"));
  EXPECT_FALSE(is_rlimit_refusal("no such image"));
  EXPECT_EQ(describe({{"nofile", 1, 2}, {"nproc", 3, 4}}), "nofile=1:2 nproc=3:4");
}

TEST(DockerCreateBody, CarriesUlimits) {
  RunnerConfig cfg;
  auto j = nlohmann::json::parse(docker_create_body(cfg, "x", {{"nofile", 1024, 20000}, {"nproc", 32768, 32768}}));
  EXPECT_EQ(j["HostConfig"]["Ulimits"],
            nlohmann::json::parse(R"([{"Name":"nofile","Soft":1024,"Hard":20000},{"Name":"nproc","Soft":32768,"Hard":32768}])"));
}

// A fake engine (tests/tools/fake_docker_api.py) refuses the first container start with runc's
// rlimit error: the runner removes that container and retries once with conservative limits.
class FakeEngine {
 public:
  explicit FakeEngine(int refusals) : dir_(*base::TempDir::create("ma-fake-docker-")) {
    sock_ = (dir_.path() / "api.sock").string();
    log_ = (dir_.path() / "requests.jsonl").string();
    child_.emplace(*Child::spawn({"python3", MA_SOURCE_DIR "/tests/tools/fake_docker_api.py", sock_, log_,
                                  "--refuse-rlimits", std::to_string(refusals)},
                                 SpawnOptions{}));
    // Ready when it accepts a connection: the socket file exists from bind(), before listen()
    // (a loaded machine showed that gap); python's start-up can take seconds there too.
    for (int i = 0; i < 600 && !accepts(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  bool accepts() const {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", sock_.c_str());
    bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    if (fd >= 0) ::close(fd);
    return ok;
  }
  ~FakeEngine() {
    child_->kill(SIGTERM);
    (void)child_->wait();
  }
  std::string host() const { return "unix://" + sock_; }
  std::vector<nlohmann::json> requests(const std::string& method, const std::string& path_part) const {
    std::vector<nlohmann::json> out;
    std::ifstream f(log_);
    for (std::string line; std::getline(f, line);) {
      auto j = nlohmann::json::parse(line);
      if (j["method"] == method && j["path"].get<std::string>().find(path_part) != std::string::npos) out.push_back(j);
    }
    return out;
  }

 private:
  base::TempDir dir_;
  std::string sock_, log_;
  std::optional<Child> child_;
};

struct DockerHostEnv {
  explicit DockerHostEnv(const std::string& v) {
    if (const char* o = std::getenv("DOCKER_HOST")) old = o;
    ::setenv("DOCKER_HOST", v.c_str(), 1);
  }
  ~DockerHostEnv() {
    if (old) ::setenv("DOCKER_HOST", old->c_str(), 1);
    else ::unsetenv("DOCKER_HOST");
  }
  std::optional<std::string> old;
};

RunnerConfig tiny_config(const std::filesystem::path& root) {
  RunnerConfig cfg;
  cfg.rootfs = root;
  return cfg;
}

TEST(DockerRunnerUlimits, RetriesOnceWithConservativeLimits) {
  FakeEngine engine(1);
  DockerHostEnv env(engine.host());
  auto root = base::TempDir::create("ma-root-");
  ASSERT_TRUE(root);
  DockerRunner r;
  auto st = r.start(tiny_config(root->path()));
  ASSERT_TRUE(st) << st.error().to_string();
  auto creates = engine.requests("POST", "/containers/create");
  ASSERT_EQ(creates.size(), 2u);
  auto limits = [](const nlohmann::json& req) {
    std::vector<Ulimit> out;
    for (const auto& u : req["body"]["HostConfig"]["Ulimits"]) out.push_back({u["Name"], u["Soft"], u["Hard"]});
    return out;
  };
  EXPECT_EQ(limits(creates[0]), container_ulimits());
  EXPECT_EQ(limits(creates[1]), conservative_ulimits());
  // The refused container was removed before the retry.
  auto deletes = engine.requests("DELETE", "/containers/c1");
  EXPECT_EQ(deletes.size(), 1u);
  EXPECT_TRUE(r.stop());
}

TEST(DockerRunnerUlimits, GivesUpAfterOneRetry) {
  FakeEngine engine(2);
  DockerHostEnv env(engine.host());
  auto root = base::TempDir::create("ma-root-");
  ASSERT_TRUE(root);
  DockerRunner r;
  auto st = r.start(tiny_config(root->path()));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("rlimit"), std::string::npos) << st.error().message;
  EXPECT_EQ(engine.requests("POST", "/containers/create").size(), 2u);
}

}  // namespace
}  // namespace sandbox
