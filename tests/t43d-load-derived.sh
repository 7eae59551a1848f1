#!/bin/bash
# The derived tables a load stores once a capture (cgroups_data,
# cgroup_names_data, cgroup_parts_data, cgroup_headroom_data: the *_calc
# views, analyze/load/load.c's load_derived()) hold exactly what their
# views work out over every capture at once: nothing of one capture leaks
# into another's (the loader keeps the loading capture's cgroup_memory_at
# in cgroup_memory_load, empty between loads; capture_loading finds the
# capture being loaded).  cgroup_process_count_data, which the loader
# groups itself (analyze/load/counts.c), holds what SQLite's GROUP BY and
# sum() over the processes view give, in the same order (its rowids).
# With REF_MEMSNAP (another memsnap binary, e.g.
# main's bin/memsnap, of the same schema's public views), the same
# captures loaded by both give every public view (public_columns) the same
# rows, in JSON (NULL stays NULL), row for row.
. "${TESTS_DIR:-$PWD/tests}/load-lib.sh"
derived="cgroups cgroup_names cgroup_parts cgroup_headroom"

"$M" load -q -j2 "${caps[@]}" -o "$work/a.db" 2> "$work/err"
rc=$?
# exit 1: the hostile capture's load_problems
[ $rc -le 1 ] && ok "${#caps[@]} captures loaded" || { fail "load exited $rc"; sed 's/^/  | /' "$work/err"; }
got=$("$M" sql --csv "$work/a.db" "SELECT (SELECT count(*) FROM cgroup_memory_load)
	|| ' ' || (SELECT count(*) FROM capture WHERE load_complete IS NULL)" | tail -n 1 | tr -d '\r')
[ "$got" = "0 0" ] && ok "after the load: cgroup_memory_load empty, no capture still loading" ||
	fail "after the load: cgroup_memory_load rows, captures still loading: $got"

# every capture worked out again at once, as if it were being loaded
recompute() {   # $1: a database; the derived tables again into <name>_again
	local sql="UPDATE capture SET load_complete = NULL;
		INSERT INTO cgroup_memory_load SELECT * FROM cgroup_memory_at;" t
	for t in $derived; do
		sql+="CREATE TABLE ${t}_again AS SELECT * FROM ${t}_calc;"
	done
	"$M" sql -w "$1" "$sql" > /dev/null
}
cp "$work/a.db" "$work/b.db"
recompute "$work/b.db" || fail "cannot work the derived tables out again"
for t in $derived; do
	d=$("$M" sql --csv "$work/b.db" "SELECT
		(SELECT count(*) FROM ${t}_data) || ' ' || (SELECT count(*) FROM ${t}_again)
		|| ' ' || (SELECT count(*) FROM (SELECT * FROM ${t}_data EXCEPT SELECT * FROM ${t}_again))
		|| ' ' || (SELECT count(*) FROM (SELECT * FROM ${t}_again EXCEPT SELECT * FROM ${t}_data))" |
		tail -n 1 | tr -d '\r')
	set -- $d
	[ "$1" -gt 0 ] && [ "$1" = "$2" ] && [ "$3" = 0 ] && [ "$4" = 0 ] &&
		ok "${t}_data: $1 rows, the same as ${t}_calc over every capture" ||
		fail "${t}_data against ${t}_calc (rows, rows, only stored, only worked out): $d"
done

# counts.c against SQLite's own GROUP BY and sum(), row for row in rowid
# order (the groups' order, NULL sums)
counts_sql="SELECT capture_id, cgroup, count(*) AS processes, sum(rss_bytes) AS rss_sum,
	sum(pss_bytes) AS pss_sum, sum(pss_anon_bytes) AS pss_anon_sum,
	sum(pss_file_bytes) AS pss_file_sum, sum(pss_shmem_bytes) AS pss_shmem_sum,
	count(pss_bytes) AS pss_processes,
	sum(CASE WHEN pss_bytes IS NOT NULL THEN rss_bytes END) AS rss_pss_known_sum
	FROM processes GROUP BY capture_id, cgroup"
counts_same() {   # $1 database
	local a b
	a=$("$M" sql --json "$1" "SELECT * FROM cgroup_process_count_data ORDER BY rowid")
	b=$("$M" sql --json "$1" "$counts_sql")
	[ ${#a} -gt 10 ] && [ "$a" = "$b" ]
}
counts_same "$work/a.db" &&
	ok "cgroup_process_count_data: SQL's GROUP BY over processes, row for row" ||
	fail "cgroup_process_count_data differs from SQL's GROUP BY over processes"
# a process of no known cgroup (its group NULL, first), and sums that
# overflow (SQL's "integer overflow": no row of the capture, a problem)
v2=$(dirname "$(find "$F/k8s-systemd-v2" -name manifest.json | head -n 1)")
pid=$(ls "$v2/proc" | grep -E '^[0-9]+$' | sort -n | sed -n 2p)
mkdir -p "$work/null" "$work/over"
cp -r "$v2" "$work/null/"; cp -r "$v2" "$work/over/"
n=$work/null/$(basename "$v2"); o=$work/over/$(basename "$v2")
rm "$n/proc/$pid/cgroup"
find "$n/sys" -name cgroup.procs -exec sed -i "/^$pid\$/d" {} +
# (a second process in $pid's cgroup, and both 7.6 EiB)
cp -r "$o/proc/$pid" "$o/proc/99999"
find "$o/sys" -name cgroup.procs -exec grep -qx "$pid" {} \; -exec sh -c 'echo 99999 >> "$1"' sh {} \;
sed -i 's/^Rss:.*/Rss: 8000000000000000 kB/' "$o/proc/$pid/smaps_rollup" "$o/proc/99999/smaps_rollup"
"$M" load -q "$n" -o "$work/null.db" 2> /dev/null; "$M" load -q "$o" -o "$work/over.db" 2> /dev/null
got=$("$M" sql --csv "$work/null.db" "SELECT count(*) FROM cgroup_process_count_data
	WHERE cgroup IS NULL AND rowid = (SELECT min(rowid) FROM cgroup_process_count_data)" |
	tail -n 1 | tr -d '\r')
[ "$got" = 1 ] && counts_same "$work/null.db" &&
	ok "a process of no known cgroup: its group (NULL) first, as SQL's" ||
	fail "a process of no known cgroup: NULL group first: $got, or differs from SQL's"
got=$("$M" sql --csv "$work/over.db" "SELECT (SELECT count(*) FROM cgroup_process_count_data)
	|| ' ' || (SELECT group_concat(path || ': ' || problem) FROM load_problem
		   WHERE problem LIKE 'cannot store%')" | tail -n 1 | tr -d '\r')
[ "$got" = "0 (the working-set tables): cannot store: integer overflow" ] &&
	ok "sums that overflow: no row stored, the load's problem" ||
	fail "sums that overflow: '$got'"
if [ -n "${REF_MEMSNAP:-}" ]; then
	for c in null over; do
		"$REF_MEMSNAP" load -q "$work/$c/$(basename "$v2")" -o "$work/$c-ref.db" 2> /dev/null
		q="SELECT * FROM cgroup_process_count_data ORDER BY rowid;
		   SELECT path, problem FROM load_problem ORDER BY 1, 2"
		[ "$("$M" sql --json "$work/$c.db" "$q")" = "$("$REF_MEMSNAP" sql --json "$work/$c-ref.db" "$q")" ] &&
			ok "$c: the counts and problems of $REF_MEMSNAP's load" ||
			fail "$c: the counts or problems differ from $REF_MEMSNAP's load"
	done
fi
cp "$work/a.db" "$work/d.db"
"$M" sql -w "$work/d.db" "UPDATE cgroup_process_count_data SET rss_sum = rss_sum + 1
	WHERE rowid = (SELECT max(rowid) FROM cgroup_process_count_data)" > /dev/null
! counts_same "$work/d.db" && ok "negative control: a changed count row is found" ||
	fail "negative control: a changed count row is not found"

# the check fails on a difference: a row of one capture changed
cp "$work/a.db" "$work/c.db"
"$M" sql -w "$work/c.db" "UPDATE cgroup_parts_data SET anon = coalesce(anon, 0) + 4096
	WHERE (capture_id, cgroup, sample) =
	      (SELECT capture_id, cgroup, sample FROM cgroup_parts_data LIMIT 1)" > /dev/null
recompute "$work/c.db"
n=$("$M" sql --csv "$work/c.db" "SELECT count(*) FROM (SELECT * FROM cgroup_parts_data
	EXCEPT SELECT * FROM cgroup_parts_again)" | tail -n 1 | tr -d '\r')
[ "$n" = 1 ] && ok "negative control: a changed stored row is found" ||
	fail "negative control: $n rows found, 1 expected"

# every public view, row for row, against another memsnap
views() {   # $1 memsnap, $2 database: every public view as JSON, ordered by every column
	local v n
	for v in $("$1" sql --csv "$2" "SELECT DISTINCT view_name FROM public_columns ORDER BY 1" |
		   tail -n +2 | tr -d '\r'); do
		n=$("$1" sql --csv "$2" "SELECT count(*) FROM pragma_table_info('$v')" | tail -n 1 | tr -d '\r')
		echo "== $v"
		"$1" sql --json "$2" "SELECT * FROM $v ORDER BY $(seq -s, 1 "$n")" || echo "FAILED: $v"
	done
}
if [ -n "${REF_MEMSNAP:-}" ]; then
	"$REF_MEMSNAP" load -q -j1 "${caps[@]}" -o "$work/ref.db" 2> /dev/null
	views "$REF_MEMSNAP" "$work/ref.db" > "$work/ref.txt"
	views "$M" "$work/a.db" > "$work/a.txt"
	nv=$(grep -c '^== ' "$work/a.txt")
	! grep -q '^FAILED' "$work/a.txt" "$work/ref.txt" && [ "$nv" -gt 20 ] &&
		cmp -s "$work/ref.txt" "$work/a.txt" &&
		ok "$nv public views: the same rows as $REF_MEMSNAP's load" ||
		{ fail "public views differ from $REF_MEMSNAP's load"; diff "$work/ref.txt" "$work/a.txt" | head -5 | cut -c1-200 | sed 's/^/  | /'; }
else
	echo "note: REF_MEMSNAP unset: the public views not compared with another memsnap's"
fi
check_end
