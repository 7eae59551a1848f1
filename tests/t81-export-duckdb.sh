#!/bin/bash
# memsnap export --format parquet read by real engines: DuckDB (the npm
# package @duckdb/node-api, which bundles its engine and runs offline) with
# hive_partitioning, every public view equal to SQLite's both ways (EXCEPT
# ALL empty in both directions), and hyparquet (pure JavaScript), a second
# reader, decoding every file (tests/export/check-duckdb.mjs).  The
# database holds every fixture capture, the hostile one (invalid UTF-8,
# terminal escapes) too.  Negative controls: a NULL made 0 and a dropped
# row on SQLite's side make the check fail.  Skips when node or the npm
# packages are missing (tests/export/install.sh, run by .ci/install-deps).
set -u
BIN_DIR=${BIN_DIR:-$PWD/bin}
M=$BIN_DIR/memsnap
F=$PWD/tests/fixtures/captures
X=$PWD/tests/export
command -v node > /dev/null || { echo "skip: node missing (Debian package nodejs)"; exit 77; }
[ -d "$X/node_modules/@duckdb/node-api" ] && [ -d "$X/node_modules/hyparquet" ] ||
	{ echo "skip: tests/export/node_modules missing: run tests/export/install.sh"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok $*"; }

db=$work/fx.db
"$M" load -q -o "$db" "$F"/*/memsnap-*/ "$F"/k8s-real/v*/ > /dev/null 2>&1
[ -s "$db" ] || { echo "FAIL: cannot load the fixtures"; exit 1; }
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

[ $fails = 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
