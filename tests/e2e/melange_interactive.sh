#!/usr/bin/env bash
# melange build --interactive: a failing step opens /bin/sh in the same bubblewrap guest, on
# the terminal (a pseudo-terminal from script(1) here), in the step's working directory and
# environment; the build still fails once the shell exits. Without a terminal it only warns.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
command -v script >/dev/null || skip "script(1) is not installed (util-linux)"
BOOT=$(boot_repo)
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
mkdir src ws ws2
broken_yaml "$BOOT" > src/broken.yaml

# On a terminal: the commands typed into the shell run inside the guest.
printf 'echo "$MARK $(pwd) $(cat half-done)" > /home/build/typed\nexit\n' |
  script -qec "$(printf '%q ' "$MELANGE" build src/broken.yaml --signing-key test.rsa --out-dir out --workspace-dir ws --interactive)" /dev/null \
  > tty.log 2>&1 && fail "the build succeeded although a step failed"
[ -f ws/typed ] || fail "the debug shell did not run the typed commands: $(tail -5 tty.log)"
[ "$(cat ws/typed)" = "from-the-build-env /home/build/sub half" ] || fail "shell context: $(cat ws/typed)"
grep -q "a shell opens in the build environment" tty.log || fail "no notice before the shell: $(tail -5 tty.log)"
[ -e out ] && [ -n "$(ls -A out)" ] && fail "the failed build left files in --out-dir"

# Without a terminal: a warning, the usual one-line failure, no shell.
"$MELANGE" build src/broken.yaml --signing-key test.rsa --out-dir out --workspace-dir ws2 --interactive \
  </dev/null >pipe.log 2>&1 && fail "the build succeeded although a step failed"
grep -q "standard input is not a terminal" pipe.log || fail "no warning without a terminal: $(tail -3 pipe.log)"
grep -q 'broken: step "(unnamed)" (src/broken.yaml:[0-9]*) failed with exit code 1' pipe.log || fail "no step failure line: $(tail -3 pipe.log)"
echo "ok: --interactive opens a shell in the failed guest on a terminal, and only warns without one"
