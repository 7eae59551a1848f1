#!/usr/bin/env python3
"""Build the fuzzers' seed corpora from the repository's real samples.

usage: make-seeds.py OUTDIR [COLLECTOR]

Writes OUTDIR/<target>/<sha1> for every target in tests/fuzz/fuzz_*.c, from
tests/samples (real kernel files from the field), tests/fixtures (kernel
docs, fixture roots, fixture captures, kernel logs) and, when COLLECTOR is
given, archives the real collector writes from the fixture roots.  Seeds are
not kept in git: they are made from the files the tests already trust, so
they follow the samples as those grow.
"""
import glob
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
S = os.path.join(REPO, "tests", "samples")
F = os.path.join(REPO, "tests", "fixtures")


def g(*patterns):
    out = []
    for p in patterns:
        out += sorted(glob.glob(os.path.join(REPO, p), recursive=True))
    return [f for f in out if os.path.isfile(f) and not os.path.islink(f)]


CAPTURES = sorted(d for d in glob.glob(os.path.join(F, "captures", "*", "memsnap-*"))
                  if os.path.isdir(d))
ROOTS = sorted(glob.glob(os.path.join(F, "roots", "*")))
ROOTS = [r for r in ROOTS if os.path.isdir(r)]

# Files of a kind, wherever the fixtures keep them.
def kind(name):
    return g(f"tests/fixtures/captures/*/memsnap-*/**/{name}",
             f"tests/fixtures/roots/*/**/{name}")


FILES = {
    "status": g("tests/samples/status/*", "tests/fixtures/parse/proc-rst-status*")
              + kind("status") + g("tests/fixtures/captures/k8s-real/*/status"),
    "smaps_rollup": g("tests/samples/smaps_rollup/*",
                      "tests/fixtures/parse/proc-rst-smaps*")
                    + kind("smaps_rollup") + g("tests/fixtures/captures/k8s-real/*/smaps_rollup"),
    "proc_cgroup": g("tests/fixtures/roots/*/proc/*/cgroup",
                     "tests/fixtures/captures/*/memsnap-*/proc/*/cgroup"),
    "bpf_fdinfo": g("tests/fixtures/parse/bpf-fdinfo-*",
                    "tests/fixtures/roots/*/proc/*/fdinfo/*",
                    "tests/fixtures/captures/*/memsnap-*/proc/*/fdinfo/*",
                    "tests/fixtures/captures/k8s-real/*/fdinfo-*"),
    "kv_list": g("tests/samples/memstat-v1/*", "tests/samples/memstat-v2/*memory.stat*",
                 "tests/samples/memstat-v2/*MEMORY_STAT*",
                 "tests/samples/memstat-v2/*memory.events*",
                 "tests/fixtures/parse/cgroup-*",
                 "tests/fixtures/captures/k8s-real/*/memory.stat",
                 "tests/fixtures/captures/k8s-real/*/memory.events",
                 "tests/fixtures/captures/k8s-real/*/root-memory.stat")
               + kind("memory.stat") + kind("memory.events") + kind("vmstat")
               + kind("memory.swap.events") + kind("cgroup.stat"),
    "one_value": g("tests/samples/memstat-v2/memory.current*",
                   "tests/samples/memstat-v2/memory.max*",
                   "tests/fixtures/captures/k8s-real/*/memory.current",
                   "tests/fixtures/captures/k8s-real/*/memory.usage_in_bytes")
                 + kind("memory.current") + kind("memory.max") + kind("memory.high")
                 + kind("memory.limit_in_bytes") + kind("memory.usage_in_bytes")
                 + kind("memory.swap.max") + kind("memory.oom.group"),
    "oom_control": g("tests/fixtures/parse/*oom_control*",
                     "tests/fixtures/captures/k8s-real/*/memory.oom_control")
                   + kind("memory.oom_control"),
    "psi": g("tests/samples/other/*pressure*", "tests/fixtures/parse/psi-*",
             "tests/fixtures/captures/k8s-real/*/memory.pressure",
             "tests/fixtures/captures/k8s-real/*/pressure-memory")
           + kind("memory.pressure") + g("tests/fixtures/roots/*/proc/pressure/memory"),
    "meminfo": g("tests/samples/meminfo/*", "tests/fixtures/parse/proc-rst-meminfo*",
                 "tests/fixtures/captures/k8s-real/*/meminfo") + kind("meminfo"),
    "bpftool": g("tests/samples/bpftool/*", "tests/fixtures/parse/bpftool-*")
               + kind("bpftool-map.json") + kind("bpftool-prog.json"),
    "manifest": kind("manifest.json"),
    "oom_log": g("tests/samples/oom/*", "tests/fixtures/oom/*.txt",
                 "tests/fixtures/kmsg/*") + kind("kmsg.txt"),
}
FILES["oom_cli"] = FILES["oom_log"]


def k8s_seeds():
    """Cgroup paths (as the loader passes them) and Kubernetes log names."""
    out = set()
    for cap in CAPTURES:
        for base in ("sys/fs/cgroup/memory", "sys/fs/cgroup"):
            top = os.path.join(cap, base)
            for d, dirs, files in os.walk(top):
                rel = "/" + os.path.relpath(d, top) if d != top else "/"
                if rel.startswith("/memory") and base == "sys/fs/cgroup":
                    continue
                out.add(rel.replace("/.", "/") if rel != "/." else "/")
        for f in ("collector/k8s-pod-logs.txt", "collector/k8s-container-logs.txt"):
            p = os.path.join(cap, f)
            if os.path.isfile(p):
                out.update(l.strip() for l in open(p, errors="surrogateescape") if l.strip())
    for root in ROOTS:
        pods = os.path.join(root, "var", "log", "pods")
        if os.path.isdir(pods):
            for p in os.listdir(pods):
                for c in os.listdir(os.path.join(pods, p)):
                    out.add(f"{p}/{c}")
        cont = os.path.join(root, "var", "log", "containers")
        if os.path.isdir(cont):
            out.update(os.listdir(cont))
    return sorted(s.encode("utf-8", "surrogateescape") for s in out)


def capture_files(folder):
    """(relative path, bytes) of a capture folder, manifest.json first."""
    items = []
    for d, dirs, files in os.walk(folder):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            items.append((os.path.relpath(p, folder), open(p, "rb").read()))
    items.sort(key=lambda x: (x[0] != "manifest.json", x[0]))
    return items


def structured(items):
    """The fuzz_load input format: "@@@ path\\n<content>" per file."""
    out = io.BytesIO()
    for path, data in items:
        out.write(b"@@@ " + os.fsencode(path) + b"\n" + data)
        if data and not data.endswith(b"\n"):
            out.write(b"\n")
    return out.getvalue()


def tar_bytes(items, top, mode):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.PAX_FORMAT,
                      encoding="utf-8", errors="surrogateescape") as t:
        for path, data in items:
            ti = tarfile.TarInfo(f"{top}/{path}")
            ti.size = len(data)
            ti.mtime = 1767225600
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def collect_roots(collector, tmp):
    """Run the real collector on each fixture root; unpack each archive's
    regular files into tmp (our own output, but written file by file all
    the same).  Returns [(archive path, unpacked capture folder)]."""
    out = []
    for root in ROOTS:
        arc = os.path.join(tmp, os.path.basename(root) + ".tar.gz")
        subprocess.run([collector, "--root", root, "--no-bpftool",
                        "--kmsg", "none", "-o", arc],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not os.path.isfile(arc):
            continue
        with tarfile.open(arc, errors="surrogateescape") as t:
            for m in t.getmembers():
                if not m.isfile() or ".." in m.name.split("/") or m.name.startswith("/"):
                    continue
                dst = os.path.join(tmp, os.path.basename(root), m.name)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                with open(dst, "wb") as f:
                    f.write(t.extractfile(m).read())
                top = os.path.join(tmp, os.path.basename(root),
                                   m.name.split("/", 1)[0])
        out.append((arc, top))
    return out


def load_seeds(collected):
    seeds = []
    for cap in CAPTURES:
        items = capture_files(cap)
        seeds.append(structured(items))
        seeds.append(tar_bytes(items, os.path.basename(cap), "w:gz"))
    # A few small ones, so the fuzzer has short inputs to start from.
    if CAPTURES:
        items = capture_files(CAPTURES[0])
        small = [i for i in items if i[0] == "manifest.json" or
                 i[0].startswith("proc/meminfo") or i[0].count("/") <= 2][:12]
        seeds.append(structured(small))
        seeds.append(tar_bytes(small, "memsnap-small-20260101T000000Z", "w"))
        seeds.append(tar_bytes(small, "memsnap-small-20260101T000000Z", "w:xz"))
    for arc, folder in collected:
        seeds.append(open(arc, "rb").read())
        seeds.append(structured(capture_files(folder)))
    return seeds


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    collector = sys.argv[2] if len(sys.argv) > 2 else None
    targets = sorted(os.path.basename(p)[5:-2]
                     for p in glob.glob(os.path.join(REPO, "tests", "fuzz", "fuzz_*.c")))
    with tempfile.TemporaryDirectory() as tmp:
        collected = []
        if collector and os.access(collector, os.X_OK):
            collected = collect_roots(collector, tmp)
        # the collector's own files count as fixtures of their kind
        for name, t in (("manifest.json", "manifest"), ("status", "status"),
                        ("cgroup", "proc_cgroup"), ("memory.stat", "kv_list"),
                        ("meminfo", "meminfo")):
            for _, folder in collected:
                FILES[t] += sorted(f for f in glob.glob(os.path.join(folder, "**", name),
                                                        recursive=True)
                                   if os.path.isfile(f))
        for t in targets:
            if t in ("load", "report"):
                seeds = load_seeds(collected)
            elif t == "k8s":
                seeds = k8s_seeds()
            else:
                seeds = [open(f, "rb").read() for f in FILES.get(t, [])]
            d = os.path.join(outdir, t)
            os.makedirs(d, exist_ok=True)
            for f in os.listdir(d):
                os.unlink(os.path.join(d, f))
            names = set()
            for s in seeds:
                h = hashlib.sha1(s).hexdigest()
                if h in names:
                    continue
                names.add(h)
                with open(os.path.join(d, h), "wb") as f:
                    f.write(s)
            print(f"{t}: {len(names)} seeds")


if __name__ == "__main__":
    main()
