#!/usr/bin/env bash
# Installs stress-ng (Debian's package), which the resource faults run inside the target's cgroup for CPU and
# memory pressure. Idempotent: installs only when stress-ng is missing. Also checks prlimit (util-linux), used
# by the descriptor fault. Runs as root.
set -euo pipefail

if ! command -v stress-ng >/dev/null 2>&1; then
  echo "== installing stress-ng (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends stress-ng >/dev/null
fi
if ! command -v prlimit >/dev/null 2>&1; then
  echo "== installing util-linux (prlimit)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends util-linux >/dev/null
fi
echo "== $(stress-ng --version 2>&1 | head -n 1)"
