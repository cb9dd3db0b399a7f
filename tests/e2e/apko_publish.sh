#!/usr/bin/env bash
# apko publish to a local Distribution registry (docker-registry) on 127.0.0.1, read back
# with skopeo; apko login writes credentials to $DOCKER_CONFIG.
source "$(dirname "$0")/lib.sh"
command -v docker-registry >/dev/null || skip "docker-registry (Distribution) not installed"
command -v skopeo >/dev/null || skip "skopeo not installed"
TD=$DATA/apko-cli-testdata
export DOCKER_CONFIG=$WORK/docker SOURCE_DATE_EPOCH=1700000000

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > registry.yml <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $WORK/registry-data
http:
  addr: 127.0.0.1:$PORT
YAML
docker-registry serve registry.yml > registry.log 2>&1 &
REG_PID=$!
# (set -e applies inside the trap: the killed registry's status must not fail a passing test)
trap 'kill $REG_PID 2>/dev/null; wait $REG_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/v2/" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/v2/" >/dev/null || fail "registry did not start: $(cat registry.log)"

ln -s "$TD" testdata && cp "$DATA/configs/apko/cli-repo.yaml" apko.yaml
REF=127.0.0.1:$PORT/apko/golden
"$APKO" publish --image-refs refs.txt apko.yaml "$REF:latest" "$REF:v1" > pushed 2>publish.log || fail "publish: $(cat publish.log)"
digest=$(sed -n 1p pushed | sed 's/.*@//')
[ "$(sed -n 1p pushed)" = "$REF@$digest" ] || fail "publish output: $(cat pushed)"
[ "$(wc -l < pushed)" = 2 ] || fail "publish output: $(cat pushed)"

for tag in latest v1; do
  skopeo inspect --tls-verify=false --raw "docker://$REF:$tag" > raw.json || fail "skopeo inspect --raw $tag"
  [ "sha256:$(sha256sum < raw.json | cut -d' ' -f1)" = "$digest" ] || fail "$tag: index digest differs"
done
python3 -c "import json,sys; m=json.load(open('raw.json'))['manifests']; assert len(m)==2, m" || fail "index: $(cat raw.json)"
amd64=$(python3 -c "import json; print([m['digest'] for m in json.load(open('raw.json'))['manifests'] if m['platform']['architecture']=='amd64'][0])")
skopeo inspect --tls-verify=false --override-arch amd64 "docker://$REF:latest" > insp.json || fail "skopeo inspect"
grep -q "\"Architecture\": \"amd64\"" insp.json || fail "per-arch image: $(cat insp.json)"
skopeo inspect --tls-verify=false --raw "docker://$REF@$amd64" > m.json || fail "manifest by digest"
[ "sha256:$(sha256sum < m.json | cut -d" " -f1)" = "$amd64" ] || fail "per-arch manifest digest differs"
# --image-refs: each architecture's image, then the index, by digest (as apko writes the file).
python3 - "$REF" <<'PY' > refs.expected || fail "expected refs"
import json, sys
for m in json.load(open('raw.json'))['manifests']:
    print(sys.argv[1] + '@' + m['digest'])
PY
echo "$REF@$digest" >> refs.expected
diff <(sort refs.expected) <(sort refs.txt) > /dev/null || fail "--image-refs: $(cat refs.txt) vs $(cat refs.expected)"
[ "$(tail -1 refs.txt)" = "$REF@$digest" ] || fail "--image-refs: the index is not last: $(cat refs.txt)"
expect_fail "publish --local: loading into a Docker daemon is not supported" "$APKO" publish --local apko.yaml "$REF:x"

# The same build as a tarball has the same index digest (publish and build agree).
"$APKO" build apko.yaml "$REF:latest" local.tar 2>/dev/null || fail "build"
tar -xOf local.tar index.json > /dev/null || fail "no index.json"
grep -q "${digest#sha256:}" <(tar -tf local.tar) || fail "tarball lacks the published index blob"

# login: credentials stored for the registry, the password not printed.
echo s3cret | "$APKO" login "127.0.0.1:$PORT" -u alice --password-stdin > login.log 2>&1 || fail "login: $(cat login.log)"
grep -q "127.0.0.1:$PORT" "$DOCKER_CONFIG/config.json" || fail "config.json lacks the registry"
grep -q "$(printf alice:s3cret | base64)" "$DOCKER_CONFIG/config.json" || fail "config.json lacks the credentials"
! grep -q s3cret login.log || fail "password printed"
echo OK
