#include "common/cli.hpp"

#include <gtest/gtest.h>

namespace cli {
namespace {

TEST(JoinBoolValues, TwoWordBooleansBecomeOne) {
  CLI::App app{"t", "t"};
  bool top = false;
  app.add_flag("--verbose", top, "");
  CLI::App* build = app.add_subcommand("build", "");
  bool index = true, rm = true;
  std::string out;
  build->add_flag("--generate-index", index, "");
  build->add_flag("-r,--rm", rm, "");
  build->add_option("--out-dir", out, "");
  using V = std::vector<std::string>;
  EXPECT_EQ(join_bool_values(app, V{"build", "x.yaml", "--generate-index", "false", "--rm", "true", "--verbose", "false"}),
            (V{"build", "x.yaml", "--generate-index=false", "--rm=true", "--verbose=false"}));
  // An option's value, a flag before another word or a short name, and "false" alone stay.
  EXPECT_EQ(join_bool_values(app, V{"build", "--out-dir", "false", "--generate-index", "x.yaml", "-r", "false", "false"}),
            (V{"build", "--out-dir", "false", "--generate-index", "x.yaml", "-r", "false", "false"}));
  // And it parses: the flag takes the value.
  auto args = join_bool_values(app, V{"build", "--generate-index", "false"});
  std::reverse(args.begin(), args.end());
  app.parse(args);
  EXPECT_FALSE(index);
}

}  // namespace
}  // namespace cli
