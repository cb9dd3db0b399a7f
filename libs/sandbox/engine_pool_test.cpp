#include "sandbox/engine_pool.hpp"

#include <gtest/gtest.h>

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

TEST(EnginePoolTest, NoEngineAnsweringIsAnError) {
  auto p = EnginePool::open({"unix:///nonexistent/melange-test.sock"}, 1);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("no Docker engine answers: unix:///nonexistent/melange-test.sock"), std::string::npos);
}

}  // namespace
}  // namespace sandbox
