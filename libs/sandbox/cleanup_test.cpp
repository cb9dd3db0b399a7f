#include "sandbox/cleanup.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include "sandbox/process.hpp"

namespace sandbox {
namespace {

TEST(Cleanup, SignalKillsRegisteredChildrenAndIsNoted) {
  auto child = Child::spawn({"sleep", "60"}, SpawnOptions{});
  ASSERT_TRUE(child) << child.error().to_string();
  int h = cleanup::register_pid(child->pid());
  ASSERT_GE(h, 0);
  EXPECT_EQ(cleanup::interrupted(), 0);
  ::raise(SIGTERM);  // handled: the child is killed, this process goes on
  auto code = child->wait();
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 128 + SIGKILL);
  EXPECT_EQ(cleanup::interrupted(), SIGTERM);
  cleanup::unregister(h);
  struct sigaction now {};
  ::sigaction(SIGTERM, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL) << "the previous action is back for a second signal";
}

}  // namespace
}  // namespace sandbox
