#!/bin/bash
# memsnap-collect inside a memory cgroup limited to 16 MiB (a troubled node's
# debug pod may get little): it finishes, never hits the limit, and its own
# peak RSS (manifest collector.max_rss_kb) stays within 4 MiB.
#
# Needs root and a memory cgroup hierarchy (v1 at /sys/fs/cgroup/memory or
# v2 at /sys/fs/cgroup); skips otherwise.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
cd "$(dirname "$0")/.."
LIMIT=$((16 << 20))

[ "$(id -u)" = 0 ] || skip "needs root to create a memory cgroup"
[ "${SAN:-}" != 1 ] || skip "ASan's shadow memory does not fit in 16 MiB"
if [ -e /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
	G=/sys/fs/cgroup/memory/memsnap-t13-$$
	mkdir "$G" || { echo "FAIL: cannot create $G"; exit 1; }
	echo $LIMIT >"$G/memory.limit_in_bytes"
	failcnt() { cat "$G/memory.failcnt"; }
	peak() { cat "$G/memory.max_usage_in_bytes"; }
elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	G=/sys/fs/cgroup/memsnap-t13-$$
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	mkdir "$G" || { echo "FAIL: cannot create $G"; exit 1; }
	echo $LIMIT >"$G/memory.max"
	failcnt() { awk '$1 == "max" { print $2 }' "$G/memory.events"; }
	peak() { cat "$G/memory.peak" 2>/dev/null || echo unknown; }
else
	echo "SKIP: no memory cgroup hierarchy"; exit 77
fi
cleanup() { rmdir "$G" 2>/dev/null; }

sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$G" \
	"$C" --kmsg all -o "$work/c.tar.gz" 2>"$work/err"
rc=$?
cat "$work/err"
[ $rc -le 1 ] || fail "exit $rc inside a 16 MiB cgroup"
tar xzf "$work/c.tar.gz" -O --wildcards '*/manifest.json' >"$work/m.json" || fail "bad archive"
grep -q '"complete": true' "$work/m.json" || fail "incomplete"
[ "$(failcnt)" = 0 ] || fail "the cgroup limit was hit $(failcnt) times"
rss=$(sed -n 's/.*"max_rss_kb": \([0-9]*\).*/\1/p' "$work/m.json")
[ -n "$rss" ] && [ "$rss" -le 4096 ] || fail "peak RSS $rss KiB > 4 MiB"
echo "ok: peak RSS $rss KiB, cgroup peak $(peak) bytes of $LIMIT"
