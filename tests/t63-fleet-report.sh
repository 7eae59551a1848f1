#!/bin/bash
# memsnap report of a database of many captures: the fleet summary (issue
# 15).  A fleet of $N captures from the fixtures (copies with another date,
# kernel, boot id or hostname: a node seen four times, a node upgraded, a
# hostile hostname, a capture without one, one of an empty one) against
# the golden files tests/golden/fleet-report.{txt,json,html}
# (UPDATE_GOLDEN=1 rewrites them); every count the summary shows
# checked by SQL against the public views of the same database; capture
# strings escaped in every format; unknown never shown as 0; --capture and
# --each still give the one-capture report; and, as root, two live
# captures of this machine added (counts only: they change run to run).
set -u
. "$(dirname "$0")/lib/check.sh" --samples
F=$T/fixtures/captures
G=$T/golden
# the report-* captures are made from the real samples at test time
S=$SAMPLE_FIXTURES_DIR/captures
# the fleet's captures
N=13

# the fleet's extra captures: fixtures copied with another start day and
# boot id (so `memsnap load` takes them as other captures), kernel release
# or hostname; or a later capture of the same boot (the monotonic clock a
# day on), whose kernel log holds the same two OOM kills
python3 - "$F" "$S" "$work" <<'EOF' || { echo "FAIL: cannot make the fleet's captures"; exit 1; }
import json, shutil, sys
F, S, out = sys.argv[1:]
def copy(src, dst, day, later=0, **edit):
    base = S if src.startswith("report-") else F
    shutil.copytree(f"{base}/{src}", f"{out}/{dst}")
    p = f"{out}/{dst}/manifest.json"
    m = json.load(open(p))
    for k in ("started_utc", "finished_utc"):
        m["clock"][k] = day + m["clock"][k][10:]
    for k in ("started_monotonic", "finished_monotonic", "started_boottime", "finished_boottime"):
        m["clock"][k] += later
    if "release" in edit:
        m["kernel"]["release"] = edit.pop("release")
    m.update(edit)
    json.dump(m, open(p, "w"))
w3 = "report-k8s-v2/memsnap-worker-3-20230817T094500Z"
copy(w3, "w3b", "2023-09-02", boot_id="6b1d2f0e-3c4a-4e5b-9f7a-00000000000b")
copy(w3, "w3c", "2023-10-05", boot_id="6b1d2f0e-3c4a-4e5b-9f7a-00000000000c")
copy(w3, "w3d", "2023-11-20", boot_id="6b1d2f0e-3c4a-4e5b-9f7a-00000000000d")
copy(w3, "w3next", "2023-08-18", later=86400)
copy("k8s-cgroupfs-v1/memsnap-node-a-20260301T120000Z", "na2", "2026-04-01",
     release="5.15.0-100-generic", boot_id="0bad0001-0000-4000-8000-0000000000a2")
nb = "k8s-systemd-v2/memsnap-node-b-20260301T120000Z"
# a hostname with a bidi override, markup, quotes, a terminal escape, a bell
copy(nb, "evil", "2026-03-02", hostname="node-\u202eb<i>&'\"\x1b[5m\x07",
     boot_id="0bad0002-0000-4000-8000-0000000000e1")
copy(nb, "nohost", "2026-03-03", hostname=None, boot_id="0bad0002-0000-4000-8000-0000000000e2")
# an empty hostname is as unknown as none: no node, shown "unknown"
copy(nb, "emptyhost", "2026-03-04", hostname="", boot_id="0bad0002-0000-4000-8000-0000000000e3")
EOF
"$M" load -q "$S/report-v1-docker" "$S/report-k8s-v2" "$S/report-hostile" "$F/k8s-cgroupfs-v1" \
	"$F/k8s-systemd-v2" "$work/w3b" "$work/w3c" "$work/w3d" "$work/na2" "$work/evil" "$work/nohost" \
	"$work/emptyhost" "$work/w3next" -o "$work/fleet.db" 2> "$work/err"
[ $? -le 1 ] && [ "$("$M" sql --csv "$work/fleet.db" 'SELECT count(*) FROM captures' | tail -1 | tr -d '\r')" = $N ] &&
	ok "a fleet of $N captures loaded" || { fail "cannot load the fleet"; cat "$work/err"; exit 1; }
# and two inputs it could not read at all (named as given, relative to
# $work so the golden files hold no path of this machine): a missing
# file, and one of a hostile name (a bidi override, markup, quotes, a
# terminal escape, a bell) missing too
hostile_input=$'input-\u202eb<i>&\'"\e[5m\a.tar.gz'
expect_in "$work" 1 "$M" load -q missing.tar.gz "$hostile_input" -o fleet.db &&
	[ "$(sql_rows "$work/fleet.db" 'SELECT count(*) FROM load_problems WHERE capture_id IS NULL')" = 2 ] &&
	ok "two inputs not loaded into the fleet" || fail "the inputs not loaded: $(cat "$work/err")"

# golden WHAT FILE: FILE (the binary's version made VERSION) is the golden
# file tests/golden/fleet-report.WHAT; UPDATE_GOLDEN=1 rewrites it instead
# (the HTML holds report.css and report.js: a change to them changes it too;
# review the diff with git)
golden() {
	local g=$G/fleet-report.$1
	unversion < "$2" > "$work/golden.$1"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$work/golden.$1" "$g" && ok "$1: golden rewritten"
	elif cmp -s "$work/golden.$1" "$g"; then
		ok "$1 = golden"
	else
		fail "$1 differs from $g"; diff "$g" "$work/golden.$1" | head -20
	fi
}

# the three formats against their golden files; exit 1: some captures are
# incomplete, as the one-capture report says of one, and some inputs
# could not be loaded
expect 1 "$M" report "$work/fleet.db" && golden txt "$work/out"
grep -q "^warning: 7 of the captures are incomplete" "$work/err" &&
	grep -q "^warning: 2 inputs could not be loaded: the fleet lacks them (the report's last section lists them)" "$work/err" &&
	ok "exit 1 says why" || fail "exit 1: no warning"
head -1 "$work/out" | grep -qx 'memsnap fleet report: '$N' captures from 6 nodes (and 2 without a hostname), 2016-12-17 to 2026-04-01' &&
	ok "opens with what it covers" || fail "first line: $(head -1 "$work/out")"
sed -n 2p "$work/out" | grep -qx '2 inputs could not be loaded (INPUTS NOT LOADED, at the end, lists them)' &&
	ok "then how many inputs could not be loaded" || fail "second line: $(sed -n 2p "$work/out")"
expect 1 "$M" report -f json "$work/fleet.db" && golden json "$work/out"
cp "$work/out" "$work/fleet.json"
expect 1 "$M" report -f html -o "$work/fleet.html" "$work/fleet.db" && [ ! -s "$work/out" ] &&
	golden html "$work/fleet.html"
"$M" report --color=always "$work/fleet.db" 2>/dev/null | grep -q $'^\e\[1mmemsnap fleet report: \e\[0m'$N' captures' &&
	ok "--color=always: bold titles" || fail "--color=always"
"$M" report -f html "$work/fleet.db" 2>/dev/null | cmp -s - "$work/fleet.html" && ok "same HTML twice" ||
	fail "HTML not deterministic"

# the page keeps the one-capture report's Content-Security-Policy: its
# hashes are those of the <style> and <script> it holds, and it holds one
# of each
for tag in style script; do
	[ "$(grep -c "<$tag>" "$work/fleet.html")" = 1 ] || fail "HTML: not one <$tag>"
	body=$(python3 -c 'import sys, re; t = sys.argv[2]
s = open(sys.argv[1], encoding="utf-8").read()
sys.stdout.write(re.search("<%s>(.*?)</%s>" % (t, t), s, re.S).group(1))' "$work/fleet.html" "$tag" |
		sha256sum | cut -c1-64 | tr a-f A-F | basenc --base16 -d | base64 -w0)
	grep -q "$tag-src 'sha256-$body'" "$work/fleet.html" && ok "CSP: $tag hash" || fail "CSP: no $tag-src 'sha256-$body'"
done

# every count, by SQL on the same database: cross_check DB JSON (the
# report of DB) checks each number of JSON against the views and tables
# the fleet views read, worked out here from their rows: an OOM kill once
# per boot (boot_id, else the capture), kernel time to the microsecond and
# killed pid (a report cut before its kill line taking the one pid its
# boot and time have); its names those of its row with the most of them,
# then of the earliest capture
cross_check() {
	local db=$1 rep=$2
	"$M" sql --json "$db" "SELECT
	  (SELECT count(*) FROM captures) AS captures,
	  (SELECT count(DISTINCT hostname) FROM captures WHERE hostname <> '') AS nodes,
	  (SELECT count(*) FROM captures WHERE hostname IS NULL OR hostname = '') AS unknown_nodes,
	  (SELECT count(DISTINCT kernel_release) FROM captures) AS kernels,
	  (SELECT count(*) FROM oom_kills) AS oom_kill_rows,
	  (SELECT count(*) FROM report_findings) AS findings,
	  (SELECT count(*) FROM captures WHERE NOT complete) AS incomplete" > "$work/sql-totals.json" &&
	"$M" sql --json "$db" "SELECT capture_id, hostname, kernel_release, boot_id FROM captures" > "$work/sql-captures.json" &&
	"$M" sql --json "$db" "SELECT capture_id, event, kernel_time, killed_pid, namespace, pod, container,
		task_memcg FROM oom_kills" > "$work/sql-ooms.json" &&
	"$M" sql --json "$db" "SELECT capture_id, severity, code FROM report_findings" > "$work/sql-findings.json" ||
		{ fail "memsnap sql --json"; return 1; }
	python3 - "$work" "$rep" <<'EOF'
import collections, json, sys
w = sys.argv[1]
def rows(name):
    d = json.load(open(f"{w}/{name}"))
    return d["rows"] if isinstance(d, dict) else d
rep = json.load(open(sys.argv[2]))
tot = rows("sql-totals.json")[0]
caps, ooms, finds = rows("sql-captures.json"), rows("sql-ooms.json"), rows("sql-findings.json")
# an empty hostname is no hostname, an empty boot id no boot id
for c in caps:
    c["hostname"] = c["hostname"] or None
    c["boot_id"] = c["boot_id"] or None
host = {c["capture_id"]: c["hostname"] for c in caps}
boot = {c["capture_id"]: c["boot_id"] for c in caps}
# each kill once
for o in ooms:
    o["usec"] = None if o["kernel_time"] is None else round(o["kernel_time"] * 1e6)
pids = collections.defaultdict(set)
for o in ooms:
    if boot[o["capture_id"]] and o["usec"] is not None and o["killed_pid"] is not None:
        pids[(boot[o["capture_id"]], o["usec"])].add(o["killed_pid"])
for o in ooms:
    b, t, pid = boot[o["capture_id"]], o["usec"], o["killed_pid"]
    if pid is None and b and t is not None and len(pids[(b, t)]) == 1:
        pid = next(iter(pids[(b, t)]))
    if t is None:
        o["kill"] = ("row", o["capture_id"], o["event"])
    elif b is None:
        o["kill"] = ("capture", o["capture_id"], t, pid)
    else:
        o["kill"] = ("boot", b, t, pid)
best = {}
for o in sorted(ooms, key=lambda o: (-sum(o[k] is not None for k in ("namespace", "pod", "container")),
                                     o["capture_id"], o["event"])):
    best.setdefault(o["kill"], o)
bad = []
def check(what, got, want):
    if got != want:
        bad.append(f"{what}: report {got!r}, SQL {want!r}")
for k in ("captures", "nodes", "unknown_nodes", "kernels", "oom_kill_rows"):
    check(k, rep[k], tot[k])
check("oom_kills", rep["oom_kills"], len({o["kill"] for o in ooms}))
check("incomplete_captures", rep["incomplete_captures"], tot["incomplete"])
# captures by node and kernel: each capture in exactly one row
by = collections.defaultdict(list)
for c in caps:
    by[(c["hostname"], c["kernel_release"])].append(c["capture_id"])
got = {(n["hostname"], n["kernel_release"]): n for n in rep["nodes_by_kernel"]}
check("node rows", sorted(got, key=repr), sorted(by, key=repr))
for k, ids in by.items():
    n = got.get(k, {})
    check(f"{k} capture_ids", n.get("capture_ids"), sorted(ids))
    check(f"{k} captures", n.get("captures"), len(ids))
    check(f"{k} oom_kills", n.get("oom_kills"), len({o["kill"] for o in ooms if o["capture_id"] in ids}))
# OOM kills by namespace/pod/container (by cgroup without any name), the
# names each kill's
by = collections.defaultdict(list)
for o in ooms:
    b = best[o["kill"]]
    named = b["namespace"] is not None or b["pod"] is not None or b["container"] is not None
    by[(b["namespace"], b["pod"], b["container"], None if named else b["task_memcg"])].append(o)
got = {(o["namespace"], o["pod"], o["container"], o["task_memcg"]): o for o in rep["oom_kills_by_container"]}
check("OOM rows", sorted(got, key=repr), sorted(by, key=repr))
for k, os_ in by.items():
    o = got.get(k, {})
    ids = {r["capture_id"] for r in os_}
    check(f"{k} kills", o.get("kills"), len({r["kill"] for r in os_}))
    check(f"{k} capture_ids", o.get("capture_ids"), sorted(ids))
    check(f"{k} captures", o.get("captures"), len(ids))
    check(f"{k} nodes", o.get("nodes"), len({host[i] for i in ids if host[i] is not None}))
kills = [o["kills"] for o in rep["oom_kills_by_container"]]
check("OOM rows by kills", kills, sorted(kills, reverse=True))
# findings by severity and code
by = collections.defaultdict(list)
for f in finds:
    by[(f["severity"], f["code"])].append(f["capture_id"])
got = {(f["severity"], f["code"]): f for f in rep["findings_by_code"]}
check("finding rows", sorted(got), sorted(by))
check("findings in all", sum(f["findings"] for f in rep["findings_by_code"]), tot["findings"])
for k, ids in by.items():
    f = got.get(k, {})
    check(f"{k} findings", f.get("findings"), len(ids))
    check(f"{k} capture_ids", f.get("capture_ids"), sorted(set(ids)))
    check(f"{k} captures", f.get("captures"), len(set(ids)))
    check(f"{k} nodes", f.get("nodes"), len({host[i] for i in ids if host[i] is not None}))
rank = {"critical": 0, "warning": 1, "info": 2}
order = [(rank[f["severity"]], f["code"]) for f in rep["findings_by_code"]]
check("findings order", order, sorted(order))
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF
}
cross_check "$work/fleet.db" "$work/fleet.json" &&
	ok "every count = SQL over captures, oom_kills, report_findings" || fail "counts differ from SQL (above)"

# hostile strings: escaped in every format, exact in the JSON
LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$G/fleet-report.txt" && fail "text: a control byte" ||
	ok "text: no control byte"
grep -q $'\u202e' "$G/fleet-report.txt" "$G/fleet-report.html" && fail "a raw bidi override" ||
	ok "text, HTML: no raw bidi override"
grep -q '^node-\\u202eb<i>&'"'"'"\\…  6\.1\.0' "$G/fleet-report.txt" &&
	ok "text: the hostile hostname, escaped and cut to its column" || fail "text: hostile hostname"
# the text keeps to 100 columns, as the one-capture report does
python3 -c '
import sys
for n, line in enumerate(open(sys.argv[1], encoding="utf-8").read().split("\n"), 1):
    if len(line) > 100:
        sys.exit("line %d has %d columns" % (n, len(line)))' "$G/fleet-report.txt" &&
	ok "text: 100 columns" || fail "text: wider than 100 columns"
grep -q -e '<script>alert' -e '<svg onload' -e '<i>' -e 'red</title>' "$G/fleet-report.html" &&
	fail "HTML: capture markup not escaped" || ok "HTML: capture markup escaped"
grep -q 'node-\\u202eb&lt;i&gt;&amp;&#39;&quot;\\e\[5m\\x07' "$G/fleet-report.html" &&
	ok "HTML: the hostile hostname, escaped" || fail "HTML: hostile hostname"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
h = {n["hostname"] for n in d["nodes_by_kernel"]}
assert "node-\u202eb<i>&\x27\"\x1b[5m\x07" in h and "evil<script>alert(1)</script>\x1b]0;pwned\x07" in h and None in h, h
' "$work/fleet.json" && ok "JSON: hostile hostnames exact, the missing one null" || fail "JSON: hostnames"
grep -q '^  input-\\u202eb<i>&'"'"'"\\e\[5m\\x07\.tar\.gz$' "$G/fleet-report.txt" &&
	ok "text: the hostile input's path, escaped" || fail "text: hostile input path"
grep -q '<tr><td>input-\\u202eb&lt;i&gt;&amp;&#39;&quot;\\e\[5m\\x07\.tar\.gz</td><td>cannot open' "$G/fleet-report.html" &&
	ok "HTML: the hostile input's path, escaped" || fail "HTML: hostile input path"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
got = [(i["path"], i["problem"]) for i in d["not_loaded"]]
want = [(p, "cannot open \x27%s\x27: No such file or directory" % p)
        for p in ("input-\u202eb<i>&\x27\"\x1b[5m\x07.tar.gz", "missing.tar.gz")]
assert d["inputs_not_loaded"] == 2 and got == want, got
' "$work/fleet.json" && ok "JSON: the inputs not loaded, paths exact" || fail "JSON: inputs not loaded"

# unknown is never 0: the capture without a hostname is "unknown" in text
# and HTML, and no size or count of the summary is NULL-made-0
grep -q '^unknown  *6\.1\.0-56-amd64 ' "$G/fleet-report.txt" && ok "text: no hostname reads unknown" ||
	fail "text: no hostname"
grep -q '<td class="null">unknown</td><td>6.1.0-56-amd64</td>' "$G/fleet-report.html" &&
	ok "HTML: no hostname reads unknown" || fail "HTML: no hostname"
# an empty hostname is no node either: its capture is in the same row as
# the one without a hostname, no blank cell, no "" in the JSON
grep -q '^unknown  *6\.1\.0-56-amd64  *2  *2026-03-03  *2026-03-04  *12 ' "$G/fleet-report.txt" &&
	ok "text: an empty hostname is unknown, with the missing one" || fail "text: empty hostname"
grep -q '<tr><td></td>' "$G/fleet-report.html" && fail "HTML: a blank hostname cell" ||
	ok "HTML: no blank hostname cell"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["unknown_nodes"] == 2 and d["nodes"] == 6, (d["unknown_nodes"], d["nodes"])
rows = [n for n in d["nodes_by_kernel"] if not n["hostname"]]
assert [(n["hostname"], n["capture_ids"]) for n in rows] == [(None, [11, 12])], rows
' "$work/fleet.json" && ok "JSON: an empty hostname is null, with the missing one" || fail "JSON: empty hostname"

# one capture, as before: --capture, --each, a database of one capture
expect 1 "$M" report -c 2 "$work/fleet.db" && cmp -s "$work/out" "$G/report-k8s-v2.txt" &&
	ok "--capture 2 of the fleet = report-k8s-v2 golden" || fail "--capture 2 differs from report-k8s-v2.txt"
# from 4 captures on, --capture reports a copy of the capture's rows alone
# (analyze/db/copy.c): the same bytes as the capture loaded alone, in
# every format (the two databases of one name in two folders, the shown
# queries name it)
mkdir -p "$work/many" "$work/alone"
"$M" load -q "$S/report-k8s-v2" "$S/report-v1-docker" "$F/k8s-cgroupfs-v1" "$F/k8s-systemd-v2" \
	-o "$work/many/x.db" 2>/dev/null
"$M" load -q "$S/report-k8s-v2" -o "$work/alone/x.db" 2>/dev/null
for fmt in text json html; do
	(cd "$work/many" && "$M" report -c 1 -f $fmt x.db > "$work/many.$fmt" 2>/dev/null)
	(cd "$work/alone" && "$M" report -c 1 -f $fmt x.db > "$work/alone.$fmt" 2>/dev/null)
	[ -s "$work/many.$fmt" ] && cmp -s "$work/many.$fmt" "$work/alone.$fmt" &&
		ok "--capture 1 -f $fmt of 4 captures = of that capture alone" ||
		fail "--capture 1 -f $fmt of 4 captures differs from the capture alone"
done
# --each of those 4 (each capture copied too): capture for capture, what
# --capture gives (JSON: the same object)
(cd "$work/many" && "$M" report --each -f json x.db > "$work/each.json" 2>/dev/null
 for i in 1 2 3 4; do "$M" report -c $i -f json x.db > "$work/c$i.json" 2>/dev/null; done)
python3 - "$work" <<'EOF' && ok "--each of 4 captures: each capture as --capture gives it" ||
import json, sys
w = sys.argv[1]
each = json.load(open(f"{w}/each.json"))["captures"]
assert len(each) == 4
for i in range(4):
    assert each[i] == json.load(open(f"{w}/c{i + 1}.json"))["captures"][0], i + 1
EOF
	fail "--each of 4 captures differs from --capture"
expect 3 "$M" report -c 99 "$work/fleet.db" && grep -q "no capture 99" "$work/err" &&
	grep -q "hint: its captures: memsnap sql" "$work/err" &&
	ok "--capture of none of the fleet's: 3, and how to list them" || fail "--capture 99"
expect 1 "$M" report --each "$work/fleet.db" && [ "$(grep -c '^memsnap report: ' "$work/out")" = $N ] &&
	ok "--each: the $N captures in full" || fail "--each"
expect 2 "$M" report --each --capture 1 "$work/fleet.db" && grep -q "error: --each and --capture" "$work/err" &&
	ok "--each --capture: usage error" || fail "--each --capture"
"$M" load -q "$S/report-k8s-v2" -o "$work/one.db" 2>/dev/null
expect 1 "$M" report "$work/one.db" && cmp -s "$work/out" "$G/report-k8s-v2.txt" &&
	ok "a database of one capture: reported as before" || fail "a database of one capture differs"

# the same OOM kill in several captures: the kernel log keeps earlier
# reports, so a later capture of a node's boot repeats them.  Worker-3's
# two reports made 36 (18 of each container, 10 s apart, other pids):
# capture A holds them; B, the same boot an hour later, holds them and two
# new kills, and knows no Kubernetes names (no pod logs: its kills take
# A's); D, between them, holds the 36, the first new kill and the second
# cut before its kill line (the victim's pid unknown: the kill B shows
# whole); C and C2 hold the 36 without a boot id (two nodes of no boot
# id, nothing merged).  A and D: 38 kills, not 74; the five: 38 + 36 + 36
python3 - "$S/report-k8s-v2/memsnap-worker-3-20230817T094500Z" "$work" <<'EOF' ||
import json, os, re, shutil, sys
src, out = sys.argv[1:]
log = open(f"{src}/collector/kmsg.txt").read().splitlines(keepends=True)
shop, xray = log[:13], log[13:]      # the shop kill, the xray kill
assert "Killed process 22609" in shop[-1] and "Killed process 1586608" in xray[-1]
def report(lines, pid, new_pid, dsec, dseq):
    res = []
    for line in lines:
        head, msg = line.split(";", 1)
        prio, seq, usec, flags = head.split(",", 3)
        res.append(f"{prio},{int(seq) + dseq},{int(usec) + dsec * 1000000},{flags};"
                   + re.sub(rf"\b{pid}\b", str(new_pid), msg))
    return res
old = []
for n in range(18):
    old += report(shop, 22609, 30000 + n, 10 * n, 100 * n)
for n in range(18):
    old += report(xray, 1586608, 1600000 + n, 10 * n, 100 * n)
# after A (monotonic 86400 s): at 87000 s and 87100 s
new_shop = report(shop, 22609, 31000, 87000 - 2993, 50000)
new_xray = report(xray, 1586608, 1610000, 87100 - 85467, 60000)
def capture(name, lines, later, day="2023-08-17", names=True, **edit):
    d = f"{out}/{name}"
    shutil.copytree(src, d)
    open(f"{d}/collector/kmsg.txt", "w").write("".join(lines))
    if not names:
        os.remove(f"{d}/collector/k8s-pod-logs.txt")
        os.remove(f"{d}/collector/k8s-container-logs.txt")
    m = json.load(open(f"{d}/manifest.json"))
    hh, mm = divmod(9 * 60 + 45 + later // 60, 60)
    for k in ("started_utc", "finished_utc"):
        m["clock"][k] = "%sT%02d:%02d:%02d%s" % (day, hh, mm, later % 60, m["clock"][k][19:])
    for k in ("started_monotonic", "finished_monotonic", "started_boottime", "finished_boottime"):
        m["clock"][k] += later
    m.update(edit)
    json.dump(m, open(f"{d}/manifest.json", "w"))
capture("oomA", old, 0)
capture("oomD", old + new_shop + new_xray[:-1], 1600)
capture("oomB", old + new_shop + new_xray, 3600, names=False)
capture("oomC", old, 0, day="2023-08-19", boot_id=None)
capture("oomC2", old, 0, day="2023-08-20", boot_id=None, hostname="worker-9")
EOF
	{ fail "cannot make the captures of repeated kills"; check_end; }
"$M" load -q "$work/oomA" "$work/oomD" -o "$work/two.db" 2>/dev/null
"$M" load -q "$work/oomA" "$work/oomB" "$work/oomC" "$work/oomC2" "$work/oomD" -o "$work/five.db" 2>/dev/null
[ "$(sql_rows "$work/two.db" 'SELECT count(*) FROM oom_kills WHERE capture_id = 1')" = 36 ] &&
	[ "$(sql_rows "$work/two.db" 'SELECT count(*) FROM oom_kills WHERE capture_id = 2')" = 38 ] &&
	[ "$(sql_rows "$work/five.db" "SELECT count(*) FROM oom_kills WHERE capture_id = 5 AND outcome = 'unknown_log_cut'")" = 1 ] &&
	ok "repeated kills: oom_kills holds each capture's log (36, 38, one cut)" ||
	fail "repeated kills: the captures' oom_kills are not as made"
expect 1 "$M" report "$work/two.db" &&
	sed -n 2p "$work/out" | grep -q "^1 kernel, 38 OOM kills (74 in the captures' logs, which repeat a boot's earlier kills)" &&
	ok "two captures of a boot: 38 OOM kills, each once, and the 74 of their logs" ||
	fail "two captures of a boot: $(sed -n 2p "$work/out")"
expect 1 "$M" report -f json "$work/two.db" && cp "$work/out" "$work/two.json" &&
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["oom_kills"], d["oom_kill_rows"]) == (38, 74), (d["oom_kills"], d["oom_kill_rows"])
assert [(n["hostname"], n["oom_kills"]) for n in d["nodes_by_kernel"]] == [("worker-3", 38)], d["nodes_by_kernel"]
got = [(o["namespace"], o["kills"], o["captures"], o["capture_ids"]) for o in d["oom_kills_by_container"]]
assert got == [("proxy", 19, 2, [1, 2]), ("shop", 19, 2, [1, 2])], got
' "$work/two.json" && ok "two captures of a boot, JSON: 38 kills, the node 38, each container 19 in 2 captures" ||
	fail "two captures of a boot: JSON counts"
expect 1 "$M" report -f json "$work/five.db" && cp "$work/out" "$work/five.json" &&
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["oom_kills"], d["oom_kill_rows"]) == (110, 184), (d["oom_kills"], d["oom_kill_rows"])
got = [(n["hostname"], n["captures"], n["oom_kills"]) for n in d["nodes_by_kernel"]]
assert got == [("worker-3", 4, 74), ("worker-9", 1, 36)], got
got = [(o["namespace"], o["pod"], o["task_memcg"], o["kills"], o["captures"], o["nodes"])
       for o in d["oom_kills_by_container"]]
assert got == [("proxy", "xray-gateway-6d8f7b9c4-q7x2m", None, 55, 5, 2),
               ("shop", "checkout-web-7c9d5f6b8-zt4lp", None, 55, 5, 2)], got
' "$work/five.json" &&
	ok "five captures: the cut report is the kill B shows, B's kills take A's and D's names, no boot id merges nothing" ||
	fail "five captures: JSON counts"
cross_check "$work/five.db" "$work/five.json" && ok "five captures: every count = SQL" ||
	fail "five captures: counts differ from SQL (above)"
# the one-capture views are the captures' own: 36 kills in each of C and C2
[ "$(sql_rows "$work/five.db" 'SELECT group_concat(n, " ") FROM (SELECT count(*) AS n FROM oom_kills GROUP BY capture_id ORDER BY capture_id)')" = "36 38 36 36 38" ] &&
	ok "five captures: oom_kills still a capture's log each" || fail "five captures: oom_kills changed"

# a fleet without OOM kills says so, in text and HTML; JSON: an empty list
"$M" load -q "$F/k8s-cgroupfs-v1" "$F/k8s-systemd-v2" -o "$work/no-oom.db" 2>/dev/null
expect 0 "$M" report "$work/no-oom.db" && grep -qx 'OOM KILLS  none in any capture' "$work/out" &&
	ok "no OOM kill: text says so" || fail "no OOM kill: text"
expect 0 "$M" report -f html "$work/no-oom.db" &&
	grep -q '<h2>OOM kills by namespace, pod and container</h2><p>None in any capture.</p>' "$work/out" &&
	ok "no OOM kill: HTML says so" || fail "no OOM kill: HTML"
expect 0 "$M" report -f json "$work/no-oom.db" &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["oom_kills"] == 0 and d["oom_kills_by_container"] == [] and d["captures"] == 2' "$work/out" &&
	ok "no OOM kill: JSON" || fail "no OOM kill: JSON"

# every input loaded: no section of inputs not loaded, none said
expect 0 "$M" report "$work/no-oom.db" && ! grep -q -e 'INPUTS NOT LOADED' -e 'could not be loaded' "$work/out" &&
	expect 0 "$M" report -f html "$work/no-oom.db" && ! grep -q -e 'fleet-not-loaded' -e 'could not be loaded' "$work/out" &&
	expect 0 "$M" report -f json "$work/no-oom.db" &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["inputs_not_loaded"] == 0 and d["not_loaded"] == []' "$work/out" &&
	ok "every input loaded: nothing said of inputs not loaded, JSON 0 and []" || fail "every input loaded: inputs not loaded said"

# inputs memsnap load could not read at all are in no capture: a missing
# capture (later), a file that is no archive, an archive cut before its
# first file.  The fleet report says how many and lists them in every
# format, and exits 1 for them alone; once the missing one is there
# (another capture's folder) and loaded, it is in the fleet and no longer
# listed
mkdir "$work/nl" && printf 'this is not a capture\n' > "$work/nl/garbage.tar.gz" &&
	tar czf "$work/nl/whole.tar.gz" -C "$F/k8s-cgroupfs-v1" memsnap-node-a-20260301T120000Z &&
	head -c 300 "$work/nl/whole.tar.gz" > "$work/nl/cut.tar.gz" || fail "cannot make the unreadable inputs"
expect_in "$work/nl" 1 "$M" load -q "$F/k8s-cgroupfs-v1" "$F/k8s-systemd-v2" later garbage.tar.gz \
	cut.tar.gz -o nl.db &&
	[ "$(sql_rows "$work/nl/nl.db" 'SELECT count(*) FROM load_problems WHERE capture_id IS NULL')" = 3 ] &&
	ok "three inputs not loaded, two captures" || fail "load of three unreadable inputs"
expect 1 "$M" report "$work/nl/nl.db" &&
	grep -qx "warning: 3 inputs could not be loaded: the fleet lacks them (the report's last section lists them)" "$work/err" &&
	sed -n 2p "$work/out" | grep -qx '3 inputs could not be loaded (INPUTS NOT LOADED, at the end, lists them)' &&
	sed -n '/^INPUTS NOT LOADED/,/^$/p' "$work/out" > "$work/nl/section" &&
	grep -qx "  cut.tar.gz" "$work/nl/section" && grep -qx "      cannot read 'cut.tar.gz': .*" "$work/nl/section" &&
	grep -qx "  garbage.tar.gz" "$work/nl/section" && grep -qx "      cannot read 'garbage.tar.gz': .*" "$work/nl/section" &&
	grep -qx "  later" "$work/nl/section" &&
	grep -qx "      cannot open 'later': No such file or directory" "$work/nl/section" &&
	ok "text: 3 inputs could not be loaded, each listed with why, exit 1 and a warning" ||
	fail "text: inputs not loaded: $(cat "$work/err" "$work/out")"
expect 1 "$M" report -f html "$work/nl/nl.db" &&
	grep -q '<h1>2 captures from 2 nodes, 2026-03-01 to 2026-03-01; 3 inputs could not be loaded</h1>' "$work/out" &&
	grep -q '<section id="fleet-not-loaded"><h2>Inputs not loaded</h2>' "$work/out" &&
	[ "$(grep -o '<tr><td>[a-z.]*</td><td>cannot' "$work/out" | wc -l)" = 3 ] &&
	grep -q 'FROM report_fleet_not_loaded' "$work/out" &&
	ok "HTML: the count in the title, the three inputs listed with their query" || fail "HTML: inputs not loaded"
expect 1 "$M" report -f json "$work/nl/nl.db" &&
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["inputs_not_loaded"] == 3, d["inputs_not_loaded"]
assert [i["path"] for i in d["not_loaded"]] == ["cut.tar.gz", "garbage.tar.gz", "later"], d["not_loaded"]
assert all(i["problem"].startswith("cannot ") for i in d["not_loaded"]), d["not_loaded"]
' "$work/out" && ok "JSON: inputs_not_loaded 3, each path and problem" || fail "JSON: inputs not loaded"
cp -r "$work/emptyhost" "$work/nl/later" &&
	expect_in "$work/nl" 0 "$M" load -q later -o nl.db &&
	expect 1 "$M" report -f json "$work/nl/nl.db" &&
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["captures"], d["inputs_not_loaded"]) == (3, 2), (d["captures"], d["inputs_not_loaded"])
assert [i["path"] for i in d["not_loaded"]] == ["cut.tar.gz", "garbage.tar.gz"], d["not_loaded"]
' "$work/out" && ok "an input loaded since it failed: in the fleet, no longer listed" ||
	fail "an input loaded since it failed: $(cat "$work/err")"

# memsnap sql --capture ID: every public view of a capture has the rows
# `WHERE capture_id = ID` gives in place, for one capture and for two
views=$(sql_rows "$work/fleet.db" "SELECT DISTINCT view_name FROM public_columns
	WHERE column_name = 'capture_id' ORDER BY 1")
[ "$(echo "$views" | wc -w)" -ge 30 ] || fail "sql --capture: $(echo "$views" | wc -w) public views listed"
bad=""
for v in $views; do
	"$M" sql --csv --capture 2 --capture 5 "$work/fleet.db" "SELECT * FROM $v" > "$work/cap.csv" 2>&1 &&
	"$M" sql --csv "$work/fleet.db" "SELECT * FROM $v WHERE capture_id IN (2, 5)" > "$work/inplace.csv" 2>&1 &&
	[ "$(head -1 "$work/cap.csv")" = "$(head -1 "$work/inplace.csv")" ] &&
	cmp -s <(tail -n +2 "$work/cap.csv" | sort) <(tail -n +2 "$work/inplace.csv" | sort) ||
		bad="$bad $v"
done
[ -z "$bad" ] && ok "sql --capture 2 --capture 5: every public view's rows as WHERE capture_id IN (2, 5)" ||
	fail "sql --capture differs from WHERE capture_id for:$bad"
[ "$("$M" sql --csv --capture 3 "$work/fleet.db" 'SELECT count(*) FROM capture' | tail -1 | tr -d '\r')" = 1 ] &&
	ok "sql --capture 3: a database of that capture alone" || fail "sql --capture 3: other captures seen"
# an id given twice (a script that builds the list) is that capture once,
# not "UNIQUE constraint failed" and exit 3
expect 0 "$M" sql --csv --capture 3 --capture 3 "$work/fleet.db" 'SELECT count(*) FROM capture' &&
	[ "$(tail -1 "$work/out" | tr -d '\r')" = 1 ] &&
	ok "sql --capture 3 --capture 3: that capture once" ||
	fail "sql --capture 3 --capture 3: $(head -1 "$work/err")"
expect 3 "$M" sql --capture 99 "$work/fleet.db" 'SELECT 1' &&
	grep -q "^error: no capture 99 in '$work/fleet.db'" "$work/err" &&
	grep -q "^hint: its captures: memsnap sql " "$work/err" &&
	ok "sql --capture 99: no such capture, exit 3, a hint" || fail "sql --capture 99: $(cat "$work/err")"
expect 2 "$M" sql --capture 1 -w "$work/fleet.db" 'SELECT 1' &&
	grep -q "^error: --capture and --write" "$work/err" && ok "sql --capture with --write refused" ||
	fail "sql --capture -w: $(head -1 "$work/err")"
expect 2 "$M" sql --capture 1 "$S/report-k8s-v2" 'SELECT 1' &&
	grep -q "is a capture; load it" "$work/err" && ok "sql --capture of a capture folder refused" ||
	fail "sql --capture of a capture: $(head -1 "$work/err")"

# as root: two live captures of this machine join the fleet; the numbers
# change run to run, so only the counts are checked
if [ "$(id -u)" = 0 ] && [ -x "$BIN_DIR/memsnap-collect" ]; then
	for i in 1 2; do
		"$BIN_DIR/memsnap-collect" -q -o "$work/live$i.tar.gz"
		[ $? -le 1 ] || fail "memsnap-collect (live $i)"
	done
	cp "$work/fleet.db" "$work/live.db"
	"$M" load -q "$work/live1.tar.gz" "$work/live2.tar.gz" -o "$work/live.db" 2>/dev/null
	"$M" report -f json "$work/live.db" > "$work/live.json" 2>/dev/null
	[ $? -le 1 ] || fail "report of the fleet with live captures"
	host=$("$M" sql --csv "$work/live.db" "SELECT hostname FROM captures WHERE capture_id = $((N + 1))" | tail -1 | tr -d '\r')
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[3])
assert d["captures"] == n + 2, d["captures"]
rows = [r for r in d["nodes_by_kernel"] if r["hostname"] == sys.argv[2]]
assert sum(r["captures"] for r in rows) == 2 and sorted(sum((r["capture_ids"] for r in rows), [])) == [n + 1, n + 2], rows
assert sum(r["captures"] for r in d["nodes_by_kernel"]) == n + 2
' "$work/live.json" "$host" "$N" && ok "two live captures: one node, two captures, $((N + 2)) in all" ||
		fail "live captures in the fleet"
else
	echo "skip: live captures need root and memsnap-collect"
fi

check_end
