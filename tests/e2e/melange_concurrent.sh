#!/usr/bin/env bash
# Eight `melange build` runs writing into one --out-dir at the same moment: all eight packages
# land, and the repository index (read with python's gzip/tarfile, not our reader) lists all
# eight: index updates take a lock on the arch directory, so none is lost.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
BOOT=$(boot_repo)
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
N=8
for i in $(seq 1 $N); do
  cat > "p$i.yaml" <<EOY
package:
  name: conc$i
  version: 1.0.$i
  epoch: 0
  description: concurrent build $i
  copyright:
    - license: MIT
$(env_yaml "$BOOT" busybox)
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/share/conc
      echo $i > \${{targets.destdir}}/usr/share/conc/$i
EOY
done
pids=()
for i in $(seq 1 $N); do
  "$MELANGE" --log-level warn build "p$i.yaml" --signing-key test.rsa --out-dir out >"b$i.log" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 $N); do
  wait "${pids[$((i - 1))]}" || fail "build $i failed: $(tail -3 "b$i.log")"
done
[ "$(ls "out/$ARCH"/conc*.apk | wc -l)" = $N ] || fail "expected $N packages: $(ls "out/$ARCH")"
python3 - "out/$ARCH/APKINDEX.tar.gz" $N <<'PY' || fail "the index lost an update"
import io, sys, tarfile, zlib
d = open(sys.argv[1], 'rb').read(); p = 0; ms = []
while p < len(d):
    o = zlib.decompressobj(31); ms.append(o.decompress(d[p:])); p = len(d) - len(o.unused_data)
# signature member first, then the index tar
t = tarfile.open(fileobj=io.BytesIO(b''.join(ms[1:])))
text = t.extractfile('APKINDEX').read().decode()
names = sorted(l[2:] for l in text.splitlines() if l.startswith('P:'))
want = sorted('conc%d' % i for i in range(1, int(sys.argv[2]) + 1))
assert names == want, names
PY
echo "ok: $N concurrent builds into one out dir, all $N indexed"
