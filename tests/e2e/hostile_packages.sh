#!/usr/bin/env bash
# The hostile corpus (tests/hostile): every package of make_packages.py, signed and indexed
# properly, is refused by `apko build` with its exit status and one-line error from
# tests/hostile/cases.txt, leaves no output, and nothing outside the work dir changes. Then
# faults around the packages: a megabyte .PKGINFO field refused by `melange index`; an apk
# truncated at every gzip member boundary and in the middle of each member, and one with a
# flipped byte, refused against its index checksum; an index signed by a key not in the
# keyring; an index whose C: does not match the package.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
CASES=$MA_SOURCE_DIR/tests/hostile/cases.txt
MAKE="python3 $MA_SOURCE_DIR/tests/hostile/make_packages.py"
"$MELANGE" --log-level error keygen --key-size 2048 key.rsa || fail "keygen"
"$MELANGE" --log-level error keygen --key-size 2048 other.rsa || fail "keygen"
TARGET=$WORK/outside
mkdir -p "$TARGET" repo/x86_64 aside
depth=$(tr -cd / <<<"$WORK" | wc -c); up=$(printf '../%.0s' $(seq 1 $((depth + 8))))
$MAKE repo/x86_64 "$up" "${TARGET#/}" || fail "make_packages.py"
mv repo/x86_64/pkginfo-huge-field-1.0-r0.apk aside/
for f in repo/x86_64/*.apk; do "$MELANGE" --log-level error sign --signing-key key.rsa "$f" || fail "sign $f"; done
"$MELANGE" --log-level error index -o repo/x86_64/APKINDEX.tar.gz --signing-key key.rsa repo/x86_64/*.apk || fail "index"
$MAKE swap-data repo/x86_64/data-swap-1.0-r0.apk repo/data-swap.data || fail "swap-data"

config() {  # config NAME PKG [REPO] [KEY]
  printf 'contents:\n  repositories: [%s]\n  keyring: [%s]\n  packages: [%s]\n' \
    "${3:-$WORK/repo}" "${4:-$WORK/key.rsa.pub}" "$2" > "$1.yaml"
}
# expect_refusal NAME STATUS TEXT: apko build NAME.yaml fails so, in one line, without output.
expect_refusal() {
  local name=$1 want=$2 text=$3 out rc=0
  out=$("$APKO" --log-level error build --arch x86_64 "$name.yaml" hostile:1 "$name.tar" 2>&1) || rc=$?
  [ $rc = "$want" ] || fail "$name: exit status $rc, expected $want: $out"
  [ "$(wc -l <<<"$out")" -eq 1 ] || fail "$name: the error is not one line: $out"
  grep -F -- "$text" <<<"$out" >/dev/null || fail "$name: error lacks '$text': $out"
  [ ! -e "$name.tar" ] || fail "$name: output left behind"
}
snapshot() { find "$WORK" -path "$WORK/repo" -prune -o -path "$WORK/cases" -prune -o -newer key.rsa.pub -print | sort; }
mkdir cases && cd cases
before=$(cd "$WORK" && snapshot)
n=0
while IFS=$'\t' read -r name status text; do
  case $name in ''|'#'*) continue ;; esac
  [ -e "$WORK/repo/x86_64/$name-1.0-r0.apk" ] || fail "cases.txt names $name, make_packages.py made no such package"
  config "$name" "$name"
  expect_refusal "$name" "$status" "$text"
  n=$((n + 1))
done < "$CASES"
made=$(ls "$WORK"/repo/x86_64/*.apk | wc -l)
[ "$n" = "$made" ] || fail "cases.txt covers $n of the $made hostile packages"
cd "$WORK"
[ -z "$(ls -A "$TARGET")" ] || fail "something was written outside the root: $(ls -A "$TARGET")"
[ "$(snapshot)" = "$before" ] || fail "files changed: $(diff <(echo "$before") <(snapshot))"

# A megabyte .PKGINFO field never reaches an index.
out=$("$MELANGE" --log-level error index -o aside/APKINDEX.tar.gz aside/*.apk 2>&1) && fail "melange index took a 1 MB field"
grep -F ".PKGINFO line 9: longer than 65536 bytes" <<<"$out" >/dev/null || fail "huge field: $out"
[ ! -e aside/APKINDEX.tar.gz ] || fail "a partial index was left"

# A good package, then broken copies of it under the same index entry.
mkdir -p good/x86_64 payload/usr/share/good
echo "good" > payload/usr/share/good/file
"$MA_MKAPK" --name good --version 1.0-r0 --arch x86_64 --description good --signing-key key.rsa \
  --out good/x86_64/good-1.0-r0.apk payload || fail "ma-mkapk"
"$MELANGE" --log-level error index -o good/x86_64/APKINDEX.tar.gz --signing-key key.rsa good/x86_64/*.apk || fail "index good"
cp good/x86_64/good-1.0-r0.apk good.apk
config good good "$WORK/good"
"$APKO" --log-level error build --arch x86_64 good.yaml good:1 good.tar 2>good.log || fail "the good package: $(cat good.log)"
rm -f good.tar
# Member boundaries (python's zlib, independent of our reader), then cuts inside each member.
mapfile -t cuts < <(python3 - good.apk <<'PY'
import sys, zlib
d = open(sys.argv[1], 'rb').read(); p = 0; cuts = set()
while p < len(d):
    o = zlib.decompressobj(31); o.decompress(d[p:]); e = len(d) - len(o.unused_data)
    cuts.update({p, (p + e) // 2, e - 1}); p = e
cuts.discard(len(d)); print('\n'.join(str(c) for c in sorted(cuts)))
PY
)
[ "${#cuts[@]}" -ge 6 ] || fail "expected at least three gzip members: ${cuts[*]}"
for c in "${cuts[@]}"; do
  head -c "$c" good.apk > good/x86_64/good-1.0-r0.apk
  out=$("$APKO" --log-level error build --arch x86_64 good.yaml good:1 good.tar 2>&1) && fail "truncated at $c: accepted"
  [ "$(wc -l <<<"$out")" -eq 1 ] || fail "truncated at $c: not one line: $out"
  [ ! -e good.tar ] || fail "truncated at $c: output left"
done
# One flipped byte in the middle of the data member.
python3 - good.apk good/x86_64/good-1.0-r0.apk <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read()); d[len(d) - 40] ^= 0xff
open(sys.argv[2], 'wb').write(bytes(d))
PY
out=$("$APKO" --log-level error build --arch x86_64 good.yaml good:1 good.tar 2>&1) && fail "a corrupted package was accepted"
[ ! -e good.tar ] || fail "corrupted: output left"
cp good.apk good/x86_64/good-1.0-r0.apk

# The index signed by a key that is not in the keyring.
mkdir -p rogue/x86_64 && cp good.apk rogue/x86_64/
"$MELANGE" --log-level error index -o rogue/x86_64/APKINDEX.tar.gz --signing-key other.rsa rogue/x86_64/*.apk || fail "index rogue"
config rogue good "$WORK/rogue"
expect_refusal rogue 4 "APKINDEX.tar.gz"
# The index's C: is another package's: the package no longer matches it.
mkdir -p swapped/x86_64 payload2/usr/share/good
echo "different" > payload2/usr/share/good/file
"$MA_MKAPK" --name good --version 1.0-r0 --arch x86_64 --description good --signing-key key.rsa \
  --out swapped/x86_64/good-1.0-r0.apk payload2 || fail "ma-mkapk 2"
"$MELANGE" --log-level error index -o swapped/x86_64/APKINDEX.tar.gz --signing-key key.rsa swapped/x86_64/*.apk || fail "index 2"
cp good.apk swapped/x86_64/good-1.0-r0.apk
config swapped good "$WORK/swapped"
expect_refusal swapped 4 "does not match the index"
echo "ok: $n hostile packages refused, ${#cuts[@]} truncations, a corruption, a rogue key and a swapped package"
