#include "common/completion.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "testutil/testutil.hpp"

namespace cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A small tool: `demo [--log-level L] build|bump|source get|source pop|completion SHELL`.
struct Demo {
  CLI::App app{"demo tool", "demo"};
  std::string s;
  std::vector<std::string> v;
  bool b = false;
  Demo() {
    app.add_option("--log-level", s, "Log level");
    auto* build = app.add_subcommand("build", "Build things\nsecond line");
    build->add_option("config", s, "The YAML");
    build->add_option("--arch", v, "Architectures")->delimiter(',');
    build->add_option("-k,--keyring-append", v, "Keys");
    build->add_option("--runner", s, "Runner")->check(CLI::IsMember({"bubblewrap", "docker"}));
    build->add_flag("--debug", b, "Debug 'quoted'");
    build->add_flag("--secret", b, "hidden")->group("");
    app.add_subcommand("bump", "Bump a version");
    auto* source = app.add_subcommand("source", "Manage sources");
    source->add_option("-o,--output", s, "Output dir");
    source->add_subcommand("get", "Get it");
    source->add_subcommand("pop", "Pop it");
    auto* comp = app.add_subcommand("completion", "Completion");
    comp->add_option("shell", s, "Shell")->check(CLI::IsMember({"bash", "zsh", "fish"}));
    app.add_subcommand("hidden", "not shown")->group("");
  }
};

const CompletionNode* child(const CompletionNode& n, const std::string& name) {
  for (const auto& c : n.children)
    if (c.name == name) return &c;
  return nullptr;
}

const CompletionFlag* flag(const CompletionNode& n, const std::string& name) {
  for (const auto& f : n.flags)
    for (const auto& x : f.names)
      if (x == name) return &f;
  return nullptr;
}

TEST(CompletionModel, WalksSubcommandsFlagsAndChoices) {
  Demo d;
  CompletionNode root = completion_model(d.app);
  std::vector<std::string> names;
  for (const auto& c : root.children) names.push_back(c.name);
  EXPECT_THAT(names, ElementsAre("build", "bump", "source", "completion"));  // hidden one left out
  ASSERT_NE(flag(root, "--log-level"), nullptr);
  EXPECT_TRUE(flag(root, "--log-level")->takes_value);
  ASSERT_NE(flag(root, "--help"), nullptr);
  EXPECT_FALSE(flag(root, "--help")->takes_value);

  const CompletionNode* build = child(root, "build");
  ASSERT_NE(build, nullptr);
  EXPECT_EQ(build->help, "Build things");
  ASSERT_NE(flag(*build, "-k"), nullptr);
  EXPECT_THAT(flag(*build, "-k")->names, ElementsAre("--keyring-append", "-k"));
  EXPECT_TRUE(flag(*build, "--arch")->takes_value);
  EXPECT_FALSE(flag(*build, "--debug")->takes_value);
  EXPECT_EQ(flag(*build, "--secret"), nullptr);
  EXPECT_THAT(flag(*build, "--runner")->choices, ElementsAre("bubblewrap", "docker"));
  EXPECT_TRUE(build->positional_choices.empty());

  const CompletionNode* source = child(root, "source");
  ASSERT_NE(source, nullptr);
  ASSERT_EQ(source->children.size(), 2u);
  EXPECT_EQ(source->children[1].name, "pop");
  EXPECT_THAT(child(root, "completion")->positional_choices, ElementsAre("bash", "zsh", "fish"));
}

TEST(CompletionModel, ParseShell) {
  EXPECT_EQ(*parse_shell("bash"), Shell::kBash);
  EXPECT_EQ(*parse_shell("zsh"), Shell::kZsh);
  EXPECT_EQ(*parse_shell("fish"), Shell::kFish);
  auto bad = parse_shell("powershell");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, base::ErrorCode::kUsage);
  EXPECT_THAT(bad.error().to_string(), HasSubstr("powershell"));
}

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// Runs the bash script's completion function for the words typed so far (the last one is
// the word under the cursor) and returns COMPREPLY joined by spaces.
std::string bash_complete(const std::string& script, const std::string& words) {
  std::string file = write_temp("demo-completion.bash", script);
  std::string cmd = "bash --norc -c " + testutil::shell_quote("cd " + ::testing::TempDir() + " && source " + file +
                                                               " && COMP_WORDS=(" + words +
                                                               ") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _demo && "
                                                               "echo \"${COMPREPLY[*]}\"");
  int status = -1;
  std::string out = testutil::run_capture(cmd, &status);
  EXPECT_EQ(status, 0) << cmd;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(CompletionScript, BashCompletesCommandsFlagsValuesAndNesting) {
  Demo d;
  std::string script = completion_script(completion_model(d.app), "demo", Shell::kBash);
  EXPECT_THAT(script, HasSubstr("complete -F _demo demo\n"));
  EXPECT_EQ(testutil::run_quiet("bash -n " + write_temp("demo-n.bash", script)), 0);

  EXPECT_EQ(bash_complete(script, "demo b"), "build bump");
  EXPECT_EQ(bash_complete(script, "demo ''"), "build bump source completion");
  EXPECT_EQ(bash_complete(script, "demo --log-level debug s"), "source");  // the option's value is skipped
  EXPECT_EQ(bash_complete(script, "demo --log"), "--log-level");
  EXPECT_EQ(bash_complete(script, "demo build --d"), "--debug");
  EXPECT_EQ(bash_complete(script, "demo build --runner ''"), "bubblewrap docker");
  EXPECT_EQ(bash_complete(script, "demo build -k"), "-k");
  EXPECT_EQ(bash_complete(script, "demo source -o out ''"), "get pop");
  EXPECT_EQ(bash_complete(script, "demo source get --"), "--help");
  EXPECT_EQ(bash_complete(script, "demo completion ''"), "bash zsh fish");
  EXPECT_EQ(bash_complete(script, "demo completion z"), "zsh");
  EXPECT_EQ(bash_complete(script, "demo h"), "");  // hidden
}

TEST(CompletionScript, ZshAndFishScriptsCarryDescriptionsAndQuoting) {
  Demo d;
  CompletionNode root = completion_model(d.app);
  std::string zsh = completion_script(root, "demo", Shell::kZsh);
  EXPECT_EQ(zsh.rfind("#compdef demo\n", 0), 0u);
  EXPECT_THAT(zsh, HasSubstr("'build:Build things'"));
  EXPECT_THAT(zsh, HasSubstr("'--debug:Debug '\\''quoted'\\'''"));
  EXPECT_THAT(zsh, HasSubstr("compdef _demo demo"));
  std::string fish = completion_script(root, "demo", Shell::kFish);
  EXPECT_THAT(fish, HasSubstr("complete -c demo -f -n '__demo_at \\'\\'' -a build -d 'Build things'\n"));
  EXPECT_THAT(fish, HasSubstr("-s k"));
  EXPECT_THAT(fish, HasSubstr("-l runner -x -a 'bubblewrap docker'"));
  EXPECT_THAT(fish, HasSubstr("-d 'Debug \\'quoted\\''"));
  if (testutil::run_quiet("command -v zsh") == 0) {
    EXPECT_EQ(testutil::run_quiet("zsh -n " + write_temp("demo-n.zsh", zsh)), 0);
  }
  if (testutil::run_quiet("command -v fish") == 0) {
    std::string file = write_temp("demo.fish", fish);
    EXPECT_EQ(testutil::run_quiet("fish -n " + file), 0);
    std::string out = testutil::run_capture("fish --no-config -c " +
                                            testutil::shell_quote("source " + file + "; complete -C 'demo source '"));
    EXPECT_THAT(out, HasSubstr("get\tGet it"));
    EXPECT_THAT(out, HasSubstr("pop\tPop it"));
  }
}

}  // namespace
}  // namespace cli
