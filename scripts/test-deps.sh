#!/usr/bin/env bash
# Installs what the test suite needs when it is missing, and is quick when it is there:
# a Python virtualenv (.venv) with the reference libphonenumber port, cargo-nextest,
# Debian's OpenSSL headers (so the build links the system's OpenSSL instead of
# compiling its own: scripts/test sets OPENSSL_NO_VENDOR when they are there).
set -euo pipefail
cd "$(dirname "$0")/.."

PHONENUMBERS_VERSION="$(cat scripts/phonenumbers-version)"
if ! .venv/bin/python -c "import phonenumbers, sys; sys.exit(phonenumbers.__version__ != '$PHONENUMBERS_VERSION')" 2>/dev/null; then
  echo "test-deps: creating .venv with phonenumbers==$PHONENUMBERS_VERSION" >&2
  if ! python3 -m venv .venv; then
    echo "test-deps: python3 venv module missing; installing python3-venv" >&2
    apt-get update -qq && apt-get install -y -qq python3-venv
    python3 -m venv .venv
  fi
  .venv/bin/pip install --quiet --disable-pip-version-check "phonenumbers==$PHONENUMBERS_VERSION"
fi

if ! command -v cargo-nextest >/dev/null 2>&1; then
  echo "test-deps: installing cargo-nextest" >&2
  cargo install --locked cargo-nextest
fi

if ! pkg-config --exists openssl 2>/dev/null; then
  echo "test-deps: installing libssl-dev and pkg-config (else OpenSSL is built from source, ~3 min)" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libssl-dev pkg-config >/dev/null; }; then
    echo "test-deps: could not install libssl-dev; OpenSSL will be built from source" >&2
  fi
fi
