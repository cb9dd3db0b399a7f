#include "fetch/client.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>
#include <cstdlib>
#include <string>

#include "base/fs.hpp"

namespace fetch {
namespace {

namespace fs = std::filesystem;

// A tiny HTTP server on 127.0.0.1 (python3 http.server), one per test suite.
constexpr const char* kServer = R"PY(
import base64, http.server, sys, urllib.parse
counts = {}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, code, body=b"", headers=None, length=True):
        self.send_response(code)
        for k, v in (headers or {}).items(): self.send_header(k, v)
        if length: self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
    def handle_any(self):
        u = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        key = self.path
        counts[key] = counts.get(key, 0) + 1
        n = counts[key]
        p = u.path
        if p == "/count":
            return self.reply(200, str(counts.get(q["path"], 0)).encode())
        if p == "/hello":
            return self.reply(200, b"hello world\n")
        if p == "/redirect":
            return self.reply(302, b"", {"Location": "/hello"})
        if p == "/flaky":
            return self.reply(503, b"busy") if n <= int(q.get("fail", "2")) else self.reply(200, b"recovered")
        if p == "/always500":
            return self.reply(500, b"broken")
        if p == "/forbidden":
            return self.reply(403, b"no")
        if p == "/auth":
            want = "Basic " + base64.b64encode(b"alice:s3cr3t!").decode()
            if self.headers.get("Authorization") != want:
                return self.reply(401, b"denied", {"WWW-Authenticate": 'Basic realm="x"'})
            return self.reply(200, b"secret data")
        if p == "/echo-auth":
            return self.reply(200, (self.headers.get("Authorization") or "none").encode())
        if p == "/echo-ua":
            return self.reply(200, (self.headers.get("User-Agent") or "").encode())
        if p == "/big":
            return self.reply(200, b"x" * int(q["n"]))
        if p == "/big-stream":  # no Content-Length: body ends when the connection closes
            return self.reply(200, b"y" * int(q["n"]), length=False)
        if p == "/nohead":
            if self.command == "HEAD": return self.reply(405)
            return self.reply(200, b"ok")
        return self.reply(404, b"not found")
    do_GET = handle_any
    do_HEAD = handle_any
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
)PY";

class ClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* v : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"})
      ::unsetenv(v);
    ::unsetenv("HTTP_AUTH");
    auto dir = base::TempDir::create("ma-fetch-test-");
    ASSERT_TRUE(dir);
    script_dir_ = new fs::path(dir->release());
    std::string script = (*script_dir_ / "server.py").string();
    ASSERT_TRUE(base::write_file_atomic(script, kServer));
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execlp("python3", "python3", script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    FILE* out = ::fdopen(fds[0], "r");
    char line[64] = {0};
    bool got = std::fgets(line, sizeof line, out) != nullptr;
    std::fclose(out);
    ASSERT_TRUE(got) << "python3 test server did not start";
    port_ = std::atoi(line);
    ASSERT_GT(port_, 0);
  }
  static void TearDownTestSuite() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (script_dir_) {
      std::error_code ec;
      fs::remove_all(*script_dir_, ec);
      delete script_dir_;
      script_dir_ = nullptr;
    }
  }
  static std::string url(std::string_view path) { return "http://127.0.0.1:" + std::to_string(port_) + std::string(path); }
  static Options fast() {
    Options o;
    o.retries = 2;
    o.retry_backoff_ms = 10;
    return o;
  }
  static int count(std::string_view path) {
    std::string q;
    for (char ch : path) q += ch == '&' ? "%26" : ch == '?' ? "%3F" : ch == '=' ? "%3D" : std::string(1, ch);
    Client c(fast());
    auto r = c.get(url("/count?path=") + q);
    return r ? std::atoi(r->c_str()) : -1;
  }

  static inline pid_t pid_ = -1;
  static inline int port_ = 0;
  static inline fs::path* script_dir_ = nullptr;
};

TEST_F(ClientTest, GetAndRedirect) {
  Client c(fast());
  auto r = c.get(url("/hello"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "hello world\n");
  auto red = c.get(url("/redirect"));
  ASSERT_TRUE(red) << red.error().message;
  EXPECT_EQ(*red, "hello world\n");
}

TEST_F(ClientTest, NotFoundIsOneLineAndNotRetried) {
  Client c(fast());
  auto r = c.get(url("/x/APKINDEX.tar.gz?t=nf"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, url("/x/APKINDEX.tar.gz?t=nf") + ": HTTP 404");
  EXPECT_EQ(count("/x/APKINDEX.tar.gz?t=nf"), 1);
  auto f = c.get(url("/forbidden"));
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, base::ErrorCode::kNetwork);
  EXPECT_EQ(count("/forbidden"), 1);
}

TEST_F(ClientTest, ServerErrorsAreRetried) {
  Client c(fast());
  auto r = c.get(url("/flaky?fail=2&id=a"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "recovered");
  EXPECT_EQ(count("/flaky?fail=2&id=a"), 3);
  auto bad = c.get(url("/always500?id=b"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, url("/always500?id=b") + ": HTTP 500 (after 3 attempts)");
  EXPECT_EQ(count("/always500?id=b"), 3);
  Options none = fast();
  none.retries = 0;
  Client once(none);
  EXPECT_FALSE(once.get(url("/flaky?fail=1&id=c")));
  EXPECT_EQ(count("/flaky?fail=1&id=c"), 1);
}

TEST_F(ClientTest, DownloadIsAtomic) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  Client c(fast());
  fs::path dest = dir->path() / "sub/dir/hello.txt";
  ASSERT_TRUE(c.download(url("/hello"), dest));
  EXPECT_EQ(*base::read_file(dest), "hello world\n");
  // A failed download leaves the previous file and no temp file behind.
  auto st = c.download(url("/missing"), dest);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(*base::read_file(dest), "hello world\n");
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dest.parent_path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
  // Retried downloads start from scratch.
  fs::path d2 = dir->path() / "flaky.txt";
  ASSERT_TRUE(c.download(url("/flaky?fail=1&id=dl"), d2));
  EXPECT_EQ(*base::read_file(d2), "recovered");
}

TEST_F(ClientTest, MaxBytesIsEnforced) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  Options o = fast();
  o.max_bytes = 1000;
  Client c(o);
  auto ok = c.get(url("/big?n=1000"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->size(), 1000u);
  for (const char* path : {"/big?n=1001", "/big-stream?n=200000"}) {
    auto r = c.get(url(path));
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().code, base::ErrorCode::kInvalidInput);
    EXPECT_NE(r.error().message.find("1000 bytes"), std::string::npos) << r.error().message;
    EXPECT_EQ(count(path), 1) << "size errors are not retried";
    EXPECT_FALSE(c.download(url(path), dir->path() / "big"));
    EXPECT_FALSE(fs::exists(dir->path() / "big"));
  }
  // Local files too.
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "local", std::string(1001, 'z')));
  EXPECT_FALSE(c.get((dir->path() / "local").string()));
  EXPECT_FALSE(c.download((dir->path() / "local").string(), dir->path() / "copy"));
  EXPECT_FALSE(fs::exists(dir->path() / "copy"));
}

// Records what it is shown; fails once it has seen more than `fail_after` bytes.
class RecordingCheck : public BodyCheck {
 public:
  explicit RecordingCheck(uint64_t fail_after = UINT64_MAX) : fail_after_(fail_after) {}
  void restart() override {
    ++restarts;
    seen.clear();
  }
  base::Status feed(std::string_view chunk) override {
    seen.append(chunk);
    if (seen.size() > fail_after_) return base::fail(base::ErrorCode::kSignature, "not the expected body");
    return base::ok();
  }
  int restarts = 0;
  std::string seen;

 private:
  uint64_t fail_after_;
};

TEST_F(ClientTest, BodyCheckSeesEachAttemptAndStopsTheTransfer) {
  Client c(fast());
  RecordingCheck all;
  auto r = c.get(url("/flaky?fail=1&id=check"), GetOptions{UINT64_MAX, &all});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(all.restarts, 2);  // one per attempt: the 503 page is never shown to it
  EXPECT_EQ(all.seen, "recovered");

  // A failing check ends a 64 MB body after its first chunks, with its own error, no retry.
  RecordingCheck picky(1000);
  auto stopped = c.get(url("/big-stream?n=64000000&id=check"), GetOptions{UINT64_MAX, &picky});
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, base::ErrorCode::kSignature);
  EXPECT_EQ(stopped.error().message, "not the expected body");
  EXPECT_LT(picky.seen.size(), 1u << 20);
  EXPECT_EQ(picky.restarts, 1);
  EXPECT_EQ(count("/big-stream?n=64000000&id=check"), 1);
}

TEST_F(ClientTest, PerCallLimitIsTheSmallerOfBoth) {
  Options o = fast();
  o.max_bytes = 5000;
  Client c(o);
  auto small = c.get(url("/big?n=1500&id=cap"), GetOptions{1000, nullptr});
  ASSERT_FALSE(small);
  EXPECT_NE(small.error().message.find("1000 bytes"), std::string::npos) << small.error().message;
  auto client_cap = c.get(url("/big?n=6000&id=cap"), GetOptions{1u << 20, nullptr});
  ASSERT_FALSE(client_cap);
  EXPECT_NE(client_cap.error().message.find("5000 bytes"), std::string::npos) << client_cap.error().message;
  auto fits = c.get(url("/big?n=900&id=cap"), GetOptions{1000, nullptr});
  ASSERT_TRUE(fits) << fits.error().message;
  EXPECT_EQ(fits->size(), 900u);
}

TEST_F(ClientTest, CredentialsInUrlAreUsedAndRedacted) {
  Client c(fast());
  std::string u = "http://alice:s3cr3t!@127.0.0.1:" + std::to_string(port_);
  auto ok = c.get(u + "/auth");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok, "secret data");
  auto bad = c.get("http://alice:wrongpass@127.0.0.1:" + std::to_string(port_) + "/auth");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, url("/auth") + ": HTTP 401");
  EXPECT_EQ(bad.error().to_string().find("wrongpass"), std::string::npos);
  auto nf = c.get(u + "/nope");
  ASSERT_FALSE(nf);
  EXPECT_EQ(nf.error().message.find("s3cr3t"), std::string::npos) << nf.error().message;
}

TEST_F(ClientTest, HttpAuthEnvAppliesOnlyToItsHost) {
  ::setenv("HTTP_AUTH", "basic:127.0.0.1:alice:s3cr3t!", 1);
  Client c(fast());
  ::unsetenv("HTTP_AUTH");
  auto ok = c.get(url("/auth"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok, "secret data");
  // Same server reached under another host name: no credentials sent.
  auto other = c.get("http://localhost:" + std::to_string(port_) + "/echo-auth");
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(*other, "none");
  // Without HTTP_AUTH nothing is sent.
  Client plain(fast());
  auto none = plain.get(url("/echo-auth"));
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, "none");
}

TEST_F(ClientTest, UserAgent) {
  Client c(fast());
  EXPECT_EQ(c.get(url("/echo-ua")), "melange-cpp");
  Options o = fast();
  o.user_agent = "apko-cpp/0.1";
  Client custom(o);
  EXPECT_EQ(custom.get(url("/echo-ua")), "apko-cpp/0.1");
}

TEST_F(ClientTest, Exists) {
  Client c(fast());
  EXPECT_EQ(c.exists(url("/hello")), true);
  EXPECT_EQ(c.exists(url("/missing")), false);
  EXPECT_EQ(c.exists(url("/nohead")), true);
  EXPECT_FALSE(c.exists(url("/forbidden")));
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  EXPECT_EQ(c.exists(dir->path().string()), true);
  EXPECT_EQ(c.exists((dir->path() / "nope").string()), false);
  EXPECT_EQ(c.exists("file://" + dir->path().string()), true);
}

TEST_F(ClientTest, ConnectionRefused) {
  // A port nobody listens on: bind, read the port, close.
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(s, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len), 0);
  int port = ntohs(a.sin_port);
  ::close(s);
  Options o = fast();
  o.retries = 1;
  Client c(o);
  std::string u = "http://bob:hunter22@127.0.0.1:" + std::to_string(port) + "/x";
  auto r = c.get(u);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kNetwork);
  const std::string& m = r.error().message;
  EXPECT_EQ(m.rfind("http://127.0.0.1:" + std::to_string(port) + "/x: ", 0), 0u) << m;
  EXPECT_NE(m.find("cannot connect: Connection refused"), std::string::npos) << m;
  EXPECT_NE(m.find("after 2 attempts"), std::string::npos) << m;
  EXPECT_EQ(m.find("hunter22"), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
}

TEST_F(ClientTest, OneClientManyThreads) {
  Client c(fast());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto r = c.get(url("/hello"));
        if (r && *r == "hello world\n") ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
}

TEST_F(ClientTest, LocalPathsAndFileUrls) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  fs::path f = dir->path() / "key with space.rsa.pub";
  ASSERT_TRUE(base::write_file_atomic(f, "local bytes"));
  Client c(fast());
  EXPECT_EQ(c.get(f.string()), "local bytes");
  std::string file_url = "file://" + dir->path().string() + "/key%20with%20space.rsa.pub";
  EXPECT_EQ(c.get(file_url), "local bytes");
  ASSERT_TRUE(c.download(file_url, dir->path() / "out/copy"));
  EXPECT_EQ(*base::read_file(dir->path() / "out/copy"), "local bytes");
  auto missing = c.get((dir->path() / "missing").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, base::ErrorCode::kNotFound);
  auto scheme = c.get("s3://bucket/key");
  ASSERT_FALSE(scheme);
  EXPECT_EQ(scheme.error().code, base::ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace fetch
