#!/bin/bash
# Stopping memsnap-collect: SIGTERM, SIGINT or SIGHUP mid-run and the
# overall --timeout each finish the archive, marked incomplete, exit 1; a
# second signal ends it at once.  A FIFO in a fixture tree holds the run
# where we want it.  No root needed.
set -u
cd "$(dirname "$0")/.."
: "${BIN_DIR:=$PWD/bin}"
C=$BIN_DIR/memsnap-collect
work=$(mktemp -d)
bg=""
cleanup() {
	[ -n "$bg" ] && kill -9 "$bg" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir "$work/root"
cp -a tests/fixtures/roots/hybrid/. "$work/root/"
rm "$work/root/proc/4242/status"
mkfifo "$work/root/proc/4242/status"
ARGS=(--root "$work/root" --no-bpftool --kmsg none --file-timeout 20000)

for sig in TERM INT HUP; do
	out=$work/$sig.tar.gz
	"$C" "${ARGS[@]}" -o "$out" 2>"$work/err" &
	bg=$!
	sleep 0.3
	kill -"$sig" $bg
	wait $bg
	rc=$?
	bg=""
	[ $rc = 1 ] || fail "SIG$sig: exit $rc, not 1: $(cat "$work/err")"
	grep -q "warning: capture interrupted (SIG$sig)" "$work/err" || fail "SIG$sig: $(cat "$work/err")"
	tar xzf "$out" -O --wildcards '*/manifest.json' >"$work/m.json" || fail "SIG$sig: unreadable archive"
	grep -q '"complete": false' "$work/m.json" || fail "SIG$sig: not marked incomplete"
	grep -q "\"interrupted\": \"SIG$sig\"" "$work/m.json" || fail "SIG$sig: interrupted not recorded"
	tar tzf "$out" | grep -q '/proc/1/status$' || fail "SIG$sig: what was read before is missing"
done

# The overall deadline.
"$C" "${ARGS[@]}" --timeout 1 -o "$work/t.tar.gz" 2>"$work/err"
rc=$?
[ $rc = 1 ] || fail "--timeout: exit $rc: $(cat "$work/err")"
tar xzf "$work/t.tar.gz" -O --wildcards '*/manifest.json' | grep -q '"interrupted": "timeout"' ||
	fail "--timeout: not recorded"

# A second signal does not wait for anything.
"$C" "${ARGS[@]}" --file-timeout 20000 -o "$work/2.tar.gz" 2>"$work/err" &
bg=$!
sleep 0.3
kill -TERM $bg
kill -TERM $bg 2>/dev/null
wait $bg
rc=$?
bg=""
[ $rc = 1 ] || [ $rc = 143 ] || fail "second SIGTERM: exit $rc"
echo ok
