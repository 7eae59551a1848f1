#!/bin/bash
# memsnap export --format parquet read by real engines: DuckDB (the npm
# package @duckdb/node-api, which bundles its engine and runs offline) with
# hive_partitioning, every public view equal to SQLite's both ways (EXCEPT
# ALL empty in both directions), and hyparquet (pure JavaScript), a second
# reader, decoding every file (tests/export/check-duckdb.mjs).  The
# database holds every fixture capture, the hostile one (invalid UTF-8,
# terminal escapes) too.  Negative controls: a NULL made 0 and a dropped
# row, on SQLite's side or in the export (a database changed so, exported,
# checked against the unchanged one), make the check fail.  Skips when node or the npm
# packages are missing (tests/export/install.sh, run by .ci/install-deps).
set -u
. "$(dirname "$0")/lib/check.sh"
X=$T/export
. "$T/export/fixtures-lib.sh"   # F, S, load_fixtures
command -v node > /dev/null || { echo "skip: node missing (Debian package nodejs)"; exit 77; }
[ -d "$X/node_modules/@duckdb/node-api" ] && [ -d "$X/node_modules/hyparquet" ] ||
	{ echo "skip: tests/export/node_modules missing: run tests/export/install.sh"; exit 77; }

db=$work/fx.db
load_fixtures "$db"
start=$(date +%s%N)
"$M" export -q "$db" -o "$work/pq" || fail "memsnap export exited $?"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# export: $(find "$work/pq" -name '*.parquet' | wc -l) files, $(du -sb "$work/pq" | cut -f1) bytes in ${ms} ms (database $(stat -c %s "$db") bytes)"

if node "$X/check-duckdb.mjs" "$M" "$db" "$work/pq" > "$work/out" 2>&1; then
	ok "DuckDB and hyparquet: $(tail -1 "$work/out")"
else
	fail "the export differs from SQLite:"
	grep -v '^ok' "$work/out" | head -20 | sed 's/^/  | /'
fi
for m in null-to-zero drop-row; do
	if node "$X/check-duckdb.mjs" "$M" "$db" "$work/pq" --mutate $m > "$work/neg" 2>&1; then
		fail "negative control $m: the check passed"
	elif grep -q "rows only in" "$work/neg"; then
		ok "negative control $m: the check fails ($(grep -m1 'rows only in' "$work/neg" | sed 's/^FAIL: //'))"
	else
		fail "negative control $m failed for another reason:"
		head -5 "$work/neg" | sed 's/^/  | /'
	fi
done

# the same two changes made to the export itself
cp "$db" "$work/null0.db"
"$M" sql -w "$work/null0.db" "UPDATE capture SET complete = 0 WHERE capture_id =
	(SELECT min(capture_id) FROM capture WHERE complete IS NULL)" > /dev/null
cp "$db" "$work/drop.db"
"$M" sql -w "$work/drop.db" "DELETE FROM load_problem WHERE rowid = (SELECT min(rowid) FROM load_problem)" > /dev/null
for m in null0 drop; do
	"$M" export -q "$work/$m.db" -o "$work/pq-$m" --view captures --view load_problems
	mkdir -p "$work/mix-$m"
	cp -r "$work/pq"/* "$work/mix-$m"/
	rm -rf "$work/mix-$m/captures" "$work/mix-$m/load_problems"
	cp -r "$work/pq-$m"/* "$work/mix-$m"/
	if node "$X/check-duckdb.mjs" "$M" "$db" "$work/mix-$m" > "$work/neg" 2>&1; then
		fail "negative control: an export with $m passed"
	elif grep -q "rows only in" "$work/neg"; then
		ok "negative control: an export with $m fails ($(grep -m1 'rows only in' "$work/neg" | sed 's/^FAIL: //'))"
	else
		fail "negative control: an export with $m failed for another reason:"
		head -5 "$work/neg" | sed 's/^/  | /'
	fi
done

check_end
