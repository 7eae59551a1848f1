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
set -u
: "${BIN_DIR:=$(cd "$(dirname "$0")/.." && pwd)/bin}"
: "${TESTS_DIR:=$(cd "$(dirname "$0")" && pwd)}"
memsnap=$BIN_DIR/memsnap
[ -x "$memsnap" ] || { echo "SKIP: '$memsnap' not built"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
. "$TESTS_DIR/samples-lib.sh"
need_samples
fx=$SAMPLE_FIXTURES_DIR/captures    # made from the samples by tests/run-tests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$memsnap" load -q "$fx"/report-k8s-v2/memsnap-* -o "$tmp/k8s.db" >/dev/null ||
	{ echo "FAIL: memsnap load report-k8s-v2"; exit 1; }

python3 - "$TESTS_DIR" "$memsnap" "$tmp" <<'EOF'
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
    for want in ("GOMEMLIMIT=off", "limited to 4096.0 MiB", "about 3768 MiB",
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
    check("GOMEMLIMIT=4GiB (4096.0 MiB)" in e and "limit is 4096.0 MiB" in e, f"metrics-agent: {e}")
eq((g[23992]["container_limit_bytes"], g[23992]["gomemlimit_pct"]), (4 << 30, 100.0),
   "go_processes metrics-agent")
eq(g[1586608]["env_known"], 1, "go_processes xray: its environment was read")
done()
EOF
[ $? = 0 ] || exit 1

# An environment the collector could not read ("env": null, environ denied)
# says nothing of GOMEMLIMIT: xray in its 200 MiB container is not told it
# has none.  The fixture copied, xray's Go file changed, loaded again.
cp -r "$fx"/report-k8s-v2/memsnap-* "$tmp/noenv"
echo '{"pid": 1586608, "go_version": "go1.20.7", "env": null}' >"$tmp/noenv/collector/go/1586608.json"
"$memsnap" load -q "$tmp/noenv" -o "$tmp/noenv.db" >/dev/null 2>&1
[ $? -le 1 ] || { echo "FAIL: memsnap load of the env-less copy"; exit 1; }
got=$("$memsnap" sql --csv "$tmp/noenv.db" "SELECT
	(SELECT env_known FROM go_processes WHERE pid = 1586608),
	(SELECT count(*) FROM findings WHERE code = 'go_no_memlimit' AND title LIKE '%pid 1586608%')" |
	tail -n1 | tr -d '\r')
[ "$got" = "0,0" ] || { echo "FAIL: env null: env_known, go_no_memlimit for xray: '$got', want '0,0'"; exit 1; }
echo "ok env null: xray's GOMEMLIMIT unknown, not reported missing"
