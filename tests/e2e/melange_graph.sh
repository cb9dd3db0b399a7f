#!/usr/bin/env bash
# Graph builds: 30 generated recipes (tests/graph/gen.sh: a chain, a diamond, a package whose
# environment needs another's so: provide, a provides: user, independent leaves) built from a
# directory with --jobs 2 and one recipe made to fail. Checks: exactly the failed recipe's
# dependents are skipped and named, every build step found what it needs installed (a wrong
# order fails a step), greet-app waited for libgreet's so: provide, every other package is in one
# signed index (openssl, python tarfile); --dry-run's plan; the fixed recipe and its dependents
# build next time, and a third run builds nothing and says why; a cycle is one error.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
BOOT=$(boot_repo)
export SOURCE_DATE_EPOCH=1700000000
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
bash "$MA_SRC/tests/graph/gen.sh" recipes "$BOOT" --fail chain-04
[ "$(ls recipes/*.yaml | wc -l)" = 30 ] || fail "gen.sh did not write 30 recipes"

# 1. With chain-04 failing.
rc=0
"$MELANGE" build recipes/ --jobs 2 --runner bubblewrap --signing-key test.rsa --out-dir out >run1.log 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "a failed recipe did not fail the run: $(tail -5 run1.log)"
grep -q "1 of 30 recipes failed (chain-04); 4 skipped because they depend on it" run1.log || fail "final error: $(tail -3 run1.log)"
grep -qE "FAILED chain-04-1.0-r0: .*exit code 1" run1.log || fail "chain-04 failure not reported: $(grep chain-04 run1.log)"
for n in 05 06 07 08; do
  grep -q "skipped chain-$n-1.0-r0: depends on failed chain-04" run1.log || fail "chain-$n not skipped naming chain-04"
done
[ "$(grep -c '] skipped ' run1.log)" = 4 ] || fail "not exactly 4 skipped: $(grep '] skipped ' run1.log)"
[ "$(grep -c '] built ' run1.log)" = 25 ] || fail "not 25 built: $(grep -c '] built ' run1.log)"
grep -q "critical path: " run1.log || fail "no critical path"
grep -Eq "^greet-app-1.0-r0 +built" run1.log || fail "no summary row for greet-app"
# Order: dependencies finished before their dependents started (the steps also check it).
line() { grep -n "$1" run1.log | head -1 | cut -d: -f1; }
for pair in "built libgreet:building greet-app" "built dia-left:building dia-top" "built dia-right:building dia-top" \
            "built dia-base:building dia-left" "built chain-02:building chain-03" "built virt-provider:building virt-user"; do
  a=$(line "${pair%%:*}-1.0-r0") b=$(line "${pair#*:}-1.0-r0")
  [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] || fail "order: '${pair%%:*}' (line $a) not before '${pair#*:}' (line $b)"
done
grep -q "greet-app-1.0-r0 waits for a provider of so:libgreet.so.1" run1.log || fail "greet-app was not held for its so: need"
grep -q "^melange graph build: chain-03" out/buildlogs/chain-03.log || fail "no per-package log"
pkginfo "out/$ARCH/libgreet-1.0-r0.apk" | grep -x "provides = so:libgreet.so.1=1" >/dev/null ||
  fail "libgreet lacks its so: provide: $(pkginfo "out/$ARCH/libgreet-1.0-r0.apk")"
pkginfo "out/$ARCH/greet-app-1.0-r0.apk" | grep -E "^# recipe = sha256:[0-9a-f]{64}$" >/dev/null || fail "no recipe hash"
# One index with the 26 packages (25 recipes + a subpackage), signed by test.rsa.
tar -xzOf "out/$ARCH/APKINDEX.tar.gz" APKINDEX 2>/dev/null | sed -n 's/^P://p' | sort > names
[ "$(wc -l < names)" = 26 ] || fail "index has $(wc -l < names) packages: $(cat names)"
grep -qx virt-provider-extra names || fail "subpackage missing from the index"
grep -q "^chain-0[4-8]$" names && fail "failed or skipped packages in the index: $(cat names)"
ls out/$ARCH/*.apk | wc -l | grep -qx 26 || fail "not 26 packages in out/$ARCH"
( mkdir sig && cd sig && split_members "../out/$ARCH/APKINDEX.tar.gz" && tar -xzf m0 2>/dev/null &&
  openssl dgst -sha256 -verify ../test.rsa.pub -signature .SIGN.RSA256.test.rsa.pub m1 >/dev/null ) ||
  fail "index signature does not verify"
python3 - "out/$ARCH" <<'PY' || fail "index checksums do not match the packages"
import base64, hashlib, io, os, sys, tarfile, zlib
d = sys.argv[1]
idx = tarfile.open(os.path.join(d, 'APKINDEX.tar.gz')).extractfile('APKINDEX').read().decode()
entries = {}
for block in idx.strip().split('\n\n'):
    f = dict((l[0], l[2:]) for l in block.splitlines())
    entries[f['P'] + '-' + f['V']] = f['C']
for name, c in entries.items():
    data = open(os.path.join(d, name + '.apk'), 'rb').read()
    p = 0; members = []
    while p < len(data):
        o = zlib.decompressobj(31); o.decompress(data[p:]); n = len(data) - len(o.unused_data)
        members.append(data[p:n]); p = n
    assert c == 'Q1' + base64.b64encode(hashlib.sha1(members[1]).digest()).decode(), name
PY

# 2. Fix chain-04: the plan rebuilds it and its dependents, keeps the rest.
rm -r recipes && bash "$MA_SRC/tests/graph/gen.sh" recipes "$BOOT"
"$MELANGE" build recipes/ --jobs 2 --runner bubblewrap --signing-key test.rsa --out-dir out --dry-run >plan.log 2>&1 ||
  fail "dry run: $(tail -3 plan.log)"
grep -q "plan: 30 recipes, 5 to build, 25 up to date" plan.log || fail "plan: $(head -1 plan.log)"
grep -A1 "chain-04-1.0-r0" plan.log | grep -q "build: recipe changed since chain-04" >/dev/null ||
  grep -A1 "chain-04-1.0-r0" plan.log | grep -q "build: not built yet" || fail "plan for chain-04: $(grep -A1 chain-04 plan.log)"
grep -A1 "dia-top-1.0-r0" plan.log | grep -q "skip: up to date" || fail "plan for dia-top: $(grep -A1 dia-top plan.log)"
[ "$(ls out/$ARCH/*.apk | wc -l)" = 26 ] || fail "--dry-run built something"
"$MELANGE" build recipes/ --jobs 2 --runner bubblewrap --signing-key test.rsa --out-dir out >run2.log 2>&1 ||
  fail "second run: $(tail -5 run2.log)"
grep -q "5 built, 25 up to date, 0 failed, 0 skipped" run2.log || fail "second run: $(tail -2 run2.log)"
tar -xzOf "out/$ARCH/APKINDEX.tar.gz" APKINDEX 2>/dev/null | grep -c '^P:' | grep -qx 31 || fail "index after the second run"

# 3. Nothing left to do: nothing is built, and the output says why.
"$MELANGE" build recipes/ --jobs 2 --runner bubblewrap --signing-key test.rsa --out-dir out >run3.log 2>&1 ||
  fail "third run: $(tail -5 run3.log)"
grep -q "nothing to build: all 30 recipes are up to date" run3.log || fail "third run: $(tail -3 run3.log)"
grep -A1 "dia-top-1.0-r0" run3.log | grep -q "skip: up to date: dia-top-1.0-r0 is in .*, built from the same recipe (sha256:" ||
  fail "third run does not say why: $(grep dia-top run3.log)"
grep -q "building " run3.log && fail "third run built something"

# With MA_REF_APK=/path/to/apk (apk-tools 2.x, not in Debian 12): the reference client trusts the
# run's index and installs every one of its 31 packages, with the bootstrap's, into a fresh root.
if [ -n "${MA_REF_APK:-}" ]; then
  mkdir -p refkeys ref/usr/lib && ln -s usr/lib ref/lib
  cp test.rsa.pub "$BOOT/bootstrap.rsa.pub" refkeys/
  tar -xzOf "out/$ARCH/APKINDEX.tar.gz" APKINDEX 2>/dev/null | sed -n 's/^P://p' > names31
  "$MA_REF_APK" add --root "$WORK/ref" --initdb --arch "$ARCH" --no-cache --keys-dir "$WORK/refkeys" \
    --repository "$BOOT" --repository "$WORK/out" $(cat names31) >refapk.log 2>&1 ||
    fail "reference apk add: $(tail -3 refapk.log)"
  "$MA_REF_APK" info --root "$WORK/ref" 2>/dev/null | sort > ref-installed
  missing=$(sort names31 | comm -23 - ref-installed)
  [ -z "$missing" ] || fail "reference apk did not install: $missing"
  echo "ok: $("$MA_REF_APK" --version | cut -d, -f1) trusts the index and installs its 31 packages"
fi

# 4. A cycle is one error naming it; nothing is built.
mkdir cyc
for p in "a b" "b c" "c a"; do set -- $p
  printf 'package:\n  name: %s\n  version: "1"\n  epoch: 0\n%s\npipeline:\n  - runs: "true"\n' "$1" "$(env_yaml "$BOOT" busybox "$2")" > cyc/$1.yaml
done
expect_fail "dependency cycle: a (cyc/a.yaml) -> b (cyc/b.yaml) -> c (cyc/c.yaml) -> a" \
  "$MELANGE" build cyc --runner bubblewrap --out-dir out-cyc
[ ! -e out-cyc ] || fail "a cycle created the out dir"
echo "ok: graph build of 30 recipes"
