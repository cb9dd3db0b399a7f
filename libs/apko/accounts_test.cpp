#include "apko/accounts.hpp"

#include <gtest/gtest.h>

namespace apko {
namespace {

using rootfs::Content;
using rootfs::Meta;

config::Accounts sample() {
  config::Accounts a;
  a.run_as = "nonroot";
  a.users.push_back({"nonroot", 65532, std::nullopt, "", "", 0});
  a.users.push_back({"svc", 1000, 1001, "/bin/bash", "/var/lib/svc", 0});
  a.groups.push_back({"nonroot", 65532, {"nonroot"}, 0});
  a.groups.push_back({"svc", 1001, {"svc", "nonroot"}, 0});
  return a;
}

TEST(Accounts, WritesPasswdGroupShadowAndHomes) {
  rootfs::Tree t;
  ASSERT_TRUE(t.mkdir_p("etc", Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("etc/passwd", Content::own("root:x:0:0:root:/root:/bin/sh\nnonroot:x:1:1:old:/x:/y\n"),
                           Meta{0644, 0, 0, 0, {}}));
  ASSERT_TRUE(write_accounts(t, sample()));
  EXPECT_EQ(*t.read_file("etc/passwd"),
            "root:x:0:0:root:/root:/bin/sh\n"
            "nonroot:x:65532:65532:Account created by apko:/home/nonroot:/bin/sh\n"
            "svc:x:1000:1001:Account created by apko:/var/lib/svc:/bin/bash\n");
  EXPECT_EQ(*t.read_file("etc/group"), "nonroot:x:65532:nonroot\nsvc:x:1001:svc,nonroot\n");
  EXPECT_EQ(*t.read_file("etc/shadow"), "nonroot:!:::::::\nsvc:!:::::::\n");
  auto home = t.lookup("home/nonroot");
  ASSERT_TRUE(home);
  EXPECT_EQ((*home)->meta.mode, 0700u);
  EXPECT_EQ((*home)->meta.uid, 65532u);
  EXPECT_EQ((*home)->meta.gid, 65532u);
  auto svc = t.lookup("var/lib/svc");
  ASSERT_TRUE(svc);
  EXPECT_EQ((*svc)->meta.uid, 1000u);
  EXPECT_EQ((*svc)->meta.gid, 1001u);
  EXPECT_EQ(resolve_run_as(t, "nonroot"), "65532");
  EXPECT_EQ(resolve_run_as(t, "svc:svc"), "1000:svc");
  EXPECT_EQ(resolve_run_as(t, "4242"), "4242");
  EXPECT_EQ(resolve_run_as(t, "nobody"), "nobody");
}

TEST(Accounts, EmptyAccountsStillWritePasswdOnly) {
  rootfs::Tree t;
  ASSERT_TRUE(write_accounts(t, {}));
  EXPECT_EQ(*t.read_file("etc/passwd"), "");
  EXPECT_FALSE(t.exists("etc/group"));
  EXPECT_FALSE(t.exists("etc/shadow"));
}

TEST(Accounts, ExistingHomeIsLeftAlone) {
  rootfs::Tree t;
  ASSERT_TRUE(t.mkdir_p("home/nonroot", Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(write_accounts(t, sample()));
  EXPECT_EQ((*t.lookup("home/nonroot"))->meta.mode, 0755u);
  EXPECT_EQ((*t.lookup("home/nonroot"))->meta.uid, 0u);
}

}  // namespace
}  // namespace apko
