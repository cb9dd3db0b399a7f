#include "base/interrupt.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

namespace base {
namespace {

TEST(Interrupt, ASignalBecomesAnInterruptedErrorNamingIt) {
  install_interrupt_handlers();
  reset_interrupt_for_testing();
  EXPECT_TRUE(check_interrupted("apko build"));
  ASSERT_EQ(::raise(SIGTERM), 0);  // handled: the test process lives on
  EXPECT_TRUE(interrupted());
  auto st = check_interrupted("apko build");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInterrupted);
  EXPECT_EQ(st.error().message, "apko build: interrupted by SIGTERM");
  EXPECT_EQ(exit_status(ErrorCode::kInterrupted), 130);
  reset_interrupt_for_testing();
  EXPECT_FALSE(interrupted());
}

TEST(Interrupt, ASecondSignalEndsTheProcess) {
  EXPECT_EXIT(
      {
        install_interrupt_handlers();
        reset_interrupt_for_testing();
        ::raise(SIGINT);
        ::raise(SIGINT);
        ::_exit(0);  // not reached
      },
      ::testing::KilledBySignal(SIGINT), "");
}

}  // namespace
}  // namespace base
