#!/usr/bin/env bash
# melange source get / pop against a local git repository: get clones the git-checkout source
# at expected-commit into <output>/<name> and applies the recipe's patches as commits; a new
# commit made there is popped back with the others into patch files next to the recipe,
# whose patch step becomes one git-am step (the rest of the file unchanged); get works
# again from the git-am step. Errors are one line.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
command -v git >/dev/null || skip "git is not installed"
command -v patch >/dev/null || skip "patch is not installed"
export GIT_AUTHOR_NAME=tester GIT_AUTHOR_EMAIL=tester@example.com GIT_COMMITTER_NAME=tester GIT_COMMITTER_EMAIL=tester@example.com
export GIT_CONFIG_NOSYSTEM=1 HOME=$WORK

git init -q -b main upstream
printf 'line one\nline two\n' > upstream/file.txt
git -C upstream add file.txt && git -C upstream commit -q -m "first"
COMMIT=$(git -C upstream rev-parse HEAD)
echo "later" >> upstream/file.txt && git -C upstream commit -q -am "later upstream change"

mkdir -p recipes/foo
cat > recipes/foo/fix.patch <<'EOF2'
--- a/file.txt
+++ b/file.txt
@@ -1,2 +1,2 @@
 line one
-line two
+line 2
EOF2
cat > recipes/foo.yaml <<EOF2
# the foo recipe
package:
  name: foo
  version: "1.0"
  epoch: 0
pipeline:
  - uses: git-checkout
    with:
      repository: file://$WORK/upstream
      expected-commit: $COMMIT
  - uses: patch   # our fix
    with:
      patches: fix.patch
  - runs: |
      echo build   # kept as written
EOF2
cp recipes/foo.yaml orig.yaml

"$MELANGE" source get recipes/foo.yaml -o src >get.log 2>&1 || fail "source get failed: $(tail -3 get.log)"
[ -d src/foo/.git ] || fail "no checkout in src/foo"
[ "$(git -C src/foo rev-parse HEAD~1)" = "$COMMIT" ] || fail "the patch commit does not sit on expected-commit: $(git -C src/foo log --oneline)"
[ "$(git -C src/foo log -1 --format=%s)" = "fix" ] || fail "patch commit subject: $(git -C src/foo log -1 --format=%s)"
grep -qx "line 2" src/foo/file.txt || fail "the patch was not applied: $(cat src/foo/file.txt)"
grep -q later src/foo/file.txt && fail "checked out the branch tip, not expected-commit"

echo "line three" >> src/foo/file.txt
git -C src/foo commit -q -am "add line three"
"$MELANGE" source pop recipes/foo.yaml -o src >pop.out 2>pop.log || fail "source pop failed: $(tail -3 pop.log)"
[ "$(cat pop.out)" = "$(printf '0001-fix.patch\n0002-add-line-three.patch')" ] || fail "pop printed: $(cat pop.out)"
[ -f recipes/foo/0001-fix.patch ] && [ -f recipes/foo/0002-add-line-three.patch ] || fail "patches not written: $(ls recipes/foo)"
grep -q "uses: git-am" recipes/foo.yaml || fail "no git-am step: $(cat recipes/foo.yaml)"
grep -qx "      patches: 0001-fix.patch 0002-add-line-three.patch" recipes/foo.yaml || fail "git-am patches: $(cat recipes/foo.yaml)"
grep -q "uses: patch" recipes/foo.yaml && fail "the patch step is still there"
grep -q "^# the foo recipe" recipes/foo.yaml && grep -q "echo build   # kept as written" recipes/foo.yaml ||
  fail "the rest of the recipe changed: $(cat recipes/foo.yaml)"
"$MELANGE" compile recipes/foo.yaml >/dev/null 2>compile.log || fail "the edited recipe does not compile: $(cat compile.log)"

# get again from the git-am step: both commits come back.
"$MELANGE" source get recipes/foo.yaml -o src2 >get2.log 2>&1 || fail "second source get failed: $(tail -3 get2.log)"
[ "$(git -C src2/foo rev-list --count "$COMMIT..HEAD")" = 2 ] || fail "expected 2 commits: $(git -C src2/foo log --oneline)"
grep -qx "line three" src2/foo/file.txt || fail "popped patch not applied"

expect_fail "src/foo: already exists" "$MELANGE" source get recipes/foo.yaml -o src
printf 'package:\n  name: bar\n  version: "1"\n  epoch: 0\npipeline:\n  - runs: "true"\n' > bar.yaml
expect_fail "bar.yaml: no git-checkout pipeline found in configuration" "$MELANGE" source get bar.yaml
expect_fail "bar.yaml: no expected-commit found in git-checkout pipeline" "$MELANGE" source pop bar.yaml
expect_fail "absent.yaml" "$MELANGE" source get absent.yaml
echo "ok: source get/pop round-trip patches through a git checkout"
