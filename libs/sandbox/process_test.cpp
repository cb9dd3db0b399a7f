#include "sandbox/process.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include "base/fs.hpp"

namespace sandbox {
namespace {

struct Captured {
  std::vector<std::string> out, err;
  OutputFn fn() {
    return [this](std::string_view l, bool is_err) { (is_err ? err : out).emplace_back(l); };
  }
};

TEST(LineSplitter, JoinsPiecesAndFlushesTail) {
  LineSplitter s;
  std::vector<std::string> lines;
  auto emit = [&](std::string_view l) { lines.emplace_back(l); };
  s.feed("ab", emit);
  s.feed("c\nd\n\ne", emit);
  EXPECT_EQ(lines, (std::vector<std::string>{"abc", "d", ""}));
  s.finish(emit);
  EXPECT_EQ(lines.back(), "e");
  lines.clear();
  s.feed(std::string(LineSplitter::kMaxLine * 2 + 5, 'x'), emit);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].size(), LineSplitter::kMaxLine);
  s.finish(emit);
  EXPECT_EQ(lines.back(), "xxxxx");
}

TEST(RunProcess, SeparatesStreamsAndReturnsExitCode) {
  Captured c;
  auto code = run_process({"sh", "-c", "echo one; echo two >&2; printf 'no newline'; exit 7"}, c.fn());
  ASSERT_TRUE(code) << code.error().to_string();
  EXPECT_EQ(*code, 7);
  EXPECT_EQ(c.out, (std::vector<std::string>{"one", "no newline"}));
  EXPECT_EQ(c.err, (std::vector<std::string>{"two"}));
}

TEST(RunProcess, SignalIsReportedAs128PlusN) {
  auto code = run_process({"sh", "-c", "kill -9 $$"}, {});
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 128 + 9);
}

TEST(RunProcess, MissingProgramIsNotFound) {
  auto code = run_process({"/nonexistent/program-xyz"}, {});
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error().code, base::ErrorCode::kNotFound);
  EXPECT_NE(code.error().message.find("program-xyz"), std::string::npos);
}

TEST(RunProcess, EnvironmentIsReplaced) {
  std::map<std::string, std::string> env = {{"FOO", "bar baz"}, {"PATH", "/usr/bin:/bin"}};
  Captured c;
  auto code = run_process({"sh", "-c", "echo \"$FOO\"; echo ${HOME-unset}"}, c.fn(), &env);
  ASSERT_TRUE(code);
  EXPECT_EQ(c.out, (std::vector<std::string>{"bar baz", "unset"}));
}

TEST(RunProcess, LargeOutputOnBothStreamsAndStdinDoNotDeadlock) {
  // 3 MB in through stdin and echoed back on stdout, while 2 MB go to stderr concurrently.
  std::string input;
  for (int i = 0; i < 100000; ++i) input += "line " + std::to_string(i) + " padding-padding\n";
  ASSERT_GT(input.size(), 2'000'000u);
  size_t out_bytes = 0, err_lines = 0, out_lines = 0;
  std::string last;
  auto code = run_process({"sh", "-c", "(yes errline | head -n 250000 >&2) & cat; wait"},
                          [&](std::string_view l, bool is_err) {
                            if (is_err) {
                              ++err_lines;
                            } else {
                              ++out_lines;
                              out_bytes += l.size() + 1;
                              last = l;
                            }
                          },
                          nullptr, input, std::chrono::seconds{30});
  ASSERT_TRUE(code) << code.error().to_string();
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(out_bytes, input.size());
  EXPECT_EQ(out_lines, 100000u);
  EXPECT_EQ(last, "line 99999 padding-padding");
  EXPECT_EQ(err_lines, 250000u);
}

TEST(RunProcess, TimeoutKillsTheProcessGroup) {
  auto t0 = std::chrono::steady_clock::now();
  auto code = run_process({"sh", "-c", "sleep 30; echo late"}, {}, nullptr, {}, std::chrono::seconds{1});
  auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error().code, base::ErrorCode::kSandbox);
  EXPECT_NE(code.error().message.find("timed out after 1s"), std::string::npos) << code.error().message;
  EXPECT_LT(elapsed, std::chrono::seconds{5});
}

TEST(RunProcess, BackgroundGrandchildHoldingPipesDoesNotHang) {
  Captured c;
  auto t0 = std::chrono::steady_clock::now();
  auto code = run_process({"sh", "-c", "sleep 4 & echo done"}, c.fn());
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(c.out, (std::vector<std::string>{"done"}));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds{3});
}

TEST(FindProgram, FindsShell) {
  EXPECT_FALSE(find_program("sh").empty());
  EXPECT_TRUE(find_program("no-such-program-xyz").empty());
}

// A grandchild in another session (as bubblewrap's sandbox is) escapes a process-group kill;
// kill_tree stops it too, and returns only once it has exited.
TEST(ChildKillTree, StopsDescendantsOutsideTheGroupAndWaitsForThem) {
  SpawnOptions o;
  o.out = Stdio::kPipe;
  auto child = Child::spawn({"sh", "-c", "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!; wait"}, o);
  ASSERT_TRUE(child) << child.error().to_string();
  std::string line;
  char c = 0;
  while (::read(child->stdout_fd(), &c, 1) == 1 && c != '\n') line += c;
  const pid_t grandchild = pid_t(std::stol(line));
  auto alive = [](pid_t p) {
    std::ifstream f("/proc/" + std::to_string(p) + "/stat");
    std::string s;
    if (!std::getline(f, s)) return false;
    char state = s[s.rfind(')') + 2];
    return state != 'Z' && state != 'X';
  };
  ASSERT_TRUE(alive(grandchild));
  child->kill_tree(std::chrono::milliseconds(100));
  EXPECT_FALSE(alive(grandchild));
  int code = 0;
  EXPECT_TRUE(child->try_wait(&code));
}

// A descendant forked after kill_tree first looked (during the grace period: here the shell
// ignores SIGTERM and starts it 0.2 s in, in another session) is found again and stopped.
TEST(ChildKillTree, StopsADescendantStartedDuringTheGrace) {
  auto dir = base::TempDir::create("ma-killtree-");
  ASSERT_TRUE(dir);
  const std::string pidfile = (dir->path() / "pid").string();
  SpawnOptions o;
  o.out = Stdio::kPipe;
  auto child = Child::spawn({"sh", "-c", "trap '' TERM; echo ready; sleep 0.2; setsid sleep 300 </dev/null >/dev/null 2>&1 & "
                                         "echo $! > " + pidfile + "; wait"},
                            o);
  ASSERT_TRUE(child) << child.error().to_string();
  char c = 0;
  while (::read(child->stdout_fd(), &c, 1) == 1 && c != '\n') {
  }
  child->kill_tree(std::chrono::milliseconds(1500));
  auto text = base::read_file(pidfile);
  ASSERT_TRUE(text) << "the grandchild never started";
  const pid_t grandchild = pid_t(std::stol(*text));
  std::ifstream f("/proc/" + std::to_string(grandchild) + "/stat");
  std::string stat;
  const bool alive = std::getline(f, stat) && stat[stat.rfind(')') + 2] != 'Z';
  if (alive) ::kill(grandchild, SIGKILL);
  EXPECT_FALSE(alive) << "the grandchild started during the grace period survived";
}

}  // namespace
}  // namespace sandbox
