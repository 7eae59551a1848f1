#!/bin/bash
# memsnap export of many captures (issue 15, "Goals"): N synthetic captures
# of a 1,000-process node (tests/bench/make-capture.py --procs 1000
# --cgroups 200 --maps 500, seeds 1..N, as fleet-load-bench.sh makes them),
# loaded with `memsnap load -j2`, then
#
#   memsnap export --format parquet     the time, and Parquet bytes per
#                                       byte of the SQLite database
#   memsnap export --view V, each V     where the time goes, per view
#   the fleet question in DuckDB        OOM kills by namespace across every
#                                       capture, over the Parquet export
#                                       (@duckdb/node-api, tests/export/)
#
# Goals: the export of 1,000 captures under 60 s, at most 0.1 byte of
# Parquet per byte of SQLite, the fleet question under 1 s in DuckDB.  With
# N < 1,000 the export time is extrapolated linearly to 1,000 (and says
# so); the DuckDB query runs over the N captures exported.  Prints met or
# MISSED for each goal and exits 1 when one is missed.
#
#   tests/bench/export-bench.sh          N=50 by default; N=1000 for the goal
#
# Environment: BIN_DIR, BUILD_DIR (as tests/run-tests sets them), N,
# PER_VIEW=0 to leave out the per-view times.
set -u
cd "$(dirname "$0")/../.."
: "${BIN_DIR:=$PWD/bin}" "${BUILD_DIR:=$PWD/build}" "${N:=50}" "${PER_VIEW:=1}"
M=$BIN_DIR/memsnap
X=$PWD/tests/export
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. tests/bench/fleet-lib.sh
fleet_setup "$N" /usr/bin/time

secs() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n1)), kernel $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
db=$work/fleet.db
"$M" load -q -j 2 "${caps[@]}" -o "$db" || { echo "FAIL: memsnap load exited $?"; exit 1; }
dbsize=$(stat -c %s "$db")
echo "$N captures loaded: $(awk -v b="$dbsize" 'BEGIN { printf "%.1f", b / 1048576 }') MiB of SQLite"

rc=0
t0=$(now)
/usr/bin/time -f "%U %S %M" -o "$work/time" "$M" export -q "$db" -o "$work/pq" ||
	{ echo "FAIL: memsnap export exited $?"; rc=1; }
t1=$(now)
read -r user sys maxrss < "$work/time"
ns=$((t1 - t0))
pqsize=$(find "$work/pq" -name '*.parquet' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
nfiles=$(find "$work/pq" -name '*.parquet' | wc -l)
echo "load average after the export: $(cut -d' ' -f1-3 /proc/loadavg)"
ratio=$(awk -v p="$pqsize" -v d="$dbsize" 'BEGIN { printf "%.3f", p / d }')
t1000=$(awk -v ns="$ns" -v n="$N" 'BEGIN { printf "%.1f", ns / 1e9 / n * 1000 }')
label=$([ "$N" -ge 1000 ] && echo "measured" || echo "extrapolated from $N, linear")
echo "export --format parquet: $(secs $ns) s for $N captures ($(awk -v ns="$ns" -v n="$N" 'BEGIN { printf "%.1f", ns / 1e6 / n }') ms a capture), $nfiles files"
echo "  CPU: $user s user, $sys s system ($(awk -v u="$user" -v s="$sys" -v n="$N" 'BEGIN { printf "%.1f", (u + s) * 1000 / n }') ms a capture, on $(nproc) CPUs); peak RSS $((maxrss / 1024)) MiB"
echo "  1,000 captures: $t1000 s ($label; goal < 60 s): $(awk -v t="$t1000" 'BEGIN { print (t < 60 ? "met" : "MISSED") }')"
awk -v t="$t1000" 'BEGIN { exit !(t < 60) }' || rc=1
echo "  Parquet: $pqsize bytes, $ratio byte per SQLite byte (goal <= 0.1): $(awk -v r="$ratio" 'BEGIN { print (r <= 0.1 ? "met" : "MISSED") }')"
awk -v r="$ratio" 'BEGIN { exit !(r <= 0.1) }' || rc=1

if [ "$PER_VIEW" = 1 ]; then
	echo "where the time goes (memsnap export --view V over the $N captures, the slowest 12; each includes opening the database):"
	for v in $("$M" sql --csv "$db" "SELECT DISTINCT view_name FROM public_columns" | tail -n +2 | tr -d '\r'); do
		t0=$(now)
		"$M" export -q --view "$v" "$db" -o "$work/one" >/dev/null 2>&1
		t1=$(now)
		echo "$(( (t1 - t0) / 1000000 )) $v"
		rm -rf "$work/one"
	done | sort -rn | head -12 | awk '{ printf "  %-28s %7d ms\n", $2, $1 }'
fi

if command -v node >/dev/null && [ -d "$X/node_modules/@duckdb/node-api" ]; then
	# the script must sit beside node_modules for node to find the package
	js=$X/.fleet-bench-$$.mjs
	cat > "$js" <<'EOF'
import { DuckDBInstance } from '@duckdb/node-api';
const dir = process.argv[2];
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const q = `SELECT coalesce(namespace, '(none)') AS namespace, count(*) AS kills,
	count(DISTINCT capture_uid) AS captures
	FROM read_parquet('${dir}/oom_kills/*/*.parquet', hive_partitioning = true)
	GROUP BY 1 ORDER BY 2 DESC, 1`;
let best = Infinity, rows;
for (let i = 0; i < 5; i++) {
	const t0 = process.hrtime.bigint();
	rows = (await con.runAndReadAll(q)).getRows();
	const s = Number(process.hrtime.bigint() - t0) / 1e9;
	if (i === 0) console.log(`first ${s.toFixed(3)}`);
	best = Math.min(best, s);
}
const kills = rows.reduce((a, r) => a + Number(r[1]), 0);
console.log(`best ${best.toFixed(3)} ${rows.length} ${kills}`);
EOF
	if node "$js" "$work/pq" > "$work/duck" 2>&1; then
		read -r _ first < <(grep '^first' "$work/duck")
		read -r _ best nns kills < <(grep '^best' "$work/duck")
		echo "fleet question in DuckDB over the Parquet of $N captures ($nns namespaces, $kills kills):" \
			"$first s the first time, $best s at best of 5 (goal < 1 s): $(awk -v t="$first" 'BEGIN { print (t < 1 ? "met" : "MISSED") }')"
		awk -v t="$first" 'BEGIN { exit !(t < 1) }' || rc=1
	else
		echo "FAIL: the DuckDB query: $(head -5 "$work/duck")"
		rc=1
	fi
	rm -f "$js"
else
	echo "fleet question in DuckDB: not measured (tests/export/install.sh installs @duckdb/node-api)"
fi
exit $rc
