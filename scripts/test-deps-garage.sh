#!/usr/bin/env bash
# Builds Garage, the S3 server that ignores conditional writes, for the
# opt-in test that Lekradar's start-up probe refuses it and that the index
# catalog (--index-catalog) makes it usable:
#
#   scripts/test-deps-garage.sh
#   cargo nextest run -p lekradar --features garage-tests -E 'test(garage)'
#
# Garage has no Debian package or PyPI wheel; it is built from crates.io
# into .tools/garage/bin/garage (12–20 minutes on 2 cores), once. The
# default suite (scripts/test) does not run this.
set -euo pipefail
cd "$(dirname "$0")/.."
GARAGE_VERSION=2.5.0
root=$PWD/.tools/garage
if [[ "$("$root/bin/garage" --version 2>/dev/null || true)" == *"$GARAGE_VERSION"* ]]; then
  exit 0
fi
echo "test-deps-garage: building garage $GARAGE_VERSION into $root (about 20 minutes)" >&2
# Its own target directory: the build shares nothing with the workspace's.
CARGO_TARGET_DIR="$root/target" cargo install --locked --version "$GARAGE_VERSION" --root "$root" garage
rm -rf "$root/target"
"$root/bin/garage" --version >&2
