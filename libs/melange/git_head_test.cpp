#include "melange/git_head.hpp"

#include <gtest/gtest.h>

#include "base/fs.hpp"
#include "sandbox/process.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

std::string git(const fs::path& dir, const std::string& args) {
  std::string out;
  auto rc = sandbox::run_process({"sh", "-c", "git -C '" + dir.string() + "' " + args}, [&](std::string_view l, bool err) {
    if (!err) out += std::string(l);
  });
  EXPECT_TRUE(rc && *rc == 0) << args;
  return out;
}

// Checked against git itself: a branch (loose ref, then packed), a detached HEAD, a worktree,
// from a subdirectory; and no repository at all.
TEST(GitHead, ReadsWhatGitRevParseSays) {
  ASSERT_FALSE(sandbox::find_program("git").empty()) << "git is needed as the independent reader";
  auto tmp = base::TempDir::create("ma-githead-");
  ASSERT_TRUE(tmp);
  const fs::path repo = tmp->path() / "repo";
  fs::create_directories(repo / "sub" / "dir");
  git(tmp->path(), "init -q -b main repo");
  const std::string id = "-c user.name=t -c user.email=t@example.com";
  ASSERT_TRUE(base::write_file_atomic(repo / "sub/dir/x.yaml", "a"));
  git(repo, "add -A");
  git(repo, id + " commit -q -m one");
  std::string first = git(repo, "rev-parse HEAD");
  EXPECT_EQ(git_head_commit(repo / "sub/dir"), first);
  git(repo, "pack-refs --all");
  EXPECT_EQ(git_head_commit(repo / "sub/dir"), first);
  ASSERT_TRUE(base::write_file_atomic(repo / "sub/dir/x.yaml", "b"));
  git(repo, id + " commit -q -am two");
  std::string second = git(repo, "rev-parse HEAD");
  ASSERT_NE(first, second);
  EXPECT_EQ(git_head_commit(repo), second);
  git(repo, "checkout -q --detach " + first);
  EXPECT_EQ(git_head_commit(repo), first);
  git(repo, "checkout -q main");
  git(repo, "worktree add -q ../wt " + first);
  EXPECT_EQ(git_head_commit(tmp->path() / "wt" / "sub"), first);
  EXPECT_EQ(git_head_commit(repo), second);
  // A `.git` that leads nowhere is no answer, not an error (and the search stops there).
  fs::create_directories(tmp->path() / "broken");
  ASSERT_TRUE(base::write_file_atomic(tmp->path() / "broken/.git", "gitdir: /nonexistent-ma-gitdir\n"));
  EXPECT_FALSE(git_head_commit(tmp->path() / "broken"));
}

}  // namespace
}  // namespace melange
