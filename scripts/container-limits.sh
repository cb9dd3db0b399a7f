# Sourced, not run: explicit rlimits for `podman run` / `docker run`, shared by scripts/demo.sh and
# tests/e2e. Engines give containers their own default limits (podman: nofile 1048576), which
# runc cannot set on hosts whose hard limits are lower ("error setting rlimit type 7: operation
# not permitted"). We pass this shell's own limits instead, nproc capped at kernel.pid_max (some
# hosts refuse anything above it even when `ulimit -Hu` says more); libs/sandbox/ulimits.hpp
# does the same for the docker runner.

# _limit_pair SOFT HARD CAP: "soft:hard" with hard <= CAP and soft <= hard ("unlimited" = no cap).
_limit_pair() {
  local soft=$1 hard=$2 cap=$3
  [ "$hard" = unlimited ] && hard=1048576
  [ "$cap" != unlimited ] && [ "$hard" -gt "$cap" ] && hard=$cap
  { [ "$soft" = unlimited ] || [ "$soft" -gt "$hard" ]; } && soft=$hard
  echo "$soft:$hard"
}

# container_ulimit_flags [conservative]: the --ulimit flags for nofile and nproc.
container_ulimit_flags() {
  local pid_max=unlimited
  [ -r /proc/sys/kernel/pid_max ] && pid_max=$(cat /proc/sys/kernel/pid_max)
  if [ "${1:-}" = conservative ]; then
    echo "--ulimit nofile=$(_limit_pair 1024 4096 "$(ulimit -Hn)") --ulimit nproc=$(_limit_pair 4096 4096 "$(ulimit -Hu)")"
  else
    echo "--ulimit nofile=$(_limit_pair "$(ulimit -Sn)" "$(ulimit -Hn)" unlimited)" \
         "--ulimit nproc=$(_limit_pair "$(ulimit -Su)" "$(ulimit -Hu)" "$pid_max")"
  fi
}

# container_run ENGINE ARGS...: `ENGINE run` with our limits; when the engine still refuses an
# rlimit, once more with conservative ones (said in one line on stderr). stdout is the container's.
container_run() {
  local engine=$1 err rc=0
  shift
  err=$(mktemp)
  # shellcheck disable=SC2046 # the flags are words on purpose
  "$engine" run $(container_ulimit_flags) "$@" 2>"$err" || rc=$?
  if [ "$rc" -ne 0 ] && grep -q rlimit "$err"; then
    echo "container_run: $engine refused the rlimits ($(container_ulimit_flags)); retrying with $(container_ulimit_flags conservative)" >&2
    rc=0
    "$engine" run $(container_ulimit_flags conservative) "$@" 2>"$err" || rc=$?
  fi
  cat "$err" >&2
  rm -f "$err"
  return "$rc"
}
