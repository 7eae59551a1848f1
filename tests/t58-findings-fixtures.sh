#!/bin/bash
# The findings on the report fixture capture report-k8s-v2 (made by
# tests/fixtures/captures/make-report-captures.py from real samples at
# test time), case
# by case where the live tests (t52 on cgroup v1, t53 in the VM) cannot
# make the case or depend on a toolchain:
#   near_limit        a guaranteed pod and its one container, both at the
#                     same 200 MiB limit: reported once, for the container
#   rss_double_count  not for a cgroup of one process (the root, the
#                     pause container), nor for node-exporter's container
#                     whose third process has no PSS (smaps_rollup timed
#                     out): its RSS is left out of the RSS sum too
#   go_no_memlimit,   compare with the container's limit or its pod's, not
#   go_memlimit_high  with kubepods (the node's allocatable, all pods
#                     together): xray (200 MiB container) is told; cilium-agent
#                     (no GOMEMLIMIT) and node_exporter (GOMEMLIMIT=16GiB,
#                     over kubepods' 14275 MiB) in unlimited containers are not
#   go_no_memlimit    in the web container (4 GiB): GOMEMLIMIT=off is no
#                     limit (log-shipper); Go 1.18 has no GOMEMLIMIT, so the
#                     3500MiB in its environment does nothing (config-reloader)
#   go_memlimit_high  GOMEMLIMIT=4GiB at the web container's 4 GiB
#                     (metrics-agent): the toolchain-free case of t52's
#   go_no_memlimit    not when the environment could not be read (env null)
# Every finding's `query` must run and return rows.
# Then (issue 13): unknown numbers read "unknown" in every finding and
# format, never 0; bpf_heavy's relative rule; no_limit grouped by namespace,
# the text capped per code, HTML/JSON complete and the HTML's count right.
set -u
. "$(dirname "$0")/lib/check.sh" --samples
[ -x "$M" ] || skip "'$M' not built"
command -v python3 >/dev/null || skip "python3 not installed"
fx=$SAMPLE_FIXTURES_DIR/captures    # made from the samples by tests/run-tests

"$M" load -q "$fx"/report-k8s-v2/memsnap-* -o "$work/k8s.db" >/dev/null ||
	{ echo "FAIL: memsnap load report-k8s-v2"; exit 1; }

python3 - "$TESTS_DIR" "$M" "$work" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from ws_check import *

memsnap, tmp = sys.argv[2:4]
db = Db(memsnap, tmp + "/k8s.db")
k = "/kubepods.slice"
xray_pod = f"{k}/kubepods-pod089f25ee_a41a_414c_a028_71a38dfb30d3.slice"
xray = f"{xray_pod}/cri-containerd-c3f1de0d0969e5d3c6758d2e59be98d4dc8ba0367af77f52b09d15225139c74f.scope"

fs = db.findings()
for f in sorted(fs, key=lambda f: (f["code"], f["cgroup"] or "")):
    print(f"  {f['severity']:8} {f['code']:22} {f['title']}")
    print(f"           {f['evidence']}")
    check(len(db.rows(f["query"])) >= 1, f"{f['code']} for {f['cgroup']}: its query returns no rows")

def found(code, cg=None):
    return [f for f in fs if f["code"] == code and (cg is None or f["cgroup"] == cg)]

# near_limit: the pod and its container have the same limit and both are
# over 90%: the deepest cgroup only, as for every hierarchical finding
eq([f["cgroup"] for f in found("near_limit")], [xray], "near_limit: the xray container only")
h = {r["cgroup"]: r for r in db.rows("SELECT * FROM cgroup_headroom WHERE cgroup IN ("
                                     + quote(xray_pod) + ", " + quote(xray) + ")")}
eq(h[xray_pod]["effective_limit_bytes"], h[xray]["effective_limit_bytes"],
   "xray pod and container: the same effective limit")
check(h[xray_pod]["working_set_pct"] >= 90, f"xray pod at {h[xray_pod]['working_set_pct']}%")

# rss_double_count: both sums over the processes whose PSS is known
ne = (f"{k}/kubepods-besteffort.slice/kubepods-besteffort-pod7d2f4b6a_8c0e_4a2c_9e4b_6d8f0a2c4e6b.slice/"
      "cri-containerd-1b3d5f7a9c0e2b4d6f8a0c2e4b6d8f0a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d.scope")
eq([f["cgroup"] for f in found("rss_double_count")], [], "rss_double_count: none")
t = db.one("SELECT * FROM cgroup_process_totals WHERE cgroup = " + quote(ne))
print("node-exporter totals:", t)
p = db.rows("SELECT pid, rss_bytes, pss_bytes FROM processes WHERE cgroup = " + quote(ne) + " ORDER BY pid")
eq([(r["pid"], r["pss_bytes"] is None) for r in p], [(3090, False), (3100, False), (3130, True)],
   "node-exporter: processes, 3130 without PSS")
eq((t["processes"], t["pss_processes"]), (3, 2), "node-exporter: processes, with a known PSS")
eq(t["rss_sum_bytes"], sum(r["rss_bytes"] for r in p), "node-exporter: RSS sum over all")
eq(t["rss_pss_known_sum_bytes"], sum(r["rss_bytes"] for r in p if r["pss_bytes"] is not None),
   "node-exporter: RSS sum over the processes with a known PSS")
eq(t["rss_double_count_bytes"], t["rss_pss_known_sum_bytes"] - t["pss_sum_bytes"],
   "node-exporter: double count over the same processes")
check(t["rss_sum_bytes"] - t["pss_sum_bytes"] >= 64 * MIB,
      "node-exporter: the RSS of the process without PSS would cross the threshold")

# Go: the container's or pod's own limit; kubepods does not count
cil = (f"{k}/kubepods-burstable.slice/kubepods-burstable-pod3c7e9a10_5b2d_4f6e_8a91_2d4c6b8e0f13.slice/"
       "cri-containerd-e4b2a0c8f6d4b2a0e8c6f4d2b0a8e6c4f2d0b8a6e4c2f0d8b6a4e2c0f8d6b4a2.scope")
f = found("go_no_memlimit", xray)
if check(len(f) == 1, f"go_no_memlimit for xray: {len(f)}"):
    check("in a cgroup limited to 200.0 MiB" in f[0]["evidence"]
          and "about 184 MiB" in f[0]["evidence"], f"xray evidence: {f[0]['evidence']}")
eq(found("go_no_memlimit", cil), [], "go_no_memlimit for cilium-agent (no limit but kubepods')")
eq(found("go_memlimit_high", ne), [], "go_memlimit_high for node_exporter (no limit but kubepods')")
check(not any("14275" in f["evidence"] for f in fs if f["code"].startswith("go_")),
      "no Go finding speaks of kubepods' limit")
g = {r["pid"]: r for r in db.rows("SELECT * FROM go_processes")}
eq((g[2201]["effective_limit_bytes"], g[2201]["container_limit_bytes"], g[2201]["gomemlimit_pct"]),
   (15666184 * 1024 - 1024 ** 3, None, None), "go_processes cilium-agent: effective limit kubepods', no container limit")
eq((g[3100]["gomemlimit_bytes"], g[3100]["container_limit_bytes"], g[3100]["gomemlimit_pct"]),
   (16 << 30, None, None), "go_processes node_exporter")
eq((g[1586608]["container_limit_bytes"], g[1586608]["effective_limit_bytes"]), (200 * MIB, 200 * MIB),
   "go_processes xray: limits")

web = (f"{k}/kubepods-burstable.slice/kubepods-burstable-pod94eb36cd_29e1_478b_b365_4cb5dfc7d6fb.slice/"
       "cri-containerd-5a1c0e7b9d3f4a6c8e2b1d0f9a7c5e3b1d9f7a5c3e1b0d8f6a4c2e0b9d7f5a3c.scope")
by_pid = lambda code: {int(f["title"].split("(pid ")[1].split(")")[0]): f for f in found(code, web)}
nm, hi = by_pid("go_no_memlimit"), by_pid("go_memlimit_high")
eq(sorted(nm), [23990, 23991], "go_no_memlimit in the web container: config-reloader, log-shipper")
eq(sorted(hi), [23992], "go_memlimit_high in the web container: metrics-agent")
if 23991 in nm:
    e = nm[23991]["evidence"]
    for want in ("GOMEMLIMIT=off", "limited to 4.0 GiB", "about 3768 MiB",
                 "debug.SetMemoryLimit", "automemlimit"):
        check(want in e, f"GOMEMLIMIT=off evidence: '{want}' not in '{e}'")
    check("GOMEMLIMIT=off" in nm[23991]["title"], f"GOMEMLIMIT=off title: {nm[23991]['title']}")
if 23990 in nm:
    e = nm[23990]["evidence"]
    for want in ("go1.18.10", "does not exist before Go 1.19", "GOMEMLIMIT=3500MiB",
                 "upgrade", "about 3768 MiB"):
        check(want in e, f"Go 1.18 evidence: '{want}' not in '{e}'")
if 23992 in hi:
    e = hi[23992]["evidence"]
    check("GOMEMLIMIT=4GiB (4.0 GiB)" in e and "limit is 4.0 GiB" in e, f"metrics-agent: {e}")
eq((g[23992]["container_limit_bytes"], g[23992]["gomemlimit_pct"]), (4 << 30, 100.0),
   "go_processes metrics-agent")
eq(g[1586608]["env_known"], 1, "go_processes xray: its environment was read")
done()
EOF
[ $? = 0 ] || exit 1

# An environment the collector could not read ("env": null, environ denied)
# says nothing of GOMEMLIMIT: xray in its 200 MiB container is not told it
# has none.  The fixture copied, xray's Go file changed, loaded again.
cp -r "$fx"/report-k8s-v2/memsnap-* "$work/noenv"
echo '{"pid": 1586608, "go_version": "go1.20.7", "env": null}' >"$work/noenv/collector/go/1586608.json"
"$M" load -q "$work/noenv" -o "$work/noenv.db" >/dev/null 2>&1
[ $? -le 1 ] || { echo "FAIL: memsnap load of the env-less copy"; exit 1; }
got=$("$M" sql --csv "$work/noenv.db" "SELECT
	(SELECT env_known FROM go_processes WHERE pid = 1586608),
	(SELECT count(*) FROM findings WHERE code = 'go_no_memlimit' AND title LIKE '%pid 1586608%')" |
	tail -n1 | tr -d '\r')
[ "$got" = "0,0" ] || { echo "FAIL: env null: env_known, go_no_memlimit for xray: '$got', want '0,0'"; exit 1; }
echo "ok env null: xray's GOMEMLIMIT unknown, not reported missing"

# Unknown is never zero (issue 13 item 6): SQLite's printf('%.1f MiB', NULL)
# says "0.0 MiB".  Every number of the capture made NULL (null-numbers.py):
# no format shows a zero size, time or percentage, the OOM kills read
# "unknown", the JSON holds null.
command -v sqlite3 >/dev/null || skip "sqlite3 not installed"
zero='(^|[^0-9.])0(\.0+)? ?(B|KiB|MiB|GiB|%|s after boot)([^A-Za-z]|$)'
cp "$work/k8s.db" "$work/null.db"
python3 "$TESTS_DIR/null-numbers.py" "$work/null.db" || { echo "FAIL: null-numbers.py"; exit 1; }
for f in text html json; do
	"$M" report -f $f "$work/null.db" >"$work/null.$f" 2>/dev/null
	[ $? -le 1 ] || { echo "FAIL: memsnap report -f $f of the NULL database"; exit 1; }
	if grep -En "$zero" "$work/null.$f" | head -5 | grep .; then
		echo "FAIL: an unknown number shown as 0 in the $f report (above)"; exit 1
	fi
	echo "ok $f report of unknown numbers: no zero"
done
if grep -En '"[a-z_]*(bytes|pct|avg10|time)": 0[,.]?' "$work/null.json" | head -5 | grep .; then
	echo "FAIL: an unknown number is 0 in the JSON (above)"; exit 1
fi
n=$(grep -c 'at unknown time; .*memory cgroup usage unknown of limit unknown; victim anon-rss unknown' \
	<("$M" sql --csv "$work/null.db" "SELECT evidence FROM findings WHERE code = 'oom_kill'"))
[ "$n" = 2 ] || { echo "FAIL: oom_kill with unknown numbers: $n of 2 say unknown"; exit 1; }
echo "ok oom_kill: unknown time and sizes read unknown"

# Only the supporting numbers unknown, the thresholds' own known: every
# finding still fires and says "unknown" where it does not know.
cp "$work/k8s.db" "$work/some.db"
sqlite3 "$work/some.db" "
UPDATE cgroup_headroom_data SET unreclaimable_bytes = NULL, unreclaimable_pct = NULL,
       kernel_bytes = NULL;
UPDATE cgroup_parts_data SET slab_unreclaimable = NULL, kernel_stack = NULL, pagetables = NULL,
       percpu = NULL, sock = NULL, vmalloc = NULL, zswap = NULL, kernel_other = NULL;
DELETE FROM cgroup_pressure WHERE kind = 'full';
DELETE FROM node_pressure WHERE kind = 'full';
UPDATE oom_event SET kernel_time = NULL;" ||
	{ echo "FAIL: sqlite3 on the copy"; exit 1; }
q="SELECT code || ': ' || evidence FROM findings ORDER BY code, cgroup"
"$M" sql --csv "$work/k8s.db" "SELECT DISTINCT code FROM findings ORDER BY 1" >"$work/codes.all"
"$M" sql --csv "$work/some.db" "SELECT DISTINCT code FROM findings ORDER BY 1" >"$work/codes.some"
cmp -s "$work/codes.all" "$work/codes.some" ||
	{ echo "FAIL: findings lost with their supporting numbers unknown:"; diff "$work/codes.all" "$work/codes.some"; exit 1; }
"$M" sql --csv "$work/some.db" "$q" >"$work/some.ev"
for want in "near_limit: .*so unknown (unknown share) cannot be reclaimed" \
	    "cache_inflated: .*what it cannot reclaim is unknown" \
	    "kernel_unreclaimable: .*slab_unreclaimable unknown, kernel_stack unknown, pagetables unknown, percpu unknown, sock unknown, vmalloc unknown, zswap unknown, kernel_other unknown" \
	    "bpf_heavy: .*this cgroup's kernel memory is unknown" \
	    "memory_pressure: .*full avg10 unknown" \
	    "oom_kill: \"\?at unknown time"; do
	grep -q "$want" "$work/some.ev" || { echo "FAIL: no finding says '$want'"; cat "$work/some.ev"; exit 1; }
done
echo "ok every finding says unknown where a supporting number is unknown"

# bpf_heavy (issue 13 item 9): 64 MiB+ of maps, or 8 MiB+ that are half
# the working set or more.  On a copy: node-exporter's container (working
# set made 59 MiB) holds 51 MiB of maps (86%): told; xray's (203 MiB)
# holds 30 MiB (15%): not told; config-reloader's web container made 3 MiB
# holds 2 MiB (67%, under the 8 MiB floor): not told.
cp "$work/k8s.db" "$work/bpf.db"
sqlite3 "$work/bpf.db" "
UPDATE cgroup_headroom_data SET working_set_bytes = 59 * 1048576 WHERE cgroup =
       (SELECT cgroup FROM processes WHERE pid = 3090);
UPDATE cgroup_headroom_data SET working_set_bytes = 3 * 1048576 WHERE cgroup =
       (SELECT cgroup FROM processes WHERE pid = 23990);
INSERT INTO bpftool_map (capture_id, map_id, type, name, bytes_memlock)
VALUES (1, 9001, 'hash', 'ne_small', 51 * 1048576), (1, 9002, 'hash', 'xray_map', 30 * 1048576),
       (1, 9003, 'hash', 'tiny_map', 2 * 1048576);
INSERT INTO bpftool_map_pid (capture_id, map_id, pid, comm)
VALUES (1, 9001, 3090, 'sh'), (1, 9002, 1586608, 'xray'), (1, 9003, 23990, 'config-reloader');" ||
	{ echo "FAIL: sqlite3 on the BPF copy"; exit 1; }
got=$("$M" sql --csv "$work/bpf.db" "SELECT p.pid || ' ' || f.title || ' / ' || f.evidence FROM findings f
	JOIN processes p ON p.cgroup = f.cgroup AND p.pid IN (3090, 1586608, 23990)
	WHERE f.code = 'bpf_heavy' ORDER BY p.pid" | tail -n +2)
case $got in
"\"3090 monitoring/node-exporter-m4k8d/node-exporter holds 51.0 MiB of BPF maps / 86% of its working set of 59.0 MiB;"*)
	echo "ok bpf_heavy: 51 of 59 MiB told, 30 of 203 MiB and 2 of 3 MiB not" ;;
*)	echo "FAIL: bpf_heavy: want only node-exporter's 51 of 59 MiB, got: $got"; exit 1 ;;
esac

# Findings that a person can read (issue 13 item 8), on a synthetic node of
# 200 cgroups (tests/bench/make-capture.py, seeded): no_limit is one
# finding per namespace with several (its query lists them), each code
# shows at most 5 in a row in the text then "and N more", ordered by
# severity; the HTML and the JSON list every finding, and the HTML's count
# is the number it lists.
python3 "$TESTS_DIR/bench/make-capture.py" --procs 600 --cgroups 200 --maps 200 \
	-o "$work/node.tar.gz" >/dev/null || { echo "FAIL: make-capture.py"; exit 1; }
"$M" load -q "$work/node.tar.gz" -o "$work/node.db" >/dev/null 2>&1
[ $? -le 1 ] || { echo "FAIL: memsnap load of the synthetic node"; exit 1; }
for f in text html json; do
	"$M" report -f $f "$work/node.db" >"$work/node.$f" 2>/dev/null
	[ $? -le 1 ] || { echo "FAIL: memsnap report -f $f of the synthetic node"; exit 1; }
done
"$M" sql --csv "$work/node.db" "SELECT code, cgroup, title, query FROM report_findings" >"$work/rf.csv" &&
"$M" sql --csv "$work/node.db" "SELECT f.code, c.namespace FROM findings f
	LEFT JOIN containers c USING (capture_id, cgroup)" >"$work/f.csv" ||
	{ echo "FAIL: memsnap sql on the synthetic node"; exit 1; }
python3 - "$work" "$M" <<'PY'
import csv, json, re, subprocess, sys
tmp, memsnap = sys.argv[1:3]
fails = 0
def check(ok, what):
    global fails
    print(("ok " if ok else "FAIL: ") + what)
    fails += not ok
rf = list(csv.DictReader(open(tmp + "/rf.csv")))
f = list(csv.DictReader(open(tmp + "/f.csv")))
per_ns = {}
for r in f:
    if r["code"] == "no_limit":
        per_ns[r["namespace"]] = per_ns.get(r["namespace"], 0) + 1
nl = [r for r in rf if r["code"] == "no_limit"]
check(sum(per_ns.values()) >= 10 and len(nl) == len(per_ns),
      f"no_limit: {sum(per_ns.values())} containers, {len(nl)} findings for {len(per_ns)} namespaces")
for r in nl:
    n = int(r["title"].split()[0]) if r["title"][0].isdigit() else 1
    ns = re.search(r"namespace (\S+) have", r["title"])
    if ns:
        check(n == per_ns.get(ns.group(1)), f"{r['title']}: {per_ns.get(ns.group(1))} in findings")
        out = subprocess.run([memsnap, "sql", "--csv", tmp + "/node.db", r["query"]],
                             capture_output=True, text=True).stdout.strip().splitlines()
        check(len(out) - 1 == n, f"its query lists {len(out) - 1} of {n}")

# text: severity order, at most 5 in a row, then "and N more"
text = open(tmp + "/node.text").read()
sec = text.split("\nFINDINGS", 1)[1].split("\n\n", 1)[0]
heads = re.findall(r"^  (critical|warning |info    ) .*?\[(\w+)\]$", sec, re.M | re.S)
rows = re.findall(r"^  (critical|warning|info) ", sec, re.M)
order = {"critical": 0, "warning": 1, "info": 2}
check([order[s] for s in rows] == sorted(order[s] for s in rows), "text: by severity")
shown = {}
for m in re.finditer(r"^  (critical|warning|info) +.*?\[(\w+)\]\n", sec, re.M | re.S):
    shown[m.group(2)] = shown.get(m.group(2), 0) + 1
total = {}
for r in rf:
    total[r["code"]] = total.get(r["code"], 0) + 1
for code, n in total.items():
    more = re.search(r"and (\d+) more " + code + " finding", sec)
    want_more = n - 5 if n > 5 else None
    check(shown.get(code, 0) == min(n, 5) and (int(more.group(1)) if more else None) == want_more,
          f"text: {code} {shown.get(code, 0)} shown of {n}" + (f", and {more.group(1)} more" if more else ""))
check(any(n > 5 for n in total.values()), "a code with more than 5 findings (the cap is tested)")

# HTML and JSON: every finding; the HTML's count = what it lists
html = open(tmp + "/node.html").read()
count = re.search(r'href="#c\d+-findings">Findings <span class="count">(\d+)</span>', html)
items = html.count('<li class="finding ')
check(count and int(count.group(1)) == items == len(rf), f"HTML: count {count and count.group(1)}, lists {items}, report_findings {len(rf)}")
js = json.load(open(tmp + "/node.json"))
check(len(js["captures"][0]["findings"]) == len(rf), f"JSON: {len(js['captures'][0]['findings'])} findings of {len(rf)}")
sys.exit(1 if fails else 0)
PY
[ $? = 0 ] || exit 1
