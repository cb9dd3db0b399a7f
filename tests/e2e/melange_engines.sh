#!/usr/bin/env bash
# Graph builds over several Docker-API engines: two private `podman system service`s (one on a
# loopback unix socket, one on a 127.0.0.1 TCP port, each with its own storage root). A graph of
# 8 generated recipes (tests/graph/gen.sh: a chain, a diamond, leaves) built over both engines
# gives every engine builds (their own access logs show container creations) and the same
# package bytes, package for package, as a build on one engine. Then an engine is killed while
# it builds: that build is retried on the other engine and the run succeeds. Last, an ssh://
# engine through a real sshd on a loopback port, and a tcp:// engine behind TLS with client
# certificates.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
command -v podman >/dev/null || skip "podman is not installed"
BOOT=$(boot_repo)
export SOURCE_DATE_EPOCH=1700000000
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa

PORT=$(free_port)
cleanup() {
  podman_services_stop "$WORK/pod1" "$WORK/pod2"
  [ ! -s "$WORK/sshd/pid" ] || kill "$(cat "$WORK/sshd/pid")" 2>/dev/null || true
  rm -rf "$WORK" || true
}
trap cleanup EXIT
E1=unix://$WORK/pod1/api.sock
E2=tcp://127.0.0.1:$PORT
podman_service "$WORK/pod1" "$E1"
podman_service "$WORK/pod2" "$E2"

bash "$MA_SRC/tests/graph/gen.sh" all "$BOOT" --leaves 2
mkdir recipes
for n in chain-01 chain-02 dia-base dia-left dia-right dia-top; do cp "all/$n.yaml" recipes/; done

# 1. Two engines: DOCKER_HOST plus --docker-host; --jobs defaults to one per engine.
DOCKER_HOST=$E1 "$MELANGE" build recipes --runner docker --docker-host "$E2" --signing-key test.rsa --out-dir out2 \
  >two.log 2>&1 || fail "two-engine build: $(tail -5 two.log)"
grep -q "6 built, 0 up to date, 0 failed" two.log || fail "two-engine build: $(tail -3 two.log)"
grep -q "2 jobs on the docker runner (engines: $E1, $E2)" two.log || fail "plan: $(head -1 two.log)"
for e in "$E1" "$E2"; do
  grep -q "built .* on $e\$" two.log || fail "no build on $e: $(grep '] built' two.log)"
  grep -lq "^melange graph build: .* on $e\$" out2/buildlogs/*.log || fail "no build log names $e"
done
for n in 1 2; do
  grep -q "POST /[v0-9.]*/*containers/create" "pod$n/service.log" || fail "engine $n's log shows no container"
done

# 2. One engine: the same packages, byte for byte.
"$MELANGE" build recipes --runner docker --docker-host "$E1" --signing-key test.rsa --out-dir out1 \
  >one.log 2>&1 || fail "one-engine build: $(tail -5 one.log)"
grep -q "1 job on the docker runner" one.log || fail "one-engine plan: $(head -1 one.log)"
(cd out1/$ARCH && ls *.apk) > one.list
(cd out2/$ARCH && ls *.apk) > two.list
[ "$(wc -l < one.list)" = 6 ] || fail "one-engine build made $(wc -l < one.list) packages"
diff one.list two.list || fail "the two builds made different package sets"
while read -r f; do cmp -s "out1/$ARCH/$f" "out2/$ARCH/$f" || fail "$f differs between one and two engines"; done < one.list
tar -xzOf "out2/$ARCH/APKINDEX.tar.gz" APKINDEX 2>/dev/null | grep -c "^P:" | grep -qx 6 || fail "two-engine index"

# 3. An engine dies while it builds: the build is retried on the other one.
mkdir slow
for n in leaf-01 leaf-02; do sed 's/^      true$/      sleep 6/' "all/$n.yaml" > "slow/$n.yaml"; done
grep -q "sleep 6" slow/leaf-01.yaml || fail "could not make slow recipes"
"$MELANGE" build slow --runner docker --docker-host "$E1,$E2" --signing-key test.rsa --out-dir out3 >retry.log 2>&1 &
BUILD=$!
victim=""
for _ in $(seq 300); do
  victim=$(grep -l "on $E2\$" out3/buildlogs/*.log 2>/dev/null | head -1 || true)
  [ -n "$victim" ] && grep -q "with the docker runner" "$victim" && break
  sleep 0.1
done
[ -n "$victim" ] || { kill $BUILD; fail "no build started on engine 2: $(cat retry.log)"; }
sleep 2
kill -9 "$(cat pod2/pid)"; wait "$(cat pod2/pid)" 2>/dev/null || true
for pid in $(pgrep -f "$WORK/pod2" 2>/dev/null || true); do kill -9 "$pid" 2>/dev/null || true; done
rc=0; wait $BUILD || rc=$?
name=$(basename "$victim" .log)
[ "$rc" = 0 ] || fail "the run failed although the other engine was up: $(tail -5 retry.log)"
grep -q "engine $E2 is unreachable: retrying $name on another engine" retry.log || fail "no retry: $(cat retry.log)"
grep -Eq "^$name-1.0-r0 +built .* $E1\$" retry.log || fail "$name not built on engine 1: $(grep "^$name" retry.log)"
[ -f "out3/$ARCH/$name-1.0-r0.apk" ] || fail "$name missing after the retry"
# 4. An ssh:// engine through a real OpenSSH server on a loopback port (root, a fresh host key
# and client key): melange runs `ssh -L <local socket>:<remote socket> DEST` and builds through
# the forward, copying the workspace in and the results out (no bind mounts: a remote engine). The `ssh` on PATH is the real client with -F (the test's own ssh_config: key,
# no known_hosts), logging its arguments so the command line is checked too.
command -v /usr/sbin/sshd >/dev/null || fail "sshd is not installed (scripts/install-deps.sh test: openssh-server)"
mkdir -p sshd fakebin /run/sshd
ssh-keygen -q -t ed25519 -N '' -f sshd/host_key
ssh-keygen -q -t ed25519 -N '' -f sshd/client_key
cp sshd/client_key.pub sshd/authorized_keys
SSH_PORT=$(free_port)
cat > sshd/sshd_config <<EOF
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $WORK/sshd/host_key
PidFile $WORK/sshd/pid
AuthorizedKeysFile $WORK/sshd/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowStreamLocalForwarding yes
EOF
/usr/sbin/sshd -f "$WORK/sshd/sshd_config" -E "$WORK/sshd/log" || fail "sshd did not start: $(tail -3 sshd/log)"
cat > sshd/ssh_config <<EOF
Host build-host
  HostName 127.0.0.1
  IdentityFile $WORK/sshd/client_key
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
EOF
cat > fakebin/ssh <<EOF
#!/bin/sh
echo "\$*" >> "$WORK/ssh.log"
exec /usr/bin/ssh -F "$WORK/sshd/ssh_config" "\$@"
EOF
chmod +x fakebin/ssh
PATH=$WORK/fakebin:$PATH DOCKER_HOST= "$MELANGE" build recipes/chain-01.yaml --runner docker \
  --docker-host "ssh://root@build-host:$SSH_PORT$WORK/pod1/api.sock" --signing-key test.rsa --out-dir out4 >ssh-build.log 2>&1 ||
  fail "build through the ssh engine: $(tail -5 ssh-build.log; tail -3 sshd/log)"
grep -qx -- "-nNT -o ExitOnForwardFailure=yes -o BatchMode=yes -o StreamLocalBindUnlink=yes -p $SSH_PORT -L .*/engine-0.sock:$WORK/pod1/api.sock -- root@build-host" ssh.log ||
  fail "ssh command line: $(cat ssh.log)"
grep -q "Accepted publickey for root from 127.0.0.1" sshd/log || fail "sshd did not see the login: $(tail -3 sshd/log)"
# An ssh engine is remote: no bind mounts; the workspace is copied in and melange-out back.
grep -q "is remote: the workspace and caches are copied in" ssh-build.log || fail "the ssh engine was given bind mounts: $(grep docker: ssh-build.log)"
cmp -s "out4/$ARCH/chain-01-1.0-r0.apk" "out1/$ARCH/chain-01-1.0-r0.apk" || fail "the ssh engine built different bytes"
# 5. tcp:// with TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH): a TLS front (python ssl, client
# certificates required) to engine 1 on 127.0.0.1; certificates made with openssl.
mkdir certs && (
  cd certs
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=test-ca 2>/dev/null
  for who in server cert; do
    openssl req -newkey rsa:2048 -nodes -keyout "$who-key.pem" -out "$who.csr" -subj "/CN=$who" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\n' > ext
    openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile ext -out "$who.pem" 2>/dev/null
  done
  mv cert-key.pem key.pem
) || fail "openssl certificates"
TLS_PORT=$(free_port)
python3 - "$TLS_PORT" "$WORK/certs" "$WORK/pod1/api.sock" >tls.log 2>&1 <<'PY' &
import socket, ssl, sys, threading
port, d, remote = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(d + '/server.pem', d + '/server-key.pem')
ctx.load_verify_locations(d + '/ca.pem'); ctx.verify_mode = ssl.CERT_REQUIRED
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); srv.bind(('127.0.0.1', port)); srv.listen(16)
def pump(a, b):
    try:
        while True:
            x = a.recv(65536)
            if not x: break
            b.sendall(x)
    except OSError: pass
    finally:
        for s in (a, b):
            try: s.shutdown(socket.SHUT_RDWR)
            except OSError: pass
def serve(c):
    try: t = ctx.wrap_socket(c, server_side=True)
    except (ssl.SSLError, OSError) as e: print('refused:', e, flush=True); c.close(); return
    print('client', t.getpeercert()['subject'], flush=True)
    r = socket.socket(socket.AF_UNIX); r.connect(remote)
    threading.Thread(target=pump, args=(t, r), daemon=True).start(); pump(r, t)
while True:
    c, _ = srv.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
TLS=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$TLS_PORT) 2>/dev/null && break; sleep 0.1; done
DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$WORK/certs "$MELANGE" build recipes/dia-base.yaml --runner docker \
  --docker-host "tcp://127.0.0.1:$TLS_PORT" --signing-key test.rsa --out-dir out5 >tls-build.log 2>&1 ||
  { kill $TLS; fail "build through TLS: $(tail -5 tls-build.log)"; }
grep -q "client ((('commonName', 'cert'),),)" tls.log || { kill $TLS; fail "no client certificate presented: $(cat tls.log)"; }
cmp -s "out5/$ARCH/dia-base-1.0-r0.apk" "out1/$ARCH/dia-base-1.0-r0.apk" || { kill $TLS; fail "TLS engine built different bytes"; }
# Without the TLS settings the engine does not answer: one line naming it.
rc=0; out=$(DOCKER_TLS_VERIFY= DOCKER_CERT_PATH= HOME=$WORK "$MELANGE" build recipes/dia-base.yaml --runner docker \
  --docker-host "tcp://127.0.0.1:$TLS_PORT" --out-dir out6 2>&1) || rc=$?
kill $TLS
[ "$rc" != 0 ] || fail "plain HTTP to a TLS engine succeeded"
grep -q "no Docker engine answers: tcp://127.0.0.1:$TLS_PORT" <<<"$out" || fail "plain HTTP to TLS: $out"
echo "ok: builds spread over two engines, identical to one engine, retried when an engine died, ssh engines forwarded, TLS engines"
