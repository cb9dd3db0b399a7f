#include "base/dir_lock.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fs.hpp"

namespace base {
namespace {

TEST(DirLock, SecondHolderIsRefusedUntilTheFirstReleases) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  {
    auto first = DirLock::acquire(dir->path());
    ASSERT_TRUE(first) << first.error().message;
    // flock locks belong to the open file description: a second open conflicts even in
    // the same process, as another process would.
    auto second = DirLock::try_acquire(dir->path());
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::kConflict);
    EXPECT_NE(second.error().message.find(dir->path().string()), std::string::npos);
  }
  EXPECT_TRUE(DirLock::try_acquire(dir->path()));
}

TEST(DirLock, AnotherProcessWaitsForTheLock) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  // The child is forked before the lock is taken: a child forked while it is held would share
  // the parent's open file description, and with it the lock.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    char c;
    if (::read(ready[0], &c, 1) != 1) ::_exit(4);
    auto busy = DirLock::try_acquire(dir->path());
    if (busy) ::_exit(2);                          // must not get it while the parent holds it
    auto waited = DirLock::acquire(dir->path());  // blocks until the parent lets go
    ::_exit(waited ? 0 : 3);
  }
  {
    auto held = DirLock::acquire(dir->path());
    ASSERT_TRUE(held);
    ASSERT_EQ(::write(ready[1], "x", 1), 1);
    ::usleep(200 * 1000);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ::close(ready[0]);
  ::close(ready[1]);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(DirLock, AMissingDirectoryIsAnErrorNamingIt) {
  auto r = DirLock::acquire("/nonexistent/ma-lock-dir");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("/nonexistent/ma-lock-dir"), std::string::npos);
}

}  // namespace
}  // namespace base
