#!/usr/bin/env bash
# Installs HAProxy (Debian's package), the third-party load balancer that examples/haproxy tests. Idempotent:
# installs only when haproxy is missing. The example starts its own haproxy process on loopback; the package's
# system service is not used. Runs as root.
set -euo pipefail

if ! command -v haproxy >/dev/null 2>&1; then
  echo "== installing haproxy (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d 101: do not start the package's own service on install (the example runs its own process).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get install -y -qq --no-install-recommends haproxy >/dev/null
fi
echo "== $(haproxy -v 2>&1 | head -n 1)"
