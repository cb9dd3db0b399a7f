#include "fetch/trace.hpp"

#include <gtest/gtest.h>

namespace fetch {
namespace {

TEST(Trace, CredentialHeadersAreRedacted) {
  EXPECT_EQ(trace_line("Authorization: Basic YWxpY2U6cHc=\r\n", true, {}), "Authorization: <redacted>");
  EXPECT_EQ(trace_line("authorization: Bearer tok", true, {}), "authorization: <redacted>");
  EXPECT_EQ(trace_line("Proxy-Authorization: Basic x", true, {}), "Proxy-Authorization: <redacted>");
  EXPECT_EQ(trace_line("Set-Cookie: s=1", true, {}), "Set-Cookie: <redacted>");
  EXPECT_EQ(trace_line("GET /os/x86_64/APKINDEX.tar.gz HTTP/1.1", true, {}), "GET /os/x86_64/APKINDEX.tar.gz HTTP/1.1");
}

TEST(Trace, SecretsAreRemovedFromEveryLine) {
  EXPECT_EQ(trace_line("Server auth using Basic with user 'alice:hunter2'", false, {"alice:hunter2", "hunter2"}),
            "Server auth using Basic with user '<redacted>'");
  EXPECT_EQ(trace_line("x hunter2 y hunter2", false, {"hunter2", ""}), "x <redacted> y <redacted>");
  EXPECT_EQ(trace_line("\r\n", true, {}), "");
  EXPECT_EQ(trace_line("bell\a", false, {}), "bell\\x07");
}

}  // namespace
}  // namespace fetch
