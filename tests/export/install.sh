#!/bin/sh
# Install the JavaScript readers the export tests use (package.json,
# package-lock.json) into tests/export/node_modules, from the npm registry.
# Idempotent: nothing to do (and no network) when the locked versions are
# there already (optional packages of other platforms left out).  Used by .ci/install-deps; t81 skips when they are missing.
set -eu
cd "$(dirname "$0")"
if [ -f node_modules/.package-lock.json ] &&
   node -e 'const a = require("./package-lock.json").packages, b = require("./node_modules/.package-lock.json").packages;
	for (const k of Object.keys(a)) if (k && !(a[k].optional && !b[k]) && (!b[k] || b[k].version !== a[k].version)) process.exit(1)' 2>/dev/null; then
	exit 0
fi
command -v npm > /dev/null || { echo "error: npm missing (Debian package npm)" >&2; exit 1; }
echo "installing tests/export/node_modules (npm ci)" >&2
npm ci --no-audit --no-fund --loglevel=error >&2
