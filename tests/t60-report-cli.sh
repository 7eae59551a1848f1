#!/bin/bash
# memsnap report's command line: formats, output files, --capture on a
# database of several captures, colour (--color, NO_COLOR, a real terminal),
# exit statuses, errors that name the file and the cause, and the output of
# the binary against the golden files of tests/test_report.c.
set -u
. "$(dirname "$0")/lib/check.sh" --samples
F=$SAMPLE_FIXTURES_DIR/captures     # made from the samples by tests/run-tests
G=$T/golden

# --help, usage errors
expect 0 "$M" report --help && grep -q '^usage: memsnap report' "$work/out" && ok "report --help" || fail "report --help"
expect 2 "$M" report && grep -q "error: no SOURCE" "$work/err" && ok "no SOURCE: usage error" || fail "no SOURCE: usage error"
expect 2 "$M" report "$F/report-k8s-v2" "$F/report-hostile" && grep -q "unexpected argument '$F/report-hostile'" "$work/err" &&
	ok "two SOURCEs: usage error" || fail "two SOURCEs: usage error"
expect 2 "$M" report --format pdf "$F/report-k8s-v2" &&
	grep -q "error: unknown --format 'pdf': text, html or json" "$work/err" && ok "--format pdf: usage error" || fail "--format pdf: usage error"
expect 2 "$M" report --capture x "$F/report-k8s-v2" && grep -q "invalid --capture 'x'" "$work/err" &&
	ok "--capture x: usage error" || fail "--capture x: usage error"
expect 2 "$M" report --color=sometimes "$F/report-k8s-v2" && ok "--color=sometimes: usage error" || fail "--color=sometimes: usage error"

# unreadable SOURCE, unwritable FILE: 3, named with the cause
expect 3 "$M" report "$work/nope.tar.gz" &&
	grep -q "error: cannot open '$work/nope.tar.gz': No such file or directory" "$work/err" &&
	ok "missing SOURCE: named, with the cause" || fail "missing SOURCE: named, with the cause"
expect 3 "$M" report -o "$work/no/such/dir/r.html" -f html "$F/report-k8s-v2" &&
	grep -q "error: cannot write '$work/no/such/dir/r.html': No such file or directory" "$work/err" &&
	ok "unwritable -o: named, with the cause" || fail "unwritable -o: named, with the cause"
expect 3 "$M" report -o /dev/full "$F/report-k8s-v2" &&
	grep -q "error: cannot write '/dev/full': No space left on device" "$work/err" && ok "full disk: 3" || fail "full disk: 3"

# the binary's output is the golden files' (they are made by test_report)
for fx in report-k8s-v2 report-v1-docker report-hostile; do
	expect 1 "$M" report "$F/$fx" && cmp -s "$work/out" "$G/$fx.txt" &&
		ok "$fx: text = golden" || { fail "$fx: text differs from $G/$fx.txt"; diff "$G/$fx.txt" "$work/out" | head -20; }
	grep -q "warning: the capture is incomplete" "$work/err" && ok "$fx: exit 1 says why" ||
		fail "$fx: no warning for exit 1"
	expect 1 "$M" report --color=always "$F/$fx" && cmp -s "$work/out" "$G/$fx.color.txt" &&
		ok "$fx: colour text = golden" || fail "$fx: colour text differs"
	expect 1 "$M" report -f json "$F/$fx" && unversion < "$work/out" | cmp -s - "$G/$fx.json" &&
		ok "$fx: JSON = golden" || fail "$fx: JSON differs"
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/out" && ok "$fx: JSON parses" ||
		fail "$fx: invalid JSON"
	expect 1 "$M" report -f html -o "$work/$fx.html" "$F/$fx" && [ ! -s "$work/out" ] &&
		unversion < "$work/$fx.html" | cmp -s - "$G/$fx.html" && ok "$fx: HTML file = golden" ||
		fail "$fx: HTML differs"
done

# deterministic, and no path of this machine in any format
"$M" report -f html "$F/report-k8s-v2" > "$work/a.html" 2>/dev/null
"$M" report -f html "$F/report-k8s-v2/" > "$work/b.html" 2>/dev/null
cmp -s "$work/a.html" "$work/b.html" && ok "same HTML twice (and with a trailing slash)" || fail "HTML not deterministic"
# the Content-Security-Policy's hashes (made by the Makefile) are those of
# the <style> and <script> the page holds: else a browser runs neither
csp_ok=1
for tag in style script; do
	body=$(python3 -c 'import sys, re; t = sys.argv[2]
s = open(sys.argv[1], encoding="utf-8").read()
sys.stdout.write(re.search("<%s>(.*?)</%s>" % (t, t), s, re.S).group(1))' "$work/a.html" "$tag" |
		sha256sum | cut -c1-64 | tr a-f A-F | basenc --base16 -d | base64 -w0)
	grep -q "$tag-src 'sha256-$body'" "$work/a.html" || { csp_ok=; fail "CSP: no $tag-src 'sha256-$body'"; }
done
[ -n "$csp_ok" ] && ok "CSP hashes = sha256 of the page's style and script"
for f in html json text; do
	"$M" report -f $f "$F/report-k8s-v2" 2>/dev/null | grep -q -e "$F" -e "$PWD" &&
		fail "$f names a path of this machine" || ok "$f names no path of this machine"
done

# colour: never into a pipe or a file, unless asked; NO_COLOR; a terminal
"$M" report "$F/report-k8s-v2" 2>/dev/null | grep -q $'\e' && fail "colour into a pipe" ||
	ok "no colour into a pipe"
"$M" report --color=always "$F/report-k8s-v2" 2>/dev/null | grep -q $'\e\[1;31m' &&
	ok "--color=always colours" || fail "--color=always"
if command -v script > /dev/null; then
	TERM=xterm script -qec "$M report $F/report-k8s-v2" /dev/null > "$work/tty" 2>&1
	grep -q $'\e\[' "$work/tty" && ok "colour on a terminal" || fail "no colour on a terminal"
	NO_COLOR=1 TERM=xterm script -qec "$M report $F/report-k8s-v2" /dev/null > "$work/tty" 2>&1
	grep -q $'\e\[3' "$work/tty" && fail "NO_COLOR ignored" || ok "NO_COLOR: no colour on a terminal"
	TERM=xterm script -qec "$M report --color=never $F/report-k8s-v2" /dev/null > "$work/tty" 2>&1
	grep -q $'\e\[3' "$work/tty" && fail "--color=never ignored" || ok "--color=never on a terminal"
	# README: TERM=dumb turns colour off too; --color=always still wins
	TERM=dumb script -qec "$M report $F/report-k8s-v2" /dev/null > "$work/tty" 2>&1
	grep -q 'WORKING SET' "$work/tty" && ! grep -q $'\e\[' "$work/tty" &&
		ok "TERM=dumb: no colour on a terminal" || fail "TERM=dumb ignored"
	TERM=dumb script -qec "$M report --color=always $F/report-k8s-v2" /dev/null > "$work/tty" 2>&1
	grep -q $'\e\[1;31m' "$work/tty" && ok "TERM=dumb --color=always colours" ||
		fail "TERM=dumb --color=always: no colour"
else
	echo "skip: no script(1): terminal colour not checked"
fi

# a complete capture without problems: exit 0, no warning
cp -r "$F/report-k8s-v2" "$work/clean"
python3 - "$work"/clean/memsnap-*/manifest.json <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["problems"] = [p for p in m["problems"] if p["kind"] in ("absent", "vanished")]
json.dump(m, open(sys.argv[1], "w"))
EOF
expect 0 "$M" report "$work/clean" && [ ! -s "$work/err" ] && ok "a clean capture: exit 0, nothing on stderr" || fail "a clean capture: exit 0, nothing on stderr"

# a database of two captures: a fleet summary (t63 checks it), both in
# full with --each, or the one asked for
"$M" load -q "$F/report-v1-docker" "$F/report-k8s-v2" -o "$work/two.db" 2>/dev/null
expect 1 "$M" report "$work/two.db" && grep -q '^memsnap fleet report: 2 captures from 2 nodes' "$work/out" &&
	ok "database: a fleet summary" || fail "database: no fleet summary"
expect 2 "$M" report --each -c 1 "$work/two.db" && ok "--each with --capture: usage error" ||
	fail "--each with --capture"
expect 1 "$M" report --each "$work/two.db" &&
	[ "$(grep -c '^memsnap report: ' "$work/out")" = 2 ] && ok "database --each: both captures reported" ||
	fail "database: $(grep '^memsnap report' "$work/out")"
grep -q '^memsnap report: fanatica, captured .* (capture 1)$' "$work/out" && ok "each capture named with its id" ||
	fail "each capture named with its id"
expect 3 "$M" report --capture 2 "$work/clean" && grep -q "no capture 2" "$work/err" &&
	ok "--capture of a missing id: 3, says so" || fail "--capture of a missing id: 3, says so"
expect 1 "$M" report -c 2 -f json "$work/two.db" &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [c["hostname"] for c in d["captures"]] == ["worker-3"], d' "$work/out" &&
	ok "--capture 2: only worker-3" || fail "--capture 2"
expect 1 "$M" report --each -f html -o "$work/two.html" "$work/two.db" &&
	[ "$(grep -c '<article class="capture"' "$work/two.html")" = 2 ] && ok "HTML of a database: one article per capture" || fail "HTML of a database: one article per capture"

# the text report keeps to 100 columns
for fx in report-k8s-v2 report-v1-docker report-hostile; do
	"$M" report "$F/$fx" 2>/dev/null | python3 -c '
import sys
for n, line in enumerate(sys.stdin.buffer.read().decode().split("\n"), 1):
    if len(line) > 100:
        sys.exit("line %d has %d columns" % (n, len(line)))' && ok "$fx: 100 columns" || fail "$fx: wider than 100 columns"
done

check_end
