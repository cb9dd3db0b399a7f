#include "sandbox/docker_client.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sandbox/docker.hpp"

namespace sandbox {
namespace {

TEST(ParseDockerHost, Forms) {
  auto d = parse_docker_host("");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->unix_socket, "/var/run/docker.sock");
  EXPECT_EQ(d->base_url, "http://localhost");
  auto u = parse_docker_host("unix:///tmp/x/podman.sock");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->unix_socket, "/tmp/x/podman.sock");
  auto t = parse_docker_host("tcp://10.0.0.2:2375/");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->unix_socket.empty());
  EXPECT_EQ(t->base_url, "http://10.0.0.2:2375");
  auto s = parse_docker_host("ssh://me@host");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, base::ErrorCode::kUnsupported);
  EXPECT_FALSE(parse_docker_host("unix://relative.sock"));
}

std::string frame(int stream, std::string_view payload) {
  std::string h(8, '\0');
  h[0] = char(stream);
  uint32_t n = uint32_t(payload.size());
  h[4] = char(n >> 24);
  h[5] = char(n >> 16);
  h[6] = char(n >> 8);
  h[7] = char(n);
  return h + std::string(payload);
}

TEST(StreamDemuxer, SplitsFramesCutAnywhere) {
  std::string big(70000, 'z');
  std::string data = frame(1, "out\n") + frame(2, "err\n") + frame(1, big) + frame(2, "");
  for (size_t chunk : {size_t(1), size_t(3), size_t(8), size_t(4096), data.size()}) {
    StreamDemuxer d;
    std::string out, err;
    for (size_t i = 0; i < data.size(); i += chunk)
      d.feed(std::string_view(data).substr(i, chunk), [&](int s, std::string_view p) { (s == 2 ? err : out).append(p); });
    EXPECT_EQ(out, "out\n" + big) << chunk;
    EXPECT_EQ(err, "err\n") << chunk;
    EXPECT_TRUE(d.idle());
  }
}

TEST(DockerClient, UnreachableSocketIsExplained) {
  DockerClient c(*parse_docker_host("unix:///nonexistent/docker.sock"));
  auto r = c.request("GET", "/_ping");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kSandbox);
  EXPECT_NE(r.error().message.find("cannot reach the Docker API at unix:///nonexistent/docker.sock"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().hint.find("DOCKER_HOST"), std::string::npos);
}

TEST(DockerCreateBody, CarriesMountsCapsUserAndNetwork) {
  RunnerConfig cfg;
  cfg.mounts = {{"/ws", "/home/build", false}, {"/c", "/var/cache/melange", true}};
  cfg.env = {{"A", "b"}};
  cfg.uid = 1000;
  cfg.gid = 1000;
  auto j = nlohmann::json::parse(docker_create_body(cfg, "sha256:abc", {}));
  EXPECT_EQ(j["Image"], "sha256:abc");
  EXPECT_EQ(j["User"], "1000:1000");
  EXPECT_EQ(j["Env"], nlohmann::json::array({"A=b"}));
  EXPECT_EQ(j["WorkingDir"], "/home/build");
  EXPECT_EQ(j["HostConfig"]["Binds"], nlohmann::json::array({"/ws:/home/build", "/c:/var/cache/melange:ro"}));
  EXPECT_EQ(j["HostConfig"]["NetworkMode"], "none");
  EXPECT_EQ(j["HostConfig"]["CapDrop"], nlohmann::json::array({"ALL"}));
  EXPECT_EQ(j["HostConfig"]["CapAdd"].size(), 14u);
  EXPECT_EQ(j["Labels"]["org.melange-apko.sandbox"], "1");
  cfg.network = true;
  EXPECT_EQ(nlohmann::json::parse(docker_create_body(cfg, "x", {}))["HostConfig"]["NetworkMode"], "host");
  // A remote engine: the mounts are copied in, never bound (its host has no such paths).
  EXPECT_EQ(nlohmann::json::parse(docker_create_body(cfg, "x", {}, false))["HostConfig"]["Binds"], nlohmann::json::array());
}

}  // namespace
}  // namespace sandbox
