#!/bin/bash
# What `memsnap load` and the commands that load a capture SOURCE the same
# way (sql, report, export, diff) make of inputs that are not captures.
#  - A folder or archive with no manifest.json and none of a capture's
#    folders (proc/, sys/, collector/, samples/) is refused whole, as an
#    unreadable capture: an empty folder, one of notes, a folder of capture
#    archives or folders (`memsnap load DIR` for `DIR/*`: then a hint whose
#    command loads them), an archive of notes.  load: exit 1, a
#    load_problems row of no capture, no capture row; the others: exit 3.
#    A capture without a manifest but with proc/ is still one.
#  - A capture folder given as F/node/, F/node// or F/node is one capture,
#    named node, with one capture_uid.
#  - A file that is no archive (text, shorter or longer than a tar header;
#    an empty file; /dev/null) is said to be no capture archive, in git's
#    words; a compressed one holding no tar, no tar archive.  The same for
#    every command.  One that cannot be opened says why.
#  - load -o a folder, or a file in a folder that does not exist: the
#    cause, naming the path (SQLite says only "unable to open database
#    file").
set -u
. "$(dirname "$0")/lib/check.sh"
F=$T/fixtures/captures
msg="not a memsnap capture (no manifest.json, no proc/ or sys/)"

in=$work/in
mkdir -p "$in/empty" "$in/notes" "$in/tickets" "$in/folders"
echo "what happened on node-b" > "$in/notes/README"
tar -C "$F/k8s-systemd-v2" -czf "$in/tickets/b.tar.gz" memsnap-node-b-20260301T120000Z
tar -C "$F/k8s-cgroupfs-v1" -cf "$in/tickets/a.tar" memsnap-node-a-20260301T120000Z
tar -C "$in/notes" -czf "$in/notes.tar.gz" README
python3 "$F/make-bare-captures.py" "$in/folders" || fail "cannot lay out k8s-real/"
cp -r "$F/k8s-cgroupfs-v1" "$in/folders/"   # a folder holding a capture folder

# load: refused, said, recorded; the hint's command loads what it names
for x in empty notes notes.tar.gz tickets tickets/ folders; do
	rm -f "$work/x.db"
	expect 1 "$M" load "$in/$x" -o "$work/x.db"
	grep -qx "error: cannot load '$in/$x': $msg" "$work/err" &&
		[ "$(sql_rows "$work/x.db" "SELECT count(*) FROM captures")" = 0 ] &&
		[ "$(sql_rows "$work/x.db" "SELECT path FROM load_problems WHERE capture_id IS NULL")" = "$in/$x" ] &&
		[ "$(sql_rows "$work/x.db" "SELECT count(*) FROM load_problems WHERE capture_id IS NULL
			AND problem LIKE 'cannot load %: not a memsnap capture%' AND instr(problem, char(10)) = 0")" = 1 ] &&
		ok "load $x: not a capture, a load_problems row of no capture" ||
		{ fail "load $x"; sed 's/^/  | /' "$work/err"; }
	case $x in
	tickets*) want="hint: to load the captures in it: memsnap load '$in/tickets'/*.tar.gz '$in/tickets'/*.tar -o DB"; n=2 ;;
	folders) want="hint: to load the captures in it: memsnap load '$in/folders'/*/ -o DB"; n=12 ;;
	*) want=""; n=0 ;;
	esac
	if [ -n "$want" ]; then
		grep -qxF "$want" "$work/err" && ok "load $x: $want" || fail "load $x: no hint '$want'"
		rm -f "$work/h.db"
		cmd=$(grep "^hint: to load" "$work/err" | sed "s/^hint: to load the captures in it: //; s|-o DB$|-q -o '$work/h.db'|")
		eval "\"$M\" ${cmd#memsnap }" 2> /dev/null
		[ "$(sql_rows "$work/h.db" "SELECT count(*) FROM captures")" = $n ] &&
			ok "load $x: the hint's command loads its $n captures" ||
			fail "load $x: the hint's command loads $(sql_rows "$work/h.db" "SELECT count(*) FROM captures") captures, want $n"
	else
		! grep -q "^hint: to load" "$work/err" && ok "load $x: no hint" || fail "load $x: a hint: $(cat "$work/err")"
	fi
done
# among others: the captures load, the folder is one unreadable (-j2 too)
expect 1 "$M" load -j2 "$in/empty" "$in/folders/v2-6.1-sleep" "$in/notes" -o "$work/m.db"
[ "$(sql_rows "$work/m.db" "SELECT name FROM captures")" = v2-6.1-sleep ] &&
	[ "$(grep -c "$msg" "$work/err")" = 2 ] && ok "load of three: one capture, two refused" ||
	{ fail "load of three"; sed 's/^/  | /' "$work/err"; }

# the commands that load a SOURCE: exit 3, the same message
for c in "sql @ SELECT\ 1" "report @" "export @ -o $work/exp" "diff @ $in/folders/v2-6.1-sleep"; do
	for x in empty tickets; do
		eval "set -- ${c//@/$in/$x}"
		expect 3 "$M" "$@"
		grep -qx "error: cannot load '$in/$x': $msg" "$work/err" &&
			ok "$1 $x: exit 3, not a capture" || { fail "$1 $x"; sed 's/^/  | /' "$work/err"; }
	done
done

# a capture without a manifest is one; named by its folder however given
for x in folders/v2-6.1-sleep folders/v2-6.1-sleep/ folders/v2-6.1-sleep//; do
	"$M" load -q "$in/$x" -o "$work/s.db"
done
(cd "$in/folders/v2-6.1-sleep" && "$M" load -q . -o "$work/s.db")
rows=$(sql_rows "$work/s.db" "SELECT name, capture_uid FROM captures")
"$M" load -q "$in/folders/v2-6.1-sleep/" -o "$work/s2.db"
[ "${rows%,*}" = v2-6.1-sleep ] && [ "$rows" = "$(sql_rows "$work/s2.db" "SELECT name, capture_uid FROM captures")" ] &&
	ok "F/node, F/node/, F/node//, .: one capture, named node, one uid ($rows)" ||
	fail "trailing slashes: '$rows', alone '$(sql_rows "$work/s2.db" "SELECT name, capture_uid FROM captures")'"
# files that are no archive
echo "MemTotal: 100 kB" > "$in/meminfo.txt"
seq 1 1000 > "$in/long.txt"
: > "$in/empty.tar.gz"
gzip -c "$in/meminfo.txt" > "$in/meminfo.tar.gz"
noarch="not a capture archive (tar, tar.gz, tar.zst, tar.xz, tar.bz2) or folder"
for x in "$in/meminfo.txt" "$in/long.txt" "$in/empty.tar.gz" /dev/null "$in/meminfo.tar.gz"; do
	case $x in
	*.tar.gz) [ -s "$x" ] && want="not a tar archive (gzip data that holds no tar)" || want=$noarch ;;
	*) want=$noarch ;;
	esac
	expect 1 "$M" load "$x" -o "$work/f.db"
	grep -qxF "error: cannot read '$x': $want" "$work/err" &&
		ok "load ${x##*/}: $want" || { fail "load ${x##*/}"; sed 's/^/  | /' "$work/err"; }
	for c in "sql @ SELECT\ 1" "report @" "export @ -o $work/exp" "diff @ $in/folders/v2-6.1-sleep"; do
		eval "set -- ${c//@/$x}"
		expect 3 "$M" "$@"
		grep -qxF "error: cannot read '$x': $want" "$work/err" &&
			ok "$1 ${x##*/}: exit 3, the same" || { fail "$1 ${x##*/}"; sed 's/^/  | /' "$work/err"; }
	done
done
# a file that cannot be opened, even by root: the cause, not libarchive's
# "Failed to open"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$in/sock"
expect 1 "$M" load "$in/sock" -o "$work/f.db"
grep -qxF "error: cannot open '$in/sock': No such device or address" "$work/err" &&
	ok "load a socket: why it cannot be opened" || { fail "load a socket"; sed 's/^/  | /' "$work/err"; }

# -o: what cannot be a database file, said
cap=$in/folders/v2-6.1-sleep
expect 3 "$M" load -q "$cap" -o "$in" &&
	grep -qxF "error: cannot open database '$in': Is a directory" "$work/err" &&
	ok "load -o a folder: 'Is a directory'" || fail "load -o a folder: $(cat "$work/err")"
expect 3 "$M" load -q "$cap" -o "$work/none/x.db" &&
	grep -qxF "error: cannot create database '$work/none/x.db': no such folder '$work/none'" "$work/err" &&
	ok "load -o in no folder: 'no such folder', named" || fail "load -o in no folder: $(cat "$work/err")"
check_end
