#!/usr/bin/env bash
# melange keygen, sign, index, sign-index on real packages, checked with openssl, tar and python.
source "$(dirname "$0")/lib.sh"

# version: the version and the commit the binaries were built from.
for t in "$MELANGE" "$APKO"; do
  v=$("$t" version)
  if commit=$(git -C "$MA_SOURCE_DIR" rev-parse HEAD 2>/dev/null); then
    grep -Eq "^(melange|apko) [0-9]+\.[0-9]+\.[0-9]+ \(commit $commit(-dirty)?\)$" <<<"$v" || fail "version: '$v' (HEAD $commit)"
  fi
done

"$MELANGE" keygen --key-size 2048 test.rsa
grep -q "BEGIN RSA PRIVATE KEY" test.rsa || fail "private key not PKCS#1"
openssl pkey -pubin -in test.rsa.pub -noout || fail "public key unreadable by openssl"
[ "$(stat -c %a test.rsa)" = 600 ] || fail "private key mode"
expect_fail "too small" "$MELANGE" keygen --key-size 1024 small.rsa
[ ! -e small.rsa ] || fail "half-written key"

mkdir repo
cp "$DATA"/apko-cli-testdata/packages/x86_64/*.apk repo/
"$MELANGE" sign --signing-key test.rsa repo/*.apk
for f in repo/*.apk; do
  tar -tzf "$f" --ignore-zeros > list 2>/dev/null
  [ "$(sed -n 1p list)" = ".SIGN.RSA256.test.rsa.pub" ] || fail "$f: not re-signed"
  ( mkdir -p split && cd split && split_members "../$f" && [ -f m2 ] || fail "$f: not 3 members"
    tar -xzf m0 2>/dev/null
    openssl dgst -sha256 -verify ../test.rsa.pub -signature .SIGN.RSA256.test.rsa.pub m1 >/dev/null || fail "$f: signature does not verify"
    rm -rf ./* )
done

"$MELANGE" index -o repo/APKINDEX.tar.gz --signing-key test.rsa repo/*.apk 2>log
grep -q "4 packages (4 read" log || fail "first index: $(cat log)"
"$MELANGE" index -o repo/APKINDEX.tar.gz --signing-key test.rsa repo/*.apk 2>log
grep -q "4 packages (0 read, 4 unchanged" log || fail "re-index re-read packages: $(cat log)"
tar -xzOf repo/APKINDEX.tar.gz APKINDEX 2>/dev/null > APKINDEX
[ "$(grep -c '^P:' APKINDEX)" = 4 ] || fail "index entries"
# Each C: is Q1 + base64(sha1(control member)), computed independently.
for f in repo/*.apk; do
  ( cd split && split_members "../$f" && echo "Q1$(openssl sha1 -binary m1 | base64)" ) > want
  grep -qx "C:$(cat want)" APKINDEX || fail "$f: checksum not in index"
done
( cd split && split_members ../repo/APKINDEX.tar.gz && tar -xzf m0 2>/dev/null &&
  cat m1 > body && openssl dgst -sha256 -verify ../test.rsa.pub -signature .SIGN.RSA256.test.rsa.pub body >/dev/null ) ||
  fail "index signature does not verify"

# sign-index on an unsigned index; refusing to re-sign without --force.
"$MELANGE" index -o unsigned.tar.gz repo/*.apk
"$MELANGE" sign-index --signing-key test.rsa unsigned.tar.gz
expect_fail "already signed" "$MELANGE" sign-index --signing-key test.rsa unsigned.tar.gz
"$MELANGE" sign-index --signing-key test.rsa --force unsigned.tar.gz

# Bad inputs: one line naming the file, nothing written.
echo garbage > repo/bad.apk
cp repo/APKINDEX.tar.gz before.tar.gz
expect_fail "repo/bad.apk" "$MELANGE" index -o repo/APKINDEX.tar.gz repo/*.apk
cmp -s before.tar.gz repo/APKINDEX.tar.gz || fail "index changed after a failed run"
expect_fail "nokey.rsa" "$MELANGE" sign --signing-key nokey.rsa repo/bad.apk
echo "melange keys/index: ok"
