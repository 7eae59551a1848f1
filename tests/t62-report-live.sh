#!/bin/bash
# Smoke test on this machine: capture it with memsnap-collect, then report
# on the capture in every format (and open the HTML in chromium when it is
# there).  The numbers change from run to run, so nothing is compared with a
# golden file: the report must be written, parse, keep to 100 columns and
# hold no absolute path of this machine.
set -u
. "$(dirname "$0")/lib/check.sh"
A=${ARTIFACTS_DIR:-$PWD/build/test-artifacts}
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: memsnap-collect needs root to read every process"
	exit 77
fi
mkdir -p "$A"

"$BIN_DIR/memsnap-collect" -q -o "$work/live.tar.gz"
rc=$?
[ $rc -le 1 ] && ok "captured this machine (exit $rc)" || { fail "memsnap-collect exited $rc"; exit 1; }
for f in text html json; do
	"$M" report -f $f -o "$work/live.$f" "$work/live.tar.gz" 2> "$work/err"
	rc=$?
	[ $rc -le 1 ] && [ -s "$work/live.$f" ] && ok "report -f $f (exit $rc)" ||
		{ fail "report -f $f exited $rc"; cat "$work/err"; }
	grep -q "$work" "$work/live.$f" && fail "$f holds the capture's path" || ok "$f names no path of this machine"
done
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["captures"][0]["node"]["mem_total_bytes"] > 0' \
	"$work/live.json" && ok "JSON parses, MemTotal set" || fail "live JSON"
python3 - "$work/live.text" <<'PY' && ok "text keeps to 100 columns" || fail "text wider than 100 columns"
import sys
for n, line in enumerate(open(sys.argv[1], encoding="utf-8").read().split("\n"), 1):
    if len(line) > 100:
        sys.exit("line %d: %d columns" % (n, len(line)))
PY
"$M" report --containers 0 "$work/live.tar.gz" > "$work/all.text" 2>/dev/null
[ "$(wc -l < "$work/all.text")" -ge "$(wc -l < "$work/live.text")" ] && ok "--containers 0 lists them all"
cp "$work/live.html" "$A/report-live.html"
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && command -v node > /dev/null; then
	node "$T/browser/check-report.js" "$work/live.html" "$A/report-live" && ok "live HTML in chromium" ||
		fail "live HTML in chromium"
else
	echo "skip: no chromium or node: the live HTML is not opened"
fi
check_end
