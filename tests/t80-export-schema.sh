#!/bin/bash
# memsnap export, without any engine: the declaration of schema/97-export.sql
# (table public_columns) is exactly the columns, in order, of every public
# view that has a capture_id (memsnap-views(7)'s view sections name them,
# read by tests/lib/manpage.py as t42 reads them); every value of the
# fixture captures (the hostile one too) has its declared type and no
# NULL where not_null says never (an export that meets one fails, proven
# on a broken copy); the Hive
# layout, one file per view and capture, the same bytes when exported
# again, new captures adding files, no temporary file left; every Parquet
# file passes the writer's own reader (pq_check, through test_parquet's
# sibling below); NDJSON is one valid JSON object a line whose text is
# valid UTF-8; --ddl clickhouse; the command line's errors and statuses;
# a stop signal in the middle of a long export (stops between files, each
# written file whole, no temporary file left, exit 1; ignored under nohup);
# a capture a limit cut never replaces the whole capture's files.
set -u
. "$(dirname "$0")/lib/check.sh"
. "$T/export/fixtures-lib.sh"   # F, S, load_fixtures

# q DB SQL: the rows as CSV without the header (and without CR)
q() { "$M" sql --csv "$@" | tail -n +2 | tr -d '\r'; }

db=$work/fx.db
load_fixtures "$db"
ncap=$(q "$db" 'SELECT count(*) FROM captures')

# 1. the declaration against the views, column by column, in order
q "$db" "SELECT view_name || '.' || ord || '.' || column_name
	FROM public_columns ORDER BY view_name, ord" > "$work/declared"
q "$db" "SELECT v.view_name || '.' || (p.cid + 1) || '.' || p.name
	FROM (SELECT DISTINCT view_name FROM public_columns) v,
	     pragma_table_info(v.view_name) p ORDER BY v.view_name, p.cid + 1" \
	> "$work/actual"
if [ -s "$work/declared" ] && cmp -s "$work/declared" "$work/actual"; then
	ok "public_columns: $(wc -l < "$work/declared") columns of $(q "$db" \
		'SELECT count(DISTINCT view_name) FROM public_columns') views, as the views have them"
else
	fail "public_columns differs from the views' columns (declared < > actual):"
	diff "$work/declared" "$work/actual" | head -20 | sed 's/^/  | /'
fi
# every public view of memsnap-views(7) with a capture_id is declared, and
# nothing else is (the others, e.g. report_fleet_*, belong to no capture)
python3 "$T/lib/manpage.py" public-views "$T/../schema/man/memsnap-views.7" \
	> "$work/public" || fail "cannot read memsnap-views(7)'s public views"
while read -r v; do
	[ -n "$(q "$db" "SELECT 1 FROM pragma_table_info('$v') WHERE name = 'capture_id'")" ] && echo "$v"
done < "$work/public" > "$work/public_per_capture"
q "$db" 'SELECT DISTINCT view_name FROM public_columns ORDER BY 1' > "$work/declared_views"
if [ -s "$work/public_per_capture" ] && cmp -s "$work/public_per_capture" "$work/declared_views"; then
	ok "public_columns declares the $(wc -l < "$work/declared_views") public views of memsnap-views(7) with a capture_id (of $(wc -l < "$work/public"))"
else
	fail "memsnap-views(7)'s public views with a capture_id (<) and public_columns (>) differ:"
	diff "$work/public_per_capture" "$work/declared_views" | sed 's/^/  | /'
fi
bad=$(q "$db" "SELECT view_name FROM public_columns WHERE type NOT IN
	('integer', 'float', 'text') OR not_null NOT IN (0, 1)")
[ -z "$bad" ] && ok "types are integer, float or text" || fail "bad declarations: $bad"
# check_types DB: every value of DB's public views against its declaration:
# an integer column holds integers, a float one numbers, a text one text;
# not_null: never NULL.  Writes $work/types, fails with a line per column.
check_types() {
	python3 - "$M" "$1" > "$work/types" 2>&1 <<'PY'
import csv, io, subprocess, sys
M, db = sys.argv[1:]
def q(sql):
    out = subprocess.run([M, "sql", "--csv", db, sql], capture_output=True, text=True, check=True).stdout
    return list(csv.reader(io.StringIO(out)))[1:]
allowed = {"integer": {"integer"}, "float": {"integer", "real"}, "text": {"text"}}
decl = {}
for v, c, t, nn in q("SELECT view_name, column_name, type, not_null FROM public_columns ORDER BY view_name, ord"):
    decl.setdefault(v, []).append((c, t, nn == "1"))
bad = unseen = 0
for v, cols in decl.items():
    seen = q("SELECT " + ", ".join(f"coalesce(group_concat(DISTINCT typeof(\"{c}\")), '')"
                                   for c, _, _ in cols) + f" FROM \"{v}\"")[0]
    for (c, t, nn), types in zip(cols, seen):
        types = set(types.split(",")) - {""}
        wrong = types - allowed[t] - ({"null"} if not nn else set())
        if wrong:
            bad += 1
            print(f"FAIL: {v}.{c}: declared {t}{' not null' if nn else ''}, holds {', '.join(sorted(wrong))}")
        if not types - {"null"}:
            unseen += 1
print(f"ok every value of the fixtures has its declared type ({unseen} columns only NULL there)" if not bad else f"{bad} bad")
sys.exit(1 if bad else 0)
PY
}
check_types "$db" && cat "$work/types" ||
	{ fail "values against their declaration:"; sed 's/^/  | /' "$work/types"; }

# a capture whose processes name no cgroup (no /proc/PID/cgroup read, no
# cgroup.procs: a collector denied them, a limit that cut the capture):
# their cgroup is NULL, which the declaration allows, and every view of it
# is exported (processes, process_shares and cgroup_process_totals were
# once declared not null there and skipped)
nocg=$work/nocg/$(basename "$F"/k8s-cgroupfs-v1/memsnap-*)
mkdir -p "$work/nocg" && cp -r "$F"/k8s-cgroupfs-v1/memsnap-* "$work/nocg/"
find "$nocg" \( -path '*/proc/[0-9]*/cgroup' -o -name cgroup.procs \) -delete
"$M" load -q -o "$work/nocg.db" "$nocg" > /dev/null 2>&1
[ "$(q "$work/nocg.db" 'SELECT count(*) > 0 AND count(cgroup) = 0 FROM processes')" = 1 ] &&
	check_types "$work/nocg.db" && ok "processes of no cgroup: every value has its declared type" ||
	{ fail "processes of no cgroup against the declaration:"; sed 's/^/  | /' "$work/types"; }
expect 0 "$M" export -q "$work/nocg.db" -o "$work/nocg-out" &&
	[ "$(find "$work/nocg-out" -name '*.parquet' | wc -l)" = "$(q "$db" 'SELECT count(DISTINCT view_name) FROM public_columns')" ] &&
	ok "processes of no cgroup: every view exported" || fail "processes of no cgroup: export: $(cat "$work/err")"

# 2. Parquet export: layout, one file per view and capture
out=$work/pq
if expect 0 "$M" export "$db" -o "$out"; then
	nviews=$(q "$db" "SELECT count(DISTINCT view_name) FROM public_columns
		WHERE column_name = 'capture_id'")
	nfiles=$(find "$out" -type f -name '*.parquet' | wc -l)
	[ "$nfiles" = $((nviews * ncap)) ] &&
		ok "parquet: $nfiles files = $nviews views x $ncap captures" ||
		fail "parquet: $nfiles files, want $nviews x $ncap"
	grep -q "^\[$nviews/$nviews\] .*: [a-z_0-9]* of $ncap captures, [0-9]* rows$" "$work/err" && ok "progress on stderr, a line a view" ||
		fail "no progress line [$nviews/$nviews] ... of $ncap captures"
	badpath=$(find "$out" -type f | grep -Ev "^$out/[a-z_0-9]+/date=([0-9]{4}-[0-9]{2}-[0-9]{2}|unknown)/[0-9a-f]{16}\.parquet$" | head -3)
	[ -z "$badpath" ] && ok "paths are VIEW/date=YYYY-MM-DD/UID.parquet" ||
		fail "unexpected paths: $badpath"
	[ -z "$(find "$out" -name '.*')" ] && ok "no temporary file left" ||
		fail "temporary files left: $(find "$out" -name '.*')"
	[ -d "$out/captures/date=2026-03-01" ] && [ -d "$out/captures/date=unknown" ] &&
		ok "partitioned by capture date (unknown without one)" ||
		fail "date partitions missing: $(ls "$out/captures")"
	if [ -x "${BUILD_DIR:-$PWD/build}/tests/test_parquet" ] &&
	   "${BUILD_DIR:-$PWD/build}/tests/test_parquet" --check $(find "$out" -name '*.parquet' | sort) > "$work/chk" 2>&1; then
		ok "every file passes pq_check ($(grep -c . "$work/chk") files)"
	else
		fail "pq_check: $(grep -v '^ok' "$work/chk" | head -3)"
	fi
	# same bytes again; a second database with the same captures: same uids
	(cd "$out" && find . -type f | sort | xargs sha256sum) > "$work/sum1"
	"$M" export -q "$db" -o "$out" && (cd "$out" && find . -type f | sort | xargs sha256sum) > "$work/sum2"
	cmp -s "$work/sum1" "$work/sum2" && ok "exported again: the same bytes" ||
		fail "a second export changed files"
	# the same capture in another database (its own, from its folder): the
	# same uid and partition, the same rows but for the per-database capture_id
	one=$(ls -d "$S"/report-k8s-v2/memsnap-*/)
	"$M" export -q --format ndjson "$one" -o "$work/one" 2> /dev/null
	"$M" export -q --format ndjson "$db" -o "$work/all" --view processes 2> /dev/null
	f=$(cd "$work/one" && find . -path './processes/*' -type f)
	if [ -n "$f" ] && [ -f "$work/all/$f" ] &&
	   cmp -s <(sed 's/"capture_id":[0-9]*,//' "$work/one/$f") \
		  <(sed 's/"capture_id":[0-9]*,//' "$work/all/$f"); then
		ok "a capture alone and in a database of $ncap: same uid, same rows ($f)"
	else
		fail "the capture's rows or uid differ between its own database and $db ($f)"
	fi
	# appending: a database of one capture adds nothing new, a new one adds files
	before=$(find "$out" -type f | wc -l)
	"$M" export -q "$one" -o "$out" 2> /dev/null
	[ "$(find "$out" -type f | wc -l)" = "$before" ] &&
		ok "re-exporting a capture adds no file" || fail "re-export added files"
fi

# two exports into one DIR at once (of one capture from two SOURCEs, say)
# each write under their own temporary name: when they shared one, one's
# O_TRUNC under the other's write left a file of both under the final
# name, or a rename failed (exit 3); a name there before is not written
# through (a symlink planted at what was the temporary name)
conc=$work/conc
one_uid=$(q "$db" 'SELECT capture_uid FROM captures ORDER BY capture_id LIMIT 1')
one_date=$(find "$out/captures" -name "$one_uid.parquet" | sed 's,.*/date=,,; s,/.*,,')
mkdir -p "$conc/captures/date=$one_date"
echo victim > "$work/victim"
ln -s "$work/victim" "$conc/captures/date=$one_date/.$one_uid.parquet.tmp"
for i in 1 2 3 4; do
	"$M" export -q "$db" -o "$conc" 2> "$work/conc$i.err" &
done
conc_bad=0
for i in 1 2 3 4; do
	wait -n || conc_bad=$((conc_bad + 1))
done
(cd "$conc" && find . -type f | sort | xargs sha256sum) > "$work/sum3"
if [ "$conc_bad" = 0 ] && cmp -s "$work/sum1" "$work/sum3" &&
   [ "$(cat "$work/victim")" = victim ]; then
	ok "4 exports into one DIR at once: each exits 0, the files are the bytes of one"
else
	fail "4 exports into one DIR at once: $conc_bad failed, files differ: $(cmp "$work/sum1" "$work/sum3"), victim: $(head -c 40 "$work/victim" | tr -c '[:print:]' .)"
	cat "$work"/conc?.err | sort | uniq -c | head -5 | sed 's/^/  | /'
fi

# 3. NDJSON: valid JSON objects, valid UTF-8, NULL as null, integers as integers
nd=$work/nd
if expect 0 "$M" export -q --format ndjson "$db" -o "$nd"; then
	python3 - "$nd" > "$work/py" 2>&1 <<'PY'
import json, pathlib, sys
n = bad = 0
for p in pathlib.Path(sys.argv[1]).rglob('*.ndjson'):
    raw = p.read_bytes()
    raw.decode('utf-8')                     # strict: raises on invalid UTF-8
    for line in raw.split(b'\n')[:-1]:
        o = json.loads(line)
        n += 1
        if not isinstance(o.get('capture_uid'), str) or len(o['capture_uid']) != 16:
            bad += 1
print(n, bad)
PY
	read -r nrows nbad < "$work/py"
	want=$(find "$nd" -name '*.ndjson' -exec cat {} + | wc -l)
	[ "${nbad:-1}" = 0 ] && [ "$nrows" = "$want" ] &&
		ok "ndjson: $nrows rows, each a JSON object with capture_uid, valid UTF-8" ||
		fail "ndjson: $(cat "$work/py")"
	grep -rqh '"comm":"\\ufffd\\ufffd' "$nd/processes" &&
		ok "ndjson: the hostile capture's invalid bytes are U+FFFD" ||
		fail "ndjson: no U+FFFD where the hostile capture has invalid bytes"
	grep -qh '"limit_bytes":null' -r "$nd/cgroups" && ok "ndjson: NULL stays null" ||
		fail "ndjson: no null limit_bytes"
	grep -Eqh '"usage_bytes":[0-9]+[,}]' -r "$nd/cgroups" && ok "ndjson: integers unquoted" ||
		fail "ndjson: usage_bytes not a JSON integer"
fi

# 4. a value that breaks its declaration is refused, the rest exported (exit 1)
cp "$db" "$work/broken.db"
"$M" sql -w "$work/broken.db" "UPDATE proc_status SET pid = 'x' || pid WHERE pid = (SELECT min(pid) FROM proc_status)" > /dev/null
! check_types "$work/broken.db" && grep -q "^FAIL: processes.pid: declared integer not null, holds text$" "$work/types" &&
	ok "the check of the values finds the text pid" || fail "the check of the values missed the text pid: $(cat "$work/types")"
if expect 1 "$M" export -q "$work/broken.db" -o "$work/broken" --view processes --view cgroups; then
	grep -q "^error: view 'processes' of capture [0-9a-f]*: column 'pid' holds text, declared integer not null in schema/97-export.sql, skipping" "$work/err" &&
		ok "a text pid is refused with a message, exit 1" ||
		fail "no message for the text pid: $(cat "$work/err")"
	[ "$(find "$work/broken/cgroups" -type f | wc -l)" = "$ncap" ] &&
		ok "the other views are still exported" || fail "cgroups not exported"
fi

# a capture_uid names files: one that is not 16 hex digits (a database
# changed by hand) is left out with a message, never put in a path
cp "$db" "$work/uid.db"
"$M" sql -w "$work/uid.db" "UPDATE capture SET capture_uid = '/../../../../u80'
	WHERE capture_id = (SELECT min(capture_id) FROM capture)" > /dev/null
mkdir -p "$work/uid/a/b"
if expect 1 "$M" export -q "$work/uid.db" -o "$work/uid/a/b/out" --view captures; then
	grep -q "^error: capture [0-9]* of '$work/uid.db': its capture_uid is not 16 hex digits, skipping$" "$work/err" &&
		ok "a capture_uid of another shape: said, exit 1" || fail "capture_uid '/../..': $(cat "$work/err")"
fi
[ -z "$(find "$work/uid" -name 'u80*')" ] && [ "$(find "$work/uid" -type f | wc -l)" = $((ncap - 1)) ] &&
	ok "a capture_uid of another shape: no file outside DIR, the other captures written" ||
	fail "capture_uid '/../..': $(find "$work/uid" -name 'u80*') ($(find "$work/uid" -type f | wc -l) files)"

# 5. --ddl clickhouse
if expect 0 "$M" export --ddl clickhouse; then
	n=$(grep -c 'ENGINE = MergeTree()' "$work/out")
	d=$(grep -c 'ENGINE = Distributed(`memsnap`, `memsnap`, `[a-z_0-9]*_local`, cityHash64(`capture_uid`))' "$work/out")
	[ "$n" = "$nviews" ] && [ "$d" = "$nviews" ] &&
		ok "ddl: $n MergeTree and $d Distributed tables" ||
		fail "ddl: $n MergeTree, $d Distributed, want $nviews"
	grep -q '`limit_bytes` Nullable(Int64)' "$work/out" && grep -q '`capture_id` Int64,' "$work/out" &&
		ok "ddl: Nullable where NULL may be, not where it may not" || fail "ddl: column types"
fi
# --view: those views' tables only; -o, -f or a SOURCE with --ddl, and
# --database or --cluster without it, refused rather than taken in silence;
# a name that would end its backquotes or the comment line refused
if expect 0 "$M" export --ddl clickhouse --view oom_kills --view captures --database prod --cluster c-1.eu; then
	[ "$(grep -o 'TABLE IF NOT EXISTS `prod`\.`[a-z_]*` AS' "$work/out" | sort | tr '\n' ' ')" = \
	  'TABLE IF NOT EXISTS `prod`.`captures` AS TABLE IF NOT EXISTS `prod`.`oom_kills` AS ' ] &&
	grep -q "Distributed(\`c-1.eu\`, \`prod\`, \`captures_local\`" "$work/out" &&
		ok "ddl --view: those views only, on --database and --cluster" ||
		fail "ddl --view: $(grep -c MergeTree "$work/out") tables"
fi
for a in "-o $work/x" "--format ndjson" "--database a\`b" "--cluster a\\b"; do
	# shellcheck disable=SC2086 # an option and its value, split
	expect 2 "$M" export --ddl clickhouse $a || fail "--ddl clickhouse $a: not refused"
done
expect 2 "$M" export --ddl clickhouse --cluster "$(printf 'x\nDROP DATABASE memsnap')" &&
	grep -q "^error: invalid --cluster" "$work/err" || fail "--cluster with a newline: $(cat "$work/err")"
expect 2 "$M" export --cluster c1 "$db" -o "$work/x" && grep -q "^error: --database and --cluster name the DDL's" "$work/err" ||
	fail "--cluster without --ddl: $(cat "$work/err")"
ok "ddl: what it cannot honour refused (-o, --format, names that break out, --cluster alone)"

# 6. the command line
expect 2 "$M" export "$db" && grep -q "^error: need an output folder: -o DIR" "$work/err" &&
	ok "no -o: usage error" || fail "no -o: $(cat "$work/err")"
expect 2 "$M" export -o "$work/x" && grep -q "^error: need a SOURCE" "$work/err" &&
	ok "no SOURCE: usage error" || fail "no SOURCE"
expect 2 "$M" export --view nosuch "$db" -o "$work/x" &&
	grep -q "^error: 'nosuch' is not a public view of a capture" "$work/err" &&
	ok "unknown view: usage error" || fail "unknown view: $(cat "$work/err")"
expect 2 "$M" export --format csv "$db" -o "$work/x" && grep -q "^error: unknown format 'csv'" "$work/err" &&
	ok "unknown format: usage error" || fail "unknown format"
expect 2 "$M" export --ddl postgres && grep -q "^error: unknown --ddl 'postgres'" "$work/err" &&
	ok "unknown --ddl: usage error" || fail "unknown --ddl: $(cat "$work/err")"
expect 3 "$M" export "$work/nothing-here" -o "$work/x" && grep -q "^error: .*nothing-here" "$work/err" &&
	ok "missing SOURCE: exit 3, named" || fail "missing SOURCE: $(cat "$work/err")"
# one unreadable SOURCE among others: said, and the others still exported
expect 3 "$M" export -q "$work/nothing-here" "$db" -o "$work/x2" --view captures &&
	grep -q "^error: .*nothing-here" "$work/err" &&
	[ "$(find "$work/x2/captures" -name '*.parquet' | wc -l)" = "$ncap" ] &&
	ok "an unreadable SOURCE first: exit 3, named, the next SOURCE exported" ||
	fail "an unreadable SOURCE first: $(cat "$work/err"); $(find "$work/x2" -type f | wc -l) files"
touch "$work/file"
expect 3 "$M" export -q "$db" -o "$work/file" --view captures && grep -q "^error: cannot make '$work/file/captures" "$work/err" &&
	ok "unwritable DIR: exit 3, named" || fail "unwritable DIR: $(cat "$work/err")"
expect 0 "$M" export --help && grep -q "^usage: memsnap export" "$work/out" && ok "--help" || fail "--help"

# 7. a stop signal in the middle of a long export (60 small synthetic
# captures: ~2,300 files, against the few milliseconds between the first
# file and the signal): the export stops between two files and says what
# it wrote (exit 1), leaves no temporary file (it once died with its
# .UID.EXT.PID.tmp, which accumulated), each file written is whole (the
# bytes of an export that ran to its end; the NDJSON lines parse, the
# Parquet files pass pq_check), and exporting again writes the rest
caps=$work/caps
mkdir -p "$caps"
python3 - "$T/bench/make-capture.py" "$caps" <<'PY' || fail "cannot make the synthetic captures"
import contextlib, importlib.util, io, sys
script, out = sys.argv[1:]
spec = importlib.util.spec_from_file_location("make_capture", script)
mc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mc)
for seed in range(1, 61):   # one interpreter: 60 processes took 4 times as long
    sys.argv = [script, "--procs", "20", "--cgroups", "8", "--maps", "2",
                "--seed", str(seed), "-o", f"{out}/c{seed}.tar.gz"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        mc.main()
PY
big=$work/big.db
expect 0 "$M" load -q -j2 -o "$big" "$caps"/*.tar.gz || fail "cannot load the synthetic captures"
# tree DIR: each file's path and sha256, sorted
tree() { (cd "$1" && find . -type f | sort | xargs -r sha256sum); }
# first_file DIR EXT: wait (10 s at most) for a first *.EXT under DIR
first_file() {
	local i
	for i in $(seq 1000); do
		[ -n "$(find "$1" -name "*.$2" 2> /dev/null | head -n 1)" ] && return 0
		sleep 0.01
	done
	return 1
}
# interrupt SIG FMT DIR: export big.db as FMT into DIR, sent SIG once its
# first file is there; the status in $rc, standard error in $work/err
interrupt() {
	local sig=$1 fmt=$2 dir=$3 pid
	"$M" export -q -f "$fmt" "$big" -o "$dir" 2> "$work/err" &
	pid=$!
	first_file "$dir" "$fmt"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
}
for run in TERM:ndjson HUP:parquet; do
	sig=${run%:*} fmt=${run#*:}
	ref=$work/sig-ref-$fmt dir=$work/sig-$fmt
	"$M" export -q -f "$fmt" "$big" -o "$ref" || fail "cannot export '$big' as $fmt"
	total=$(find "$ref" -type f | wc -l)
	interrupt "$sig" "$fmt" "$dir"
	n=$(find "$dir" -type f -name "*.$fmt" | wc -l)
	if [ "$rc" = 1 ] && [ "$n" -gt 0 ] && [ "$n" -lt "$total" ] &&
	   grep -q "^warning: export interrupted (SIG$sig): [0-9]* rows in $n whole files ([0-9]* bytes) under '$dir', the rest not exported; export again for it$" "$work/err"; then
		ok "SIG$sig in a $fmt export: stopped after $n of $total files, said, exit 1"
	else
		fail "SIG$sig in a $fmt export: exit $rc, $n of $total files: $(head -c 300 "$work/err")"
	fi
	left=$(find "$dir" -name '.*')
	[ -z "$left" ] && ok "SIG$sig: no temporary file left" ||
		fail "SIG$sig: temporary files left: $(echo "$left" | head -3)"
	tree "$dir" > "$work/sig-sum"
	tree "$ref" > "$work/sig-ref-sum"
	extra=$(comm -23 <(sort "$work/sig-sum") <(sort "$work/sig-ref-sum"))
	[ -s "$work/sig-sum" ] && [ -z "$extra" ] &&
		ok "SIG$sig: each file written is whole (the bytes of an export to the end)" ||
		fail "SIG$sig: files differ from a whole export's: $(echo "$extra" | head -3)"
	if [ "$fmt" = ndjson ]; then
		find "$dir" -type f -name '*.ndjson' -exec python3 -c '
import json, sys
for p in sys.argv[1:]:
    for line in open(p, "rb"):
        json.loads(line)' {} + 2> "$work/json" &&
			ok "SIG$sig: every NDJSON line written parses" ||
			fail "SIG$sig: NDJSON that does not parse: $(tail -n 1 "$work/json")"
	elif [ -x "${BUILD_DIR:-$PWD/build}/tests/test_parquet" ]; then
		find "$dir" -name '*.parquet' -exec "${BUILD_DIR:-$PWD/build}/tests/test_parquet" --check {} + > "$work/chk" 2>&1 &&
			ok "SIG$sig: every Parquet file written passes pq_check" ||
			fail "SIG$sig: pq_check: $(grep -v '^ok' "$work/chk" | head -3)"
	fi
	"$M" export -q -f "$fmt" "$big" -o "$dir" && tree "$dir" > "$work/sig-sum" &&
		cmp -s "$work/sig-sum" "$work/sig-ref-sum" &&
		ok "SIG$sig: exporting again writes the rest" ||
		fail "SIG$sig: exported again, the files differ from a whole export's"
done
# a stop signal ignored when the export began stays ignored (nohup's
# SIGHUP): the export runs to its end
dir=$work/sig-nohup
(trap '' HUP; exec "$M" export -q -f ndjson "$big" -o "$dir" --view captures --view processes) 2> "$work/err" &
pid=$!
first_file "$dir" ndjson
kill -HUP "$pid"
wait "$pid"
rc=$?
[ "$rc" = 0 ] && [ "$(find "$dir" -type f | wc -l)" = 120 ] &&
	ok "SIGHUP ignored from the start (nohup): ignored, the export whole" ||
	fail "SIGHUP under nohup: exit $rc, $(find "$dir" -type f | wc -l) of 120 files: $(head -c 300 "$work/err")"

# 8. a capture that a limit cut has the whole capture's capture_uid, so
# its files have the whole capture's names: they once replaced those in
# DIR without a word.  As memsnap load never lets a cut load replace a
# whole one, they never replace a file there (said, exit 1), whether the
# cut capture is a SOURCE read with --max-entries or a database's capture
# of load_complete 0; the whole capture's files replace the cut one's.
cap=$caps/c1.tar.gz
cut_views="--view captures --view load_problems"
# shellcheck disable=SC2086 # the --view options, split
"$M" export -q $cut_views "$cap" -o "$work/cut-whole" || fail "cannot export '$cap'"
tree "$work/cut-whole" > "$work/whole-sum"
uid=$(sql_rows "$big" "SELECT capture_uid FROM capture WHERE source LIKE '%/c1.tar.gz'")
"$M" load -q --max-entries 50 "$cap" -o "$work/cut.db" > /dev/null 2>&1
[ "$(sql_rows "$work/cut.db" "SELECT capture_uid || ' ' || load_complete FROM capture")" = "$uid 0" ] &&
	ok "--max-entries 50: a cut load of capture $uid (load_complete 0)" ||
	fail "--max-entries 50: not a cut load of $uid: $(sql_rows "$work/cut.db" 'SELECT capture_uid, load_complete FROM capture')"
for src in "--max-entries 50 $cap" "$work/cut.db"; do
	dir=$work/cut-over-whole
	rm -rf "$dir"
	cp -a "$work/cut-whole" "$dir"
	name=${src##* }
	# shellcheck disable=SC2086 # the options, split
	if expect 1 "$M" export -q $cut_views $src -o "$dir"; then
		grep -q "^warning: capture $uid of '$name' is incomplete (a limit or a broken archive cut its load): not replacing its 2 files already under '$dir'$" "$work/err" &&
			ok "a cut capture ($src) over the whole one's files: said, exit 1" ||
			fail "a cut capture ($src) over the whole one's files: $(cat "$work/err")"
	fi
	tree "$dir" > "$work/cut-sum"
	cmp -s "$work/whole-sum" "$work/cut-sum" && [ -z "$(find "$dir" -name '.*')" ] &&
		ok "a cut capture ($src): the whole capture's files kept, no temporary file" ||
		fail "a cut capture ($src) replaced the whole one's files: $(diff "$work/whole-sum" "$work/cut-sum" | head -3)"
done
dir=$work/whole-over-cut
# shellcheck disable=SC2086 # the --view options, split
expect 0 "$M" export -q $cut_views --max-entries 50 "$cap" -o "$dir" &&
	tree "$dir" > "$work/cut-sum" && ! cmp -s "$work/whole-sum" "$work/cut-sum" &&
	ok "a cut capture into an empty DIR: written, exit 0" ||
	fail "a cut capture into an empty DIR: $(cat "$work/err")"
# shellcheck disable=SC2086 # the --view options, split
expect 0 "$M" export -q $cut_views "$cap" -o "$dir" && tree "$dir" > "$work/cut-sum" &&
	cmp -s "$work/whole-sum" "$work/cut-sum" &&
	ok "the whole capture over the cut one's files: replaced, exit 0" ||
	fail "the whole capture did not replace the cut one's files: $(cat "$work/err")"

check_end
