#include "sandbox/engine_pool.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "base/fs.hpp"

#include "sandbox/docker_client.hpp"

namespace sandbox {
namespace {

TEST(EnginePoolTest, HostsFromEnvAndFlags) {
  auto h = engine_hosts("unix:///a.sock", {"tcp://127.0.0.1:1, unix:///b.sock", "unix:///a.sock", "ssh://u@h:2222"});
  ASSERT_TRUE(h) << h.error().to_string();
  EXPECT_EQ(*h, (std::vector<std::string>{"unix:///a.sock", "tcp://127.0.0.1:1", "unix:///b.sock", "ssh://u@h:2222"}));
  auto none = engine_hosts("", {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(EnginePoolTest, BadHostsAreOneLineErrors) {
  auto bad = engine_hosts("", {"ftp://x"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().to_string().find("ftp://x"), std::string::npos);
  EXPECT_FALSE(engine_hosts("", {"ssh://"}));
  EXPECT_FALSE(engine_hosts("", {"ssh://u@h:port"}));
  EXPECT_FALSE(engine_hosts("", {"unix://relative.sock"}));
}

TEST(EnginePoolTest, SshTargets) {
  auto t = parse_ssh_host("ssh://builder@10.0.0.2:2222/run/podman/podman.sock");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->destination, "builder@10.0.0.2");
  EXPECT_EQ(t->port, "2222");
  EXPECT_EQ(t->remote_socket, "/run/podman/podman.sock");
  auto d = parse_ssh_host("ssh://host");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->destination, "host");
  EXPECT_EQ(d->port, "");
  EXPECT_EQ(d->remote_socket, "/var/run/docker.sock");
  EXPECT_FALSE(parse_ssh_host("ssh://-oProxyCommand=x"));  // never an ssh option
  auto argv = ssh_forward_argv(*t, "/tmp/e.sock");
  EXPECT_EQ(argv.front(), "ssh");
  EXPECT_EQ(argv.back(), "builder@10.0.0.2");
  EXPECT_EQ(argv[argv.size() - 2], "--");
  EXPECT_NE(std::find(argv.begin(), argv.end(), "/tmp/e.sock:/run/podman/podman.sock"), argv.end());
}

TEST(EnginePoolTest, RemoteEnginesAreSshAndNonLoopbackTcp) {
  EXPECT_TRUE(engine_is_remote("ssh://builder@10.0.0.2:2222/run/podman/podman.sock"));
  EXPECT_TRUE(engine_is_remote("ssh://127.0.0.1"));  // another account's view of the paths
  EXPECT_TRUE(engine_is_remote("tcp://10.0.0.3:2376"));
  EXPECT_TRUE(engine_is_remote("tcp://build.example:2375"));
  EXPECT_TRUE(engine_is_remote("tcp://[2001:db8::1]:2375"));
  EXPECT_FALSE(engine_is_remote("tcp://127.0.0.1:2375"));
  EXPECT_FALSE(engine_is_remote("tcp://localhost:2375"));
  EXPECT_FALSE(engine_is_remote("tcp://[::1]:2375"));
  EXPECT_FALSE(engine_is_remote("unix:///run/podman/podman.sock"));
}

TEST(EnginePoolTest, TcpWithTlsMaterial) {
  auto plain = parse_docker_host("tcp://127.0.0.1:2376", DockerTlsEnv{"", "", "/home/u"});
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->base_url, "http://127.0.0.1:2376");
  auto v = parse_docker_host("tcp://127.0.0.1:2376", DockerTlsEnv{"1", "/certs", "/home/u"});
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->tls);
  EXPECT_TRUE(v->verify);
  EXPECT_EQ(v->base_url, "https://127.0.0.1:2376");
  EXPECT_EQ(v->ca_file, "/certs/ca.pem");
  EXPECT_EQ(v->cert_file, "/certs/cert.pem");
  EXPECT_EQ(v->key_file, "/certs/key.pem");
  auto home = parse_docker_host("tcp://h:2376", DockerTlsEnv{"1", "", "/home/u"});
  ASSERT_TRUE(home);
  EXPECT_EQ(home->ca_file, "/home/u/.docker/ca.pem");
  auto unix_sock = parse_docker_host("unix:///a.sock", DockerTlsEnv{"1", "/certs", ""});
  ASSERT_TRUE(unix_sock);
  EXPECT_FALSE(unix_sock->tls);
}

// A stand-in engine: answers every request on a unix socket with 200 "OK" (enough for /_ping).
class FakeEngine {
 public:
  explicit FakeEngine(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    thread_ = std::thread([this] {
      for (;;) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char buf[4096];
        if (::read(c, buf, sizeof buf) < 0) ADD_FAILURE() << "read";
        const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK";
        if (::write(c, reply, sizeof reply - 1) < 0) ADD_FAILURE() << "write";
        ::close(c);
      }
    });
  }
  ~FakeEngine() { stop(); }
  void stop() {
    if (fd_ < 0) return;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    fd_ = -1;
    thread_.join();
    ::unlink(path_.c_str());
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::thread thread_;
};

TEST(EnginePoolTest, SlotsSpreadOverLiveEnginesAndDeadOnesAreLeftOut) {
  auto tmp = base::TempDir::create("engine-pool-test-");
  ASSERT_TRUE(tmp);
  const std::string a = tmp->path().string() + "/a.sock", b = tmp->path().string() + "/b.sock";
  FakeEngine ea(a), eb(b);
  auto pool = EnginePool::open({"unix://" + a, "unix://" + tmp->path().string() + "/dead.sock", "unix://" + b}, 2);
  ASSERT_TRUE(pool) << pool.error().to_string();
  EXPECT_EQ((*pool)->size(), 2u);  // the dead one is left out
  EXPECT_EQ((*pool)->live(), 2u);
  // Least busy first: a, b, a, b; then every slot is taken.
  auto l1 = (*pool)->acquire();
  auto l2 = (*pool)->acquire();
  ASSERT_TRUE(l1 && l2);
  EXPECT_NE(l1->engine, l2->engine);
  EXPECT_EQ(l1->docker_host, "unix://" + a);
  auto l3 = (*pool)->acquire();
  auto l4 = (*pool)->acquire();
  ASSERT_TRUE(l3 && l4);
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto l5 = (*pool)->acquire();
    got = l5.has_value();
    if (l5) (*pool)->release(*l5);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(got.load());  // blocks while all four slots are busy
  (*pool)->release(*l1);
  waiter.join();
  EXPECT_TRUE(got.load());
  (*pool)->release(*l2);
  (*pool)->release(*l3);
  (*pool)->release(*l4);
  // `avoid` picks the other engine; an engine that stops answering is marked down.
  auto other = (*pool)->acquire({l1->engine});
  ASSERT_TRUE(other);
  EXPECT_NE(other->engine, l1->engine);
  (*pool)->release(*other);
  eb.stop();
  size_t b_index = l1->docker_host == "unix://" + b ? l1->engine : l2->engine;
  EXPECT_FALSE((*pool)->ping(b_index));
  EXPECT_TRUE((*pool)->ping(1 - b_index));
  (*pool)->mark_down(b_index);
  EXPECT_EQ((*pool)->live(), 1u);
  auto only = (*pool)->acquire({1 - b_index});  // the avoided engine is the only live one: used
  ASSERT_TRUE(only);
  EXPECT_EQ(only->engine, 1 - b_index);
  (*pool)->release(*only);
  (*pool)->mark_down(1 - b_index);
  EXPECT_FALSE((*pool)->acquire().has_value());  // no engine left
}

TEST(EnginePoolTest, NoEngineAnsweringIsAnError) {
  auto p = EnginePool::open({"unix:///nonexistent/melange-test.sock"}, 1);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("no Docker engine answers: unix:///nonexistent/melange-test.sock"), std::string::npos);
}

}  // namespace
}  // namespace sandbox
