#include "melange/script_inputs.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "base/fs.hpp"
#include "testutil/testutil.hpp"

namespace melange {
namespace {

std::string render(std::string_view runs, const VarMap& in) {
  auto r = render_script_inputs(runs, in);
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : std::string();
}

TEST(ScriptInputs, UnquotedReferences) {
  VarMap in{{"inputs.opts", R"x(--with-x="a b" --enable-y 'c d' $(reboot) ;rm)x"}};
  EXPECT_EQ(render("./configure ${{inputs.opts}}\n", in),
            "./configure '--with-x=a b' '--enable-y' 'c d' '$(reboot)' ';rm'\n");
  EXPECT_EQ(render("make ${{ inputs.opts }}", {{"inputs.opts", ""}}), "make ");
  // A plain word list is pasted as melange pastes it, expansions included.
  EXPECT_EQ(render("x --p=${{inputs.p}}/usr", {{"inputs.p", "/opt"}}), "x --p=/opt/usr");
  EXPECT_EQ(render("echo $(ls ${{inputs.p}})", {{"inputs.p", "a b"}}), "echo $(ls a b)");
  EXPECT_EQ(render("./configure ${{inputs.opts}}", {{"inputs.opts", "--with-cflags=\"$CFLAGS\" \\\n--x"}}),
            "./configure --with-cflags=\"$CFLAGS\" --x");
}

TEST(ScriptInputs, QuotedReferences) {
  VarMap in{{"inputs.dir", "it's here"}};
  EXPECT_EQ(render(R"x(cd "${{inputs.dir}}")x", in), R"x(cd "it's here")x");
  // A value that would close the double quotes is the environment variable instead.
  EXPECT_EQ(render(R"x(cd "${{inputs.dir}}")x", {{"inputs.dir", "x\" ; reboot ; \""}}), R"x(cd "${INPUT_DIR}")x");
  EXPECT_EQ(render(R"x(go build -ldflags "-w ${{inputs.ldflags}}")x", {{"inputs.ldflags", "-X m.C=$(git rev-parse HEAD)"}}),
            R"x(go build -ldflags "-w -X m.C=$(git rev-parse HEAD)")x");
  EXPECT_EQ(render(R"x(echo '${{inputs.dir}}')x", in), R"x(echo 'it'\''s here')x");
  VarMap words{{"inputs.w", R"x(it\'s "a b")x"}};
  EXPECT_EQ(render(R"x(echo "$(ls ${{inputs.w}})")x", words), R"x(echo "$(ls it\'s "a b")")x");
  EXPECT_EQ(render(R"x(echo "\"${{inputs.dir}}")x", in), R"x(echo "\"it's here")x");
  EXPECT_EQ(render(R"x(echo \'${{inputs.w}})x", words), R"x(echo \'it\'s "a b")x");
  EXPECT_FALSE(render_script_inputs("cd ${{inputs.dir}}", in));  // an unpaired ' in a word list
}

TEST(ScriptInputs, OtherNamesCommentsAndErrors) {
  VarMap in{{"inputs.a", "x y"}};
  EXPECT_EQ(render("echo ${{targets.destdir}} ${{inputs.nope}}", in), "echo ${{targets.destdir}} ${{inputs.nope}}");
  EXPECT_EQ(render("# uses ${{inputs.a}} here\necho ${{inputs.a}}", in), "# uses ${{inputs.a}} here\necho x y");
  auto bad = render_script_inputs("make ${{inputs.opts}}", {{"inputs.opts", "CFLAGS=\"-O2"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("input \"opts\""), std::string::npos);
  EXPECT_NE(bad.error().message.find("unterminated quote"), std::string::npos);
}

TEST(ScriptInputs, HereDocuments) {
  VarMap in{{"inputs.a", "x y"}};
  EXPECT_EQ(render("cat <<EOF\n${{inputs.a}}\nEOF\necho ${{inputs.a}}\n", in),
            "cat <<EOF\nx y\nEOF\necho x y\n");
  EXPECT_EQ(render("cat <<EOF\n${{inputs.a}}\nEOF\n", {{"inputs.a", "$(open"}}), "cat <<EOF\n${INPUT_A}\nEOF\n");
  EXPECT_EQ(render("cat <<-'EOF' >f\n\t${{inputs.a}}\n\tEOF\n", in), "cat <<-'EOF' >f\n\tx y\n\tEOF\n");
  EXPECT_FALSE(render_script_inputs("cat <<'E'\n${{inputs.a}}\nE\n", {{"inputs.a", "1\nE\nreboot"}}));
  EXPECT_FALSE(render_script_inputs("cat <<-'E'\n${{inputs.a}}\nE\n", {{"inputs.a", "1\n\tE\nreboot"}}));
  // Several lines of data in a quoted here-document (wolfi's test/daemon-check-output) stay as written.
  EXPECT_EQ(render("cat > f <<'END'\n${{inputs.a}}\nEND\n", {{"inputs.a", "line 1\n$(not run) 'x\nENDING"}}),
            "cat > f <<'END'\nline 1\n$(not run) 'x\nENDING\nEND\n");
}

TEST(ScriptInputs, CommentsInWordLists) {
  // melange pastes opts into the script, so a recipe's `# why` note is a shell comment there.
  VarMap in{{"inputs.opts", "--a \\\n  --b  # needs pandoc, which we don't have\n--c"}};
  EXPECT_EQ(render("cmake ${{inputs.opts}}\n", in), "cmake --a   --b   --c\n");
  // ... also when the value is not a plain word list and is passed as literal words.
  EXPECT_EQ(render("cmake ${{inputs.opts}}\n", {{"inputs.opts", "--a;b # don't\n--c"}}), "cmake '--a;b' '--c'\n");
}

// The rendered script, run by a real shell, passes exactly the words the user quoted.
TEST(ScriptInputs, ShellReadsBackTheWords) {
  base::TempDir tmp = base::TempDir::create("script-inputs-").value();
  VarMap in{{"inputs.opts", R"x(--a="b c" 'd"e' f\ g $(touch pwned) `touch pwned` ;touch pwned)x"}};
  std::string script = render("cd \"$1\"\nfor w in ${{inputs.opts}}; do printf '[%s]\\n' \"$w\"; done\n", in);
  std::ofstream(tmp.path() / "s.sh") << script;
  auto out = testutil::run_capture("sh " + (tmp.path() / "s.sh").string() + " " + tmp.path().string());
  EXPECT_EQ(out, "[--a=b c]\n[d\"e]\n[f g]\n[$(touch]\n[pwned)]\n[`touch]\n[pwned`]\n[;touch]\n[pwned]\n");
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "pwned"));
}

}  // namespace
}  // namespace melange
