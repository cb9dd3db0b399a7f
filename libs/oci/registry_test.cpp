#include "oci/registry.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/http.hpp"
#include "oci/test_util.hpp"

namespace oci {
namespace {

namespace fs = std::filesystem;

int free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

// A server process started for one test and stopped (SIGTERM, then SIGKILL) by the destructor.
class Server {
 public:
  Server(std::vector<std::string> argv, const fs::path& log) {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* f = std::fopen(log.c_str(), "w");
      if (f) {
        dup2(fileno(f), 1);
        dup2(fileno(f), 2);
      }
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~Server() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  // Polls `url` until the server answers (any HTTP status).
  bool wait_ready(const std::string& url) {
    for (int i = 0; i < 100; ++i) {
      if (http_request(HttpRequest{"GET", url, {}, {}, {}, {}, {}})) return true;
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) { pid_ = -1; return false; }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
};

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::have_tool("docker-registry")) GTEST_SKIP() << "docker-registry (Distribution) not installed";
    auto d = base::TempDir::create("oci-registry-test-");
    ASSERT_TRUE(d);
    dir_.emplace(std::move(*d));
    const char* old = std::getenv("DOCKER_CONFIG");
    if (old) old_docker_config_ = old;
    setenv("DOCKER_CONFIG", (dir() / "docker").c_str(), 1);  // never the user's own config
  }
  void TearDown() override {
    server_.reset();
    if (old_docker_config_) setenv("DOCKER_CONFIG", old_docker_config_->c_str(), 1); else unsetenv("DOCKER_CONFIG");
  }
  fs::path dir() const { return dir_->path(); }

  // Starts Distribution on a free 127.0.0.1 port; `auth` is an extra YAML block.
  void start_registry(const std::string& auth = {}) {
    port_ = free_port();
    std::string cfg = "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: " +
                      (dir() / "data").string() + "\nhttp:\n  addr: 127.0.0.1:" + std::to_string(port_) + "\n" + auth;
    ASSERT_TRUE(base::write_file_atomic(dir() / "config.yml", cfg));
    server_.emplace(std::vector<std::string>{"docker-registry", "serve", (dir() / "config.yml").string()},
                    dir() / "registry.log");
    ASSERT_TRUE(server_->wait_ready(host_url() + "/v2/")) << *base::read_file(dir() / "registry.log");
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string host_url() const { return "http://" + host(); }

  std::optional<base::TempDir> dir_;
  std::optional<Server> server_;
  std::optional<std::string> old_docker_config_;
  int port_ = 0;
};

TEST_F(RegistryTest, PushImageAndIndexReadBackWithSkopeo) {
  start_registry();
  auto amd = testing::tiny_image(dir(), "amd64");
  auto arm = testing::tiny_image(dir(), "arm64");
  ASSERT_TRUE(amd && arm);
  RegistryClient client;

  auto ref = parse_reference(host() + "/test/single:v1");
  ASSERT_TRUE(ref);
  auto st = client.push_image(*ref, *amd);
  ASSERT_TRUE(st) << st.error().message;
  ASSERT_TRUE(client.push_image(*ref, *amd)) << "pushing again (blobs present) works";
  auto got = client.get_manifest(*ref);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, amd->manifest_json);

  Index idx = make_index({*amd, *arm}, {{"org.opencontainers.image.created", "2023-11-14T22:13:20Z"}});
  auto multi = parse_reference(host() + "/test/multi:latest");
  st = client.push_index(*multi, idx, {*amd, *arm});
  ASSERT_TRUE(st) << st.error().message;
  Reference by_digest = *multi;
  by_digest.tag.clear();
  by_digest.digest = arm->manifest_digest;
  got = client.get_manifest(by_digest);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, arm->manifest_json);

  if (!testing::have_tool("skopeo")) GTEST_SKIP() << "skopeo not installed";
  std::string skopeo = "skopeo inspect --tls-verify=false ";
  auto r = testing::run(skopeo + "docker://" + host() + "/test/single:v1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(r.output)["Digest"], amd->manifest_digest);
  r = testing::run(skopeo + "--raw docker://" + host() + "/test/multi:latest");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, idx.json);
  r = testing::run("skopeo --override-arch arm64 inspect --tls-verify=false docker://" + host() + "/test/multi:latest");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["Digest"], idx.digest);  // skopeo reports the top-level (index) digest
  EXPECT_EQ(j["Architecture"], "arm64");
  EXPECT_EQ(j["Layers"][0], arm->layers[0].digest);
  // The whole image copies out intact (skopeo verifies every blob digest).
  r = testing::run("skopeo copy --src-tls-verify=false docker://" + host() + "/test/multi:latest oci:" +
                   (dir() / "copy").string() + ":x");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(RegistryTest, HtpasswdBasicAuth) {
  // bcrypt (cost 4: the registry checks it on every request) from python3 crypt (libxcrypt);
  // htpasswd (apache2-utils) is not installed.
  auto hash = testing::run("python3 -W ignore -c \"import crypt; print(crypt.crypt('pa55', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))\"");
  if (hash.exit_code != 0 || !hash.output.starts_with("$2")) GTEST_SKIP() << "no bcrypt via python3 crypt: " << hash.output;
  ASSERT_TRUE(base::write_file_atomic(dir() / "htpasswd", "alice:" + hash.output));
  start_registry("auth:\n  htpasswd:\n    realm: test\n    path: " + (dir() / "htpasswd").string() + "\n");
  auto img = testing::tiny_image(dir(), "amd64");
  ASSERT_TRUE(img);
  auto ref = parse_reference(host() + "/private/img:v1");

  auto st = RegistryClient().push_image(*ref, *img);
  ASSERT_FALSE(st) << "push without credentials must fail";
  EXPECT_NE(st.error().message.find("login"), std::string::npos) << st.error().message;
  st = RegistryClient(Credentials{"alice", "wrong"}).push_image(*ref, *img);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("401"), std::string::npos) << st.error().message;

  ASSERT_TRUE(docker_login(host(), "alice", "pa55"));
  st = RegistryClient().push_image(*ref, *img);
  ASSERT_TRUE(st) << st.error().message;
  if (!testing::have_tool("skopeo")) GTEST_SKIP() << "skopeo not installed";
  auto r = testing::run("skopeo inspect --tls-verify=false --creds alice:pa55 docker://" + host() + "/private/img:v1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(r.output)["Digest"], img->manifest_digest);
}

// A fake token-auth registry (python http.server): /v2/ challenges with Bearer, /token
// wants basic credentials and hands out a token, manifests need that token.
constexpr const char* kFakeBearerRegistry = R"PY(
import base64, http.server, json, sys
port = int(sys.argv[1]); scopes = open(sys.argv[2], "w")
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, body=b"", headers={}):
        self.send_response(code)
        for k, v in headers.items(): self.send_header(k, v)
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_GET(self):
        if self.path.startswith("/token"):
            if self.headers.get("Authorization") != "Basic " + base64.b64encode(b"bob:pw").decode():
                return self.send(401)
            scopes.write(self.path + "\n"); scopes.flush()
            return self.send(200, json.dumps({"token": "tok123"}).encode())
        if self.headers.get("Authorization") != "Bearer tok123":
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {"WWW-Authenticate":
                'Bearer realm="http://127.0.0.1:%d/token",service="fake registry",scope="repository:x/y:pull"' % port})
        if self.path == "/v2/": return self.send(200, b"{}")
        if self.path == "/v2/x/y/manifests/v1":
            return self.send(200, b'{"schemaVersion":2}', {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
        self.send(404)
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
)PY";

TEST_F(RegistryTest, BearerTokenFlow) {
  ASSERT_TRUE(base::write_file_atomic(dir() / "fake.py", kFakeBearerRegistry));
  port_ = free_port();
  server_.emplace(std::vector<std::string>{"python3", (dir() / "fake.py").string(), std::to_string(port_),
                                           (dir() / "scopes.txt").string()},
                  dir() / "fake.log");
  ASSERT_TRUE(server_->wait_ready(host_url() + "/v2/")) << *base::read_file(dir() / "fake.log");
  auto ref = parse_reference(host() + "/x/y:v1");
  auto got = RegistryClient().get_manifest(*ref);
  ASSERT_FALSE(got) << "no credentials: the token endpoint refuses";
  ASSERT_TRUE(docker_login(host(), "bob", "pw"));
  got = RegistryClient().get_manifest(*ref);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, R"({"schemaVersion":2})");
  EXPECT_EQ(*base::read_file(dir() / "scopes.txt"), "/token?service=fake%20registry&scope=repository%3Ax%2Fy%3Apull\n");
}

}  // namespace
}  // namespace oci
