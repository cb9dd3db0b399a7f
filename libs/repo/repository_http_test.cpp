// Repositories and keys served over HTTP by a python3 http.server on 127.0.0.1, then
// read again offline from the cache only.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/fs.hpp"
#include "repo/keyring_loader.hpp"
#include "repo/repository.hpp"
#include "repo/test_repo.hpp"
#include "solver/solver.hpp"

namespace repo {
namespace {

namespace fs = std::filesystem;
using testing::HttpServer;
using testing::write_repo;

std::vector<apk::Dependency> world(const std::vector<std::string>& names) {
  std::vector<apk::Dependency> w;
  for (const auto& n : names) w.push_back(apk::parse_dependency(n).value());
  return w;
}

// Every path under `dir`, as one string, to check that no secret lands on disk.
std::string all_paths(const fs::path& dir) {
  std::string out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out += e.path().string() + "\n";
  return out;
}

class HttpRepository : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"})
      ::unsetenv(v);
    ::unsetenv("HTTP_AUTH");
    auto d = base::TempDir::create("ma-repo-http-");
    ASSERT_TRUE(d);
    dir_ = std::make_unique<base::TempDir>(std::move(*d));
    opts_.cache_dir = dir_->path() / "cache";
    opts_.fetch.retries = 1;
    opts_.fetch.retry_backoff_ms = 10;
    opts_.fetch.connect_timeout_s = 5;
  }
  fs::path path(const std::string& rel) const { return dir_->path() / rel; }
  std::unique_ptr<base::TempDir> dir_;
  Options opts_;
};

TEST_F(HttpRepository, FetchOnlineThenOfflineFromCache) {
  write_repo(path("www/os"), "x86_64",
             {{"app", "1.0-r0", {"liba", "libb"}}, {"liba", "1.0-r0"}, {"libb", "1.0-r0"}, {"extra", "1.0-r0"}});
  fs::create_directories(path("www/keys"));
  ASSERT_TRUE(base::write_file_atomic(path("www/keys/test.rsa.pub"), testing::test_key(0).public_pem));
  HttpServer server(path("www"));
  ASSERT_TRUE(server.running()) << "python3 -m http.server did not start";
  // http.server ignores credentials; they must still never show up in errors or file names.
  std::string base = "http://alice:s3cr3t@127.0.0.1:" + std::to_string(server.port());
  std::string key_url = base + "/keys/test.rsa.pub";
  RepoSpec spec = RepoSpec::parse(base + "/os").value();
  apk::Arch arch = apk::parse_arch("x86_64").value();

  std::vector<std::string> online_nevrs;
  size_t extra_id = 0;
  {
    auto keys = load_keyring({key_url}, opts_);
    ASSERT_TRUE(keys) << keys.error().message;
    ASSERT_NE(keys->find("test.rsa.pub"), nullptr);
    auto set = RepositorySet::open({spec}, *keys, arch, opts_);
    ASSERT_TRUE(set) << set.error().message;
    auto sol = solver::solve(set->universe(), world({"app"}));
    ASSERT_TRUE(sol) << sol.error().message;
    ASSERT_EQ(sol->packages.size(), 3u);
    ASSERT_TRUE(set->prefetch(sol->packages, 3));
    size_t cached = 0;
    for (const auto& e : fs::directory_iterator(opts_.cache_dir / "apk")) cached += e.path().extension() == ".apk";
    EXPECT_EQ(cached, 3u);
    for (size_t id : sol->packages) {
      auto pkg = set->fetch_package(id);
      ASSERT_TRUE(pkg) << pkg.error().message;
      online_nevrs.push_back(pkg->info().nevr());
    }
    for (size_t id = 0; id < set->universe().size(); ++id)
      if (set->universe().package(id).name == "extra") extra_id = id;

    // A missing package: a one-line error with the redacted URL.
    fs::rename(path("www/os/x86_64/extra-1.0-r0.apk"), path("extra.apk"));
    auto missing = set->fetch_package(extra_id);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, base::ErrorCode::kNotFound);
    EXPECT_NE(missing.error().message.find(server.url("/os/x86_64/extra-1.0-r0.apk")), std::string::npos)
        << missing.error().message;
    EXPECT_EQ(missing.error().to_string().find("s3cr3t"), std::string::npos) << missing.error().to_string();

    // A tampered package over HTTP is rejected and not cached.
    std::string other = testing::build_package({"extra", "1.0-r0", {}, {}, "tampered\n"}, "x86_64", 0, "test.rsa.pub");
    ASSERT_TRUE(base::write_file_atomic(path("www/os/x86_64/extra-1.0-r0.apk"), other));
    auto bad = set->fetch_package(extra_id);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, base::ErrorCode::kSignature);
    EXPECT_NE(bad.error().message.find(server.url("/os/x86_64/extra-1.0-r0.apk")), std::string::npos)
        << bad.error().message;
    EXPECT_EQ(bad.error().to_string().find("s3cr3t"), std::string::npos);
  }
  EXPECT_EQ(all_paths(opts_.cache_dir).find("s3cr3t"), std::string::npos) << all_paths(opts_.cache_dir);

  server.stop();
  Options offline = opts_;
  offline.offline = true;
  auto keys = load_keyring({key_url}, offline);
  ASSERT_TRUE(keys) << keys.error().message;
  auto set = RepositorySet::open({spec}, *keys, arch, offline);
  ASSERT_TRUE(set) << set.error().message;
  auto sol = solver::solve(set->universe(), world({"app"}));
  ASSERT_TRUE(sol) << sol.error().message;
  std::vector<std::string> offline_nevrs;
  for (size_t id : sol->packages) {
    auto pkg = set->fetch_package(id);
    ASSERT_TRUE(pkg) << pkg.error().message;
    offline_nevrs.push_back(pkg->info().nevr());
  }
  EXPECT_EQ(offline_nevrs, online_nevrs);
  EXPECT_TRUE(set->prefetch(sol->packages, 2));  // all cached: nothing to do

  auto never = set->fetch_package(extra_id);
  ASSERT_FALSE(never);
  EXPECT_EQ(never.error().message.rfind("offline and no cached copy of " +
                                        server.url("/os/x86_64/extra-1.0-r0.apk"), 0),
            0u)
      << never.error().message;
  auto pf = set->prefetch({extra_id}, 2);
  ASSERT_FALSE(pf);

  // Without the server and online, the error names the index URL (redacted).
  auto down = RepositorySet::open({spec}, *keys, arch, opts_);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, base::ErrorCode::kNetwork);
  EXPECT_NE(down.error().message.find(server.url("/os/x86_64/APKINDEX.tar.gz")), std::string::npos)
      << down.error().message;
  EXPECT_EQ(down.error().to_string().find("s3cr3t"), std::string::npos);
}

TEST_F(HttpRepository, DownloadsAreCheckedAgainstTheIndexWhileTheyStream) {
  write_repo(path("www/os"), "x86_64", {{"app", "1.0-r0"}, {"other", "1.0-r0"}});
  HttpServer server(path("www"));
  ASSERT_TRUE(server.running());
  auto keys = testing::test_keyring();
  Options no_cache = opts_;
  no_cache.cache_dir.clear();
  auto set = RepositorySet::open({RepoSpec::parse(server.url("/os")).value()}, keys,
                                 apk::parse_arch("x86_64").value(), no_cache);
  ASSERT_TRUE(set) << set.error().message;
  size_t app = set->universe().package(0).name == "app" ? 0 : 1;
  const std::string app_url = server.url("/os/x86_64/app-1.0-r0.apk");
  const std::string app_file = (path("www/os/x86_64/app-1.0-r0.apk")).string();
  std::string good = base::read_file(app_file).value();
  ASSERT_EQ(set->universe().package(app).package_size, good.size());

  // The right package followed by far more than the index says it weighs: stopped at the
  // limit (twice the indexed size + 1 MiB), not read to its end.
  ASSERT_TRUE(base::write_file_atomic(app_file, good + std::string(2 * good.size() + (2u << 20), '\0')));
  auto big = set->fetch_package(app);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, base::ErrorCode::kInvalidInput);
  EXPECT_EQ(big.error().message.rfind(app_url + ": larger than the limit of " +
                                          std::to_string(2 * good.size() + (1u << 20)) + " bytes", 0), 0u)
      << big.error().message;

  // Another package under this name: the checksum error names our URL once.
  ASSERT_TRUE(base::write_file_atomic(app_file, base::read_file(path("www/os/x86_64/other-1.0-r0.apk")).value()));
  auto swapped = set->fetch_package(app);
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().code, base::ErrorCode::kSignature);
  EXPECT_EQ(swapped.error().message.rfind(app_url + ": checksum Q1", 0), 0u) << swapped.error().message;
  EXPECT_EQ(swapped.error().message.find(app_url, 1), std::string::npos) << swapped.error().message;

  // An HTML page served as 200: not an apk.
  ASSERT_TRUE(base::write_file_atomic(app_file, "<html>maintenance</html>"));
  auto page = set->fetch_package(app);
  ASSERT_FALSE(page);
  EXPECT_NE(page.error().message.find("not an apk"), std::string::npos) << page.error().message;

  ASSERT_TRUE(base::write_file_atomic(app_file, good));
  auto ok = set->fetch_package(app);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->info().name, "app");
}

// Serves files like http.server, but holds every index request until a second one has
// arrived (up to 5 s, then 503): indexes fetched one after the other cannot succeed.
constexpr const char* kBarrierServer = R"PY(
import functools, http.server, sys, threading
barrier = threading.Barrier(2)
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path.endswith("/APKINDEX.tar.gz"):
            try:
                barrier.wait(timeout=5)
            except threading.BrokenBarrierError:
                barrier.reset()
                self.send_response(503); self.send_header("Content-Length", "0"); self.end_headers()
                return
        return super().do_GET()
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=sys.argv[1]))
print(f"Serving HTTP on 127.0.0.1 port {s.server_address[1]} (barrier)", flush=True)
s.serve_forever()
)PY";

TEST_F(HttpRepository, IndexesOfSeveralRepositoriesAreFetchedTogether) {
  write_repo(path("www/main"), "x86_64", {{"app", "1.0-r0", {"lib"}}});
  write_repo(path("www/extra"), "x86_64", {{"lib", "1.0-r0"}});
  ASSERT_TRUE(base::write_file_atomic(path("barrier.py"), kBarrierServer));
  HttpServer server(path("www"), path("barrier.py"));
  ASSERT_TRUE(server.running());
  auto keys = testing::test_keyring();
  Options o = opts_;
  o.fetch.retries = 0;
  auto set = RepositorySet::open({RepoSpec::parse(server.url("/main")).value(), RepoSpec::parse(server.url("/extra")).value()},
                                 keys, apk::parse_arch("x86_64").value(), o);
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->universe().size(), 2u);
  auto sol = solver::solve(set->universe(), world({"app"}));
  ASSERT_TRUE(sol) << sol.error().message;
  EXPECT_EQ(sol->packages.size(), 2u);
  // Repository order (and so priority) is the configuration's, whatever finished first.
  EXPECT_EQ(set->universe().package(0).name, "app");
}

// Unlike a local directory, a remote repository without the architecture's index is an error
// naming the URL, with a hint.
TEST_F(HttpRepository, RemoteMissingIndexIsAnErrorNamingTheUrl) {
  write_repo(path("www/os"), "aarch64", {{"app"}});
  HttpServer server(path("www"));
  ASSERT_TRUE(server.running());
  auto keys = testing::test_keyring();
  Options o = opts_;
  o.fetch.retries = 0;
  auto set = RepositorySet::open({RepoSpec::parse(server.url("/os")).value()}, keys, apk::parse_arch("x86_64").value(), o);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, base::ErrorCode::kNotFound);
  EXPECT_NE(set.error().message.find(server.url("/os/x86_64/APKINDEX.tar.gz")), std::string::npos) << set.error().message;
  EXPECT_NE(set.error().hint.find("x86_64"), std::string::npos) << set.error().hint;
}

TEST_F(HttpRepository, CorruptCacheEntryIsReplacedOnline) {
  write_repo(path("www/os"), "x86_64", {{"app"}});
  HttpServer server(path("www"));
  ASSERT_TRUE(server.running());
  auto keys = testing::test_keyring();
  auto set = RepositorySet::open({RepoSpec::parse(server.url("/os")).value()}, keys,
                                 apk::parse_arch("x86_64").value(), opts_);
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_TRUE(set->prefetch({0}, 1));
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(opts_.cache_dir / "apk")) entries.push_back(e.path());
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_TRUE(base::write_file_atomic(entries[0], "garbage"));
  Options offline = opts_;
  offline.offline = true;
  auto off = RepositorySet::open({RepoSpec::parse(server.url("/os")).value()}, keys,
                                 apk::parse_arch("x86_64").value(), offline);
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_FALSE(off->fetch_package(0));  // offline: the corrupt copy is an error
  auto pkg = set->fetch_package(0);     // online: downloaded again
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_NE(base::read_file(entries[0]).value(), "garbage");
  EXPECT_TRUE(off->fetch_package(0));
}

TEST_F(HttpRepository, MirrorToHttpProxyThenOfflineWithoutMirror) {
  write_repo(path("proxy/wolfi"), "x86_64", {{"app"}}, "wolfi-signing.rsa.pub");
  HttpServer server(path("proxy"));
  ASSERT_TRUE(server.running());
  auto keys = testing::test_keyring("wolfi-signing.rsa.pub");
  RepoSpec spec = RepoSpec::parse("https://packages.example.invalid/os").value();
  apk::Arch arch = apk::parse_arch("x86_64").value();
  Options o = opts_;
  o.mirrors = Mirrors::parse({"https://packages.example.invalid/os=" + server.url("/wolfi")}).value();
  {
    auto set = RepositorySet::open({spec}, keys, arch, o);
    ASSERT_TRUE(set) << set.error().message;
    auto pkg = set->fetch_package(0);
    ASSERT_TRUE(pkg) << pkg.error().message;
  }
  server.stop();
  // The cache is keyed by the original URL: offline works with or without the mirror rule.
  Options off = opts_;
  off.offline = true;
  auto set = RepositorySet::open({spec}, keys, arch, off);
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->package_url(0), "https://packages.example.invalid/os/x86_64/app-1.0-r0.apk");
  auto pkg = set->fetch_package(0);
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->trusted_by(), "wolfi-signing.rsa.pub");
}

}  // namespace
}  // namespace repo
