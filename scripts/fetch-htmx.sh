#!/usr/bin/env bash
# Fetch the pinned htmx from its npm package again and check it against the recorded sha256.
# Usage: scripts/fetch-htmx.sh [--check]   (--check: compare only, do not overwrite)
set -euo pipefail
version="4.0.1"
here="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$here/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$version" >/dev/null && tar xzf "htmx.org-$version.tgz")
expected="$(cut -d' ' -f1 "$vendor/htmx.min.js.sha256")"
actual="$(sha256sum "$work/package/dist/htmx.min.js" | cut -d' ' -f1)"
if [ "$expected" != "$actual" ]; then
  echo "htmx $version from npm has sha256 $actual, but static/vendor/htmx.min.js.sha256 records $expected" >&2
  exit 1
fi
if [ "${1:-}" != "--check" ]; then
  cp "$work/package/dist/htmx.min.js" "$vendor/htmx.min.js"
  cp "$work/package/LICENSE" "$vendor/htmx.LICENSE"
fi
(cd "$vendor" && sha256sum -c htmx.min.js.sha256)
echo "htmx $version: sha256 matches"
