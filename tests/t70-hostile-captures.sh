#!/bin/bash
# Hostile captures against `memsnap load` and `memsnap report`: paths with
# '..' and absolute paths, links, devices, FIFOs, duplicates, decompression
# bombs, archives cut mid-entry, 150,000 entries, 50 MB lines, NUL bytes and
# garbage, numbers past 2^64 and negative, deep and broken JSON, missing and
# alien manifests, terminal escapes and invalid UTF-8, huge decoder windows.
# Each case: a clear message, the valid rest loaded, bounded time and
# memory, nothing written outside the database.  The cases and what each
# asserts are in tests/t70-hostile-captures.py.  No root needed (as root,
# the unpacked-folder case adds a /dev/zero device node).
set -u
cd "$(dirname "$0")/.."
: "${BIN_DIR:=$PWD/bin}"
export BIN_DIR
command -v python3 >/dev/null || { echo "FAIL: python3 missing (.ci/install-deps)"; exit 1; }
[ -x /usr/bin/time ] || { echo "FAIL: /usr/bin/time missing (.ci/install-deps: time)"; exit 1; }
exec python3 tests/t70-hostile-captures.py "$@"
