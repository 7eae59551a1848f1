#!/bin/bash
# A real OOM kill, explained: make a fresh memory cgroup with a 32 MiB limit
# (cgroup v1 or v2), run `tail /dev/zero` in it (it buffers forever), let the
# kernel kill it, then give `memsnap oom` the kernel log as dmesg, dmesg -T,
# dmesg -x and /dev/kmsg records show it.  The event for the killed pid must
# name that pid, `tail`, the cgroup and its limit.  Then the same through the
# product's path: memsnap-collect captures the node, memsnap load reads the
# capture, and the oom_kills view holds that event (with its wall time), the
# cgroup's oom_kill counter counts it.  Needs root.
set -u
. "$(dirname "$0")/lib/check.sh"
LIMIT=$((32 << 20))

[ "$(id -u)" = 0 ] || skip "needs root (creates a memory cgroup)"
command -v python3 > /dev/null || skip "python3 is needed to read --json"
dmesg > /dev/null 2>&1 || skip "cannot read the kernel log (dmesg)"

name=memsnap-t30-$$-$RANDOM
if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
	mode=v1
	cg=/sys/fs/cgroup/memory/$name
elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2> /dev/null &&
	grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2> /dev/null; then
	mode=v2
	cg=/sys/fs/cgroup/$name
else
	echo "SKIP: no memory cgroup controller to put a limit on"
	exit 77
fi

cleanup() {
	cgroup_remove "$cg"
}

mkdir "$cg" || skip "cannot create '$cg'"
if [ $mode = v1 ]; then
	echo $LIMIT > "$cg/memory.limit_in_bytes"
	# with swap on, memory+swap must be limited too, or it swaps instead
	[ -f "$cg/memory.memsw.limit_in_bytes" ] && echo $LIMIT > "$cg/memory.memsw.limit_in_bytes"
else
	echo $LIMIT > "$cg/memory.max"
	[ -f "$cg/memory.swap.max" ] && echo 0 > "$cg/memory.swap.max"
fi
echo "cgroup $mode: $cg, limit $LIMIT"

# Provoke one kill; the report's header is ratelimited (10 per 5 s), so a
# report without its memcg lines is retried once the window has passed.
provoke() {
	( echo "$BASHPID" > "$cg/cgroup.procs" && echo "$BASHPID" > "$work/pid" &&
	  exec tail /dev/zero ) 2> /dev/null
	echo $? > "$work/status"
	pid=$(cat "$work/pid")
}

check_json() { # FILE [capture]: the event of $pid, as the kernel printed it
	python3 - "$1" "$pid" "/$name" "$LIMIT" ${2:-} <<'EOF'
import json, sys
events, pid, path, limit = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
mine = [e for e in events if e["killed_pid"] == pid]
assert len(mine) == 1, "events for pid %d: %d" % (pid, len(mine))
e = mine[0]
def want(k, v):
    assert e[k] == v, "%s is %r, want %r" % (k, e[k], v)
want("killed_comm", "tail")
want("trigger_comm", "tail")
want("trigger_pid", pid)
want("oom_memcg", path)
want("task_memcg", path)
want("memcg_limit_bytes", limit)
want("constraint", "CONSTRAINT_MEMCG")
want("complete", True)
assert e["memcg_usage_bytes"] >= limit - (1 << 20), e["memcg_usage_bytes"]
assert e["anon_rss_bytes"] > (16 << 20), e["anon_rss_bytes"]
assert e["kernel_time"] is not None or e["wall_time"] is not None
if len(sys.argv) > 5 and sys.argv[5] == "capture":
    assert e["kernel_time"] is not None and e["wall_time"] is not None, (e["kernel_time"], e["wall_time"])
EOF
}

for attempt in 1 2 3; do
	provoke
	if [ "$(cat "$work/status")" != 137 ]; then
		fail "tail exited $(cat "$work/status"), not killed (SIGKILL, 137)"
		break
	fi
	sleep 0.5
	dmesg > "$work/dmesg.txt"
	"$M" oom --json "$work/dmesg.txt" > "$work/dmesg.json" 2> "$work/err"
	if check_json "$work/dmesg.json" > "$work/why" 2>&1; then
		break
	fi
	echo "attempt $attempt: $(tail -n1 "$work/why")"
	[ $attempt = 3 ] || sleep 6
done
echo "killed pid $pid"
check_json "$work/dmesg.json" && ok "dmesg: pid, comm, memcg, limit" ||
	{ fail "dmesg"; cat "$work/why" "$work/err"; }

dmesg -T > "$work/dmesg-T.txt" 2> /dev/null && "$M" oom --json "$work/dmesg-T.txt" > "$work/T.json" &&
	check_json "$work/T.json" && ok "dmesg -T" || fail "dmesg -T"
dmesg -x > "$work/dmesg-x.txt" 2> /dev/null && "$M" oom --json "$work/dmesg-x.txt" > "$work/x.json" &&
	check_json "$work/x.json" && ok "dmesg -x" || fail "dmesg -x"
# /dev/kmsg records, as the collector stores them
if timeout 2 dd if=/dev/kmsg iflag=nonblock of="$work/kmsg.txt" bs=8192 2> /dev/null ||
	[ -s "$work/kmsg.txt" ]; then
	"$M" oom --json "$work/kmsg.txt" > "$work/kmsg.json" && check_json "$work/kmsg.json" &&
		ok "/dev/kmsg records" || fail "/dev/kmsg records"
else
	echo "note: /dev/kmsg not readable, records not checked"
fi

# The collector's capture, loaded: the oom_kills view and the cgroup's counter
if "$C" --no-bpftool -o "$work/node.tar.gz" > "$work/collect.err" 2>&1 ||
	[ -s "$work/node.tar.gz" ]; then
	"$M" load "$work/node.tar.gz" -o "$work/node.db" 2> "$work/load.err" &&
		"$M" sql --json "$work/node.db" "SELECT * FROM oom_kills" > "$work/view.json" &&
		check_json "$work/view.json" capture > "$work/why" 2>&1 &&
		ok "collect + load: oom_kills names pid, comm, memcg, limit, wall time" ||
		{ fail "collect + load: oom_kills"; cat "$work/why" "$work/load.err"; }
	got=$("$M" sql --csv "$work/node.db" \
		"SELECT oom_kill_count FROM cgroups WHERE cgroup = '/$name'" | tail -n +2 | tr -d '\r')
	[ "${got:-0}" -ge 1 ] 2> /dev/null && ok "collect + load: /$name oom_kill_count $got" ||
		fail "collect + load: /$name oom_kill_count '$got'"
else
	fail "memsnap-collect: $(tail -n3 "$work/collect.err")"
fi

# The text says the same
"$M" oom "$work/dmesg.txt" > "$work/text" 2>&1
grep -q "^  killed    tail (pid $pid, " "$work/text" &&
	grep -q "^  cgroup    /$name\$" "$work/text" &&
	grep -q "^  limit     memory .* of limit 32.0 MiB" "$work/text" &&
	ok "text: killed, cgroup, limit" || { fail "text"; grep -A14 "pid $pid" "$work/text"; }

check_end
