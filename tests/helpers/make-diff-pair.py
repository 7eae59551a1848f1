#!/usr/bin/env python3
"""Two captures of one simulated node, five minutes apart, for `memsnap diff`.

    make-diff-pair.py OUTDIR

writes OUTDIR/a (tests/fixtures/captures/k8s-systemd-v2 as it is) and
OUTDIR/b, the same node (same boot_id) 300 s later, where:
  - pod batch/cache-warmer-28114 was deleted (its cgroups, processes and
    log names are gone);
  - pod shop/worker-5d6f7-abcde was added (burstable, a pause and a
    "worker" container, 48 MiB of page cache);
  - container shop/api-7c9f8-x2x4z/api restarted: same pod and name, a new
    container id; its memhog process (pid 2017) is gone, pid 2201 runs in
    the new container;
  - container shop/db-0/db grew: anon +48 MiB (memory.stat, memory.current
    and its process's status and smaps_rollup);
  - pid 2153 of kubelet.service is another program ("kubelet" instead of
    "sleep"): a pid reused, a process restart.
Nothing else changes, so the diff must say exactly that.

It also writes OUTDIR/s, one capture of two samples (capture.md section
6): a as sample 1, and as sample 2 (300 s later) what a later sample
re-reads of b: every memory cgroup's memory.current, memory.stat and
memory.swap.current and cgroup.procs, every process's status.
"""
import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "fixtures", "captures", "k8s-systemd-v2")
NAME_A = "memsnap-node-b-20260301T120000Z"
NAME_B = "memsnap-node-b-20260301T120500Z"
MiB = 1 << 20
CG = "sys/fs/cgroup/kubepods.slice"
GONE_POD = CG + "/kubepods-besteffort.slice/kubepods-besteffort-pod7f0a6b2e_8c4d_4e5f_9a1b_2c3d4e5f6a76.slice"
NEW_POD = CG + "/kubepods-burstable.slice/kubepods-burstable-pod8f0a6b2e_8c4d_4e5f_9a1b_2c3d4e5f6a77.slice"
NEW_UID = "8f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a77"
NEW_PAUSE = "7061757365660000000000000000000000000000000000000000000000000000"
NEW_WORKER = "776f726b65720000000000000000000000000000000000000000000000000000"
API_POD = CG + "/kubepods-pod4f0a6b2e_8c4d_4e5f_9a1b_2c3d4e5f6a73.slice"
API_OLD = "6170696700000000000000000000000000000000000000000000000000000000"
API_NEW = "6170696701000000000000000000000000000000000000000000000000000000"
DB = CG + "/kubepods-burstable.slice/kubepods-burstable-pod5f0a6b2e_8c4d_4e5f_9a1b_2c3d4e5f6a74.slice/crio-6462620000000000000000000000000000000000000000000000000000000000.scope"


def rd(path):
    with open(path) as f:
        return f.read()


def wr(path, text):
    with open(path, "w") as f:
        f.write(text)


def add_kv(path, key, delta, unit=1):
    """Add delta bytes to `key value` (unit 1) or `Key:  N kB` (unit 1024)."""
    def bump(m):
        return m.group(1) + str(int(m.group(2)) + delta // unit)
    text, n = re.subn(r"(?m)^(%s:?\s+)(\d+)" % re.escape(key), bump, rd(path), count=1)
    assert n == 1, (path, key)
    wr(path, text)


def main():
    out = sys.argv[1]
    a = os.path.join(out, "a", NAME_A)
    b = os.path.join(out, "b", NAME_B)
    shutil.copytree(os.path.join(SRC, NAME_A), a)
    shutil.copytree(os.path.join(SRC, NAME_A), b)

    m = json.loads(rd(os.path.join(b, "manifest.json")))
    c = m["clock"]
    c["started_utc"], c["finished_utc"] = "2026-03-01T12:05:00.000000Z", "2026-03-01T12:05:00.400000Z"
    for k in ("started_monotonic", "finished_monotonic", "started_boottime", "finished_boottime"):
        c[k] += 300.0
    wr(os.path.join(b, "manifest.json"), json.dumps(m, indent=1) + "\n")

    pods = os.path.join(b, "collector", "k8s-pod-logs.txt")
    ctrs = os.path.join(b, "collector", "k8s-container-logs.txt")

    # the deleted pod
    shutil.copytree(os.path.join(b, GONE_POD), os.path.join(b, NEW_POD))
    shutil.rmtree(os.path.join(b, GONE_POD))
    for pid in ("2119", "2136"):
        shutil.rmtree(os.path.join(b, "proc", pid))
    wr(pods, "".join(l for l in rd(pods).splitlines(True) if "cache-warmer" not in l))
    wr(ctrs, "".join(l for l in rd(ctrs).splitlines(True) if "cache-warmer" not in l))

    # the added pod: the deleted pod's files under new names, no processes
    for old, new in (("docker-7061757365650000000000000000000000000000000000000000000000000000",
                      "crio-" + NEW_PAUSE),
                     ("docker-6361636865650000000000000000000000000000000000000000000000000000",
                      "crio-" + NEW_WORKER)):
        os.rename(os.path.join(b, NEW_POD, old + ".scope"), os.path.join(b, NEW_POD, new + ".scope"))
    for root, _, files in os.walk(os.path.join(b, NEW_POD)):
        if "cgroup.procs" in files:
            wr(os.path.join(root, "cgroup.procs"), "")
    wr(pods, rd(pods) + "shop_worker-5d6f7-abcde_%s/worker\n" % NEW_UID)
    wr(ctrs, rd(ctrs) + "worker-5d6f7-abcde_shop_worker-%s.log\n" % NEW_WORKER)

    # the restarted container: a new id, a new process
    os.rename(os.path.join(b, API_POD, "cri-containerd-%s.scope" % API_OLD),
              os.path.join(b, API_POD, "cri-containerd-%s.scope" % API_NEW))
    os.rename(os.path.join(b, "proc", "2017"), os.path.join(b, "proc", "2201"))
    wr(os.path.join(b, "proc", "2201", "cgroup"),
       rd(os.path.join(b, "proc", "2201", "cgroup")).replace(API_OLD, API_NEW))
    st = os.path.join(b, "proc", "2201", "status")
    wr(st, re.sub(r"(?m)^(Tgid|Pid|NStgid|NSpid):\t2017$", r"\1:\t2201", rd(st)))
    wr(os.path.join(b, API_POD, "cri-containerd-%s.scope" % API_NEW, "cgroup.procs"), "2201\n")
    wr(ctrs, rd(ctrs).replace(API_OLD, API_NEW))

    # the grown container: 48 MiB more anon
    add_kv(os.path.join(b, DB, "memory.stat"), "anon", 48 * MiB)
    cur = os.path.join(b, DB, "memory.current")
    wr(cur, "%d\n" % (int(rd(cur)) + 48 * MiB))
    for key in ("VmRSS", "RssAnon", "VmHWM"):
        add_kv(os.path.join(b, "proc", "2051", "status"), key, 48 * MiB, 1024)
    for key in ("Rss", "Pss", "Pss_Anon", "Anonymous", "Private_Dirty"):
        add_kv(os.path.join(b, "proc", "2051", "smaps_rollup"), key, 48 * MiB, 1024)

    # a pid reused by another program
    st = os.path.join(b, "proc", "2153", "status")
    wr(st, rd(st).replace("Name:\tsleep\n", "Name:\tkubelet\n", 1))

    series(out, a, b)


SAMPLE_FILES = ("memory.current", "memory.stat", "memory.swap.current", "cgroup.procs")


def series(out, a, b):
    """a, then b's re-read files as sample 2 of the same capture."""
    s = os.path.join(out, "s", NAME_A)
    shutil.copytree(a, s)
    for root, _, files in os.walk(os.path.join(b, "sys", "fs", "cgroup")):
        for f in files:
            if f in SAMPLE_FILES:
                rel = os.path.relpath(os.path.join(root, f), b)
                os.makedirs(os.path.join(s, "samples", "2", os.path.dirname(rel)), exist_ok=True)
                shutil.copy(os.path.join(b, rel), os.path.join(s, "samples", "2", rel))
    for pid in os.listdir(os.path.join(b, "proc")):
        st = os.path.join("proc", pid, "status")
        if pid.isdigit() and os.path.exists(os.path.join(b, st)):
            os.makedirs(os.path.join(s, "samples", "2", "proc", pid))
            shutil.copy(os.path.join(b, st), os.path.join(s, st.replace("proc", "samples/2/proc", 1)))
    m = json.loads(rd(os.path.join(s, "manifest.json")))
    c = m["clock"]
    m["samples"] = {"mode": "series", "index": "samples/index.tsv", "interval_ms": 300000,
                    "requested": 2, "taken": 2, "kept": 2}
    wr(os.path.join(s, "manifest.json"), json.dumps(m, indent=1) + "\n")
    mono = int(c["started_monotonic"] * 1e9)
    wr(os.path.join(s, "samples", "index.tsv"),
       "sample\tmono_ns\tmono_end_ns\trealtime\tkind\ttrigger\tstatus\n"
       "1\t%d\t%d\t1772366400.000000000\tfull\tstart\tcomplete\n"
       "2\t%d\t%d\t1772366700.000000000\tchanges+smaps_rollup\tinterval\tcomplete\n"
       % (mono, mono + 400000000, mono + 300 * 10**9, mono + 300 * 10**9 + 100000000))


main()
