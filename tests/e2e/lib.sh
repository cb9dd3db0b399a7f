# Shared helpers for the end-to-end tests (sourced, not run).
set -euo pipefail
# Under pipefail, `cmd | grep -q` is racy: grep exits at the first match and cmd may die of
# SIGPIPE, failing the pipeline. Write `cmd | grep PATTERN >/dev/null` (reads everything).
: "${MELANGE:?}" "${APKO:?}" "${MA_SOURCE_DIR:?}" "${MA_OCI_SCHEMA_DIR:?}"  # set by ctest
DATA=$MA_SOURCE_DIR/tests/data     # the test data (tests/data/README.md)
OCI_SCHEMAS=$MA_OCI_SCHEMA_DIR     # OCI image-spec JSON schemas (cmake/Testing.cmake)
WORK=$(mktemp -d /tmp/ma-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
source "$MA_SOURCE_DIR/scripts/container-limits.sh"  # container_run: podman run with explicit rlimits
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
expect_fail() {  # expect_fail "<message substring>" cmd...
  local want=$1; shift
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  [ "$rc" -ne 0 ] || fail "expected failure from: $*"
  grep -qF -- "$want" <<<"$out" || fail "error of '$*' lacks '$want': $out"
  [ "$(wc -l <<<"$out")" -le 3 ] || fail "error is not short: $out"
}
# runnable_repo: ./sub, a repository of the bootstrap packages a runnable busybox image needs
# (tests/bootstrap, x86_64), re-indexed with the bootstrap key (the packages keep their own
# signatures; older bootstrap caches had build-base provides that made the whole index
# unreadable), and ./bootstrap.rsa.pub. Returns 1 when there is no bootstrap repository.
runnable_repo() {
  local boot p
  boot=$(bash "$MA_SOURCE_DIR/tests/bootstrap/make-bootstrap-repo.sh") || return 1
  # Called as `runnable_repo || ...`, where set -e is off: every step fails the test itself.
  mkdir -p sub/x86_64 || fail "mkdir sub"
  for p in wolfi-baselayout glibc busybox ca-certificates-bundle libgcc; do
    cp "$boot"/x86_64/$p-*.apk sub/x86_64/ || fail "bootstrap repository lacks $p"
  done
  "$MELANGE" --log-level error index -o sub/x86_64/APKINDEX.tar.gz --signing-key "$boot/bootstrap.rsa" sub/x86_64/*.apk ||
    fail "re-index"
  cp "$boot/bootstrap.rsa.pub" . || fail "bootstrap key"
}
# Splits an apk into its gzip members: writes m0 m1 [m2] in the current dir (python zlib, independent).
split_members() {
  python3 - "$1" <<'PY'
import sys, zlib
d = open(sys.argv[1], 'rb').read(); p = 0; i = 0
while p < len(d):
    o = zlib.decompressobj(31); o.decompress(d[p:]); n = len(d) - len(o.unused_data)
    open('m%d' % i, 'wb').write(d[p:n]); p = n; i += 1
PY
}
