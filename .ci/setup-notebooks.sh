#!/usr/bin/env bash
# Installs what the notebook checks need on a fresh Debian machine: Debian's Jupyter (nbconvert, nbclient,
# jupyter-client; no PyPI, no ipykernel: the kernel is Deno from npm) and Chromium for the headless check of the
# Observable pages. Idempotent: apt runs only for packages that are missing. Prints the versions. Runs as root.
set -euo pipefail

# Debian package -> a file it installs, to tell whether it is present without asking dpkg twice.
declare -A WANT=(
  [jupyter-nbconvert]=/usr/bin/jupyter-nbconvert
  [python3-nbclient]=/usr/lib/python3/dist-packages/nbclient/__init__.py
  [jupyter-client]=/usr/bin/jupyter-kernelspec
  [chromium]=/usr/bin/chromium
)

missing=()
for pkg in "${!WANT[@]}"; do
  [ -e "${WANT[$pkg]}" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "== notebook prerequisites already installed"
fi

# Debian's Jupyter runs on Debian's python3 (a pyenv python3 earlier on PATH does not see its modules).
/usr/bin/python3 - <<'PY'
import jupyter_client, jupyter_core, nbclient, nbconvert, nbformat
print(f"== jupyter_client {jupyter_client.__version__}, jupyter_core {jupyter_core.__version__}, "
      f"nbclient {nbclient.__version__}, nbconvert {nbconvert.__version__}, nbformat {nbformat.__version__}")
PY
echo "== $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: version unknown')"
