#!/usr/bin/env bash
# apk-tools' solver suite and the extra situations (tests/solver/apk-tools*, run on the solver
# library by ma_solver_tests) once more through the apko binary: each repository becomes an
# APKINDEX.tar.gz on disk (tests/tools/solver_suite_repos.py), each case an apko.yaml, and
# `apko show-packages` must print the expected install set, or fail naming what the case
# expects. Cases with an empty world are left out (apko refuses an empty package list).
source "$(dirname "$0")/lib.sh"
total=0 passed=0 failed=()
for suite in apk-tools apk-tools-extra; do
  python3 "$MA_SOURCE_DIR/tests/tools/solver_suite_repos.py" "$MA_SOURCE_DIR/tests/solver/$suite" "$suite" ||
    fail "solver_suite_repos.py $suite"
  for y in "$suite"/cases/*.yaml; do
    c=${y%.yaml}
    read -r -a expect < "$c.expect"
    grep -q '^  packages: \[\]$' "$y" && continue
    total=$((total + 1))
    rc=0
    out=$("$APKO" show-packages --ignore-signatures "$y" 2>&1) || rc=$?
    ok=1
    if [ "${expect[0]:-}" = error ]; then
      [ "$rc" -ne 0 ] || ok=0
      for w in "${expect[@]:1}"; do grep -qF -- "$w" <<<"$out" || ok=0; done
    else
      [ "$rc" -eq 0 ] || ok=0
      [ "$(sort <<<"$out")" = "$(printf '%s\n' "${expect[@]}" | sort)" ] || ok=0
    fi
    if [ "$ok" = 1 ]; then passed=$((passed + 1)); else failed+=("$suite/$(basename "$c"): expected ${expect[*]}, got: $out"); fi
  done
done
echo "apko show-packages on the solver suites: $passed of $total cases as expected"
[ "${#failed[@]}" -eq 0 ] || fail "$(printf '%s\n' "${failed[@]}")"
[ "$total" -ge 85 ] || fail "only $total cases ran"
echo OK
