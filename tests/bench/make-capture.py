#!/usr/bin/env python3
"""A synthetic capture of a large Kubernetes node, for the analyzer's benchmark.

usage: make-capture.py [--procs N] [--cgroups N] [--maps N] [--cgroup v1|v2]
                       [--seed S] -o OUT.tar.gz

Defaults (issue 3): 10,000 processes, 2,000 memory cgroups, 5,000 BPF maps.
Deterministic: the same arguments give the same archive, byte for byte.

What it holds, laid out as memsnap-collect lays out a capture
(schema/capture.md):
  - the kubepods hierarchy of the kubelet's cgroupfs driver (v1:
    /kubepods/{burstable,besteffort}/pod<uid>/<container id>, guaranteed pods
    under /kubepods) or of its systemd driver (v2: kubepods.slice/
    kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/
    cri-containerd-<id>.scope), each pod a pause container and 1-3 others,
    plus system.slice services and user.slice;
  - per process status, smaps_rollup, cgroup, oom_score_adj (kernel
    threads: status and cgroup only); per BPF map fd its fdinfo; every file
    of every memory cgroup the collector reads, with each parent's counters
    the sum of its children's as the kernel keeps them;
  - node files, the kernel log of two real memcg OOM kills, bpftool's map
    listing with pids, the var/log/pods and var/log/containers names.
File contents are the real kernel files of tests/fixtures/captures/k8s-real
(6.18 on v1, 6.1 on v2) and tests/fixtures/kmsg with the numbers changed:
same keys, same order, same formatting.
"""
import argparse
import gzip
import io
import json
import os
import random
import re
import sys
import tarfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REAL = os.path.join(REPO, "tests", "fixtures", "captures", "k8s-real")
KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
UNLIMITED_V1 = 9223372036854771712


def real(rel):
    with open(os.path.join(REAL, rel)) as f:
        return f.read()


STATUS_T = real("v1-6.18-memhog-anon16/status")
SMAPS_T = real("v1-6.18-memhog-anon16/smaps_rollup")
MEMSTAT_V1_T = real("v1-6.18-memhog-anon16/memory.stat")
MEMSTAT_V2_T = real("v2-6.1-memhog-anon64/memory.stat")
FDINFO_T = real("v2-6.1-bpfhold-map20/fdinfo-3")
MEMINFO = real("v1-6.18-node/meminfo")
PRESSURE = real("v1-6.18-node/pressure-memory")
with open(os.path.join(REPO, "tests", "fixtures", "kmsg", "vm-6.18-two-memcg-ooms.kmsg")) as f:
    KMSG = f.read()

SERVICES = ["containerd", "kubelet", "systemd-journald", "systemd-logind", "systemd-udevd",
            "dbus", "cron", "rsyslog", "sshd", "chronyd", "networkd-dispatcher",
            "polkit", "snapd", "multipathd", "auditd", "node-exporter", "falco",
            "fluent-bit", "iscsid", "irqbalance", "unattended-upgrades", "atd",
            "getty@tty1", "serial-getty@ttyS0", "systemd-resolved",
            "systemd-timesyncd", "ModemManager", "accounts-daemon", "udisks2",
            "cloud-init", "google-guest-agent", "waagent", "amazon-ssm-agent",
            "docker", "crio", "kube-proxy", "cni-dhcp", "ntpd", "smartd", "lvm2-monitor"]
APPS = ["nginx", "java", "python3", "node", "envoy", "redis-server", "postgres",
        "ruby", "php-fpm", "gunicorn", "celery", "prometheus", "grafana-server",
        "coredns", "cilium-agent", "fluentd", "kafka", "zookeeper", "memcached",
        "haproxy", "otelcol", "vector", "traefik", "etcd", "dotnet"]
NAMESPACES = ["default", "kube-system", "monitoring", "payments", "search", "web",
              "batch", "ingress", "logging", "data"]
MAP_TYPES = [("hash", 1), ("array", 2), ("prog_array", 3), ("percpu_hash", 5),
             ("percpu_array", 6), ("lru_hash", 9), ("lpm_trie", 11), ("ringbuf", 27)]


# ---- file contents from the real templates --------------------------------

def kb(n):
    return n // KiB


def pages(n):
    """n bytes rounded down to whole 4 KiB pages: what the kernel counts in
    Rss*, VmPTE, and every memory.stat size but slab (real samples:
    /work/shared/samples smaps_rollup, status, memstat-v1, memstat-v2)."""
    return n // 4096 * 4096


def status_text(name, pid, ppid, rss_anon, rss_file, rss_shmem, threads, kthread=False):
    s = STATUS_T
    s = re.sub(r"^Name:\t.*$", f"Name:\t{name}", s, flags=re.M)
    for key in ("Tgid", "Pid", "NStgid", "NSpid"):
        s = re.sub(rf"^{key}:\t.*$", f"{key}:\t{pid}", s, flags=re.M)
    s = re.sub(r"^PPid:\t.*$", f"PPid:\t{ppid}", s, flags=re.M)
    s = re.sub(r"^Threads:\t.*$", f"Threads:\t{threads}", s, flags=re.M)
    if kthread:
        s = re.sub(r"^Kthread:\t.*$", "Kthread:\t1", s, flags=re.M)
        # kernel threads have no memory of their own: no Vm*/Rss* lines
        s = re.sub(r"^(Vm|Rss|HugetlbPages|CoreDumping|THP_enabled|untag_mask).*\n",
                   "", s, flags=re.M)
        return s
    rss = rss_anon + rss_file + rss_shmem
    vals = {"VmPeak": rss * 3, "VmSize": rss * 3, "VmHWM": rss, "VmRSS": rss,
            "RssAnon": rss_anon, "RssFile": rss_file, "RssShmem": rss_shmem,
            "VmData": rss_anon + 4 * MiB, "VmPTE": max(16 * KiB, pages(rss // 512))}
    for k, v in vals.items():
        s = re.sub(rf"^{k}:\t *\d+ kB$", f"{k}:\t{kb(v):8d} kB", s, flags=re.M)
    return s


def smaps_text(rss_anon, rss_file, rss_shmem, shared_file):
    rss = rss_anon + rss_file + rss_shmem
    pss_file = rss_file - shared_file + shared_file // 4
    pss = rss_anon + pss_file + rss_shmem // 2
    vals = {"Rss": rss, "Pss": pss, "Pss_Dirty": rss_anon + rss_shmem // 2,
            "Pss_Anon": rss_anon, "Pss_File": pss_file, "Pss_Shmem": rss_shmem // 2,
            "Shared_Clean": shared_file, "Shared_Dirty": rss_shmem,
            "Private_Clean": rss_file - shared_file, "Private_Dirty": rss_anon,
            "Referenced": rss, "Anonymous": rss_anon}
    s = SMAPS_T
    for k, v in vals.items():
        s = re.sub(rf"^{k}: +\d+ kB$", f"{k + ':':<16}{kb(v):8d} kB", s, flags=re.M)
    return s


def memstat_v1(c):
    """memory.stat of a v1 cgroup: local values and total_* (hierarchy)."""
    local, tot = c["local"], c["total"]
    out = []
    for line in MEMSTAT_V1_T.splitlines():
        key = line.split()[0]
        if key == "hierarchical_memory_limit":
            v = c["limit"] or UNLIMITED_V1
        elif key == "hierarchical_memsw_limit":
            v = UNLIMITED_V1
        elif key.startswith("total_"):
            v = tot.get(key[6:], 0)
        else:
            v = local.get(key, 0)
        out.append(f"{key} {v}")
    return "\n".join(out) + "\n"


def memstat_v2(c):
    t = c["total"]
    out = []
    for line in MEMSTAT_V2_T.splitlines():
        key = line.split()[0]
        v = t.get(key, 0)
        out.append(f"{key} {v}")
    return "\n".join(out) + "\n"


def stat_values(anon, file, shmem, kernel, active_share, rnd):
    """The counters of one cgroup's own pages (v1 and v2 names)."""
    inactive_file = pages(int((file - shmem) * (1 - active_share)))
    active_file = file - shmem - inactive_file
    slab = kernel // 2
    return {
        # v1
        "cache": file, "rss": anon, "shmem": shmem, "mapped_file": pages(file // 3),
        "dirty": rnd.randrange(0, 64) * 4096, "pgpgin": anon // 4096 + file // 4096,
        "pgpgout": rnd.randrange(0, 1000), "pgfault": anon // 4096 * 3,
        "inactive_anon": pages(anon // 2) + shmem, "active_anon": anon - pages(anon // 2),
        "inactive_file": inactive_file, "active_file": active_file,
        # v2 (anon/file/shmem/kernel as v2 names them)
        "anon": anon, "file": file, "kernel": kernel, "kernel_stack": pages(kernel // 16),
        "pagetables": pages(kernel // 8), "slab_reclaimable": slab // 2,
        "slab_unreclaimable": slab - slab // 2, "slab": slab, "sock": 0,
        "file_mapped": pages(file // 3), "file_dirty": 0, "anon_thp": 0,
    }


def add(a, b):
    for k, v in b.items():
        a[k] = a.get(k, 0) + v


def fdinfo_text(m, fd_flags):
    s = FDINFO_T
    for k, v in (("map_type", m["type_id"]), ("key_size", m["key"]), ("value_size", m["value"]),
                 ("max_entries", m["max_entries"]), ("memlock", m["memlock"]),
                 ("map_id", m["id"]), ("flags", fd_flags)):
        s = re.sub(rf"^{k}:\t.*$", f"{k}:\t{v}", s, flags=re.M)
    return s


# ---- the node ---------------------------------------------------------------

def pod_uid(rnd):
    h = "%032x" % rnd.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def meminfo_text(root_total):
    """The real meminfo with its memory scaled to the node: MemTotal a third
    above what the cgroups use, the rest free."""
    t = root_total
    anon, file, shmem = t["rss"], t["cache"], t["shmem"]
    used = anon + file + t["kernel"]
    total = -(-int(used * 1.33) // GiB) * GiB
    vals = {"MemTotal": total, "MemFree": total - used,
            "MemAvailable": total - used + file - shmem, "Cached": file,
            "AnonPages": anon, "Shmem": shmem, "Active(anon)": t["active_anon"],
            "Inactive(anon)": t["inactive_anon"], "Active(file)": t["active_file"],
            "Inactive(file)": t["inactive_file"],
            "Active": t["active_anon"] + t["active_file"],
            "Inactive": t["inactive_anon"] + t["inactive_file"],
            "Slab": t["slab"], "KReclaimable": t["slab_reclaimable"],
            "SReclaimable": t["slab_reclaimable"], "SUnreclaim": t["slab_unreclaimable"],
            "KernelStack": t["kernel_stack"], "PageTables": t["pagetables"],
            "Mapped": t["mapped_file"]}
    s = MEMINFO
    for k, v in vals.items():
        s = re.sub(rf"^{re.escape(k)}: +\d+ kB$", f"{k + ':':<16}{kb(v):8d} kB", s, flags=re.M)
    return s


def make_node(a):
    rnd = random.Random(a.seed)
    v2 = a.cgroup == "v2"
    cgroups = {}          # path -> dict
    order = []

    def cg(path, parent, limit=None, kind=None, **kw):
        c = dict(path=path, parent=parent, limit=limit, kind=kind, procs=[],
                 local={}, total={}, children=[], **kw)
        cgroups[path] = c
        order.append(path)
        if parent is not None:
            cgroups[parent]["children"].append(path)
        return c

    cg("/", None)
    if v2:
        kp = "/kubepods.slice"
        qos_path = {"burstable": f"{kp}/kubepods-burstable.slice",
                    "besteffort": f"{kp}/kubepods-besteffort.slice", "guaranteed": kp}
    else:
        kp = "/kubepods"
        qos_path = {"burstable": f"{kp}/burstable", "besteffort": f"{kp}/besteffort",
                    "guaranteed": kp}
    cg(kp, "/", limit=60 * GiB)
    cg(qos_path["burstable"], kp)
    cg(qos_path["besteffort"], kp)
    cg("/system.slice", "/")
    cg("/user.slice", "/")
    for s in SERVICES:
        cg(f"/system.slice/{s}.service", "/system.slice", kind="service", name=s)
    pods = []
    while len(cgroups) < a.cgroups:
        qos = rnd.choices(["burstable", "besteffort", "guaranteed"], [6, 2, 2])[0]
        uid = pod_uid(rnd)
        ns = rnd.choice(NAMESPACES)
        app = rnd.choice(APPS)
        podname = f"{app}-{rnd.getrandbits(32):08x}"[:20] + f"-{rnd.getrandbits(20):05x}"
        if v2:
            u = uid.replace("-", "_")
            pp = (f"{kp}/kubepods-pod{u}.slice" if qos == "guaranteed" else
                  f"{qos_path[qos]}/kubepods-{qos}-pod{u}.slice")
        else:
            pp = f"{qos_path[qos]}/pod{uid}"
        ncont = min(rnd.choice([1, 1, 2, 2, 2, 3]), a.cgroups - len(cgroups) - 2)
        if ncont < 1:
            break
        cg(pp, qos_path[qos], kind="pod", pod=podname, ns=ns, uid=uid, qos=qos)
        conts = []
        for i in range(ncont + 1):   # the pause container first
            cid = "%064x" % rnd.getrandbits(256)
            path = f"{pp}/cri-containerd-{cid}.scope" if v2 else f"{pp}/{cid}"
            name = "pause" if i == 0 else (app if i == 1 else rnd.choice(["sidecar", "envoy", "log-shipper"]))
            c = cg(path, pp, kind="container", cname=name, cid=cid, pod=podname, ns=ns,
                   uid=uid, qos=qos)
            conts.append(c)
        pods.append((pp, conts))
    while len(cgroups) < a.cgroups:   # round up with services
        n = len(cgroups)
        cg(f"/system.slice/run-u{n}.service", "/system.slice", kind="service", name=f"run-u{n}")

    # processes: pids from 1000 up, in pods' containers, services, kernel threads
    procs = []
    pid = 1000
    nk = a.procs // 30
    for i in range(nk):
        procs.append(dict(pid=2 + i, name=f"kworker/{i % 2}:{i}", kthread=True, cg="/"))
    systemd = dict(pid=1, name="systemd", cg="/", kthread=False)
    procs.append(systemd)
    services = [c for c in cgroups.values() if c["kind"] == "service"]
    containers = [c for c in cgroups.values() if c["kind"] == "container"]
    apps = [c for c in containers if c["cname"] != "pause"]
    for c in containers:            # one process per container at least
        if len(procs) >= a.procs:
            break
        procs.append(dict(pid=pid, name=c["cname"] if c["cname"] != "pause" else "pause",
                          cg=c["path"], kthread=False))
        pid += 1
    for s in services:
        if len(procs) >= a.procs:
            break
        procs.append(dict(pid=pid, name=s["name"][:15], cg=s["path"], kthread=False))
        pid += 1
    while len(procs) < a.procs:     # workers of the apps, a few in services
        c = rnd.choice(apps) if rnd.random() < 0.9 else rnd.choice(services)
        name = c.get("cname", c.get("name", "worker"))[:15]
        procs.append(dict(pid=pid, name=name, cg=c["path"], kthread=False))
        pid += 1
    for p in procs:
        cgroups[p["cg"]]["procs"].append(p["pid"])
        if p["kthread"]:
            continue
        big = p["name"] in ("java", "kafka", "etcd", "prometheus", "postgres", "cilium-agent")
        anon = int(rnd.lognormvariate(17.5 if big else 15.5, 1.0)) // 4096 * 4096
        anon = min(anon, 8 * GiB)
        file = int(rnd.lognormvariate(15, 0.8)) // 4096 * 4096
        shmem = (rnd.randrange(0, 64) * MiB) if rnd.random() < 0.05 else 0
        p.update(anon=anon, file=file, shmem=shmem, shared=file // 2,
                 threads=rnd.randrange(1, 200 if big else 12))
        if p["name"] == "pause":
            p.update(anon=256 * KiB, file=512 * KiB, shmem=0, shared=256 * KiB, threads=1)

    # each cgroup's own pages: its processes' plus page cache and kernel
    byp = {p["pid"]: p for p in procs}
    for path in order:
        c = cgroups[path]
        anon = sum(byp[x].get("anon", 0) for x in c["procs"])
        shmem = sum(byp[x].get("shmem", 0) for x in c["procs"])
        file = (sum(byp[x].get("file", 0) for x in c["procs"]) +
                int(rnd.lognormvariate(17, 1.2)) // 4096 * 4096 if c["procs"] else 0)
        file = max(file, shmem)
        kernel = (len(c["procs"]) * 96 * KiB + rnd.randrange(0, 2048) * 4096) if c["procs"] else 0
        c["local"] = stat_values(anon, file, shmem, kernel, rnd.uniform(0.2, 0.8), rnd)
    # hierarchical totals, children first
    for path in reversed(order):
        c = cgroups[path]
        add(c["total"], c["local"])
        if c["parent"] is not None:
            add(cgroups[c["parent"]]["total"], c["total"])
    # limits: containers of guaranteed and burstable pods get one above their
    # usage (most with room, one in twenty near it), the pod the sum
    for path in order:
        c = cgroups[path]
        if c["kind"] != "pod" or c["qos"] == "besteffort":
            continue
        total = 0
        for ch in c["children"]:
            k = cgroups[ch]
            used = k["total"]["rss"] + k["total"]["cache"] + k["total"]["kernel"]
            room = rnd.uniform(1.0, 1.1) if rnd.random() < 0.05 else rnd.uniform(1.2, 3.0)
            k["limit"] = max(64 * MiB, -(-int(used * room) // (64 * MiB)) * 64 * MiB)
            total += k["limit"]
        c["limit"] = total
    # BPF maps: held by cilium-like agents (kube-system pods) and a few services
    holders = [p for p in procs if not p["kthread"] and p["cg"] != "/"]
    rnd.shuffle(holders)
    holders = sorted(holders[:max(1, a.maps // 40)], key=lambda p: p["pid"])
    maps = []
    for i in range(a.maps):
        tname, tid = rnd.choice(MAP_TYPES)
        key, value = rnd.choice([4, 8, 16, 20]), rnd.choices([4, 8, 48, 248, 1024],
                                                             [4, 4, 3, 2, 1])[0]
        entries = rnd.choices([1, 64, 256, 1024, 4096, 16384, 65536, 262144],
                              [2, 3, 3, 4, 3, 2, 1, 0.2])[0]
        memlock = ((key + value) * entries + 4095) // 4096 * 4096 + 4096
        m = dict(id=100 + i, type=tname, type_id=tid, key=key, value=value,
                 max_entries=entries, memlock=memlock,
                 name=f"{rnd.choice(['cilium', 'tc', 'xdp', 'lb4', 'ct4', 'nat', 'policy'])}_{i:04x}")
        owners = [holders[i % len(holders)]]
        if rnd.random() < 0.1:
            owners.append(holders[(i * 7 + 3) % len(holders)])
        m["owners"] = sorted({o["pid"]: o for o in owners}.values(), key=lambda o: o["pid"])
        maps.append(m)
    return cgroups, order, procs, maps, pods


# ---- writing ---------------------------------------------------------------

def cgroup_files_v1(c, rnd):
    t = c["total"]
    usage = t.get("rss", 0) + t.get("cache", 0) + t.get("kernel", 0)
    limit = c["limit"] or UNLIMITED_V1
    files = {
        "memory.usage_in_bytes": usage,
        "memory.limit_in_bytes": limit,
        "memory.max_usage_in_bytes": usage + rnd.randrange(0, 64) * MiB,
        "memory.stat": memstat_v1(c),
        "memory.failcnt": 0,
        "memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
        "memory.kmem.usage_in_bytes": t.get("kernel", 0),
        "memory.kmem.limit_in_bytes": UNLIMITED_V1,
        "memory.kmem.max_usage_in_bytes": t.get("kernel", 0) + 4096 * 16,
        "memory.kmem.failcnt": 0,
        "memory.kmem.tcp.usage_in_bytes": 0,
        "memory.memsw.usage_in_bytes": usage,
        "memory.memsw.limit_in_bytes": UNLIMITED_V1,
        "memory.memsw.max_usage_in_bytes": usage + rnd.randrange(0, 64) * MiB,
        "memory.memsw.failcnt": 0,
        "memory.soft_limit_in_bytes": UNLIMITED_V1,
        "memory.use_hierarchy": 1,
        "memory.swappiness": 60,
        "cgroup.procs": "".join(f"{p}\n" for p in c["procs"]),
    }
    return files


def cgroup_files_v2(c, rnd):
    t = c["total"]
    current = t.get("anon", 0) + t.get("file", 0) + t.get("kernel", 0)
    files = {}
    if c["path"] != "/":
        files.update({
            "memory.current": current,
            "memory.max": c["limit"] if c["limit"] else "max",
            "memory.high": "max", "memory.low": 0, "memory.min": 0,
            "memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n",
            "memory.events.local": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n",
            "memory.peak": current + rnd.randrange(0, 64) * MiB,
            "memory.swap.current": 0, "memory.swap.max": "max",
            "memory.pressure": ("some avg10=0.00 avg60=0.00 avg300=0.00 total=%d\n"
                                "full avg10=0.00 avg60=0.00 avg300=0.00 total=%d\n"
                                % (rnd.randrange(0, 10**6), rnd.randrange(0, 10**5))),
            "memory.oom.group": 0,
        })
    files["memory.stat"] = memstat_v2(c)
    files["cgroup.procs"] = "".join(f"{p}\n" for p in c["procs"])
    return files


def proc_cgroup_line(a, path):
    if a.cgroup == "v2":
        return f"0::{path}\n"
    return (f"12:pids:{path}\n11:cpu,cpuacct:{path}\n7:memory:{path}\n"
            f"1:name=systemd:{path}\n0::/\n")


class Writer:
    def __init__(self, out, top):
        self.top = top
        self.raw = open(out, "wb")
        # mtime 0 and no file name: the same bytes every run
        self.gz = gzip.GzipFile(fileobj=self.raw, mode="wb", compresslevel=1, mtime=0,
                                filename="")
        self.tar = tarfile.open(fileobj=self.gz, mode="w", format=tarfile.PAX_FORMAT)
        self.files = self.bytes = 0

    def add(self, path, data):
        if not isinstance(data, bytes):
            data = (data if isinstance(data, str) else f"{data}\n").encode()
        ti = tarfile.TarInfo(f"{self.top}/{path}")
        ti.size = len(data)
        ti.mtime = 1767225600
        ti.mode = 0o444
        ti.uname = ti.gname = "root"
        # as memsnap-collect writes (libarchive's restricted pax): a ustar
        # header, the name split into prefix and name when it is longer
        # than 100 bytes; a pax header only for a name ustar cannot hold
        try:
            self.tar.format = tarfile.USTAR_FORMAT
            self.tar.addfile(ti, io.BytesIO(data))
        except ValueError:
            self.tar.format = tarfile.PAX_FORMAT
            self.tar.addfile(ti, io.BytesIO(data))
        self.files += 1
        self.bytes += len(data)

    def close(self):
        self.tar.close()
        self.gz.close()
        self.raw.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--procs", type=int, default=10000)
    ap.add_argument("--cgroups", type=int, default=2000)
    ap.add_argument("--maps", type=int, default=5000)
    ap.add_argument("--cgroup", choices=["v1", "v2"], default="v1")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed + 1)
    cgroups, order, procs, maps, pods = make_node(a)
    host = f"bench-{a.cgroup}"
    top = f"memsnap-{host}-20260101T000000Z"
    root = "sys/fs/cgroup" if a.cgroup == "v2" else "sys/fs/cgroup/memory"
    manifest = {
        "format": "memsnap-capture", "format_version": 1,
        "collector": {"name": "memsnap-collect", "version": "0.1.0", "pid": 999999,
                      "uid": 0, "max_rss_kb": 2400},
        "complete": True, "interrupted": None, "hostname": host,
        "kernel": {"release": "6.18.44" if a.cgroup == "v1" else "6.1.0-56-amd64",
                   "version": "#1 SMP PREEMPT_DYNAMIC", "machine": "x86_64"},
        "boot_id": "%08x-0000-4000-8000-%012x" % (a.seed, len(procs)),
        "page_size": 4096,
        "clock": {"started_utc": "2026-01-01T00:00:00.000000Z",
                  "finished_utc": "2026-01-01T00:00:01.200000Z",
                  "started_monotonic": 864000.0, "finished_monotonic": 864001.2,
                  "started_boottime": 864000.0, "finished_boottime": 864001.2},
        "root": "/",
        "cgroup": {"mode": a.cgroup if a.cgroup == "v2" else "hybrid",
                   "detected_by": "statfs", "memory_root": root,
                   "memory_mount": "/" + root, "mount_root": "/"},
        "options": {"compress": "gzip", "compress_level": 1, "kmsg": "oom",
                    "cmdline": False, "bpftool": True},
        "counts": {"processes": len(procs), "cgroups": len(cgroups),
                   "bpf_map_fds": sum(len(m["owners"]) for m in maps)},
        "problems": [],
    }
    w = Writer(a.output, top)
    w.add("manifest.json", json.dumps(manifest, indent=1) + "\n")
    w.add("proc/meminfo", meminfo_text(cgroups["/"]["total"]))
    w.add("proc/pressure/memory", PRESSURE)
    w.add("proc/uptime", "864000.12 1700000.50\n")
    w.add("proc/loadavg", "3.10 2.85 2.60 4/12000 99999\n")
    for k, v in (("overcommit_memory", 1), ("overcommit_ratio", 50), ("swappiness", 60),
                 ("min_free_kbytes", 67584), ("panic_on_oom", 0)):
        w.add(f"proc/sys/vm/{k}", v)
    w.add("proc/sys/kernel/osrelease", manifest["kernel"]["release"] + "\n")
    # processes, in pid order as the collector walks /proc
    fds = {}
    for m in maps:
        for o in m["owners"]:
            fds.setdefault(o["pid"], []).append(m)
    for p in sorted(procs, key=lambda p: p["pid"]):
        d = f"proc/{p['pid']}"
        if p["kthread"]:
            w.add(f"{d}/status", status_text(p["name"], p["pid"], 2, 0, 0, 0, 1, True))
            w.add(f"{d}/cgroup", proc_cgroup_line(a, "/"))
            w.add(f"{d}/oom_score_adj", "0\n")
            continue
        w.add(f"{d}/status", status_text(p["name"], p["pid"], 1, p["anon"], pages(p["file"] // 2),
                                         p["shmem"], p["threads"]))
        w.add(f"{d}/smaps_rollup", smaps_text(p["anon"], pages(p["file"] // 2), p["shmem"],
                                              pages(p["file"] // 4)))
        w.add(f"{d}/cgroup", proc_cgroup_line(a, p["cg"]))
        adj = {"pause": -998}.get(p["name"], 1000 if "besteffort" in p["cg"] else 936)
        w.add(f"{d}/oom_score_adj", f"{adj if p['cg'].startswith('/kube') else 0}\n")
        for fd, m in enumerate(fds.get(p["pid"], []), start=10):
            w.add(f"{d}/fdinfo/{fd}", fdinfo_text(m, "02000002"))
    # memory cgroups, parents first
    for path in order:
        c = cgroups[path]
        base = root if path == "/" else root + path
        files = cgroup_files_v2(c, rnd) if a.cgroup == "v2" else cgroup_files_v1(c, rnd)
        for name, data in files.items():
            w.add(f"{base}/{name}", data)
    # collector/ files
    w.add("collector/kmsg.txt", KMSG)
    listing = []
    for m in maps:
        listing.append({"id": m["id"], "type": m["type"], "name": m["name"], "flags": 0,
                        "bytes_key": m["key"], "bytes_value": m["value"],
                        "max_entries": m["max_entries"], "bytes_memlock": m["memlock"],
                        "frozen": 0, "btf_id": 0,
                        "pids": [{"pid": o["pid"], "comm": o["name"][:15]} for o in m["owners"]]})
    w.add("collector/bpftool-map.json", json.dumps(listing) + "\n")
    pod_logs, cont_logs = [], []
    for pp, conts in pods:
        for c in conts[1:]:
            pod_logs.append(f"{c['ns']}_{c['pod']}_{c['uid']}/{c['cname']}")
            cont_logs.append(f"{c['pod']}_{c['ns']}_{c['cname']}-{c['cid']}.log")
    w.add("collector/k8s-pod-logs.txt", "".join(f"{l}\n" for l in pod_logs))
    w.add("collector/k8s-container-logs.txt", "".join(f"{l}\n" for l in cont_logs))
    w.close()
    print(f"{a.output}: {len(procs)} processes, {len(cgroups)} memory cgroups ({a.cgroup}), "
          f"{len(maps)} BPF maps ({manifest['counts']['bpf_map_fds']} fds), {w.files} files, "
          f"{w.bytes / MiB:.1f} MiB, {os.path.getsize(a.output) / MiB:.1f} MiB compressed",
          file=sys.stderr)


if __name__ == "__main__":
    main()
