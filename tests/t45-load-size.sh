#!/bin/bash
# The database `memsnap load` writes without --raw (issue 15: at most 1.5
# MiB per capture of a 1,000-process node) shows exactly what it showed
# before: every public view (public_columns), on every fixture capture and
# the hostile ones, gives the same rows with and without --raw (which keeps
# the raw rows only internal views read, as every load did before), and so
# does the report.  And the raw rows are really left out without --raw, and
# kept with it.
. "${TESTS_DIR:-$PWD/tests}/load-lib.sh"
# and captures without a manifest: k8s-real/'s folders laid out as captures
python3 "$F/make-bare-captures.py" "$work/bare" || fail "cannot lay out k8s-real/"
caps+=("$work/bare"/*/)
"$M" load -q "${caps[@]}" -o "$work/slim.db"; a=$?
"$M" load -q --raw "${caps[@]}" -o "$work/raw.db"; b=$?
[ $a = $b ] && ok "exit $a with and without --raw" || fail "exit $a without --raw, $b with"
views=$("$M" sql --csv "$work/slim.db" "SELECT DISTINCT view_name FROM public_columns" | tail -n +2)
[ "$(echo "$views" | wc -l)" -ge 15 ] || fail "only $(echo "$views" | wc -l) public views"
n=0
for v in $views; do
	q="SELECT * FROM \"$v\" ORDER BY 1"
	"$M" sql --csv "$work/slim.db" "$q" > "$work/slim.csv" 2>&1
	"$M" sql --csv "$work/raw.db" "$q" > "$work/raw.csv" 2>&1
	if cmp -s "$work/slim.csv" "$work/raw.csv"; then
		n=$((n + 1))
	else
		fail "view $v differs without --raw"; diff "$work/raw.csv" "$work/slim.csv" | head -5 | sed 's/^/  | /'
	fi
done
ok "$n public views: the same rows with and without --raw"
mkdir "$work/s" "$work/r"
cp "$work/slim.db" "$work/s/db.sqlite"; cp "$work/raw.db" "$work/r/db.sqlite"
"$M" report --format json "$work/s/db.sqlite" > "$work/slim.json" 2>&1
"$M" report --format json "$work/r/db.sqlite" > "$work/raw.json" 2>&1
cmp -s "$work/slim.json" "$work/raw.json" && ok "report --format json: the same" || fail "the report differs"

# the raw rows: left out, and kept with --raw
for t in proc_kv proc_cgroup cgroup_stat capture_file; do
	s=$("$M" sql --csv "$work/slim.db" "SELECT count(*) FROM $t" | tail -n1 | tr -d '\r')
	r=$("$M" sql --csv "$work/raw.db" "SELECT count(*) FROM $t" | tail -n1 | tr -d '\r')
	[ "$s" = 0 ] && [ "$r" -gt 0 ] && ok "$t: none without --raw, $r rows with it" ||
		fail "$t: $s rows without --raw, $r with"
done
s=$(stat -c %s "$work/slim.db"); r=$(stat -c %s "$work/raw.db")
[ "$s" -lt "$r" ] && ok "database: $s bytes without --raw, $r with" || fail "database: $s bytes without --raw, $r with"
check_end
