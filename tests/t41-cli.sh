#!/bin/bash
# The analyzer's command line: load, sql, schema.  Output formats, exit
# statuses, error messages that name the file and the cause, --help on every
# command, loading twice, read-only databases.  Uses a capture folder made
# from the project's own files (no root, no samples needed).
set -u
. "$(dirname "$0")/lib/check.sh"

cap=$work/memsnap-samples-20260101T000000Z
mkdir -p "$cap/proc/10" "$cap/proc/11" "$cap/sys/fs/cgroup/memory/svc"
cat > "$cap/manifest.json" <<'EOF'
{"format": "memsnap-capture", "format_version": 1,
 "collector": {"name": "memsnap-collect", "version": "0.1.0", "pid": 4242},
 "complete": true, "hostname": "samples", "kernel": {"release": "5.15.0"},
 "boot_id": "t41", "page_size": 4096,
 "clock": {"started_utc": "2026-01-01T00:00:00.000000Z", "started_monotonic": 1000.0},
 "cgroup": {"mode": "v1", "memory_root": "sys/fs/cgroup/memory"}}
EOF
# the project's own files: the kernel documentation's examples
# (tests/fixtures/parse)
P=$PWD/tests/fixtures/parse
cp "$P/proc-rst-meminfo.txt" "$cap/proc/meminfo"
mkdir -p "$cap/proc/pressure"
cp "$P/psi-rst-memory.txt" "$cap/proc/pressure/memory"
cp "$P/proc-rst-status-self.txt" "$cap/proc/10/status"
cat > "$cap/proc/10/smaps_rollup" <<'EOF'
00400000-7ffd2f5e4000 ---p 00000000 00:00 0                              [rollup]
Rss:                1928 kB
Pss:                 612 kB
Pss_Dirty:           140 kB
Pss_Anon:            140 kB
Pss_File:            472 kB
Pss_Shmem:             0 kB
Shared_Clean:       1664 kB
Shared_Dirty:          0 kB
Private_Clean:       124 kB
Private_Dirty:       140 kB
Referenced:         1928 kB
Anonymous:           140 kB
LazyFree:              0 kB
AnonHugePages:         0 kB
ShmemPmdMapped:        0 kB
FilePmdMapped:         0 kB
Shared_Hugetlb:        0 kB
Private_Hugetlb:       0 kB
Swap:                  0 kB
SwapPss:               0 kB
Locked:                0 kB
EOF
echo "4:memory:/svc" > "$cap/proc/10/cgroup"
sed 's/^Name:.*/Name:\tsleep/; s/^\(Tgid\|Pid\):.*/\1:\t11/' "$P/proc-rst-status-self.txt" > "$cap/proc/11/status"
cp "$P/cgroup-v1-memory-rst-memory.stat-keys.txt" "$cap/sys/fs/cgroup/memory/svc/memory.stat"
echo 3000000000 > "$cap/sys/fs/cgroup/memory/svc/memory.usage_in_bytes"
echo 9223372036854771712 > "$cap/sys/fs/cgroup/memory/svc/memory.limit_in_bytes"
printf '10\n' > "$cap/sys/fs/cgroup/memory/svc/cgroup.procs"
printf 'this line is not a number\n' > "$cap/sys/fs/cgroup/memory/svc/memory.failcnt"

# --help everywhere, on stdout, exit 0
for c in load sql schema oom report; do
	expect 0 "$M" "$c" --help && grep -q "usage: memsnap $c" "$work/out" &&
		ok "memsnap $c --help" || fail "memsnap $c --help"
done
expect 0 "$M" --help && grep -q '^commands:' "$work/out" && ok "memsnap --help" || fail "memsnap --help"
expect 0 "$M" --version && grep -q '^memsnap [0-9]' "$work/out" && ok "memsnap --version" || fail "memsnap --version"
expect 2 "$M" frobnicate && grep -q "error: 'frobnicate' is not a memsnap command" "$work/err" &&
	ok "unknown command: usage error" || fail "unknown command: usage error"
expect 2 "$M" && ok "no command: usage error" || fail "no command: usage error"

# load: progress line, problems -> 1, database created
expect 1 "$M" load "$cap" -o "$work/db.sqlite" &&
	grep -q "^\[1/1\] $cap: .* 1 problems" "$work/err" && ok "load: progress line, exit 1 with a problem" ||
	{ fail "load progress"; cat "$work/err"; }
grep -q "hint: memsnap sql" "$work/err" && ok "load: hint names the view" || fail "load hint"
# twice is once
expect 0 "$M" load "$cap" -o "$work/db.sqlite" && grep -q "already in" "$work/err" &&
	ok "load twice: skipped" || fail "load twice"
expect 0 "$M" sql --csv "$work/db.sqlite" 'SELECT count(*) AS n FROM captures'
[ "$(tr -d '\r' < "$work/out")" = "$(printf 'n\n1')" ] && ok "one capture after two loads" ||
	fail "captures after two loads: $(cat "$work/out")"
# the problem names the file and why
expect 0 "$M" sql --csv "$work/db.sqlite" 'SELECT path, problem FROM load_problems'
grep -q '^sys/fs/cgroup/memory/svc/memory.failcnt,' "$work/out" && ok "load_problems names the file" ||
	fail "load_problems: $(cat "$work/out")"

# missing -o, missing capture, unreadable capture
expect 2 "$M" load "$cap" && grep -q 'error: no database given' "$work/err" && ok "load without -o" || fail "load without -o"
expect 2 "$M" load -o "$work/x.db" && grep -q 'error: no capture given' "$work/err" && ok "load without capture" || fail "load without capture"
# an empty -o: no temporary database loaded then lost, no partitions under /
for c in "load -o" "load --output=" "export -o" "report -o" "diff -o"; do
	# shellcheck disable=SC2086 # the command and its option, split
	expect 2 "$M" $c '' "$work/db.sqlite" && grep -q "^error: invalid --output '': an empty path" "$work/err" ||
		fail "$c '': $(cat "$work/err")"
done
ok "an empty --output: 2, said (load, export, report, diff)"
# --help and --version on a full disk: 3, said (the text was buffered, then lost)
for c in "--help" "--version" "load --help" "diff --help"; do
	# shellcheck disable=SC2086 # the command and its option, split
	"$M" $c >/dev/full 2>"$work/err"
	rc=$?
	[ $rc = 3 ] && grep -q "^error: cannot write to 'standard output': No space left on device" "$work/err" ||
		fail "$c >/dev/full: exit $rc, $(cat "$work/err")"
done
ok "--help and --version to a full disk: 3, said"
expect 1 "$M" load "$work/nope.tar.gz" -o "$work/x.db" &&
	grep -q "error: cannot open '$work/nope.tar.gz': No such file or directory" "$work/err" &&
	ok "load of a missing file: named, with the cause" || fail "load of a missing file: named, with the cause: $(cat "$work/err")"
printf 'garbage' > "$work/garbage.tar.gz"
expect 1 "$M" load "$work/garbage.tar.gz" -o "$work/x.db" && grep -q "garbage.tar.gz" "$work/err" &&
	ok "load of a non-archive: exit 1, named" || fail "load of a non-archive: exit 1, named"

# sql: formats
expect 0 "$M" sql "$work/db.sqlite" "SELECT cgroup, limit_bytes, usage_bytes FROM cgroups WHERE cgroup = '/svc'"
cat > "$work/want" <<'EOF'
cgroup  limit_bytes  usage_bytes
------  -----------  -----------
/svc    NULL          3000000000
EOF
diff -u "$work/want" "$work/out" && ok "sql: aligned table, NULL shown" || fail "sql table"
expect 0 "$M" sql --csv "$work/db.sqlite" "SELECT 'a,b' AS x, NULL AS y, 'say \"hi\"' AS z"
[ "$(cat "$work/out")" = "$(printf 'x,y,z\r\n"a,b",,"say ""hi"""\r')" ] && ok "sql --csv: RFC 4180" ||
	fail "csv: $(cat -A "$work/out")"
expect 0 "$M" sql --json "$work/db.sqlite" "SELECT 1 AS i, 2.5 AS r, NULL AS n, 'x' AS s; SELECT 2 AS j"
[ "$(cat "$work/out")" = "$(printf '[{"i":1,"r":2.5,"n":null,"s":"x"}]\n[{"j":2}]')" ] &&
	ok "sql --json: typed values, one array per statement" || fail "json: $(cat "$work/out")"
# terminal escapes from data are escaped in the table
expect 0 "$M" sql "$work/db.sqlite" "SELECT char(27) || '[2Jboom' || char(7) AS s"
grep -q '\\e\[2Jboom\\x07' "$work/out" && ! grep -q $'\e' "$work/out" &&
	ok "sql: control characters escaped in tables" || fail "escape: $(cat -A "$work/out")"
# a capture as SOURCE: loaded in memory
expect 0 "$M" sql "$cap" "SELECT count(*) FROM processes" &&
	grep -q "warning: 1 problems loading '$cap'" "$work/err" &&
	grep -q '^ *2$' "$work/out" && ok "sql on a capture folder, with a warning for its problem" ||
	fail "sql on capture: $(cat "$work/out" "$work/err")"
# SQL errors: message and query, exit 1
expect 1 "$M" sql "$work/db.sqlite" "SELECT nope FROM cgroups" &&
	grep -q 'error: SQL: no such column: nope' "$work/err" && grep -q 'in: SELECT nope FROM cgroups' "$work/err" &&
	ok "sql error: SQLite's message and the query" || fail "sql error: SQLite's message and the query"
# read-only by default
expect 1 "$M" sql "$work/db.sqlite" "DELETE FROM capture" && grep -q 'DELETE refused: memsnap sql is read-only' "$work/err" &&
	ok "sql: databases are read-only by default" || fail "sql: databases are read-only by default"
expect 0 "$M" sql -w "$work/db.sqlite" "CREATE VIEW mine AS SELECT 1" && ok "sql -w: writable" || fail "sql -w: writable"
# a non-memsnap SQLite file
sqlite3 "$work/other.db" 'CREATE TABLE t(x)'
expect 3 "$M" sql "$work/other.db" "SELECT 1" && grep -q 'not a memsnap database' "$work/err" &&
	ok "sql: a foreign SQLite file is refused" || fail "sql: a foreign SQLite file is refused"
expect 2 "$M" sql "$work/db.sqlite" && ok "sql without a query: usage" || fail "sql without a query: usage"

# schema: the same text creates a database
expect 0 "$M" schema && sqlite3 "$work/fromschema.db" < "$work/out" &&
	sqlite3 "$work/fromschema.db" "SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name = 'cgroups'" |
	grep -qx 1 && ok "schema: creates a database with the views" || fail "schema: creates a database with the views"
# ... that memsnap takes as one of its own (it said "another memsnap made it")
expect 1 "$M" load -q "$cap" -o "$work/fromschema.db" &&
	expect 0 "$M" sql --csv "$work/fromschema.db" "SELECT count(*) FROM captures" &&
	[ "$(tail -n1 "$work/out" | tr -d '\r')" = 1 ] &&
	ok "schema: memsnap loads into the database it makes" ||
	fail "schema: memsnap refuses the database it makes: $(cat "$work/err")"
# the views work in the plain sqlite3 shell (no custom functions), but
# those that spell sizes in words: they use memsnap's one size formatter,
# human_bytes(), which memsnap registers on its connections
for v in captures cgroups processes bpf_maps load_problems working_set_breakdown containers pods node oom_kills; do
	sqlite3 "$work/db.sqlite" "SELECT count(*) FROM $v" > /dev/null 2> "$work/err" ||
		fail "view $v in sqlite3: $(cat "$work/err")"
done
ok "public views run in the sqlite3 shell"
for v in findings report_findings bpf_by_cgroup; do
	"$M" sql "$work/db.sqlite" "SELECT count(*) FROM $v" > /dev/null 2> "$work/err" ||
		fail "view $v in memsnap sql: $(cat "$work/err")"
done
ok "the views that spell sizes run in memsnap sql"

# a reader that closes the pipe early: the output ends there, quietly, exit 0
"$M" sql "$work/db.sqlite" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT i FROM n" 2> "$work/err" | head -1 > /dev/null
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] && [ ! -s "$work/err" ] && ok "sql into a closed pipe: quiet, exit 0" ||
	fail "sql into a closed pipe exited $rc: $(cat "$work/err")"
"$M" schema 2> "$work/err" | head -1 > /dev/null
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] && [ ! -s "$work/err" ] && ok "schema into a closed pipe: quiet, exit 0" ||
	fail "schema into a closed pipe exited $rc: $(cat "$work/err")"

# a full disk or stdout: the file and the cause
if [ -w /dev/full ]; then
	expect 3 "$M" load -q "$cap" -o /dev/full &&
		grep -q "^error: .*'/dev/full': database or disk is full" "$work/err" &&
		ok "load -o /dev/full: the database named" || fail "load -o /dev/full: $(cat "$work/err")"
	"$M" schema > /dev/full 2> "$work/err"; rc=$?
	[ $rc = 3 ] && grep -q "^error: cannot write the schema to 'standard output': No space left on device" "$work/err" &&
		ok "schema > /dev/full: exit 3, with the cause" || fail "schema > /dev/full: $rc $(cat "$work/err")"
	"$M" sql "$work/db.sqlite" "SELECT 1" > /dev/full 2> "$work/err"; rc=$?
	[ $rc = 3 ] && grep -q "^error: cannot write 'standard output': No space left on device" "$work/err" &&
		ok "sql > /dev/full: exit 3, standard output named" || fail "sql > /dev/full: $rc $(cat "$work/err")"
fi

# an empty query is a usage error
expect 2 "$M" sql "$work/db.sqlite" '' && grep -q "^error: no SQL statement in the query" "$work/err" &&
	ok "sql with an empty query: usage error" || fail "sql ''"
expect 2 "$M" sql "$work/db.sqlite" ' -- nothing' && ok "sql with only a comment: usage error" ||
	fail "sql ' -- nothing'"

# a limit cut the first load: the second, with the limit raised, replaces it
tar -C "$work" -czf "$work/cap.tar.gz" "$(basename "$cap")"
expect 1 "$M" load --max-entries 4 "$work/cap.tar.gz" -o "$work/cut.db" &&
	grep -q "warning: cannot read '$work/cap.tar.gz' to the end: more than 4 entries (--max-entries)" "$work/err" &&
	ok "load --max-entries: exit 1, the archive named" || fail "load --max-entries: $(cat "$work/err")"
expect 1 "$M" load "$work/cap.tar.gz" -o "$work/cut.db" &&
	grep -q "replacing the incomplete load of this capture (capture_id 1)" "$work/err" &&
	ok "load again without the limit: replaces the incomplete load" || fail "reload: $(cat "$work/err")"
expect 0 "$M" sql --csv "$work/cut.db" 'SELECT count(*) AS c, (SELECT count(*) FROM processes) AS p FROM captures' &&
	[ "$(tr -d '\r' < "$work/out")" = "$(printf 'c,p\n1,2')" ] &&
	ok "one capture, every process, after the replacement" || fail "after replacement: $(cat "$work/out")"
expect 0 "$M" load "$work/cap.tar.gz" -o "$work/cut.db" && grep -q "already in" "$work/err" &&
	ok "a complete load is still skipped" || fail "third load: $(cat "$work/err")"

# --max-total as --max-entries: what was read is kept, the archive named, exit 1
expect 1 "$M" load --max-total 100 "$work/cap.tar.gz" -o "$work/total.db" &&
	grep -q "warning: cannot read '$work/cap.tar.gz' to the end: more than 100 bytes in all (--max-total), stopped at '[^']*'; what was read before is loaded" "$work/err" &&
	ok "load --max-total: exit 1, the archive and the file named" || fail "load --max-total: $(cat "$work/err")"
expect 0 "$M" sql --csv "$work/total.db" "SELECT count(*) FROM load_problems WHERE problem LIKE '%--max-total%'" &&
	[ "$(tail -1 "$work/out" | tr -d '\r')" = 1 ] && ok "load --max-total: a load_problems row" ||
	fail "--max-total problem: $(cat "$work/out")"

# captures without a manifest: the same folder name is not the same capture
for d in a b; do
	mkdir -p "$work/$d"
	cp -r "$cap" "$work/$d/"
	rm "$work/$d/$(basename "$cap")/manifest.json"
done
echo 3100000000 > "$work/b/$(basename "$cap")/sys/fs/cgroup/memory/svc/memory.usage_in_bytes"
expect 1 "$M" load -q "$work/a/$(basename "$cap")" "$work/b/$(basename "$cap")" -o "$work/noman.db" ||
	fail "load of two manifest-less captures"
expect 0 "$M" load "$work/a/$(basename "$cap")" -o "$work/noman.db" && grep -q "already in" "$work/err" ||
	fail "manifest-less capture loaded twice"
expect 0 "$M" sql --csv "$work/noman.db" 'SELECT count(*) FROM captures' &&
	[ "$(tail -1 "$work/out" | tr -d '\r')" = 2 ] && ok "manifest-less captures told apart by their files" ||
	fail "manifest-less captures: $(cat "$work/out")"

# Options anywhere (issue 13): before and after operands, "--" ends them, and
# the error for a real extra operand names it.  Every command.
printf '[ 1.5] Out of memory and no killable processes...\n' > "$work/k.log"
expect 0 "$M" oom "$work/k.log" --json && grep -q '"outcome": "no_killable_process"' "$work/out" &&
	expect 0 "$M" oom --json "$work/k.log" && ok "oom: option after FILE" || fail "oom: option after FILE"
cp "$work/k.log" "$work/--json"
expect 0 "$M" oom -- "$work/--json" && grep -q '^OOM event 1 of 1' "$work/out" &&
	expect 0 sh -c "cd '$work' && '$M' oom --json -- --json" && grep -q '^\[' "$work/out" &&
	ok "oom: -- ends options" || fail "oom: -- ends options"
expect 2 "$M" oom "$work/k.log" extra && grep -q "^error: unexpected argument 'extra'$" "$work/err" &&
	ok "oom: extra operand named" || fail "oom: extra operand named"
expect 2 "$M" oom "$work/k.log" --frob && ok "oom: unknown option after FILE" || fail "oom: unknown option after FILE"
# what getopt refuses is said git's way, then the usage (it said "load: unrecognized option")
for c in "load --frob|unknown option '--frob'" "sql -Z|unknown option '-Z'" \
	"report --format|option '--format' needs a value" "load -o|option '-o' needs a value" \
	"oom --json=1|option '--json' takes no value" "export --max|ambiguous option '--max'" \
	"diff --top|option '--top' needs a value" "schema --frob|unknown option '--frob'"; do
	# shellcheck disable=SC2086
	expect 2 "$M" ${c%%|*} && [ "$(head -n1 "$work/err")" = "error: ${c#*|}" ] &&
		grep -q "^usage: memsnap ${c%% *}" "$work/err" && ok "${c%%|*}: git-style refusal" ||
		fail "${c%%|*}: $(head -n1 "$work/err")"
done
expect 0 "$M" sql "$work/db.sqlite" 'SELECT 1' --csv && expect 0 "$M" sql -- "$work/db.sqlite" 'SELECT 1' &&
	ok "sql: options after operands, --" || fail "sql: options after operands, --"
expect 2 "$M" sql "$work/db.sqlite" 'SELECT 1' extra && grep -q "^error: unexpected argument 'extra'" "$work/err" &&
	ok "sql: extra operand named" || fail "sql: extra operand named"
expect 1 "$M" report "$work/db.sqlite" --format json && expect 1 "$M" report -- "$work/db.sqlite" &&
	ok "report: options after SOURCE, --" || fail "report: options after SOURCE, --"
expect 2 "$M" report "$work/db.sqlite" extra && grep -q "^error: unexpected argument 'extra'$" "$work/err" &&
	ok "report: extra operand named" || fail "report: extra operand named"
expect 2 "$M" schema extra && grep -q "^error: unexpected argument 'extra'$" "$work/err" &&
	expect 0 "$M" schema -- && ok "schema: extra operand named, --" || fail "schema: extra operand named"
expect 1 "$M" load "$cap" -q -o "$work/anywhere.db" && expect 1 "$M" load -o "$work/anywhere2.db" -- "$cap" &&
	ok "load: options after the capture, --" || fail "load: options after the capture, --"

check_end
