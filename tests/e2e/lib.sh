# Shared helpers for the end-to-end tests (sourced, not run).
set -euo pipefail
: "${MELANGE:?}" "${APKO:?}"
SHARED=${MA_SHARED_DIR:-}
FIXTURES=${SHARED:+$SHARED/fixtures}
WORK=$(mktemp -d /tmp/ma-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
need_fixtures() { [ -n "$FIXTURES" ] && [ -d "$FIXTURES" ] || skip "shared fixtures not found (MA_SHARED_DIR=$SHARED)"; }
expect_fail() {  # expect_fail "<message substring>" cmd...
  local want=$1; shift
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  [ "$rc" -ne 0 ] || fail "expected failure from: $*"
  grep -qF -- "$want" <<<"$out" || fail "error of '$*' lacks '$want': $out"
  [ "$(wc -l <<<"$out")" -le 3 ] || fail "error is not short: $out"
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
