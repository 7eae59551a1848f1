#!/bin/bash
# Kubernetes without the API: the fixture captures k8s-cgroupfs-v1 (cgroup
# v1, kubelet cgroupfs driver, containerd and CRI-O, kernel 5.4) and
# k8s-systemd-v2 (cgroup v2, systemd driver, containerd, CRI-O and
# cri-dockerd, kernel 6.1), built from real kernel files by
# tests/fixtures/captures/make-k8s-captures.py, are loaded and the views
# must give exactly the expected rows:
#   containers   every container cgroup with namespace, pod, uid,
#                container, id, QoS, runtime; the pause sandboxes (no log
#                name) with container NULL and sandbox 1
#   pods         one per pod (CRI-O's conmon cgroup is not a pod), the
#                number of container cgroups
#   k8s_rollup   node, QoS (guaranteed summed over its pods), pods,
#                containers, with the working sets of the cgroups
#   cgroup_names readable names and kinds, Kubernetes or not (services,
#                docker outside Kubernetes, conmon)
#   node         MemTotal, MemAvailable, the node working set (the root's
#                usage - inactive_file from the fixture's own files), the
#                kubelet's memory.available (MemTotal - node working set),
#                swap, PSI
#   findings     exactly the expected (code, cgroup) pairs
#   BPF          maps per cgroup and pod, charged on 6.1, not on 5.4
# and for every cgroup the breakdown adds up to its working set.  The
# fixtures must also be what the generator writes today (it is run into a
# temporary folder and compared).
set -u
. "$(dirname "$0")/lib/check.sh"
[ -x "$M" ] || skip "'$M' not built"
command -v python3 >/dev/null || skip "python3 not installed"
fx=$TESTS_DIR/fixtures/captures

# The committed fixtures are the generator's output: run it on a copy
# (tmp/a/fx/; it reads only k8s-real/, the VM's own captures) and compare.
python3 - "$fx" "$work" <<'EOF' || exit 1
import filecmp, os, shutil, subprocess, sys
fx, tmp = sys.argv[1:3]
work = os.path.join(tmp, "a", "fx")
os.makedirs(work)
shutil.copy(os.path.join(fx, "make-k8s-captures.py"), work)
shutil.copytree(os.path.join(fx, "k8s-real"), os.path.join(work, "k8s-real"))
subprocess.run([sys.executable, os.path.join(work, "make-k8s-captures.py")], check=True)
bad = []
for name in ("k8s-cgroupfs-v1", "k8s-systemd-v2"):
    a, b = os.path.join(fx, name), os.path.join(work, name)
    for root, dirs, files in os.walk(b):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), b)
            if not os.path.exists(os.path.join(a, rel)) or not filecmp.cmp(
                    os.path.join(a, rel), os.path.join(b, rel), shallow=False):
                bad.append(name + "/" + rel)
    for root, dirs, files in os.walk(a):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), a)
            if not os.path.exists(os.path.join(b, rel)):
                bad.append(name + "/" + rel + " (not written by the generator)")
if bad:
    print("FAIL: the fixtures differ from make-k8s-captures.py's output (run it):")
    for b in bad[:20]:
        print("  ", b)
    sys.exit(1)
print("fixtures: as the generator writes them")
EOF

for f in k8s-cgroupfs-v1 k8s-systemd-v2; do
	"$M" load -q "$fx/$f"/memsnap-* -o "$work/$f.db" >/dev/null ||
		{ echo "FAIL: memsnap load $f"; exit 1; }
done

python3 - "$TESTS_DIR" "$M" "$fx" "$work" <<'EOF'
import glob, os, sys
sys.path.insert(0, sys.argv[1])
from ws_check import *

memsnap, fx, tmp = sys.argv[2:5]

def cid(tag):
    return (tag.encode().hex() + "0" * 64)[:64]

def meminfo(top):
    d = {}
    for line in open(os.path.join(top, "proc/meminfo")):
        k, v = line.split(":", 1)
        p = v.split()
        d[k] = int(p[0]) * (1024 if len(p) > 1 else 1)
    return d

def psi(top):
    d = {}
    for line in open(os.path.join(top, "proc/pressure/memory")):
        p = line.split()
        d[p[0]] = {k: float(v) for k, v in (x.split("=") for x in p[1:] if not x.startswith("total"))}
    return d

def stat(path):
    return {l.split()[0]: int(l.split()[1]) for l in open(path) if len(l.split()) == 2}

for name in ("k8s-cgroupfs-v1", "k8s-systemd-v2"):
    print("==", name)
    top = glob.glob(os.path.join(fx, name, "memsnap-*"))[0]
    db = Db(memsnap, os.path.join(tmp, name + ".db"))
    v1 = name.endswith("v1")
    eq(db.rows("SELECT * FROM load_problems"), [], f"{name}: load problems")
    if v1:
        G, B, E = ("1f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a70", "2f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a71",
                   "3f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a72")
        pg, pb, pe = "/kubepods/pod" + G, "/kubepods/burstable/pod" + B, "/kubepods/besteffort/pod" + E
        want_ctr = [
            (f"{pb}/crio-{cid('pauseb')}", "shop", "web-0", B, None, cid("pauseb"), "burstable", "cri-o", 1),
            (f"{pb}/crio-{cid('webb')}", "shop", "web-0", B, "web", cid("webb"), "burstable", "cri-o", 0),
            (f"{pe}/{cid('cachee')}", "batch", "cache-warmer-28114", E, "warmer", cid("cachee"), "besteffort", None, 0),
            (f"{pe}/{cid('pausee')}", "batch", "cache-warmer-28114", E, None, cid("pausee"), "besteffort", None, 1),
            (f"{pg}/{cid('apig')}", "shop", "api-7c9f8-x2x4z", G, "api", cid("apig"), "guaranteed", None, 0),
            (f"{pg}/{cid('pauseg')}", "shop", "api-7c9f8-x2x4z", G, None, cid("pauseg"), "guaranteed", None, 1),
        ]
        want_pods = [(pb, "shop", "web-0", B, "burstable", 2), (pe, "batch", "cache-warmer-28114", E, "besteffort", 2),
                     (pg, "shop", "api-7c9f8-x2x4z", G, "guaranteed", 2)]
        want_names = {"/": ("node", "(node)"), "/kubepods": ("k8s-root", "kubepods"),
                      "/kubepods/burstable": ("k8s-qos", "kubepods/burstable"),
                      pg: ("k8s-pod", "shop/api-7c9f8-x2x4z"),
                      f"{pb}/crio-conmon-{cid('webb')}": ("k8s-conmon", "shop/web-0/(conmon)"),
                      f"{pb}/crio-{cid('webb')}": ("k8s-container", "shop/web-0/web"),
                      f"{pg}/{cid('pauseg')}": ("k8s-container", "shop/api-7c9f8-x2x4z/" + cid("pauseg")[:12]),
                      "/system.slice": ("slice", "system.slice"),
                      "/system.slice/kubelet.service": ("service", "kubelet.service"),
                      "/system.slice/containerd.service": ("service", "containerd.service"),
                      "/docker/" + cid("dockerd"): ("container", "docker:" + cid("dockerd")[:12]),
                      "/user.slice": ("slice", "user.slice")}
        want_findings = {("bpf_unaccounted", None), ("large_shmem", f"{pe}/{cid('cachee')}"),
                         ("cache_inflated", f"{pb}/crio-{cid('webb')}"),
                         ("no_limit", f"{pe}/{cid('cachee')}")}
        qos = {"burstable": "/kubepods/burstable", "besteffort": "/kubepods/besteffort"}
        root = top + "/sys/fs/cgroup/memory"
        rs = stat(root + "/memory.stat")
        node_ws = int(open(root + "/memory.usage_in_bytes").read()) - rs["total_inactive_file"]
        bpf_cg, bpf_charged, bpf_pod = "/system.slice/containerd.service", 0, None
    else:
        G, B, C, E = ("4f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a73", "5f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a74",
                      "6f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a75", "7f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a76")
        u = lambda s: s.replace("-", "_")
        k = "/kubepods.slice"
        pg = f"{k}/kubepods-pod{u(G)}.slice"
        pb = f"{k}/kubepods-burstable.slice/kubepods-burstable-pod{u(B)}.slice"
        pc = f"{k}/kubepods-burstable.slice/kubepods-burstable-pod{u(C)}.slice"
        pe = f"{k}/kubepods-besteffort.slice/kubepods-besteffort-pod{u(E)}.slice"
        want_ctr = [
            (f"{pe}/docker-{cid('cachee')}.scope", "batch", "cache-warmer-28114", E, "warmer", cid("cachee"), "besteffort", "docker", 0),
            (f"{pe}/docker-{cid('pausee')}.scope", "batch", "cache-warmer-28114", E, None, cid("pausee"), "besteffort", "docker", 1),
            (f"{pb}/crio-{cid('dbb')}.scope", "shop", "db-0", B, "db", cid("dbb"), "burstable", "cri-o", 0),
            (f"{pb}/crio-{cid('pauseb')}.scope", "shop", "db-0", B, None, cid("pauseb"), "burstable", "cri-o", 1),
            (f"{pc}/cri-containerd-{cid('ciliumc')}.scope", "kube-system", "cilium-8x7kq", C, "cilium-agent", cid("ciliumc"), "burstable", "containerd", 0),
            (f"{pc}/cri-containerd-{cid('pausec')}.scope", "kube-system", "cilium-8x7kq", C, None, cid("pausec"), "burstable", "containerd", 1),
            (f"{pg}/cri-containerd-{cid('apig')}.scope", "shop", "api-7c9f8-x2x4z", G, "api", cid("apig"), "guaranteed", "containerd", 0),
            (f"{pg}/cri-containerd-{cid('pauseg')}.scope", "shop", "api-7c9f8-x2x4z", G, None, cid("pauseg"), "guaranteed", "containerd", 1),
        ]
        want_pods = [(pe, "batch", "cache-warmer-28114", E, "besteffort", 2), (pb, "shop", "db-0", B, "burstable", 2),
                     (pc, "kube-system", "cilium-8x7kq", C, "burstable", 2),
                     (pg, "shop", "api-7c9f8-x2x4z", G, "guaranteed", 2)]
        want_names = {"/": ("node", "(node)"), k: ("k8s-root", "kubepods"),
                      f"{k}/kubepods-besteffort.slice": ("k8s-qos", "kubepods/besteffort"),
                      pg: ("k8s-pod", "shop/api-7c9f8-x2x4z"),
                      f"{pb}/crio-conmon-{cid('dbb')}.scope": ("k8s-conmon", "shop/db-0/(conmon)"),
                      f"{pc}/cri-containerd-{cid('ciliumc')}.scope": ("k8s-container", "kube-system/cilium-8x7kq/cilium-agent"),
                      "/system.slice/kubelet.service": ("service", "kubelet.service"),
                      f"/system.slice/docker-{cid('dockerd')}.scope": ("container", "docker:" + cid("dockerd")[:12]),
                      "/init.scope": ("service", "init.scope")}
        want_findings = {("no_limit", f"{pe}/docker-{cid('cachee')}.scope"),
                         ("no_limit", f"{pc}/cri-containerd-{cid('ciliumc')}.scope"),
                         ("memory_pressure", None), ("swap", None),
                         # 16 MiB of maps charged to it, 80% of its 20 MiB
                         ("bpf_heavy", f"{pc}/cri-containerd-{cid('ciliumc')}.scope")}
        qos = {"burstable": f"{k}/kubepods-burstable.slice", "besteffort": f"{k}/kubepods-besteffort.slice"}
        root = top + "/sys/fs/cgroup"
        rs = stat(root + "/memory.stat")
        node_ws = rs["anon"] + rs["file"] - rs["inactive_file"]
        bpf_cg, bpf_charged, bpf_pod = f"{pc}/cri-containerd-{cid('ciliumc')}.scope", 1, pc

    got = [tuple(r.values()) for r in db.rows(
        "SELECT cgroup, namespace, pod, pod_uid, container, container_id, qos_class, runtime, sandbox "
        "FROM containers ORDER BY cgroup")]
    eq(got, sorted(want_ctr), f"{name}: containers")
    got = [tuple(r.values()) for r in db.rows(
        "SELECT cgroup, namespace, pod, pod_uid, qos_class, container_cgroups FROM pods ORDER BY cgroup")]
    eq(got, sorted(want_pods), f"{name}: pods")
    names = {r["cgroup"]: (r["kind"], r["name"]) for r in db.rows("SELECT * FROM cgroup_names")}
    for cg, want in want_names.items():
        eq(names.get(cg), want, f"{name}: cgroup_names of {cg}")
    eq(len([1 for kname in names.values() if kname[0] == "k8s-pod"]), len(want_pods),
       f"{name}: k8s-pod kinds (conmon is not a pod)")

    # rollups: every row is its cgroup's working set; guaranteed is the sum
    ws = {r["cgroup"]: r["working_set_bytes"] for r in db.rows("SELECT cgroup, working_set_bytes FROM cgroups")}
    roll = db.rows("SELECT * FROM k8s_rollup")
    eq(sorted((r["level"], r["name"]) for r in roll if r["level"] == "qos"),
       [("qos", "besteffort"), ("qos", "burstable"), ("qos", "guaranteed")], f"{name}: QoS rows")
    for r in roll:
        if r["cgroup"] is not None:
            eq(r["working_set_bytes"], ws[r["cgroup"]], f"{name}: k8s_rollup {r['level']} {r['name']}")
    gsum = sum(ws[p[0]] for p in want_pods if p[4] == "guaranteed")
    eq([r["working_set_bytes"] for r in roll if r["name"] == "guaranteed"], [gsum],
       f"{name}: guaranteed QoS = sum of guaranteed pods")
    for q, cg in qos.items():
        eq([r["cgroup"] for r in roll if r["level"] == "qos" and r["name"] == q], [cg], f"{name}: QoS {q}")
    eq(sorted(r["name"] for r in roll if r["level"] == "pod"),
       sorted(p[1] + "/" + p[2] for p in want_pods), f"{name}: pod rows")
    eq(len([r for r in roll if r["level"] == "container"]), len(want_ctr), f"{name}: container rows")
    eq([r["working_set_bytes"] for r in roll if r["level"] == "node"], [node_ws], f"{name}: node row")

    # the node
    mi, ps = meminfo(top), psi(top)
    nd = db.one("SELECT * FROM node")
    print("node:", nd)
    eq(nd["mem_total_bytes"], mi["MemTotal"], f"{name}: MemTotal")
    eq(nd["mem_available_bytes"], mi["MemAvailable"], f"{name}: MemAvailable")
    eq(nd["node_working_set_bytes"], node_ws, f"{name}: node working set (root usage - inactive_file)")
    eq(nd["kubelet_memory_available_bytes"], mi["MemTotal"] - node_ws,
       f"{name}: kubelet memory.available = MemTotal - node working set")
    eq(nd["swap_total_bytes"], mi["SwapTotal"], f"{name}: SwapTotal")
    eq(nd["swap_used_bytes"], mi["SwapTotal"] - mi["SwapFree"], f"{name}: swap used")
    eq((nd["psi_some_avg10"], nd["psi_full_avg10"], nd["psi_some_avg60"], nd["psi_full_avg60"]),
       (ps["some"]["avg10"], ps["full"]["avg10"], ps["some"]["avg60"], ps["full"]["avg60"]), f"{name}: PSI")

    # findings: exactly these
    got = {(f["code"], f["cgroup"]) for f in db.findings()}
    eq(got, want_findings, f"{name}: findings")

    # BPF: per cgroup, charged or not, per pod
    b = db.rows("SELECT * FROM bpf_by_cgroup")
    eq([(r["cgroup"], r["maps"], r["memlock_bytes"], r["charged"]) for r in b],
       [(bpf_cg, 1, 16 * MIB, bpf_charged)], f"{name}: bpf_by_cgroup")
    eq([(r["cgroup"], r["maps"], r["memlock_bytes"]) for r in db.rows("SELECT * FROM bpf_by_pod")],
       [(bpf_pod, 1, 16 * MIB)] if bpf_pod else [], f"{name}: bpf_by_pod")

    # the breakdown adds up everywhere; real files: unexplained small
    bad = db.rows("SELECT g.cgroup, g.working_set_bytes, b.s FROM cgroups g JOIN (SELECT cgroup, "
                  "sum(bytes) AS s FROM working_set_breakdown GROUP BY cgroup) b ON b.cgroup = g.cgroup "
                  "WHERE b.s != g.working_set_bytes")
    eq(bad, [], f"{name}: breakdown sums")
    un = db.rows("SELECT cgroup, bytes FROM working_set_breakdown WHERE component = 'unexplained' "
                 "AND cgroup != '/' AND (bytes < 0 OR bytes > 64 * 4096 * 2 * 8)")
    eq(un, [], f"{name}: unexplained beyond the charge stocks")
done()
EOF
