#!/bin/bash
# memsnap report on a database file reads it on two connections at once
# (analyze/db/pool.h; a capture is loaded into memory and read on one):
# the same bytes as the goldens (made from the captures, on one
# connection) in every format, run after run; and a query failing on
# either connection says what the report said when its queries ran in
# turn, with the same exit status.  With REF_MEMSNAP (a memsnap from before
# the pool) the failure is compared with that binary's too.
set -u
. "$(dirname "$0")/lib/check.sh" --samples
F=$SAMPLE_FIXTURES_DIR/captures     # made from the samples by tests/run-tests
G=$T/golden
REF=${REF_MEMSNAP:-}

# the database is named as the capture: the report names its SOURCE so
mkdir "$work/db"
for fx in report-k8s-v2 report-v1-docker report-hostile; do
	db=$work/db/$fx
	"$M" load -q -o "$db" "$F/$fx" 2>/dev/null
	[ $? -le 1 ] || { fail "$fx: load"; continue; }
	"$M" report "$db" > "$work/out" 2> "$work/err"
	rc=$?
	[ $rc = 1 ] && cmp -s "$work/out" "$G/$fx.txt" && ok "$fx from a database: text = golden" ||
		{ fail "$fx from a database: exit $rc, text differs"; diff "$G/$fx.txt" "$work/out" | head; }
	grep -q "warning: the capture is incomplete" "$work/err" && ok "$fx: the same warning" ||
		fail "$fx: no warning"
	"$M" report --color=always "$db" 2>/dev/null | cmp -s - "$G/$fx.color.txt" &&
		ok "$fx from a database: colour text = golden" || fail "$fx from a database: colour text"
	"$M" report -f json "$db" 2>/dev/null | unversion | cmp -s - "$G/$fx.json" &&
		ok "$fx from a database: JSON = golden" || fail "$fx from a database: JSON"
	"$M" report -f html "$db" 2>/dev/null | unversion | cmp -s - "$G/$fx.html" &&
		ok "$fx from a database: HTML = golden" || fail "$fx from a database: HTML"
done

# which connection runs which query changes from run to run: the bytes not
db=$work/db/report-k8s-v2
same=1
for i in 1 2 3 4 5 6 7 8 9 10; do
	"$M" report -f json "$db" 2>/dev/null | unversion | cmp -s - "$G/report-k8s-v2.json" || same=
done
[ -n "$same" ] && ok "ten runs, ten times the golden JSON" || fail "a run differs from the golden JSON"

# a query fails at run time (a value SQLite cannot take: no schema change,
# so the database still opens): every query that reads it fails, on
# whichever connection; the report says the first one's error, exit 3, and
# writes nothing
bad() {   # bad DB TABLE SET: every row of the table changed so
	cp "$db" "$1"
	python3 - "$1" "$2" "$3" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE %s SET %s" % (sys.argv[2], sys.argv[3]))
c.commit()
EOF
}
check_bad() {   # check_bad DB WHY WHAT
	local want="error: cannot report on '$1': SQL: $2" i rc msgs=
	for i in 1 2 3 4 5; do
		"$M" report -f html "$1" > "$work/out" 2> "$work/err"
		rc=$?
		[ $rc = 3 ] && [ ! -s "$work/out" ] || { fail "$3: exit $rc, want 3 and no report"; return; }
		msgs="$msgs$(cat "$work/err")"$'\n'
	done
	[ "$(sed '/^$/d' <<< "$msgs" | sort -u)" = "$want" ] && ok "$3: '$want', exit 3, five times" ||
		{ fail "$3: said"; sed '/^$/d' <<< "$msgs" | sort -u | sed 's/^/  | /'; }
	if [ -n "$REF" ]; then
		"$REF" report -f html "$1" > /dev/null 2> "$work/ref"
		rc=$?
		[ $rc = 3 ] && cmp -s "$work/ref" "$work/err" && ok "$3: as REF_MEMSNAP says" ||
			{ fail "$3: REF_MEMSNAP exits $rc"; sed 's/^/  ref | /' "$work/ref"; }
	fi
}
# the cgroups' files as JSON SQLite cannot parse: read by nearly every
# query, on both connections at once
bad "$work/cgfiles" cgroup_file_data "files = '{not json'"
check_bad "$work/cgfiles" "malformed JSON" "every cgroup file malformed"
# the OOM events' memcg stats too large to add up: the OOM kills' query, a
# later task, on whichever connection is free
bad "$work/oomstat" oom_memcg_stat "value = 9223372036854775807"
check_bad "$work/oomstat" "integer overflow" "OOM stats that overflow"

check_end
