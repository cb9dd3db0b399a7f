#!/usr/bin/env bash
# The qemu runner under TCG (or KVM when /dev/kvm is usable), kept lean for CI:
#  1. a small package (a C program compiled by gcc, a setuid file, a file owned by 65534, a
#     symlink, a read-only directory) built and tested with --runner qemu has the same data
#     entries (modes, owners, contents) and the same dependencies as with --runner bubblewrap;
#  2. `melange initramfs` writes a cpio GNU cpio lists, with /.ma/init and busybox;
#  3. with --network a step reaches an HTTP server on the host's loopback as 10.0.2.2 (and
#     without it, in 1., does not); SIGINT during a step kills the VM and leaves no qemu process
#     and no temporary files;
#  4. --interactive: a failing step opens a shell on a terminal in the VM.
# GNU hello under qemu (about 6 minutes under TCG on 2 cores) is opt-in: MA_E2E_QEMU_HELLO=1.
# qemu-system-x86_64 and a kernel are installed by scripts/install-deps.sh test: their absence fails.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 is not installed (scripts/install-deps.sh test)"
ls /boot/vmlinuz-* >/dev/null 2>&1 || [ -n "${QEMU_KERNEL_IMAGE:-}" ] ||
  fail "no kernel in /boot and QEMU_KERNEL_IMAGE unset (apt-get install linux-image-amd64)"
BOOT=$(boot_repo)
mkdir tmp && export TMPDIR=$WORK/tmp  # the runner's temporary files: checked to be gone
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
make_stubs stubs test.rsa "$BOOT"
mkdir src cache www
# An HTTP server on the host's loopback: reachable from a --network guest as 10.0.2.2.
echo served-from-the-host > www/marker
python3 -c 'import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.HTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_address[1]))
__import__("os").rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()' www port 2>/dev/null &
HTTP_PID=$!
trap '{ kill $HTTP_PID; wait $HTTP_PID; } 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
PORT=$(cat port) || fail "the HTTP server did not start"
printf '#include <stdio.h>\nint main(void) { puts("Hello, qemu!"); return 0; }\n' > src/hi.c
cat > src/small.yaml <<EOF
package:
  name: small
  version: "1.0"
  epoch: 0
  description: a small package for the qemu runner
  copyright:
    - license: MIT
  checks:
    disabled:
      - setuidgid
$(env_yaml "$BOOT" build-base busybox wolfi-baselayout)
pipeline:
  - runs: |
      d=\${{targets.destdir}}
      mkdir -p \$d/usr/bin \$d/usr/share/small/ro \$d/var/lib/small
      gcc -O2 -o \$d/usr/bin/hi hi.c
      cp \$d/usr/bin/hi \$d/usr/bin/hi-suid && chmod 4755 \$d/usr/bin/hi-suid
      ln -s hi \$d/usr/bin/hi-link
      echo data > \$d/usr/share/small/ro/file
      chmod 0555 \$d/usr/share/small/ro
      echo state > \$d/var/lib/small/state
      chown -R 65534:65534 \$d/var/lib/small
  - uses: strip
  - runs: wget -q -T 5 -O - http://10.0.2.2:$PORT/marker 2>/dev/null || echo no-network-without-the-flag
test:
  environment:
    contents:
      packages:
        - busybox
  pipeline:
    - runs: hi | grep -x "Hello, qemu!" >/dev/null
EOF
start=$(date +%s)
"$MELANGE" build src/small.yaml --runner qemu --signing-key test.rsa "${STUB_ARGS[@]}" --cache-dir cache \
  --out-dir out-qemu >qemu.log 2>&1 || fail "qemu build failed: $(tail -5 qemu.log)"
echo "qemu build + test (2 boots): $(( $(date +%s) - start )) s"
grep -E "qemu: booting .* with (TCG|KVM)" qemu.log >/dev/null || fail "the log does not say TCG or KVM: $(grep qemu: qemu.log)"
grep "qemu: guest ready in" qemu.log | sed 's/.*info: /  /'
grep -q "small test: passed" qemu.log || fail "the test did not run in qemu"
grep -q "no-network-without-the-flag" qemu.log || fail "the guest had a network without --network"
"$MELANGE" build src/small.yaml --runner bubblewrap --signing-key test.rsa "${STUB_ARGS[@]}" --cache-dir cache \
  --out-dir out-bwrap >bwrap.log 2>&1 || fail "bubblewrap build failed: $(tail -5 bwrap.log)"
data_listing "out-qemu/$ARCH/small-1.0-r0.apk" > qemu.list
data_listing "out-bwrap/$ARCH/small-1.0-r0.apk" > bwrap.list
grep -E "^4755 usr/bin/hi-suid 0:0 " qemu.list >/dev/null || fail "setuid file lost: $(cat qemu.list)"
grep -E "^644 var/lib/small/state 65534:65534 " qemu.list >/dev/null || fail "owner 65534 lost: $(cat qemu.list)"
grep -E "^555 usr/share/small/ro 0:0 " qemu.list >/dev/null || fail "read-only directory mode lost: $(cat qemu.list)"
diff bwrap.list qemu.list || fail "qemu and bubblewrap builds differ"
diff <(pkginfo "out-bwrap/$ARCH/small-1.0-r0.apk" | grep -E "^(depend|provides) ") \
     <(pkginfo "out-qemu/$ARCH/small-1.0-r0.apk" | grep -E "^(depend|provides) ") || fail "SCA results differ"
echo "ok: qemu and bubblewrap give the same package contents"

# melange initramfs
"$MELANGE" initramfs -o initramfs.cpio -r "$BOOT" -k "$BOOT/bootstrap.rsa.pub" --init-package microvm-init >initramfs.log 2>&1 ||
  fail "melange initramfs failed: $(tail -3 initramfs.log)"
grep -q "init-package microvm-init: not used" initramfs.log || fail "--init-package: no warning: $(cat initramfs.log)"
cpio -it --quiet < initramfs.cpio > cpio.list || fail "GNU cpio cannot list the initramfs"
for f in .ma/init .ma/channel usr/bin/busybox; do
  grep -qx "$f" cpio.list || fail "initramfs lacks $f: $(head -5 cpio.list)"
done
echo "ok: melange initramfs"

# SIGINT while a step runs: the VM goes, and so do the temporary files.
cat > src/sleepy.yaml <<EOF
package:
  name: sleepy
  version: "1.0"
  epoch: 0
  description: sleeps
  copyright:
    - license: MIT
$(env_yaml "$BOOT" busybox wolfi-baselayout)
pipeline:
  - runs: wget -q -O - http://10.0.2.2:$PORT/marker; echo step-started; sleep 600
EOF
"$MELANGE" build src/sleepy.yaml --runner qemu --network --signing-key test.rsa --out-dir out-sleepy >sleepy.log 2>&1 &
M=$!
for _ in $(seq 600); do grep -q step-started sleepy.log && break; kill -0 $M 2>/dev/null || break; sleep 0.2; done
grep -q step-started sleepy.log || { kill -9 $M 2>/dev/null; fail "the step never started: $(tail -3 sleepy.log)"; }
grep -q "served-from-the-host" sleepy.log || { kill -9 $M 2>/dev/null; fail "--network: the guest did not reach the host's HTTP server: $(tail -3 sleepy.log)"; }
pgrep -f "$WORK/tmp/melange-qemu-" >/dev/null || fail "no qemu process found while the step runs"
kill -INT $M
rc=0
for _ in $(seq 100); do kill -0 $M 2>/dev/null || break; sleep 0.1; done
kill -0 $M 2>/dev/null && { kill -9 $M; fail "melange still runs 10 s after SIGINT"; }
wait $M || rc=$?
[ "$rc" = 130 ] || fail "an interrupted build exited with $rc, expected 130"
grep -q "interrupted by SIGINT" sleepy.log || fail "the error does not say interrupted: $(tail -2 sleepy.log)"
sleep 0.5
pgrep -af "$WORK/tmp/melange-qemu-" && fail "qemu survived SIGINT"
left=$(ls "$WORK/tmp")
[ -z "$left" ] || fail "temporary files left after SIGINT: $left"
echo "ok: --network reaches the host's loopback as 10.0.2.2 (and no network without it); SIGINT tears the VM down"

# 4. --interactive on a terminal (script(1)'s): a failing step opens a shell on a terminal in the
#    guest, in the step's directory and environment; what is typed runs in the VM (PID 1 is
#    ma-guest-init) and its output comes back; the build still fails.
broken_yaml "$BOOT" > src/broken.yaml
start=$(date +%s)
printf '%s\n' 'tty >/dev/null && echo "typed:$MARK:$(pwd):$(cat half-done):$(tr "\0" " " </proc/1/cmdline)"' exit |
  script -qec "$(printf '%q ' "$MELANGE" build src/broken.yaml --runner qemu --signing-key test.rsa --out-dir out-broken --interactive)" /dev/null \
  > tty.log 2>&1 && fail "the build succeeded although a step failed"
grep -q "a shell opens in the build environment" tty.log || fail "no notice before the shell: $(tail -5 tty.log)"
grep -q "typed:from-the-build-env:/home/build/sub:half:/.ma/init" tty.log ||
  fail "the typed commands did not run in the VM's shell: $(tail -8 tty.log)"
grep -q 'broken: step "(unnamed)" (src/broken.yaml:[0-9]*) failed with exit code 1' tty.log || fail "no step failure line: $(tail -3 tty.log)"
echo "ok: --interactive opens a shell on a terminal in the VM ($(( $(date +%s) - start )) s)"

if [ "${MA_E2E_QEMU_HELLO:-}" = 1 ]; then
  TARBALL=$(hello_tarball)
  cp "$TARBALL" "cache/sha256:$HELLO_SHA"
  hello_yaml "http://127.0.0.1:9/hello-\${{package.version}}.tar.gz" "$BOOT" > src/hello.yaml
  start=$(date +%s)
  "$MELANGE" build src/hello.yaml --runner qemu --signing-key test.rsa "${STUB_ARGS[@]}" --cache-dir cache \
    --out-dir out-hq >hq.log 2>&1 || fail "hello qemu build failed: $(tail -5 hq.log)"
  echo "hello qemu build: $(( $(date +%s) - start )) s"
  "$MELANGE" build src/hello.yaml --runner bubblewrap --signing-key test.rsa "${STUB_ARGS[@]}" --cache-dir cache \
    --out-dir out-hb >hb.log 2>&1 || fail "hello bubblewrap build failed: $(tail -5 hb.log)"
  diff <(data_listing "out-hb/$ARCH/hello-2.10-r0.apk") <(data_listing "out-hq/$ARCH/hello-2.10-r0.apk") ||
    fail "hello: qemu and bubblewrap builds differ"
  echo "ok: hello built in qemu equals the bubblewrap build"
fi
