#!/bin/bash
# Stopping memsnap-collect: SIGTERM, SIGINT or SIGHUP mid-run and the
# overall --timeout each finish the archive, marked incomplete, exit 1; a
# second signal ends it at once.  Whatever ends it, '-o FILE' is either a
# whole archive or absent: the collector writes FILE.XXXXXX.partial and
# renames it when done, so SIGKILL (or a second signal) leaves only the
# .partial, and an older FILE untouched.  A FIFO in a fixture tree holds the run
# where we want it.  No root needed.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
cd "$(dirname "$0")/.."
bg=""
cleanup() {
	[ -n "$bg" ] && kill -9 "$bg" 2>/dev/null
}

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
if [ $rc = 143 ]; then
	[ ! -e "$work/2.tar.gz" ] || fail "second SIGTERM: a cut '2.tar.gz' was left"
	ls "$work"/2.tar.gz.*.partial >/dev/null 2>&1 || fail "second SIGTERM: no .partial left"
else
	tar tzf "$work/2.tar.gz" >/dev/null || fail "second SIGTERM: exit 1 but the archive is unreadable"
fi
rm -f "$work"/2.tar.gz*

# SIGKILL: nothing can be finished, so nothing may look finished.  An
# earlier capture of the same name survives; the partial file says what it is.
echo "an older capture" >"$work/k.tar.gz"
"$C" "${ARGS[@]}" -o "$work/k.tar.gz" 2>"$work/err" &
bg=$!
sleep 0.3
ls "$work"/k.tar.gz.*.partial >/dev/null 2>&1 || fail "SIGKILL: no .partial while running"
kill -KILL $bg
wait $bg
bg=""
[ "$(cat "$work/k.tar.gz")" = "an older capture" ] || fail "SIGKILL: the older capture was overwritten"
ls "$work"/k.tar.gz.*.partial >/dev/null 2>&1 || fail "SIGKILL: no .partial left"
rm -f "$work"/k.tar.gz.*.partial

# A finished run leaves exactly the archive, with open()'s mode under umask.
(umask 027; "$C" --root "$work/root" --no-bpftool --kmsg none --file-timeout 10 \
	-o "$work/done.tar.gz" 2>"$work/err")
[ -f "$work/done.tar.gz" ] || fail "finished run: no archive: $(cat "$work/err")"
tar tzf "$work/done.tar.gz" >/dev/null || fail "finished run: unreadable archive"
[ "$(stat -c %a "$work/done.tar.gz")" = 640 ] || fail "finished run: mode $(stat -c %a "$work/done.tar.gz"), not 640"
! ls "$work"/done.tar.gz.*.partial >/dev/null 2>&1 || fail "finished run: a .partial was left"
echo ok
