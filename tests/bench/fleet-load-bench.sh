#!/bin/bash
# memsnap load of many captures (issue 15, "Many captures on one machine"):
# N synthetic captures of a 1,000-process node (tests/bench/make-capture.py
# --procs 1000 --cgroups 200 --maps 500, seeds 1..N: other boot ids, so N
# captures), loaded into a new database with -j1 and -j2: captures per
# second, the speed-up, the database's size per capture (the growth from 1
# to N captures over N - 1, so the schema's fixed pages do not count), and
# the fleet question "OOM kills by namespace across all captures" in SQLite.
# Goals: -j2 >= 1.7x -j1, >= 40 captures/s, <= 1.5 MiB per capture, the
# fleet question under 1 s (issue 15 asks for 1,000 captures: N=1000 makes
# them, about 0.7 s of CPU each, kept in $BUILD_DIR/bench/fleet-captures-2).
# Besides the wall clock: user+sys CPU per capture and the load average
# (the machine may be shared), and with perf the writer thread's CPU per
# capture, the bound of one writer (1000 / ms = captures/s).  The speed-up
# goal ("2 cores at least 1.7x faster than one") is -j2 against -j1 pinned
# to one CPU; -j2 against -j1 on every CPU is shown too.
#
#   tests/bench/fleet-load-bench.sh          N=50 by default
#   N=1000 tests/bench/fleet-load-bench.sh
#
# Environment: BIN_DIR, BUILD_DIR (as tests/run-tests sets them), N.
set -u
cd "$(dirname "$0")/../.."
: "${BIN_DIR:=$PWD/bin}" "${BUILD_DIR:=$PWD/build}" "${N:=50}"
M=$BIN_DIR/memsnap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. tests/bench/fleet-lib.sh
fleet_setup "$N" sqlite3

echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n1)), kernel $(uname -r), $(date -u +%Y-%m-%d)"
echo "$N captures of $(du -k "${caps[0]}" | cut -f1) KiB (1,000 processes, 200 memory cgroups, 500 BPF maps)"
# With PERF=1, the writer's CPU (the main thread: it stores while the
# readers inflate and parse) by perf's task-clock samples, 1 ms each, in a
# second, untimed run of each: less noisy than the wall clock on a shared
# machine.  Never in the timed run: perf record on every thread made -j2 no
# faster than -j1 (58 s for 1,000 captures where it takes 37 s alone).
perf_ok=false
[ "${PERF:-0}" = 1 ] && command -v perf >/dev/null &&
	perf record -q -e task-clock -o "$work/p" true 2>/dev/null && perf_ok=true
rc=0
declare -A rate
# "1c": -j1 on one CPU (taskset), the goal's "one core": -j1 alone already
# runs two threads (its capture's reader and the writer), on two CPUs if
# there are.
runs="1 2"
command -v taskset >/dev/null && runs="1c 1 2"
runs=${RUNS:-$runs}   # RUNS="2" for -j2 alone (it must be among them)
# Every run starts in the same memory state: right after 1.2 MiB a capture
# of files was deleted.  This VM's balloon reports free guest memory to the
# host, and a page the host took back faults there when the guest touches it
# again: writing a new file cost 0.09 s of system time for 256 MiB while
# recently freed memory lasted, 0.9 s after (dd; branch jlate, README).  A
# run writes ~1.2 MiB of database a capture, so the run after another run's
# database was kept paid ~4 ms a capture more than the first (the writer:
# -j2's bound late in a 1,000-capture load).  So each run's database is
# compared (its dump's digest) and deleted before the next, and the first
# run follows a deleted file of the same size.
freed() {
	dd if=/dev/zero of="$work/fill" bs=1M count=$((N * 6 / 5 + 1)) status=none
	sync "$work/fill"
	rm -f "$work/fill"
}
declare -A dump
prev=
for j in $runs; do
	cat "${caps[@]}" > /dev/null   # in the page cache for every run
	if [ -n "$prev" ]; then rm -f "$prev"; else freed; fi
	load0=$(cut -d' ' -f1 /proc/loadavg)
	run=("$M" load -q -j ${j%c} "${caps[@]}" -o "$work/j$j.db")
	[ "$j" = 1c ] && run=(taskset -c 0 "${run[@]}")
	TIMEFORMAT='%U %S'
	t0=$(now)
	{ time "${run[@]}" 2>/dev/null || { echo "FAIL: load -j$j exited $?"; rc=1; }; } 2> "$work/time$j"
	t1=$(now)
	rate[$j]=$(awk -v n="$N" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", n / (ns / 1e9) }')
	cpu=$(awk -v n="$N" '{ printf "%.1f", ($1 + $2) * 1000 / n }' "$work/time$j")
	echo "load -j$j$([ "$j" = 1c ] && echo " (one CPU)"): $(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }') s, ${rate[$j]} captures/s;" \
		"user+sys $cpu ms/capture; load average $load0 before, $(cut -d' ' -f1 /proc/loadavg) after"
	dump[$j]=$(sqlite3 "$work/j$j.db" .dump | sha256sum)
	[ "$j" = 2 ] || prev=$work/j$j.db
	if $perf_ok; then
		rm -f "$work/jp.db"
		perf record -q -e task-clock -c 1000000 -o "$work/perf$j" \
			$([ "$j" = 1c ] && echo taskset -c 0) "$M" load -q -j ${j%c} "${caps[@]}" \
			-o "$work/jp.db" 2>/dev/null
		perf script -i "$work/perf$j" -F pid,tid 2>/dev/null | awk -v n="$N" '
			{ split($1, a, "/"); t++; if (a[1] == a[2]) w++ }
			END { printf "  writer thread: %.1f ms/capture of CPU (%.0f%% of the CPU), at most %.0f captures/s\n",
			      w / n, 100 * w / t, 1000 * n / w }'
	fi
done
speedup=$(awk -v a="${rate[1]:-0}" -v b="${rate[2]:-0}" 'BEGIN { printf "%.2f", a ? b / a : 0 }')
[ -n "${rate[1c]:-}" ] && [ -n "${rate[2]:-}" ] && echo "-j2 on $(nproc) CPUs / -j1 on one: $(awk -v a="${rate[1c]}" -v b="${rate[2]}" \
	'BEGIN { printf "%.2f", b / a }')x (goal 1.7x)"
[ -n "${rate[1]:-}" ] && [ -n "${rate[2]:-}" ] && {
echo "-j2 / -j1: ${speedup}x; -j2: ${rate[2]} captures/s (goal 40)"
[ "${dump[1]}" = "${dump[2]}" ] && echo "-j1 and -j2: the same database" ||
	{ echo "FAIL: -j1 and -j2 differ"; rc=1; }
}
"$M" load -q "${caps[0]}" -o "$work/one.db"
one=$(stat -c %s "$work/one.db")
all=$(stat -c %s "$work/j2.db")
per=$(awk -v a="$all" -v o="$one" -v n="$N" 'BEGIN { printf "%.2f", (a - o) / (n - 1) / 1048576 }')
echo "database: $(awk -v a="$all" 'BEGIN { printf "%.1f", a / 1048576 }') MiB for $N captures," \
	"$per MiB per capture (goal 1.5); 1,000 captures: $(awk -v p="$per" 'BEGIN { printf "%.2f", p * 1000 / 1024 }') GiB (extrapolated)"
echo "where the bytes of one capture go (dbstat, top 12):"
sqlite3 "$work/one.db" "SELECT printf('  %-36s %8.1f KiB', name, sum(pgsize) / 1024.0) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC LIMIT 12"
q="SELECT coalesce(namespace, '(none)') AS namespace, count(*) AS kills, count(DISTINCT capture_id) AS captures FROM oom_kills GROUP BY 1 ORDER BY 2 DESC"
t0=$(now)
sqlite3 "$work/j2.db" "$q" > "$work/q"
t1=$(now)
echo "fleet question (OOM kills by namespace, $(wc -l < "$work/q") namespaces, $(awk -F'|' '{ s += $2 } END { print s }' "$work/q") kills):" \
	"$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }') s in sqlite3 over $N captures (goal < 1 s over 1,000)"
exit $rc
