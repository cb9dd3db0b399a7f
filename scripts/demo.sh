#!/usr/bin/env bash
# The main job. For now: build both tools and generate a signing key with `melange keygen`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
mkdir -p out/demo && cd out/demo
../../build/apps/melange/melange keygen melange.rsa
ls -l melange.rsa melange.rsa.pub
