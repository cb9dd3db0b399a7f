#include "melange/bump.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "testutil/testutil.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

// python3 -m http.server on 127.0.0.1 (a free port), stopped on destruction.
class HttpServer {
 public:
  explicit HttpServer(const fs::path& root) : log_(root / ".server.log") {
    std::string cmd = "cd " + testutil::shell_quote(root.string()) +
                      " && (exec python3 -u -m http.server 0 --bind 127.0.0.1 > " +
                      testutil::shell_quote(log_.string()) + " 2>&1) & echo $!";
    long long pid = 0;
    if (base::parse_int64(base::trim(testutil::run_capture(cmd)), &pid)) pid_ = static_cast<pid_t>(pid);
    for (int i = 0; i < 100 && port_.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      auto text = base::read_file(log_);
      if (!text) continue;
      auto at = text->find(" port ");
      if (at == std::string::npos) continue;
      size_t end = text->find_first_not_of("0123456789", at + 6);
      port_ = text->substr(at + 6, end - at - 6);
    }
  }
  ~HttpServer() {
    if (pid_ > 0) kill(pid_, SIGTERM);
  }
  std::string url(const std::string& file) const { return "http://127.0.0.1:" + port_ + "/" + file; }
  bool ok() const { return pid_ > 0 && !port_.empty(); }

 private:
  fs::path log_;
  pid_t pid_ = 0;
  std::string port_;
};

TEST(Bump, KeepsCommentsUpdatesVersionEpochAndChecksum) {
  if (testutil::run_quiet("python3 --version") != 0) GTEST_SKIP() << "python3 not available";
  auto tmp = base::TempDir::create("ma-bump-").value();
  std::ofstream(tmp.path() / "hello-2.11.tar.gz") << "new release contents\n";
  HttpServer server(tmp.path());
  ASSERT_TRUE(server.ok()) << "could not start python3 -m http.server";
  std::string base_url = server.url("");
  const std::string old_sha(64, '0');
  const std::string yaml = "# top comment\npackage:\n  name: hello\n  version: \"2.10\"  # the version\n"
                           "  epoch: 3\n  description: keep me\n\npipeline:\n  # fetch the sources\n"
                           "  - uses: fetch\n    with:\n      uri: " + base_url + "hello-${{package.version}}.tar.gz\n"
                           "      expected-sha256: " + old_sha + " # sum\n  - runs: echo done\n";
  fs::path file = tmp.path() / "melange.yaml";
  std::ofstream(file) << yaml;
  fetch::Client client;
  auto st = bump_config_file(file, BumpOptions{"2.11", ""}, client);
  ASSERT_TRUE(st) << st.error().message;
  std::string out = base::read_file(file).value();
  // Independent checksum of the served file.
  std::string sum = testutil::run_capture("sha256sum " + testutil::shell_quote((tmp.path() / "hello-2.11.tar.gz").string()));
  std::string sha = sum.substr(0, sum.find(' '));
  ASSERT_EQ(sha.size(), 64u);
  std::string expected = "# top comment\npackage:\n  name: hello\n  version: \"2.11\"  # the version\n"
                         "  epoch: 0\n  description: keep me\n\npipeline:\n  # fetch the sources\n"
                         "  - uses: fetch\n    with:\n      uri: " + base_url + "hello-${{package.version}}.tar.gz\n"
                         "      expected-sha256: " + sha + " # sum\n  - runs: echo done\n";
  EXPECT_EQ(out, expected);

  // Same version again: epoch + 1, checksum unchanged.
  ASSERT_TRUE(bump_config_file(file, BumpOptions{"2.11", ""}, client));
  std::string again = base::read_file(file).value();
  EXPECT_NE(again.find("  epoch: 1\n"), std::string::npos) << again;
  EXPECT_NE(again.find(sha), std::string::npos);
}

TEST(Bump, InsertsEpochAndSetsExpectedCommit) {
  auto tmp = base::TempDir::create("ma-bump-").value();
  const std::string c1(40, 'a'), c2(40, 'b');
  std::string yaml = "package:\n  name: x\n  version: 1.0\npipeline:\n  - uses: git-checkout\n    with:\n"
                     "      repository: https://example.com/x\n      tag: v${{package.version}}\n"
                     "      expected-commit: " + c1 + "\n";
  fetch::Client client;
  auto out = bump_config_text(yaml, "x.yaml", BumpOptions{"1.1", c2}, client);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "package:\n  name: x\n  version: 1.1\n  epoch: 0\npipeline:\n  - uses: git-checkout\n    with:\n"
                  "      repository: https://example.com/x\n      tag: v${{package.version}}\n"
                  "      expected-commit: " + c2 + "\n");
}

TEST(Bump, DownloadFailureLeavesFileUntouched) {
  auto tmp = base::TempDir::create("ma-bump-").value();
  fs::path file = tmp.path() / "m.yaml";
  const std::string yaml = "package:\n  name: x\n  version: 1\npipeline:\n  - uses: fetch\n    with:\n      uri: " +
                           (tmp.path() / "missing-${{package.version}}.tgz").string() + "\n      expected-sha256: " +
                           std::string(64, '1') + "\n";
  std::ofstream(file) << yaml;
  fetch::Client client;
  auto st = bump_config_file(file, BumpOptions{"2", ""}, client);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("missing-2.tgz"), std::string::npos) << st.error().message;
  EXPECT_EQ(base::read_file(file).value(), yaml);
}

}  // namespace
}  // namespace melange
