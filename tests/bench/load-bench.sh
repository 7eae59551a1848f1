#!/bin/bash
# memsnap load of a synthetic 10,000-process node (issue 3): 10,000
# processes, 2,000 memory cgroups, 5,000 BPF maps (tests/bench/make-capture.py,
# seeded), on cgroup v1 (cgroupfs driver) and v2 (systemd driver).
#
# For each: the wall time of `memsnap load` (hyperfine mean) with the
# machine's CPUs (it reads the archive in a second thread) and pinned to
# one CPU, as on a busy laptop (the goal is judged on this: issue 3 asks
# for one core); its peak RSS
# (time(1)), the rows it stores per second, and the ratio to the floor: the sqlite3 shell creating the same schema and
# importing the very same rows from CSV (`.import`), in one transaction per
# table, with the same pragmas.  No loader can store those rows faster than
# SQLite's own shell reads them from a file already parsed into columns.
# Goals: under 1 s and 100 MiB.
#
#   tests/bench/load-bench.sh            (no root needed)
#
# Environment: BIN_DIR, BUILD_DIR (as tests/run-tests sets them), RUNS
# (timed runs, default 10), CGROUPS ("v1 v2").
set -u
cd "$(dirname "$0")/../.."
: "${BIN_DIR:=$PWD/bin}" "${BUILD_DIR:=$PWD/build}" "${RUNS:=10}"
M=$BIN_DIR/memsnap
OUT=$BUILD_DIR/bench
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for t in python3 sqlite3 /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "SKIP: $t missing (.ci/install-deps)"; exit 77; }
done
[ -x "$M" ] || { echo "FAIL: $M not built"; exit 1; }
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

# mean wall seconds of a command (hyperfine, else the median of RUNS runs);
# PREP is run before each timed run
time_s() {
	local prep=$1 i t0 t1 ts=()
	shift
	if command -v hyperfine >/dev/null; then
		hyperfine -N -w 1 -r "$RUNS" --prepare "$prep" --export-json "$work/h.json" \
			"$(printf '%q ' "$@")" >/dev/null 2>&1 || return 1
		sed -n 's/.*"mean": *\([0-9.e+-]*\).*/\1/p' "$work/h.json" | head -n1
		return
	fi
	for i in $(seq "$RUNS"); do
		sh -c "$prep"
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		ts+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${ts[@]}" | sort -n |
		awk '{ a[NR] = $1 } END { printf "%.4f\n", a[int((NR + 1) / 2)] / 1e6 }'
}

echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r), $(date -u +%Y-%m-%d)"
echo "memsnap load on $(nproc) CPUs and pinned to one${pin[*]:+ (${pin[*]})}, $RUNS runs; sqlite $(sqlite3 --version | cut -d' ' -f1)"
rc=0
for v in ${CGROUPS:-v1 v2}; do
	cap=$OUT/synthetic-10k-$v.tar.gz
	gen="make-capture.py --cgroup $v $(sha1sum tests/bench/make-capture.py | cut -c1-12)"
	if [ ! -s "$cap" ] || [ "$(cat "$cap.gen" 2>/dev/null)" != "$gen" ]; then
		python3 tests/bench/make-capture.py --cgroup "$v" -o "$cap" || exit 1
		echo "$gen" >"$cap.gen"
	fi
	db=$work/load-$v.sqlite

	# memsnap load: time, peak RSS, rows
	rm -f "$db"
	/usr/bin/time -f '%M %e' -o "$work/rss" "$M" load -q "$cap" -o "$db" 2>"$work/err"
	r=$?
	[ $r -le 1 ] || { echo "FAIL: memsnap load exited $r: $(cat "$work/err")"; exit 1; }
	rss_kib=$(tail -n1 "$work/rss" | cut -d' ' -f1)
	t_load=$(time_s "rm -f $db" "$M" load -q "$cap" -o "$db") ||
		{ echo "FAIL: timing memsnap load"; exit 1; }
	t_load1=$(time_s "rm -f $db" "${pin[@]}" "$M" load -q "$cap" -o "$db") ||
		{ echo "FAIL: timing memsnap load"; exit 1; }
	tables=$(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
	rows=0
	for tb in $tables; do
		rows=$((rows + $(sqlite3 "$db" "SELECT count(*) FROM \"$tb\"")))
	done

	# the floor: the same rows, as CSV, into the same schema by the shell
	floor_db=$work/floor-$v.sqlite
	{
		echo "PRAGMA page_size = 16384;"   # as memsnap makes a new database
		echo "PRAGMA foreign_keys = ON;"
		echo "PRAGMA synchronous = OFF;"
		echo "PRAGMA cache_size = -65536;"
		echo ".read $work/schema.sql"
		for tb in $tables; do
			sqlite3 -csv -header "$db" "SELECT * FROM \"$tb\"" >"$work/$tb.csv"
			echo ".import --csv --skip 1 $work/$tb.csv $tb"
		done
	} >"$work/import-$v.sql"
	"$M" schema >"$work/schema.sql"
	rm -f "$floor_db"
	sqlite3 "$floor_db" <"$work/import-$v.sql" >"$work/floor.err" 2>&1
	frows=0
	for tb in $tables; do
		frows=$((frows + $(sqlite3 "$floor_db" "SELECT count(*) FROM \"$tb\"")))
	done
	[ "$frows" = "$rows" ] || { echo "FAIL: the floor imported $frows rows, not $rows: $(head -c 600 "$work/floor.err")"; exit 1; }
	t_floor=$(time_s "rm -f $floor_db" "${pin[@]}" sh -c "sqlite3 '$floor_db' <'$work/import-$v.sql'") ||
		{ echo "FAIL: timing the floor"; exit 1; }

	files=$(tar tzf "$cap" | wc -l)
	awk -v v="$v" -v t="$t_load" -v t1="$t_load1" -v f="$t_floor" -v rows="$rows" -v rss="$rss_kib" \
	    -v files="$files" -v size="$(stat -c %s "$cap")" 'BEGIN {
		printf "[%s] capture: %d files, %.1f MiB compressed; %d rows in %s\n",
			v, files, size / 1048576, rows, "all tables"
		printf "[%s] memsnap load: %.3f s, %.0f rows/s, peak RSS %.1f MiB; on one CPU %.3f s\n",
			v, t, rows / t, rss / 1024, t1
		printf "[%s] floor (sqlite3 .import of the same rows): %.3f s, %.0f rows/s\n",
			v, f, rows / f
		printf "[%s] ratio load/floor: %.2f (one CPU %.2f)   goals: time on one CPU %s (< 1 s), RSS %s (< 100 MiB)\n",
			v, t / f, t1 / f, (t1 < 1 ? "met" : "MISSED"), (rss < 102400 ? "met" : "MISSED")
	}'
	# issue 3 asks for one core: the pinned time is the one judged
	awk -v t="$t_load1" -v rss="$rss_kib" 'BEGIN { exit !(t < 1 && rss < 102400) }' || rc=2
done
# a missed goal fails the benchmark (exit 1), after every layout has run
[ $rc = 0 ] || { echo "load-bench: a goal was missed (see MISSED above)"; exit 1; }
exit 0
