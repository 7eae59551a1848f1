#!/bin/bash
# memsnap-collect on a node with 10,000 processes (issue 7), and the faults
# the collector's own tests (t11-t13) check on a small fixture tree, here on
# that large live node and in combination:
#
#   1. 10,000 sleeping processes in 50 memory cgroups: captured, every one
#      present (status, cgroup, its cgroup's files), the collector's peak
#      RSS bounded (4 MiB, the issue's goal for 1,000+ processes: memory
#      must not grow with the node), its time bounded;
#   2. memsnap load of that capture: every process in the processes view,
#      time and memory bounded;
#   3. the same capture inside a memory cgroup limited to 16 MiB: it
#      finishes without reaching the limit (failcnt 0);
#   4. SIGTERM, then SIGINT, a quarter of the way through while streaming
#      to a pipe (-o -): exit 1, the stream is a complete archive marked
#      incomplete (complete false, interrupted SIGTERM/SIGINT) holding what
#      was read;
#   5. every one of the 10,000 processes killed a quarter of the way
#      through: vanished processes are normal (exit 0 or 1), the archive is
#      complete and loads, and each of our processes is accounted for:
#      either its status is in the archive or a `vanished` problem names it
#      (none silently lost), and the count of vanished matches those;
#   6. stdout closed early (EPIPE) and a full disk (/dev/full) at this size:
#      exit 3, one clear message, no hang.
#
# Needs root and a memory cgroup hierarchy; skips otherwise.  Everything
# this test started is killed by pid (the spawner's children die with it,
# PR_SET_PDEATHSIG) and its cgroups removed.
set -u
. "$(dirname "$0")/lib/check.sh"
cd "$(dirname "$0")/.."
N=${T72_PROCS:-10000}
NCG=50

[ "$(id -u)" = 0 ] || skip "needs root (memory cgroups, 10,000 processes)"
if [ -e /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
	V=1
	B=/sys/fs/cgroup/memory/memsnap-t72-$$
elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	V=2
	B=/sys/fs/cgroup/memsnap-t72-$$
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
else
	echo "SKIP: no memory cgroup hierarchy"; exit 77
fi
max=$(cat /proc/sys/kernel/pid_max)
[ "$max" -gt $((N + 5000)) ] || skip "pid_max $max is too small for $N processes"
[ -x /usr/bin/time ] || { echo "FAIL: /usr/bin/time missing (.ci/install-deps: time)"; exit 1; }
for b in "$C" "$M"; do [ -x "$b" ] || { echo "FAIL: $b not built"; exit 1; }; done

spawner=""
cleanup() {
	local d p
	[ -n "$spawner" ] && kill -9 "$spawner" 2>/dev/null
	# anything left in our cgroups: ours, by pid
	for d in $(find "$B" -depth -type d 2>/dev/null); do
		while read -r p; do kill -9 "$p" 2>/dev/null; done <"$d/cgroup.procs"
	done
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		find "$B" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$B" ] || break
		sleep 0.3
	done
}

# The spawner: N children that sleep until killed, spread over the cgroups
# (tests/helpers/spawn.c, built by make).
SPAWN=${BUILD_DIR:-$PWD/build}/helpers/spawn
[ -x "$SPAWN" ] || { echo "FAIL: $SPAWN not built (make tests)"; exit 1; }

mkdir "$B" || { echo "FAIL: cannot create $B"; exit 1; }
[ $V = 2 ] && echo +memory >"$B/cgroup.subtree_control"
cgs=()
for i in $(seq $NCG); do
	mkdir "$B/app$i"
	cgs+=("$B/app$i")
done

# spawn: start N sleepers, wait until all are in place; pids in $work/pids
spawn() {
	: >"$work/pids"
	"$SPAWN" "$N" 0 "${cgs[@]}" >"$work/pids" &
	spawner=$!
	for _ in $(seq 600); do
		grep -q '^ready$' "$work/pids" && break
		kill -0 "$spawner" 2>/dev/null || { echo "FAIL: the spawner died"; exit 1; }
		sleep 0.1
	done
	grep -q '^ready$' "$work/pids" || { echo "FAIL: $N processes not started in 60 s"; exit 1; }
	sed -i '/^ready$/d' "$work/pids"
}

unspawn() {
	kill -TERM "$spawner" 2>/dev/null   # it kills and reaps its children
	wait "$spawner" 2>/dev/null
	spawner=""
	for _ in $(seq 100); do
		[ "$(cat "$B"/app*/cgroup.procs | wc -l)" = 0 ] && return
		sleep 0.1
	done
}

manifest() { tar xzf "$1" -O --wildcards '*/manifest.json' 2>/dev/null; }
json_num() { sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" | head -n1; }

# at_quarter PID: wait until the process has read a quarter of what a full
# capture reads (its rchar), so what follows happens mid-run
at_quarter() {
	local pid=$1 want=$2 r
	for _ in $(seq 2000); do
		r=$(sed -n 's/^rchar: //p' "/proc/$pid/io" 2>/dev/null) || return 1
		[ -n "$r" ] && [ "$r" -ge "$want" ] && return 0
		sleep 0.005
	done
	return 1
}

spawn
echo "node: $(ls -d /proc/[0-9]* | wc -l) processes, ours $(wc -l <"$work/pids") in $NCG memory cgroups (cgroup v$V)"

# ---- 1. the capture --------------------------------------------------------
# bpftool and journalctl are other programs: their memory is not the
# collector's (/usr/bin/time counts every descendant), so neither runs
/usr/bin/time -f '%M %e' -o "$work/c.time" "$C" --no-bpftool --no-journal -o "$work/a.tar.gz" 2>"$work/c.err"
rc=$?
[ $rc -le 1 ] || fail "capture: exit $rc: $(cat "$work/c.err")"
read -r crss csec < <(tail -n1 "$work/c.time")
tar tzf "$work/a.tar.gz" >"$work/list" || fail "capture: unreadable archive"
sed -n 's|^[^/]*/proc/\([0-9]*\)/status$|\1|p' "$work/list" | sort >"$work/got"
sort "$work/pids" >"$work/want"
missing=$(comm -23 "$work/want" "$work/got" | wc -l)
[ "$missing" = 0 ] || fail "capture: $missing of our $N processes missing, e.g. $(comm -23 "$work/want" "$work/got" | head -n3 | tr '\n' ' ')"
ncgfiles=$(grep -c "/memsnap-t72-$$/app[0-9]*/cgroup.procs$" "$work/list")
[ "$ncgfiles" = $NCG ] || fail "capture: $ncgfiles of $NCG cgroups' cgroup.procs"
# ASan's shadow and quarantine are not the collector's: SAN=1 only checks
# that memory stays bounded at all.
m_limit=4096 t_limit=6144 s_limit=30
[ "${SAN:-}" = 1 ] && m_limit=$((300 * 1024)) t_limit=$((300 * 1024)) s_limit=120
m_rss=$(manifest "$work/a.tar.gz" | json_num max_rss_kb)
[ -n "$m_rss" ] && [ "$m_rss" -le $m_limit ] ||
	fail "capture: peak RSS (manifest) ${m_rss:-?} KiB, more than $m_limit KiB"
[ "$crss" -le $t_limit ] || fail "capture: peak RSS (time) $crss KiB, more than $t_limit KiB"
awk -v s="$csec" -v l=$s_limit 'BEGIN { exit !(s < l) }' || fail "capture: $csec s, more than $s_limit s"
[ $fails = 0 ] && ok "capture: all $N processes and $NCG cgroups, peak RSS ${m_rss} KiB" \
	"(time(1): $crss KiB), $csec s, $(($(stat -c %s "$work/a.tar.gz") / 1024)) KiB archive"
full_rchar=$(manifest "$work/a.tar.gz" | json_num bytes)
[ -n "$full_rchar" ] || full_rchar=$((N * 2000))

# ---- 2. the analyzer on it -------------------------------------------------
f0=$fails
/usr/bin/time -f '%M %e' -o "$work/l.time" "$M" load -q "$work/a.tar.gz" -o "$work/db.sqlite" 2>"$work/l.err"
rc=$?
[ $rc -le 1 ] || fail "load: exit $rc: $(cat "$work/l.err")"
read -r lrss lsec < <(tail -n1 "$work/l.time")
have=$("$M" sql --csv "$work/db.sqlite" "SELECT count(*) FROM processes p JOIN cgroups c
	ON c.cgroup = p.cgroup AND c.capture_id = p.capture_id
	WHERE p.cgroup LIKE '/memsnap-t72-$$/app%' AND p.rss_bytes > 0" | tail -n1 | tr -d '\r')
[ "$have" = "$N" ] || fail "load: $have of $N processes in the processes view with their cgroup"
limit_rss=$((200 * 1024)) limit_s=20
[ "${SAN:-}" = 1 ] && limit_rss=$((1200 * 1024)) limit_s=120
[ "$lrss" -le $limit_rss ] || fail "load: peak RSS $lrss KiB, more than $((limit_rss / 1024)) MiB"
awk -v s="$lsec" -v l=$limit_s 'BEGIN { exit !(s < l) }' || fail "load: $lsec s, more than $limit_s s"
[ $fails = $f0 ] && ok "load: $have processes with their cgroups, peak RSS $((lrss / 1024)) MiB, $lsec s"

# ---- 3. inside a 16 MiB memory cgroup ---------------------------------------
f0=$fails
if [ "${SAN:-}" = 1 ]; then
	echo "ok 16 MiB cgroup: skipped under SAN=1 (ASan's shadow memory does not fit)"
else
	G=$B/collector
	mkdir "$G"
	if [ $V = 1 ]; then
		echo $((16 << 20)) >"$G/memory.limit_in_bytes"
	else
		echo $((16 << 20)) >"$G/memory.max"
	fi
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --no-bpftool --no-journal -q -o "$3"' \
		sh "$G" "$C" "$work/m.tar.gz" 2>"$work/m.err"
	rc=$?
	[ $rc -le 1 ] || fail "16 MiB cgroup: exit $rc: $(cat "$work/m.err")"
	if [ $V = 1 ]; then
		hits=$(cat "$G/memory.failcnt")
		peak=$(cat "$G/memory.max_usage_in_bytes")
	else
		hits=$(sed -n 's/^max //p' "$G/memory.events")
		peak=$(cat "$G/memory.peak" 2>/dev/null || echo 0)
	fi
	[ "$hits" = 0 ] || fail "16 MiB cgroup: the limit was hit $hits times"
	n=$(tar tzf "$work/m.tar.gz" 2>/dev/null | grep -c '/proc/[0-9]*/status$')
	[ "$n" -ge "$N" ] || fail "16 MiB cgroup: $n processes in the archive"
	[ $fails = $f0 ] && ok "16 MiB cgroup: $n processes, limit never hit, cgroup peak $((peak / 1024)) KiB"
	rmdir "$G" 2>/dev/null
fi

# ---- 4. SIGTERM and SIGINT a quarter of the way, streaming to a pipe ---------
for sig in TERM INT; do
	f0=$fails
	"$C" --no-bpftool --no-journal -o - 2>"$work/s.err" >"$work/s.tar.gz" &
	cpid=$!
	if at_quarter $cpid $((full_rchar / 4)); then
		kill -$sig $cpid
		wait $cpid
		rc=$?
		[ $rc = 1 ] || fail "SIG$sig: exit $rc, want 1: $(cat "$work/s.err")"
		manifest "$work/s.tar.gz" >"$work/s.json" || fail "SIG$sig: the stream is not a readable archive"
		grep -q '"complete": false' "$work/s.json" || fail "SIG$sig: not marked incomplete"
		grep -q "\"interrupted\": \"SIG$sig\"" "$work/s.json" || fail "SIG$sig: interrupted not recorded"
		n=$(tar tzf "$work/s.tar.gz" 2>/dev/null | grep -c '/proc/[0-9]*/status$')
		[ "$n" -gt 0 ] || fail "SIG$sig: nothing of what was read is in the archive"
		[ "$n" -lt "$N" ] || fail "SIG$sig: all $n processes kept: the signal came too late to test"
		tar tzf "$work/s.tar.gz" >/dev/null 2>&1 || fail "SIG$sig: the archive does not read to its end"
		"$M" load -q "$work/s.tar.gz" -o "$work/s.sqlite" 2>"$work/sl.err"
		[ $? -le 1 ] || fail "SIG$sig: the interrupted archive does not load: $(cat "$work/sl.err")"
		rm -f "$work/s.sqlite"
		[ $fails = $f0 ] && ok "SIG$sig mid-run to a pipe: exit 1, marked incomplete, $n processes kept, loads"
	else
		wait $cpid
		fail "SIG$sig: the capture ended before a quarter of its reads: cannot test"
	fi
done

# ---- 5. every process vanishes a quarter of the way --------------------------
f0=$fails
"$C" --no-bpftool --no-journal -o "$work/v.tar.gz" 2>"$work/v.err" &
cpid=$!
if at_quarter $cpid $((full_rchar / 4)); then
	unspawn
	wait $cpid
	rc=$?
	[ $rc -le 1 ] || fail "vanished: exit $rc: $(cat "$work/v.err")"
	manifest "$work/v.tar.gz" >"$work/v.json" || fail "vanished: unreadable archive"
	grep -q '"complete": true' "$work/v.json" || fail "vanished: not complete (vanishing is normal)"
	gone=$(json_num vanished <"$work/v.json")
	[ "${gone:-0}" -gt 0 ] || fail "vanished: the manifest counts ${gone:-no} vanished processes"
	n=$(tar tzf "$work/v.tar.gz" 2>/dev/null | grep -c '/proc/[0-9]*/status$')
	# every one of ours: stored, or named by a vanished problem
	tar tzf "$work/v.tar.gz" 2>/dev/null | sed -n 's|^[^/]*/proc/\([0-9]*\)/status$|\1|p' >"$work/v.kept"
	python3 - "$work/v.json" "$work/pids" "$work/v.kept" "${gone:-0}" >"$work/v.why" 2>&1 <<'EOF' ||
import json, re, sys
m = json.load(open(sys.argv[1]))
ours = set(open(sys.argv[2]).read().split())
kept = set(open(sys.argv[3]).read().split())
gone = set()
for p in m.get("problems", []):
    r = re.match(r"proc/(\d+)/", p.get("path", ""))
    if r and p.get("kind") == "vanished":
        gone.add(r.group(1))
lost = ours - kept - gone
assert not lost, "%d of ours neither stored nor vanished, e.g. %s" % (len(lost), sorted(lost)[:3])
assert len(gone) == int(sys.argv[4]), "%d vanished problems, counts.vanished %s" % (len(gone), sys.argv[4])
print("ours: %d stored, %d vanished" % (len(ours & kept), len(ours & gone)))
EOF
		fail "vanished: $(tail -n1 "$work/v.why")"
	"$M" load -q "$work/v.tar.gz" -o "$work/v.sqlite" 2>"$work/vl.err"
	[ $? -le 1 ] || fail "vanished: the archive does not load: $(cat "$work/vl.err")"
	[ $fails = $f0 ] && ok "vanished: $N processes killed mid-run: exit $rc, complete," \
		"$gone counted vanished, $n kept, each of ours accounted for ($(tail -n1 "$work/v.why")), loads"
else
	wait $cpid
	fail "vanished: the capture ended before a quarter of its reads: cannot test"
	unspawn
fi
spawn

# ---- 6. EPIPE and a full disk at this size -----------------------------------
f0=$fails
for comp in gzip zstd none; do
	start=$(date +%s)
	"$C" --no-bpftool --no-journal --compress $comp -o - 2>"$work/p.err" | head -c 100 >/dev/null
	rc=${PIPESTATUS[0]}
	took=$(($(date +%s) - start))
	[ "$rc" = 3 ] || fail "EPIPE ($comp): exit $rc, want 3"
	[ "$(grep -c '^error: ' "$work/p.err")" = 1 ] &&
		grep -q "^error: cannot write" "$work/p.err" || fail "EPIPE ($comp): $(cat "$work/p.err")"
	[ $took -lt 30 ] || fail "EPIPE ($comp): $took s"
done
"$C" --no-bpftool --no-journal -o /dev/full 2>"$work/f.err"
rc=$?
[ $rc = 3 ] || fail "/dev/full: exit $rc, want 3"
grep -q "^error: cannot write '/dev/full': No space left on device" "$work/f.err" ||
	fail "/dev/full: $(cat "$work/f.err")"
[ $fails = $f0 ] && ok "EPIPE (gzip, zstd, none) and /dev/full with $N processes: exit 3, one message"

unspawn
check_end
