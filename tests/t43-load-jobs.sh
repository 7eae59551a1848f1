#!/bin/bash
# memsnap load -j (issue 15): N captures read and parsed at once, one
# writer.  The database of -j1 and -j2 (and -j4) must be the same, byte
# for byte in `sqlite3 .dump`, over the fixture captures, hostile ones
# (report-hostile when the samples are there, an archive cut mid-entry) and captures that cannot be
# read at all (missing, garbage, a folder that is no capture: a
# load_problems row of no capture, the others loaded, exit 1); a progress
# line [k/n] per capture unless -q; the
# same capture loaded twice is skipped and has one capture_uid in two
# databases, the one its export rows carry.
. "${TESTS_DIR:-$PWD/tests}/load-lib.sh"
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing (.ci/install-deps)"; exit 77; }
tar -C "$(dirname "${caps[0]}")" -czf "$work/whole.tar.gz" "$(basename "${caps[0]}")"
head -c $(( $(stat -c %s "$work/whole.tar.gz") / 2 )) "$work/whole.tar.gz" > "$work/cut.tar.gz"
printf 'garbage' > "$work/garbage.tar.gz"
# k8s-real/ holds folders of kernel files (make-bare-captures.py lays them
# out as captures): no capture itself.  The first capture again at the end:
# skipped, the last progress line.
list=("${caps[@]:0:2}" "$work/missing.tar.gz" "$F/k8s-real" "${caps[@]:2}" "$work/garbage.tar.gz" "$work/cut.tar.gz" "${caps[0]}")

for j in 1 2 4; do
	"$M" load -j $j "${list[@]}" -o "$work/j$j.db" > "$work/out$j" 2> "$work/err$j"
	rc=$?
	[ $rc = 1 ] && ok "-j$j: exit 1 (captures that cannot be read)" || { fail "-j$j exited $rc, want 1"; sed 's/^/  | /' "$work/err$j"; }
	sqlite3 "$work/j$j.db" .dump > "$work/j$j.sql"
done
n=$(sqlite3 "$work/j1.db" 'SELECT count(*) FROM captures')
[ "$n" -ge 3 ] && ok "-j1: $n captures loaded" || fail "-j1: $n captures loaded"
for j in 2 4; do
	cmp -s "$work/j1.sql" "$work/j$j.sql" && ok "-j$j: the same database as -j1 (.dump)" ||
		{ fail "-j$j: another database than -j1"; diff "$work/j1.sql" "$work/j$j.sql" | head -5 | sed 's/^/  | /'; }
	norm() { sed 's/, [0-9.]* s$//; s/j[0-9]\.db/jN.db/' "$1"; }
	diff <(norm "$work/err1") <(norm "$work/err$j") > "$work/d" && ok "-j$j: the same messages as -j1, in order" ||
		{ fail "-j$j: other messages than -j1"; head "$work/d" | sed 's/^/  | /'; }
done
# the order: capture_id follows the arguments
want=$(printf '%s\n' "${list[@]}" | grep -v -e missing -e garbage -e k8s-real$ | head -3)
got=$(sqlite3 "$work/j4.db" 'SELECT source FROM captures ORDER BY capture_id LIMIT 3')
[ "$got" = "$want" ] && ok "capture_id in argument order" || fail "capture order: $got"

# progress: [k/n] on stderr, one per capture, the bad ones named
total=${#list[@]}
grep -q "^\[1/$total\] ${caps[0]}: [0-9]* files" "$work/err2" && grep -q "^\[$total/$total\] " "$work/err2" &&
	ok "progress lines [k/$total]" || { fail "no progress lines"; sed 's/^/  | /' "$work/err2"; }
grep -q "error: cannot open '$work/missing.tar.gz': No such file or directory" "$work/err2" &&
	grep -q "garbage.tar.gz" "$work/err2" &&
	grep -qx "error: cannot load '$F/k8s-real': not a memsnap capture (no manifest.json, no proc/ or sys/)" "$work/err2" &&
	ok "unreadable captures named" || fail "unreadable captures not named"
"$M" load -q -j2 "${caps[@]:0:2}" -o "$work/q.db" 2> "$work/errq"
[ $? = 0 ] && [ ! -s "$work/errq" ] && ok "-q: no progress" || fail "-q: $(cat "$work/errq")"

# the bad ones: load_problems rows of no capture
got=$(sqlite3 "$work/j2.db" "SELECT path FROM load_problems WHERE capture_id IS NULL ORDER BY path")
echo "$got" | grep -qx "$work/garbage.tar.gz" && echo "$got" | grep -qx "$work/missing.tar.gz" &&
	echo "$got" | grep -qx "$F/k8s-real" &&
	ok "load_problems: the unreadable captures, of no capture" || fail "load_problems of no capture: $got"

# options
"$M" load -j 0 "${caps[0]}" -o "$work/x.db" 2> "$work/e"; rc=$?
[ $rc = 2 ] && grep -q "invalid --jobs '0'" "$work/e" && ok "-j 0: usage" || fail "-j 0 exited $rc"
"$M" load --jobs=x "${caps[0]}" -o "$work/x.db" 2> "$work/e"; rc=$?
[ $rc = 2 ] && ok "--jobs=x: usage" || fail "--jobs=x exited $rc"

# identity: loaded twice, skipped; two databases, one capture_uid
"$M" load -j2 "${caps[0]}" "${caps[0]}" -o "$work/twice.db" 2> "$work/e"; rc=$?
n=$(sqlite3 "$work/twice.db" 'SELECT count(*) FROM captures')
[ $rc = 0 ] && [ "$n" = 1 ] && grep -q "already in" "$work/e" && ok "the same capture twice: one capture" ||
	fail "the same capture twice: exit $rc, $n captures"
"$M" load -q "${caps[1]}" "${caps[0]}" -o "$work/other.db"
a=$(sqlite3 "$work/twice.db" "SELECT capture_uid FROM captures")
b=$(sqlite3 "$work/other.db" "SELECT capture_uid FROM captures WHERE capture_id = 2")
[[ $a =~ ^[0-9a-f]{16}$ ]] && [ "$a" = "$b" ] && ok "capture_uid $a in two databases (capture_id 1 and 2)" ||
	fail "capture_uid: '$a' and '$b'"
u=$(sqlite3 "$work/j1.db" "SELECT count(DISTINCT capture_uid) = count(*) AND count(capture_uid) = count(*) FROM captures")
[ "$u" = 1 ] && ok "capture_uid: set and distinct for every capture" || fail "capture_uid not set or not distinct"
if "$M" export -q "$work/twice.db" -o "$work/exp" --format ndjson --view captures 2> "$work/e"; then
	grep -rqh "\"capture_uid\":\"$a\"" "$work/exp" && [ "$(grep -rho capture_uid "$work/exp" | wc -l)" = 1 ] &&
		ok "export: the stored capture_uid, once per row" || fail "export: capture_uid: $(cat "$work"/exp/*/*/* 2>/dev/null | head -c 300)"
else
	fail "export exited $?: $(cat "$work/e")"
fi
# the journal: a load of many keeps one (PERSIST) and leaves none behind;
# a database in another mode (WAL) stays in it
[ ! -e "$work/j2.db-journal" ] && [ "$(sqlite3 "$work/j2.db" 'PRAGMA journal_mode')" = delete ] &&
	ok "no journal left, DELETE mode" || fail "journal left: $(ls "$work"/j2.db*)"
sqlite3 "$work/other.db" 'PRAGMA journal_mode=WAL' > /dev/null
"$M" load -q -j2 "${caps[@]:2}" -o "$work/other.db"
[ "$(sqlite3 "$work/other.db" 'PRAGMA journal_mode')" = wal ] && ok "a WAL database stays in WAL" ||
	fail "WAL database: $(sqlite3 "$work/other.db" 'PRAGMA journal_mode')"
check_end
