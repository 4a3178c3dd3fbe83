#!/usr/bin/env bash
# Makes a Docker engine answer on /var/run/docker.sock, for the container targets and their tests.
# Idempotent: installs Debian's docker.io only when dockerd is missing, starts dockerd only when the engine does
# not already answer. dockerd runs with --bridge=none --iptables=false so that no private-range network is
# created: containers use host networking and talk on loopback only. Runs as root.
set -euo pipefail

SOCK=/var/run/docker.sock
LOG=${HIVESTORM_DOCKERD_LOG:-/var/log/hivestorm-dockerd.log}
WAIT_S=${HIVESTORM_DOCKERD_WAIT_S:-60}

# The engine API is asked directly over the socket with curl, so that nothing depends on a docker CLI.
engine_answers() {
  [ -S "$SOCK" ] && curl -fsS --max-time 3 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1
}

if ! command -v curl >/dev/null 2>&1 || ! command -v dockerd >/dev/null 2>&1; then
  echo "== installing docker.io (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io curl >/dev/null
fi

if engine_answers; then
  echo "== docker engine already answering on $SOCK"
else
  # dockerd needs cgroups mounted; on a cgroup v1 host each controller must be mounted under /sys/fs/cgroup.
  if [ ! -e /sys/fs/cgroup/memory/memory.limit_in_bytes ] && [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
    echo "warning: no cgroup v1 memory controller nor cgroup v2 found under /sys/fs/cgroup;" \
      "container memory limits (OOM targets) will not work" >&2
  fi
  echo "== starting dockerd (log: $LOG)"
  # A stale pid file from a killed dockerd makes the next one refuse to start.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  # setsid: its own session, so that killing the process group that ran this script does not take dockerd along.
  setsid nohup dockerd --bridge=none --iptables=false --ip6tables=false >>"$LOG" 2>&1 </dev/null &
  for _ in $(seq 1 "$WAIT_S"); do
    engine_answers && break
    sleep 1
  done
  if ! engine_answers; then
    echo "error: dockerd did not answer on $SOCK within ${WAIT_S}s; last lines of $LOG:" >&2
    tail -n 30 "$LOG" >&2 || true
    exit 1
  fi
fi

version=$(curl -fsS --max-time 5 --unix-socket "$SOCK" http://localhost/version)
field() { printf '%s' "$version" | grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }
echo "== docker engine $(field Version) (API $(field ApiVersion), $(field KernelVersion))"
