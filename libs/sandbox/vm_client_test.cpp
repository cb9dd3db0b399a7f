// The command channel end to end without a VM: ma-guest-init --serve-fd on one end of a
// socketpair (it runs the commands on this host), GuestClient on the other.
#include "sandbox/vm_client.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.hpp"

namespace sandbox {
namespace {

namespace fs = std::filesystem;

const fs::path kGuestInit = fs::path(MA_BINARY_DIR) / "apps/guest-init/ma-guest-init";

class GuestClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kGuestInit)) << kGuestInit << " not built (target ma-guest-init)";
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ::fcntl(sv[0], F_SETFD, FD_CLOEXEC);
    auto c = Child::spawn({kGuestInit.string(), "--serve-fd", std::to_string(sv[1])}, SpawnOptions{});
    ::close(sv[1]);
    ASSERT_TRUE(c) << c.error().to_string();
    guest_.emplace(std::move(*c));
    client_ = std::make_unique<GuestClient>(sv[0]);
    ASSERT_TRUE(client_->wait_hello(std::chrono::seconds(10), nullptr));
    auto d = base::TempDir::create("ma-vmclient-");
    ASSERT_TRUE(d);
    dir_.emplace(std::move(*d));
  }
  void TearDown() override {
    if (client_) {
      EXPECT_TRUE(client_->power_off());
    }
    if (guest_) {
      auto code = guest_->wait();
      ASSERT_TRUE(code);
      EXPECT_EQ(*code, 0);
    }
  }
  vm::ExecRequest req(std::vector<std::string> argv) {
    vm::ExecRequest r;
    r.argv = std::move(argv);
    r.env = {"PATH=/usr/bin:/bin", "FOO=bar"};
    r.work_dir = dir_->path().string();
    r.uid = ::getuid();
    r.gid = ::getgid();
    r.caps = ~0ull;
    return r;
  }
  std::optional<Child> guest_;
  std::unique_ptr<GuestClient> client_;
  std::optional<base::TempDir> dir_;
};

TEST_F(GuestClientTest, RunsCommandsWithEnvWorkdirOutputAndExitCode) {
  std::vector<std::string> out, err;
  auto code = client_->exec(req({"sh", "-c", "echo $FOO; pwd; echo oops >&2; printf tail; exit 7"}),
                            [&](std::string_view l, bool e) { (e ? err : out).emplace_back(l); }, std::chrono::seconds(0));
  ASSERT_TRUE(code) << code.error().to_string();
  EXPECT_EQ(*code, 7);
  EXPECT_EQ(out, (std::vector<std::string>{"bar", dir_->path().string(), "tail"}));
  EXPECT_EQ(err, (std::vector<std::string>{"oops"}));
  auto missing = client_->exec(req({"no-such-command-x"}), [&](std::string_view l, bool) { err.emplace_back(l); },
                               std::chrono::seconds(0));
  ASSERT_TRUE(missing);
  EXPECT_EQ(*missing, 127);
  EXPECT_NE(err.back().find("cannot run no-such-command-x"), std::string::npos) << err.back();
}

TEST_F(GuestClientTest, TimeoutKillsTheCommandAndTheChannelStaysUsable) {
  std::vector<std::string> out;
  auto t0 = std::chrono::steady_clock::now();
  auto r = client_->exec(req({"sh", "-c", "echo started; sleep 60; echo finished"}),
                         [&](std::string_view l, bool) { out.emplace_back(l); }, std::chrono::seconds(1));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("timed out after 1 s"), std::string::npos) << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_EQ(out, (std::vector<std::string>{"started"}));
  auto again = client_->exec(req({"true"}), nullptr, std::chrono::seconds(0));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST_F(GuestClientTest, TerminalSessionTypesInputAndReturnsTheExitCode) {
  int in[2], out[2];
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(out), 0);
  std::string typed = "tty -s && echo on-a-tty; stty size; echo \"foo=$FOO\"; exit 5\n";
  ASSERT_EQ(::write(in[1], typed.data(), typed.size()), ssize_t(typed.size()));
  ::close(in[1]);  // end of input only stops the typing
  auto code = client_->exec_tty(vm::TtyExecRequest{30, 100, req({"sh"})}, in[0], out[1]);
  ::close(in[0]);
  ::close(out[1]);
  ASSERT_TRUE(code) << code.error().to_string();
  EXPECT_EQ(*code, 5);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) got.append(buf, size_t(n));
  ::close(out[0]);
  EXPECT_NE(got.find("on-a-tty\r\n"), std::string::npos) << got;  // the shell's stdout is a terminal
  EXPECT_NE(got.find("30 100\r\n"), std::string::npos) << got;    // of the size asked for
  EXPECT_NE(got.find("foo=bar\r\n"), std::string::npos) << got;   // with the request's environment
  auto again = client_->exec(req({"true"}), nullptr, std::chrono::seconds(0));  // the channel is still in step
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST_F(GuestClientTest, CopyOutKeepsModesLinksAndContents) {
  fs::path src = dir_->path() / "src";
  fs::create_directories(src / "sub");
  ASSERT_TRUE(base::write_file_atomic(src / "sub/a.txt", std::string(600000, 'x')));
  ::chmod((src / "sub/a.txt").c_str(), 04711);
  fs::create_symlink("/etc/passwd", src / "abs-link");
  ::chmod((src / "sub").c_str(), 0750);
  auto st = client_->copy_out(src.string(), dir_->path() / "dst");
  ASSERT_TRUE(st) << st.error().to_string();
  EXPECT_EQ(base::read_file(dir_->path() / "dst/sub/a.txt")->size(), 600000u);
  EXPECT_EQ(fs::read_symlink(dir_->path() / "dst/abs-link"), "/etc/passwd");
  struct stat s;
  ASSERT_EQ(::stat((dir_->path() / "dst/sub/a.txt").c_str(), &s), 0);
  EXPECT_EQ(s.st_mode & 07777, 04711u);
  ASSERT_EQ(::stat((dir_->path() / "dst/sub").c_str(), &s), 0);
  EXPECT_EQ(s.st_mode & 07777, 0750u);
  auto missing = client_->copy_out((dir_->path() / "nope").string(), dir_->path() / "dst2");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no such directory"), std::string::npos);
  auto again = client_->exec(req({"true"}), nullptr, std::chrono::seconds(0));  // still in step
  ASSERT_TRUE(again);
}

}  // namespace
}  // namespace sandbox
