#include "apko/dot.hpp"

#include <gtest/gtest.h>

#include "apko/test_fixture.hpp"

namespace apko {
namespace {

TEST(Dot, EdgesFollowTheResolution) {
  auto f = testing::make_repo_fixture();
  auto plan = make_plan(f.config, {});
  ASSERT_TRUE(plan) << plan.error().to_string();
  std::string dot = resolution_dot(*plan, 0, "apko.yaml");
  EXPECT_EQ(dot.rfind("digraph \"apko.yaml (x86_64)\" {", 0), 0u) << dot;
  EXPECT_NE(dot.find("\"world\" -> \"app-1.0-r0\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"app-1.0-r0\" -> \"libfoo-2.0-r0\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"app-1.0-r0\" -> \"libbar-3.1-r2\" [label=\"so:libbar.so.1\"];"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("unused"), std::string::npos);
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
}

}  // namespace
}  // namespace apko
