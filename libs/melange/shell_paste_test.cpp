#include "melange/shell_paste.hpp"

#include <gtest/gtest.h>

namespace melange {
namespace {

TEST(ShellPaste, WordListsKeepTheirExpansions) {
  // Real recipe values (wolfi-dev/os): flags that read the build's environment.
  EXPECT_EQ(paste_words(R"(--with-extra-cflags="$CFLAGS" \
--with-boot-jdk=/usr/lib/jvm/default-jvm)"),
            R"(--with-extra-cflags="$CFLAGS" --with-boot-jdk=/usr/lib/jvm/default-jvm)");
  EXPECT_EQ(paste_words(R"(CPPFLAGS="$CPPFLAGS -DOPENSSL_NO_ENGINE")"), R"(CPPFLAGS="$CPPFLAGS -DOPENSSL_NO_ENGINE")");
  EXPECT_EQ(paste_words("-X 'a.b=$(date -u -d \"@$SOURCE_DATE_EPOCH\" +%Y)' ${V:-x} `uname -m`"),
            "-X 'a.b=$(date -u -d \"@$SOURCE_DATE_EPOCH\" +%Y)' ${V:-x} `uname -m`");
  EXPECT_EQ(paste_words("-DX=$(( 1 + 2 ))"), "-DX=$(( 1 + 2 ))");
  EXPECT_EQ(paste_words(""), "");
}

TEST(ShellPaste, CommentsAndNewlines) {
  EXPECT_EQ(paste_words("-DA=ON \\\n-DB=ON  # needs pandoc, which we don't have\n-DC=x#y\n"),
            "-DA=ON -DB=ON   -DC=x#y");
  EXPECT_EQ(paste_words("--a\n--b"), "--a --b");
}

TEST(ShellPaste, WhatIsNotAWordList) {
  for (const char* v : {"a; reboot", "a && b", "a | b", "(a)", "a &", "'open", "\"open",
                        "$(open", "${open", "`open", "ends\\"})
    EXPECT_FALSE(paste_words(v)) << v;
  // Operators inside quotes and substitutions are fine.
  EXPECT_EQ(paste_words("'a;b' \"c|d\" $(x; y) \\;"), "'a;b' \"c|d\" $(x; y) \\;");
}

TEST(ShellPaste, Redirections) {
  // wolfi's ceph test: `set -- ${{inputs.start}}` with a command that silences itself.
  EXPECT_EQ(paste_words("cephadm bootstrap --mon-ip $(ip route | jq -r .x) > /dev/null 2>&1\n"),
            "cephadm bootstrap --mon-ip $(ip route | jq -r .x) > /dev/null 2>&1");
  EXPECT_EQ(paste_words("a >>log <in 3<>f"), "a >>log <in 3<>f");
}

TEST(ShellPaste, InsideDoubleQuotes) {
  // wolfi's conjur-cli: quotes of its own in ldflags, pasted into -ldflags "-w ${{inputs.ldflags}}".
  EXPECT_EQ(paste_in_double_quotes("-X \"a.Tag=$(git rev-parse --short HEAD)\"\n-X \"a.Version=1.2\"\n"),
            "-X \"a.Tag=$(git rev-parse --short HEAD)\"\n-X \"a.Version=1.2\"\n");
  EXPECT_EQ(paste_in_double_quotes("a\" b\nc \""), "a\" b c \"");  // the newline outside quotes is a blank
  EXPECT_EQ(paste_in_double_quotes("-X m.C=$(git rev-parse HEAD)\n-X 'b=\"$(date -d \"@$E\")\"'"),
            "-X m.C=$(git rev-parse HEAD)\n-X 'b=\"$(date -d \"@$E\")\"'");  // ' is plain text in "..."
  EXPECT_FALSE(paste_in_double_quotes("a\" b"));  // leaves the quotes open
  EXPECT_EQ(paste_in_double_quotes("-X main.Commit=$(git rev-parse \"HEAD\")\n-X 'it''s'"),
            "-X main.Commit=$(git rev-parse \"HEAD\")\n-X 'it''s'");
  EXPECT_EQ(paste_in_double_quotes("a \\\" b ${X}"), "a \\\" b ${X}");
  EXPECT_FALSE(paste_in_double_quotes("x\" ; reboot ; \""));
  EXPECT_FALSE(paste_in_double_quotes("trailing\\"));
  EXPECT_FALSE(paste_in_double_quotes("$(unclosed"));
}

TEST(ShellPaste, HereDocumentBodies) {
  EXPECT_EQ(paste_in_here_document("say \"hi\" $HOME\nline 2"), "say \"hi\" $HOME\nline 2");
  EXPECT_FALSE(paste_in_here_document("$(unclosed"));
}

}  // namespace
}  // namespace melange
