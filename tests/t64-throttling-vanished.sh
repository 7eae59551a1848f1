#!/bin/bash
# Fixture cases (fast) for three things a live capture makes rarely:
#   memory_high_throttled  (issue 16 item 2) a container at its
#       memory.high with stalls in its memory.pressure is told, with the
#       memory.events high count (a real memory.events from
#       $SAMPLES_DIR) and the PSI figures, in cgroup_throttling,
#       the findings and the text, JSON and HTML reports; a container whose
#       memory.events high > 0 but that is under its memory.high and does
#       not stall is not
#   vanished  (issue 17 item 9) a cgroup the manifest says was removed
#       while it was read (problem `vanished`, action `partial`, on its
#       directory) is marked vanished in cgroups, its working set and
#       unexplained are NULL (not a kernel discrepancy), load_problems says
#       why; the other cgroups keep theirs
#   reader_pid  the collector's reading child (collector.reader_pid) is
#       left out of processes like the collector itself
#   zswap  (issue 12's proof of one component added) memory.stat's zswap
#       is its own component, taken out of kernel_other: 8 MiB more zswap
#       (in kernel and memory.current too) in the xray container is 8 MiB
#       more zswap in working_set_breakdown, in cgroups.kernel_bytes and in
#       the reports' kernel part, with kernel_other and unexplained as before
#   hugetlb  (issue 12's second proof: 30-cgroup.sql's key column, the
#       mapping and component row in 80-working-set.sql, working-set.md)
#       memory.stat's hugetlb (6.6+, memory_hugetlb_accounting) is its own
#       component: 16 MiB of it in xray (in memory.current too) is 16 MiB
#       of hugetlb in working_set_breakdown and in the reports' anon part,
#       with unexplained as before (it was all unexplained)
# The capture is report-k8s-v2 (made from the samples by tests/run-tests),
# copied and edited.  The VM test t20 provokes memory.high live.
set -u
. "$(dirname "$0")/lib/check.sh" --samples
[ -x "$M" ] || skip "'$M' not built"
command -v python3 >/dev/null || skip "python3 not installed"
fx=$SAMPLE_FIXTURES_DIR/captures    # made from the samples by tests/run-tests
cp -r "$fx"/report-k8s-v2/memsnap-* "$work/cap"
events=$SAMPLES_DIR/memstat-v2/memory.events-k8s-pod-high91066-egachi.txt

python3 - "$work/cap" "$events" <<'EOF' || { echo "FAIL: cannot edit the capture"; exit 1; }
import json, os, shutil, sys
cap, events = sys.argv[1:3]
k = cap + "/sys/fs/cgroup/kubepods.slice"
pod = k + "/kubepods-burstable.slice/kubepods-burstable-pod94eb36cd_29e1_478b_b365_4cb5dfc7d6fb.slice"
web = pod + "/cri-containerd-5a1c0e7b9d3f4a6c8e2b1d0f9a7c5e3b1d9f7a5c3e1b0d8f6a4c2e0b9d7f5a3c.scope"
cil = (k + "/kubepods-burstable.slice/kubepods-burstable-pod3c7e9a10_5b2d_4f6e_8a91_2d4c6b8e0f13.slice/"
       "cri-containerd-e4b2a0c8f6d4b2a0e8c6f4d2b0a8e6c4f2d0b8a6e4c2f0d8b6a4e2c0f8d6b4a2.scope")
ne = ("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod7d2f4b6a_8c0e_4a2c_9e4b_6d8f0a2c4e6b.slice/"
      "cri-containerd-1b3d5f7a9c0e2b4d6f8a0c2e4b6d8f0a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d.scope")
def put(path, text):
    with open(path, "w") as f:
        f.write(text)
# web: memory.high 3 GiB, just over its usage (reclaim holds it there); stalls
usage = int(open(web + "/memory.current").read())
assert (3 << 30) * 0.98 < usage < 3 << 30, usage
put(web + "/memory.high", f"{3 << 30}\n")
put(web + "/memory.events", open(events).read())
put(web + "/memory.pressure", "some avg10=12.50 avg60=8.25 avg300=2.00 total=123456789\n"
    "full avg10=3.00 avg60=2.00 avg300=0.50 total=23456789\n")
# cilium-agent: went over memory.high once, now far under it, no stall
usage = int(open(cil + "/memory.current").read())
put(cil + "/memory.high", f"{usage * 2}\n")
put(cil + "/memory.events", "low 0\nhigh 5\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n")
put(cil + "/memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=1200\n"
    "full avg10=0.00 avg60=0.00 avg300=0.00 total=800\n")
# xray: 8 MiB of zswap, charged as kernel memory
xray = k + ("/kubepods-pod089f25ee_a41a_414c_a028_71a38dfb30d3.slice/"
            "cri-containerd-c3f1de0d0969e5d3c6758d2e59be98d4dc8ba0367af77f52b09d15225139c74f.scope")
st = dict(l.split() for l in open(xray + "/memory.stat"))
assert st["zswap"] == "0", st["zswap"]
# and 16 MiB of hugetlb pages, charged with memory_hugetlb_accounting
assert "hugetlb" not in st
put(xray + "/memory.stat", "".join(
    f"{key} {int(v) + (8 << 20) if key in ('zswap', 'kernel') else v}\n" for key, v in st.items())
    + f"hugetlb {16 << 20}\n")
put(xray + "/memory.current", f"{int(open(xray + '/memory.current').read()) + (24 << 20)}\n")
# node-exporter removed while read; the reader child: a second collector
m = json.load(open(cap + "/manifest.json"))
root = m["cgroup"]["memory_root"]
m["problems"] += [
    {"path": root + ne + "/memory.pressure", "kind": "vanished", "errno": 2,
     "error": "the cgroup was removed", "action": "skipped"},
    {"path": root + ne, "kind": "vanished", "errno": 2,
     "error": "the cgroup was removed while it was read: its files are not all there",
     "action": "partial"}]
pid = m["collector"]["pid"]
if not os.path.isdir(f"{cap}/proc/{pid}"):
    shutil.copytree(f"{cap}/proc/1", f"{cap}/proc/{pid}")
shutil.copytree(f"{cap}/proc/{pid}", f"{cap}/proc/{pid + 1}")
m["collector"]["reader_pid"] = pid + 1
json.dump(m, open(cap + "/manifest.json", "w"), indent=1)
print(pid)
EOF
"$M" load -q "$work/cap" -o "$work/t.db" >/dev/null || { echo "FAIL: memsnap load"; exit 1; }
"$M" load -q "$fx"/report-k8s-v2/memsnap-* -o "$work/orig.db" \
	>/dev/null || { echo "FAIL: memsnap load report-k8s-v2"; exit 1; }
"$M" report --format json "$work/orig.db" > "$work/orig.json" 2>/dev/null
for f in text json html; do
	# status 1: findings that want attention
	"$M" report --format $f "$work/t.db" > "$work/report.$f" 2>/dev/null
	[ $? -le 1 ] || { echo "FAIL: memsnap report --format $f"; exit 1; }
done

python3 - "$TESTS_DIR" "$M" "$work" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[1])
from ws_check import *

memsnap, tmp = sys.argv[2:4]
db = Db(memsnap, tmp + "/t.db")
web = ("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod94eb36cd_29e1_478b_b365_4cb5dfc7d6fb.slice/"
       "cri-containerd-5a1c0e7b9d3f4a6c8e2b1d0f9a7c5e3b1d9f7a5c3e1b0d8f6a4c2e0b9d7f5a3c.scope")
ne = ("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod7d2f4b6a_8c0e_4a2c_9e4b_6d8f0a2c4e6b.slice/"
      "cri-containerd-1b3d5f7a9c0e2b4d6f8a0c2e4b6d8f0a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d.scope")

# memory.high next to max, events and PSI
t = db.one("SELECT * FROM cgroup_throttling WHERE cgroup = " + quote(web))
print("web:", t)
eq((t["namespace"], t["pod"], t["container"]), ("shop", "checkout-web-7c9d5f6b8-zt4lp", "web"), "web: names")
eq(t["high_bytes"], 3 << 30, "web: memory.high")
check(t["max_bytes"] is not None and t["max_bytes"] > t["high_bytes"], f"web: memory.max {t['max_bytes']}")
check(98 <= t["high_pct"] < 100, f"web: high_pct {t['high_pct']}")
eq((t["events_high"], t["events_max"], t["events_oom_kill"]), (91066, 0, 0), "web: memory.events")
eq((t["psi_some_avg10"], t["psi_some_avg60"], t["psi_full_avg10"], t["psi_some_total_us"]),
   (12.5, 8.25, 3.0, 123456789), "web: memory.pressure")
fs = [f for f in db.findings() if f["code"] == "memory_high_throttled"]
for f in fs:
    print(f"  {f['severity']} {f['title']}\n    {f['evidence']}")
    check(len(db.rows(f["query"])) == 1, "memory_high_throttled: its query returns its row")
eq([(f["cgroup"], f["severity"]) for f in fs], [(web, "warning")],
   "memory_high_throttled: web only (not cilium-agent: under memory.high, no stall)")
ev = fs[0]["evidence"] if fs else ""
for w in ("memory.high 3.0 GiB (99.8%)", "high 91066", "some avg10 12.5%", "avg60 8.25%", "123.5 s stalled"):
    check(w in ev, f"evidence names {w!r}: {ev}")
# the root has no memory.high: not a row
eq(db.one("SELECT count(*) AS n FROM cgroup_throttling WHERE cgroup = '/'")["n"], 0, "root: no row")

# vanished: marked, kept out of the working set and unexplained
c = db.one("SELECT * FROM cgroups WHERE cgroup = " + quote(ne))
p = db.one("SELECT * FROM cgroup_parts WHERE cgroup = " + quote(ne))
print("node-exporter:", c)
eq(c["vanished"], 1, "node-exporter: vanished")
check(c["usage_bytes"] is not None, "node-exporter: its usage is kept")
eq((c["working_set_bytes"], p["ws"], p["unexplained"]), (None, None, None),
   "node-exporter: no working set, no unexplained")
eq(db.one("SELECT count(*) AS n FROM working_set_breakdown WHERE component = 'unexplained' "
          "AND bytes IS NOT NULL AND cgroup = " + quote(ne))["n"], 0, "node-exporter: no unexplained row")
lp = db.rows("SELECT path, problem FROM load_problems WHERE path LIKE '%1b3d5f7a9c0e%'")
eq(len(lp), 1, "load_problems: one row for node-exporter")
check(lp and "vanished" in lp[0]["problem"] and lp[0]["path"].endswith(".scope"),
      f"load_problems: says vanished, on the directory: {lp}")
eq(db.one("SELECT sum(vanished) AS n, count(working_set_bytes) AS w, count(*) AS c FROM cgroups"),
   {"n": 1, "w": 12, "c": 13}, "the other cgroups keep their working set")

# the collector and its reader child are not processes
cap = db.one("SELECT collector_pid, reader_pid FROM capture")
eq(cap["reader_pid"], cap["collector_pid"] + 1, "capture: reader_pid loaded")
eq(db.one("SELECT count(*) AS n FROM processes WHERE pid IN (%d, %d)"
          % (cap["collector_pid"], cap["reader_pid"]))["n"], 0, "processes: neither collector pid")

# zswap: its own component, out of kernel_other
xray = ("/kubepods.slice/kubepods-pod089f25ee_a41a_414c_a028_71a38dfb30d3.slice/"
        "cri-containerd-c3f1de0d0969e5d3c6758d2e59be98d4dc8ba0367af77f52b09d15225139c74f.scope")
orig = Db(memsnap, tmp + "/orig.db")
b, b0 = db.breakdown(xray), orig.breakdown(xray)
print("xray breakdown:", b)
eq((b0.get("zswap"), b.get("zswap")), (0, 8 << 20), "xray: zswap component")
eq((b["kernel_other"], b["unexplained"]), (b0["kernel_other"], b0["unexplained"]),
   "xray: kernel_other and unexplained as before")
eq(db.cgroup(xray)["kernel_bytes"] - orig.cgroup(xray)["kernel_bytes"], 8 << 20, "xray: kernel_bytes")
eq((b0.get("hugetlb"), b.get("hugetlb")), (None, 16 << 20), "xray: hugetlb component")
eq(db.one("SELECT category, reclaimable, part, in_root FROM working_set_components "
          "WHERE component = 'hugetlb'"),
   {"category": "user", "reclaimable": 0, "part": "anon", "in_root": 0}, "hugetlb: its component row")
eq(db.one("SELECT category, reclaimable, part FROM working_set_components WHERE component = 'zswap'"),
   {"category": "kernel", "reclaimable": 0, "part": "kernel_not_bpf"}, "zswap: its component row")
def part(path, name):
    for c in json.load(open(path))["captures"][0]["containers"]:
        if c.get("cgroup") == xray:
            return c[name + "_bytes"]
eq(part(tmp + "/report.json", "kernel_not_bpf") - part(tmp + "/orig.json", "kernel_not_bpf"), 8 << 20,
   "JSON report: the xray container's kernel part")
eq(part(tmp + "/report.json", "anon") - part(tmp + "/orig.json", "anon"), 16 << 20,
   "JSON report: the xray container's anon part holds its hugetlb")

# in the reports: the finding, and memory.high next to the limit
eq(db.cgroup(web)["high_bytes"], 3 << 30, "cgroups: high_bytes")
text = open(tmp + "/report.text").read()
check("is throttled by memory.high" in text, "text report: the finding")
check("; memory.high 3.0 GiB" in text, "text report: the web container's memory.high")
js = json.load(open(tmp + "/report.json"))["captures"][0]
check(any(f["code"] == "memory_high_throttled" for f in js["findings"]), "JSON report: the finding")
eq([c["high_bytes"] for c in js["containers"] if c["cgroup"] == web], [3 << 30],
   "JSON report: the web container's high_bytes")
html = open(tmp + "/report.html").read()
check("throttled by memory.high" in html, "HTML report: the finding")
check('>4.0 GiB (memory.high <span class="nw">3.0 GiB</span>)</td>' in html,
      "HTML report: memory.high in the limit cell")
done()
EOF
