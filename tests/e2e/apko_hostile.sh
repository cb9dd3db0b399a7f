#!/usr/bin/env bash
# Hostile packages (path traversal, symlink escape, both signed and indexed properly) are
# refused by apko build and build-minirootfs with a one-line error; nothing outside the root
# changes and no output is left behind.
source "$(dirname "$0")/lib.sh"

"$MELANGE" --log-level error keygen --key-size 2048 key.rsa || fail "keygen"
TARGET=$WORK/outside            # what a successful escape would write into
mkdir -p "$TARGET" repo/x86_64
depth=$(tr -cd / <<<"$WORK" | wc -c); up=$(printf '../%.0s' $(seq 1 $((depth + 8))))

# Writes an unsigned apk (control + data members) from a list of (name, type, data/link).
python3 - repo/x86_64 "$up" "${TARGET#/}" <<'PY'
import gzip, hashlib, io, sys, tarfile
out, up, target = sys.argv[1:]
def add(tf, name, kind, payload=''):
    ti = tarfile.TarInfo(name); ti.mtime = 0; ti.uname = ti.gname = 'root'
    if kind == 'dir':
        ti.type, ti.mode = tarfile.DIRTYPE, 0o755; tf.addfile(ti); return
    if kind == 'sym':
        ti.type, ti.mode, ti.linkname = tarfile.SYMTYPE, 0o777, payload
        ti.pax_headers = {'APK-TOOLS.checksum.SHA1': hashlib.sha1(payload.encode()).hexdigest()}
        tf.addfile(ti); return
    data = payload.encode(); ti.size, ti.mode = len(data), 0o644
    ti.pax_headers = {'APK-TOOLS.checksum.SHA1': hashlib.sha1(data).hexdigest()}
    tf.addfile(ti, io.BytesIO(data))
def apk(name, entries):
    b = io.BytesIO(); tf = tarfile.open(fileobj=b, mode='w', format=tarfile.PAX_FORMAT)
    for e in entries: add(tf, *e)
    tf.close(); data = gzip.compress(b.getvalue(), mtime=0)
    info = ('pkgname = %s\npkgver = 1.0-r0\narch = x86_64\nsize = 10\norigin = %s\nbuilddate = 0\n'
            'pkgdesc = hostile\nlicense = MIT\ndatahash = %s\n' % (name, name, hashlib.sha256(data).hexdigest())).encode()
    c = io.BytesIO(); ct = tarfile.open(fileobj=c, mode='w', format=tarfile.PAX_FORMAT)
    ti = tarfile.TarInfo('.PKGINFO'); ti.size = len(info); ti.mtime = 0; ct.addfile(ti, io.BytesIO(info))
    control = gzip.compress(c.getvalue(), mtime=0)   # before close(): no end-of-archive blocks
    open('%s/%s-1.0-r0.apk' % (out, name), 'wb').write(control + data)
apk('traversal', [('etc', 'dir'), (up + target + '/pwned-traversal', 'file', 'owned\n')])
apk('symlink-escape', [('usr', 'dir'), ('usr/escape', 'sym', up + target),
                       ('usr/escape/pwned-symlink', 'file', 'owned\n')])
apk('absolute', [('/' + target + '/pwned-absolute', 'file', 'owned\n')])
PY
for f in repo/x86_64/*.apk; do "$MELANGE" --log-level error sign --signing-key key.rsa "$f" || fail "sign $f"; done
"$MELANGE" --log-level error index -o repo/x86_64/APKINDEX.tar.gz --signing-key key.rsa repo/x86_64/*.apk || fail "index"

snapshot() { find "$TARGET" "$WORK" -path "$WORK/repo" -prune -o -newer key.rsa.pub -print | sort; }
for p in traversal symlink-escape absolute; do
  printf 'contents:\n  repositories: [%s]\n  keyring: [%s]\n  packages: [%s]\n' \
    "$WORK/repo" "$WORK/key.rsa.pub" "$p" > "$p.yaml"
done
before=$(snapshot)
for p in traversal symlink-escape absolute; do
  for cmd in "build --arch x86_64 $p.yaml hostile:latest $p.tar" "build-minirootfs --build-arch x86_64 $p.yaml $p-rootfs.tar"; do
    out=$("$APKO" --log-level error $cmd 2>&1) && fail "$p: '$cmd' succeeded"
    [ "$(wc -l <<<"$out")" -eq 1 ] || fail "$p: error is not one line: $out"
    grep -Eqi "escape|\.\.|absolute|outside|refus" <<<"$out" || fail "$p: error does not say why: $out"
    grep -q "$p" <<<"$out" || fail "$p: error does not name the package: $out"
  done
  [ ! -e "$p.tar" ] && [ ! -e "$p-rootfs.tar" ] || fail "$p: output left behind"
done
[ -z "$(ls -A "$TARGET")" ] || fail "something was written outside the root: $(ls -A "$TARGET")"
find / -xdev -name 'pwned-*' -newer key.rsa.pub 2>/dev/null | grep . && fail "escape wrote a file"
[ "$(snapshot)" = "$before" ] || fail "files changed: $(diff <(echo "$before") <(snapshot))"
echo OK
