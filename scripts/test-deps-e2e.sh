#!/usr/bin/env bash
# Installs what the end-to-end tests need when it is missing, and does nothing
# (quickly) when it is there. Runs after scripts/test-deps.sh.
#   - Debian's Chromium at /usr/bin/chromium (for e2e/browser.mjs), with fonts
#   - wrk (the load benchmark)
#   - e2e/node_modules from e2e/package-lock.json (the hibp client, playwright-core)
#   - pyhibp and schemathesis in .venv
# Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

PYHIBP_VERSION=4.2.0
SCHEMATHESIS_VERSION=4.32.5

log() { echo "test-deps-e2e: $*" >&2; }

# --- Debian packages -------------------------------------------------------
apt_missing=()
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
# Without a font the screenshots show boxes instead of text.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || apt_missing+=(fonts-dejavu-core)
command -v wrk >/dev/null 2>&1 || apt_missing+=(wrk)
if [ "${#apt_missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${apt_missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

# --- npm packages ----------------------------------------------------------
# npm ci writes node_modules/.package-lock.json; it is newer than the lockfile
# after a successful install and older (or missing) after the lockfile changes.
if [ ! -e e2e/node_modules/.package-lock.json ] ||
   [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
  log "npm ci in e2e/"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error >&2)
  touch e2e/node_modules/.package-lock.json
fi

# --- Python packages in .venv ---------------------------------------------
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
if ! .venv/bin/python - "$PYHIBP_VERSION" "$SCHEMATHESIS_VERSION" 2>/dev/null <<'EOF'
import sys
from importlib.metadata import version, PackageNotFoundError
want = {"pyhibp": sys.argv[1], "schemathesis": sys.argv[2]}
try:
    sys.exit(any(version(name) != v for name, v in want.items()))
except PackageNotFoundError:
    sys.exit(1)
EOF
then
  log "installing pyhibp==$PYHIBP_VERSION schemathesis==$SCHEMATHESIS_VERSION into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check \
    "pyhibp==$PYHIBP_VERSION" "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi
