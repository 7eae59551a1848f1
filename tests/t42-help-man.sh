#!/bin/bash
# The reference is in the man pages (schema/man/): this test keeps them true.
#  - every option a command's --help lists is in its man page, and the other
#    way round (memsnap-collect(1); memsnap(1): the program's own options and
#    each command's section);
#  - every command `memsnap --help` lists has a section in memsnap(1);
#  - every view of the schema is in memsnap-views(7): a public one
#    with exactly its columns, an internal one by name; no view is described
#    that the schema does not have; a "Table NAME" section has exactly the
#    columns of that table;
#  - each page renders without a warning (groff -ww, man -l) and names the
#    version the binaries print; memsnap(1) names the schema version a new
#    database has (PRAGMA user_version, analyze/db/db.h);
#  - memsnap load's exit status 3 means the database in both (not a
#    capture that cannot be read: that is 1);
#  - README.md stays a front door: under 400 lines.
set -u
. "$(dirname "$0")/lib/check.sh"
MAN_DIR=$TESTS_DIR/../schema/man
for c in python3 groff man; do
	command -v $c >/dev/null || { echo "FAIL: $c missing (.ci/install-deps test)"; exit 1; }
done

"$C" --help > "$work/help-collect" &&
	"$M" --help > "$work/help-memsnap" &&
	{ echo 'no OOM here' | "$M" oom --db "$work/schema.db" - 2>/dev/null; [ $? = 1 ]; } ||
	{ echo "FAIL: cannot run the binaries in $BIN_DIR"; exit 1; }
for c in $(awk '/^commands:/{f=1; next} f && /^  [a-z]/{print $1} f && /^$/{exit}' "$work/help-memsnap"); do
	"$M" "$c" --help > "$work/help-cmd-$c" || { echo "FAIL: memsnap $c --help exited $?"; exit 1; }
done

for page in "$MAN_DIR"/*.[1-8]; do
	w=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
	[ -z "$w" ] && ok "groff -ww: ${page##*/}" || { fail "groff warns on ${page##*/}:"; echo "$w"; }
	w=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
	[ -z "$w" ] && ok "man -l: ${page##*/}" || { fail "man -l ${page##*/}:"; echo "$w"; }
done

# memsnap(1) names the schema version this memsnap writes (it said 3 at 16)
schema_v=$("$M" sql --csv "$work/schema.db" 'PRAGMA user_version' 2>/dev/null | tail -n1 |
	tr -d '\r')
man_v=$(sed -n 's/.*(this one writes version \([0-9]*\);.*/\1/p' "$MAN_DIR/memsnap.1")
[ -n "$schema_v" ] && [ "$schema_v" = "$man_v" ] &&
	ok "memsnap.1: schema version $schema_v" ||
	fail "memsnap.1 says schema version '${man_v}', a new database has '${schema_v}'"

# memsnap load's exit status 3 is the database's alone, in --help and in
# memsnap(1) (which once gave 3 for a capture that cannot be read: it is 1,
# the others loaded, as t43 checks)
man_load=$(sed -n '/^\.SS memsnap load/,/^\.SS /p' "$MAN_DIR/memsnap.1" |
	sed -n '/^Exit status:/,/^\.\(SS .*\)\{0,1\}$/p' | tr '\n' ' ')
grep -q "3 the database could not be read or written" "$work/help-cmd-load" &&
	case $man_load in *"3 the database could not"*) true ;; *) false ;; esac &&
	ok "memsnap.1: load's exit status 3 as in --help" ||
	fail "memsnap.1: load's exit status 3 differs from --help: $man_load"

# the pages name the version the binaries print (Makefile's VERSION)
version=$("$M" --version | awk '{print $2}')
for page in "$MAN_DIR"/*.[1-8]; do
	grep -q "^\.TH .* \"memsnap $version\" " "$page" && ok "${page##*/}: memsnap $version" ||
		fail "${page##*/}: .TH does not say \"memsnap $version\""
done

lines=$(wc -l < "$TESTS_DIR/../README.md")
[ "$lines" -lt 400 ] && ok "README.md: $lines lines" || fail "README.md has $lines lines, 400 at most"

python3 - "$work" "$MAN_DIR" "$M" "$TESTS_DIR/lib" <<'EOF' || fails=$((fails + 1))
import csv, glob, io, os, re, subprocess, sys
work, man_dir, memsnap, lib = sys.argv[1:]
sys.path.insert(0, lib)
from manpage import man_sections, tags, unroff, public_views, internal_views, tables
bad = 0

def fail(msg):
    global bad
    bad += 1
    print("FAIL: " + msg)

def opts(spec):
    """-x and --long options named in an option's tag"""
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", spec))

def help_options(path):
    found = set()
    for line in open(path):
        m = re.match(r"^ +(-[A-Za-z], +)?--?[A-Za-z]", line)
        if m:
            found |= opts(re.split(r"\s{2,}", line.strip())[0])
    return found

def man_options(lines):
    found = set()
    for t in tags(lines):
        found |= opts(unroff(re.sub(r"^\.\w+ ", "", t)))
    return found

def compare(what, helped, manned):
    if helped == manned:
        print(f"ok {what}: {len(helped)} options in --help and the man page")
    else:
        for o in sorted(helped - manned):
            fail(f"{what}: {o} is in --help, not in the man page")
        for o in sorted(manned - helped):
            fail(f"{what}: {o} is in the man page, not in --help")

# memsnap-collect(1)
secs = man_sections(f"{man_dir}/memsnap-collect.1")
compare("memsnap-collect", help_options(f"{work}/help-collect"), man_options(secs.get(("OPTIONS", ""), [])))

# memsnap(1): its own options, then one section per command
secs = man_sections(f"{man_dir}/memsnap.1")
compare("memsnap", help_options(f"{work}/help-memsnap"), man_options(secs.get(("OPTIONS", ""), [])))
helped_cmds = {os.path.basename(p)[len("help-cmd-"):] for p in glob.glob(f"{work}/help-cmd-*")}
manned_cmds = {ss[len("memsnap "):] for sh, ss in secs if sh == "COMMANDS" and ss.startswith("memsnap ")}
for c in sorted(helped_cmds - manned_cmds):
    fail(f"memsnap {c}: a command of memsnap --help without a section in memsnap(1)")
for c in sorted(manned_cmds - helped_cmds):
    fail(f"memsnap {c}: a section of memsnap(1), not a command of memsnap --help")
for c in sorted(helped_cmds & manned_cmds):
    compare(f"memsnap {c}", help_options(f"{work}/help-cmd-{c}"),
            man_options(secs[("COMMANDS", f"memsnap {c}")]))

# memsnap-views(7): every view of the schema, public ones column by column
# the views' columns as memsnap reads them (some views call the SQL
# functions memsnap registers), in a database `memsnap oom --db` made
out = subprocess.run([memsnap, "sql", "--csv", f"{work}/schema.db",
                      "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                      "WHERE m.type = 'view' ORDER BY m.name, p.cid"],
                     capture_output=True, text=True, check=True).stdout
views = {}
for view, col in list(csv.reader(io.StringIO(out)))[1:]:
    views.setdefault(view, []).append(col)
secs = man_sections(f"{man_dir}/memsnap-views.7")
documented = public_views(secs)
internal = internal_views(secs)
for v in sorted(set(documented) | internal):
    if v not in views:
        fail(f"memsnap-views(7) describes '{v}', which the schema has no view of")
for v, cols in sorted(views.items()):
    if v in documented and v in internal:
        fail(f"view {v}: both public and internal in memsnap-views(7)")
    elif v in documented:
        doc = documented[v]
        missing = [c for c in cols if c not in doc]
        extra = [c for c in doc if c not in cols]
        dup = sorted({c for c in doc if doc.count(c) > 1})
        if missing or extra or dup:
            fail(f"view {v}: memsnap-views(7) lacks {missing}, has no such {extra}, twice {dup}")
    elif v not in internal:
        fail(f"view {v}: not in memsnap-views(7) (public: a section with its columns; else under INTERNAL VIEWS)")
# the tables of the interface ("Table NAME" sections), column by column
for table, doc in sorted(tables(secs).items()):
    out = subprocess.run([memsnap, "sql", "--csv", f"{work}/schema.db",
                          "SELECT p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                          f"WHERE m.type = 'table' AND m.name = '{table}' ORDER BY p.cid"],
                         capture_output=True, text=True, check=True).stdout
    cols = [r[0] for r in list(csv.reader(io.StringIO(out)))[1:]]
    missing = [c for c in cols if c not in doc]
    extra = [c for c in doc if c not in cols]
    dup = sorted({c for c in doc if doc.count(c) > 1})
    if not cols:
        fail(f"memsnap-views(7) describes table '{table}', which the schema does not have")
    elif missing or extra or dup:
        fail(f"table {table}: memsnap-views(7) lacks {missing}, has no such {extra}, twice {dup}")
    else:
        print(f"ok table {table}: {len(cols)} columns in memsnap-views(7)")
print(f"ok memsnap-views(7): {len(views)} views checked, {len(documented)} public with their columns" if not bad else "")
sys.exit(1 if bad else 0)
EOF

check_end
