#!/usr/bin/env bash
# melange license-check: a source directory's license files are found and identified; a
# recipe's source is fetched (here from --cache-dir, no network) and its licenses compared
# with package.copyright (differences are reported, the command succeeds as melange's
# does); --fix rewrites the copyright, after which nothing differs. Bad input is one line.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

mit() {
  cat <<'EOF2'
MIT License

Copyright (c) 2024 Foo Authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY.
EOF2
}
mkdir -p tree/foo-1.0/sub tree/foo-1.0/vendor/x tree/foo-1.0/a/b
mit > tree/foo-1.0/LICENSE
printf 'SPDX-License-Identifier: Apache-2.0\n' > tree/foo-1.0/sub/COPYING
mit > tree/foo-1.0/vendor/x/LICENSE      # vendored: only a deep scan sees it
mit > tree/foo-1.0/a/b/LICENSE.txt       # too deep for a shallow scan
echo "not a license" > tree/foo-1.0/README

"$MELANGE" license-check tree/foo-1.0 >dir.out 2>dir.log || fail "license-check of a directory failed: $(tail -3 dir.log)"
grep -q "LICENSE: MIT (1.000000) (notice)" dir.log || fail "LICENSE not identified as MIT: $(cat dir.log)"
grep -q "sub/COPYING: Apache-2.0 (1.000000) (notice)" dir.log || fail "the SPDX identifier was not read: $(cat dir.log)"
grep -q "vendor/x/LICENSE\|a/b/LICENSE.txt" dir.log && fail "a shallow scan went too deep: $(cat dir.log)"
"$MELANGE" license-check tree/foo-1.0 --scan-type deep >/dev/null 2>deep.log || fail "deep scan failed"
grep -q "vendor/x/LICENSE: MIT" deep.log && grep -q "a/b/LICENSE.txt: MIT" deep.log || fail "deep scan missed files: $(cat deep.log)"

# A recipe: its tarball comes from the source cache.
tar -C tree -czf foo-1.0.tar.gz foo-1.0
SHA=$(sha256sum foo-1.0.tar.gz | cut -d' ' -f1)
mkdir cache && cp foo-1.0.tar.gz "cache/sha256:$SHA"
cat > foo.yaml <<EOF2
package:
  name: foo
  version: "1.0"
  epoch: 0
  description: foo
  copyright:
    - license: GPL-2.0-only   # wrong on purpose
pipeline:
  - uses: fetch
    with:
      uri: http://127.0.0.1:9/foo-\${{package.version}}.tar.gz
      expected-sha256: $SHA
EOF2
cp foo.yaml orig.yaml
"$MELANGE" license-check foo.yaml --cache-dir cache --workdir wd >cfg.out 2>cfg.log || fail "license-check foo.yaml failed: $(tail -3 cfg.log)"
grep -q "using cached copy" cfg.log || fail "the cache was not used: $(cat cfg.log)"
[ -f wd/LICENSE ] || fail "the source was not unpacked into --workdir: $(ls wd)"
grep -q "detected license differences" cfg.log || fail "no differences reported: $(cat cfg.log)"
grep -q "LICENSE: MIT not found" cfg.log && grep -q "sub/COPYING: Apache-2.0 not found" cfg.log ||
  fail "differences not named: $(cat cfg.log)"

"$MELANGE" license-check foo.yaml --cache-dir cache --fix >/dev/null 2>fix.log || fail "--fix failed: $(tail -3 fix.log)"
grep -q "license: MIT" foo.yaml && grep -q "license-path: LICENSE" foo.yaml && grep -q "license: Apache-2.0" foo.yaml ||
  fail "copyright not rewritten: $(cat foo.yaml)"
grep -q "GPL-2.0-only" foo.yaml && fail "the old license is still there: $(cat foo.yaml)"
grep -q "expected-sha256: $SHA" foo.yaml || fail "the rest of the recipe changed: $(cat foo.yaml)"
"$MELANGE" license-check foo.yaml --cache-dir cache >/dev/null 2>again.log || fail "license-check after --fix failed"
grep -q "no license differences detected" again.log || fail "differences remain after --fix: $(cat again.log)"

expect_fail 'invalid --scan-type "wide"' "$MELANGE" license-check tree/foo-1.0 --scan-type wide
expect_fail "absent: not a .yaml, a .apk or a directory" "$MELANGE" license-check absent
sed 's/expected-sha256: .*/expected-sha256: '"$(printf '%064d' 0)"'/' orig.yaml > bad.yaml
expect_fail "bad.yaml:9: fetch" "$MELANGE" license-check bad.yaml --cache-dir cache
echo "ok: license-check finds, identifies and compares licenses; --fix rewrites the copyright"
