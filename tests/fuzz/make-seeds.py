#!/usr/bin/env python3
"""Build the fuzzers' seed corpora from the repository's real samples.

usage: make-seeds.py OUTDIR [COLLECTOR]

Writes OUTDIR/<target>/<sha1> for every target in tests/fuzz/fuzz_*.c, from
the real samples ($SAMPLES_DIR, default ../shared/samples: real kernel files
from the field, read in place, not kept in git), what tests/run-tests made
from them ($SAMPLE_FIXTURES_DIR: OOM log variants, report captures; both
left out where absent), tests/fixtures (kernel docs, fixture roots, fixture
captures, kernel logs) and, when COLLECTOR is
given, archives the real collector writes from the fixture roots.  Seeds are
not kept in git: they are made from the files the tests already trust, so
they follow the samples as those grow.  The collector's parsers get made-up
ELF and environ files too, and real executables: /bin/true, the collector,
and a small Go program built once (when `go` is installed) into
OUTDIR/../go-seed/.
"""
import glob
import hashlib
import io
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
S = os.environ.get("SAMPLES_DIR") or os.path.join(REPO, "..", "shared", "samples")
MADE = os.environ.get("SAMPLE_FIXTURES_DIR") or os.path.join(REPO, "build", "from-samples")
F = os.path.join(REPO, "tests", "fixtures")


def g(*patterns):
    """Files matching the patterns; "samples/" and "made/" name $SAMPLES_DIR
    and $SAMPLE_FIXTURES_DIR, anything else is under the repository."""
    out = []
    for p in patterns:
        if p.startswith("samples/"):
            p = os.path.join(S, p[len("samples/"):])
        elif p.startswith("made/"):
            p = os.path.join(MADE, p[len("made/"):])
        out += sorted(glob.glob(os.path.join(REPO, p), recursive=True))
    return [f for f in out if os.path.isfile(f) and not os.path.islink(f)]


CAPTURES = sorted(d for d in glob.glob(os.path.join(F, "captures", "*", "memsnap-*"))
                  + glob.glob(os.path.join(MADE, "captures", "*", "memsnap-*"))
                  if os.path.isdir(d))
ROOTS = sorted(glob.glob(os.path.join(F, "roots", "*")))
ROOTS = [r for r in ROOTS if os.path.isdir(r)]

# Files of a kind, wherever the fixtures keep them.
def kind(name):
    return g(f"tests/fixtures/captures/*/memsnap-*/**/{name}",
             f"made/captures/*/memsnap-*/**/{name}",
             f"tests/fixtures/roots/*/**/{name}")


FILES = {
    "status": g("samples/status/*", "tests/fixtures/parse/proc-rst-status*")
              + kind("status") + g("tests/fixtures/captures/k8s-real/*/status"),
    "smaps_rollup": g("samples/smaps_rollup/*",
                      "tests/fixtures/parse/proc-rst-smaps*")
                    + kind("smaps_rollup") + g("tests/fixtures/captures/k8s-real/*/smaps_rollup"),
    "proc_cgroup": g("tests/fixtures/roots/*/proc/*/cgroup",
                     "tests/fixtures/captures/*/memsnap-*/proc/*/cgroup"),
    "bpf_fdinfo": g("tests/fixtures/parse/bpf-fdinfo-*",
                    "tests/fixtures/roots/*/proc/*/fdinfo/*",
                    "tests/fixtures/captures/*/memsnap-*/proc/*/fdinfo/*",
                    "tests/fixtures/captures/k8s-real/*/fdinfo-*"),
    "kv_list": g("samples/memstat-v1/*", "samples/memstat-v2/*memory.stat*",
                 "samples/memstat-v2/*MEMORY_STAT*",
                 "samples/memstat-v2/*memory.events*",
                 "tests/fixtures/parse/cgroup-*",
                 "tests/fixtures/captures/k8s-real/*/memory.stat",
                 "tests/fixtures/captures/k8s-real/*/memory.events",
                 "tests/fixtures/captures/k8s-real/*/root-memory.stat")
               + kind("memory.stat") + kind("memory.events") + kind("vmstat")
               + kind("memory.swap.events") + kind("cgroup.stat"),
    "one_value": g("samples/memstat-v2/memory.current*",
                   "samples/memstat-v2/memory.max*",
                   "tests/fixtures/captures/k8s-real/*/memory.current",
                   "tests/fixtures/captures/k8s-real/*/memory.usage_in_bytes")
                 + kind("memory.current") + kind("memory.max") + kind("memory.high")
                 + kind("memory.limit_in_bytes") + kind("memory.usage_in_bytes")
                 + kind("memory.swap.max") + kind("memory.oom.group"),
    "oom_control": g("tests/fixtures/parse/*oom_control*",
                     "tests/fixtures/captures/k8s-real/*/memory.oom_control")
                   + kind("memory.oom_control"),
    "psi": g("samples/other/*pressure*", "tests/fixtures/parse/psi-*",
             "tests/fixtures/captures/k8s-real/*/memory.pressure",
             "tests/fixtures/captures/k8s-real/*/pressure-memory")
           + kind("memory.pressure") + g("tests/fixtures/roots/*/proc/pressure/memory"),
    "meminfo": g("samples/meminfo/*", "tests/fixtures/parse/proc-rst-meminfo*",
                 "tests/fixtures/captures/k8s-real/*/meminfo") + kind("meminfo"),
    "bpftool": g("samples/bpftool/*", "tests/fixtures/parse/bpftool-*")
               + kind("bpftool-map.json") + kind("bpftool-prog.json"),
    "manifest": kind("manifest.json"),
    "oom_log": g("samples/oom/*", "tests/fixtures/oom/*.txt", "made/oom/*.txt",
                 "tests/fixtures/kmsg/*") + kind("kmsg.txt"),
}
FILES["go"] = g("tests/fixtures/captures/*/memsnap-*/collector/go/*.json",
                "tests/fixtures/roots/*/**/collector/go/*.json")
FILES["pidfiles"] = kind("oom_score_adj") + kind("cmdline") + kind("cgroup.procs")
FILES["oom_cli"] = FILES["oom_log"]
# The collector's own parsers (collect/): the kernel log filter takes the
# same logs; mountinfo comes from the fixture roots and this machine.
FILES["kmsg"] = FILES["oom_log"]
FILES["mountinfo"] = kind("mountinfo")


# The issue-16 samples are read in place ($SAMPLES_DIR, else tests/samples).
def samples(*patterns):
    top = os.environ.get("SAMPLES_DIR") or S
    out = []
    for p in patterns:
        out += sorted(glob.glob(os.path.join(top, p)))
    return [f for f in out if os.path.isfile(f)]


FILES["proc_cgroups"] = samples("cgroup-dying/*") + kind("cgroups")
FILES["kill_log"] = samples("oomd/*", "kubelet-eviction/*") + kind("journal-kills.txt")
FILES["limits"] = samples("kubelet-config/*", "runtime-heap/*")
FILES["tmpfs"] = samples("tmpfs-emptydir/*") + kind("tmpfs.txt")
FILES["kubelet"] = samples("kubelet-config/*") + kind("kubelet.txt")


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
                out.add(open(p, errors="surrogateescape").read())   # the whole list
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


# ---- the collector's parsers ------------------------------------------------

def go_elf(version, fmt="inline", is64=True, big=False, odd=None):
    """An ELF file as tests/test_collect_util.h's make_go_elf() writes it:
    [1] .shstrtab, [2] .go.buildinfo, [3] .rodata (the pointer format's
    string header and bytes).  fmt: inline (Go 1.18+), pointer (before),
    none (no .go.buildinfo), bad_magic.  odd: a twist that reaches one more
    path of collect/goinfo.c: "shnum0" and "shstrndx_xnum" (the counts in
    section 0, as for files of many sections), "nobits", "long" (a version
    whose length takes a two-byte uvarint), "unprintable"."""
    ps, shent = (8, 64) if is64 else (4, 40)
    base, shstr, bi, ro, sh = 0x400000, 0x100, 0x200, 0x400, 0x600
    names = b"\0.shstrtab\0.go.buildinfo\0.rodata\0"
    v = version.encode()
    buf = bytearray(sh + 4 * shent)

    def put(off, val, size):
        buf[off:off + size] = val.to_bytes(size, "big" if big else "little")

    buf[0:4] = b"\x7fELF"
    buf[4], buf[5], buf[6] = (2 if is64 else 1), (2 if big else 1), 1
    put(16, 2, 2)
    put(18, 62 if is64 else 3, 2)
    put(20, 1, 4)
    shnum = 0 if odd == "shnum0" else 4
    shstrndx = 0xffff if odd == "shstrndx_xnum" else 1
    if is64:
        put(40, sh, 8); put(52, 64, 2); put(58, shent, 2)
        put(60, shnum, 2); put(62, shstrndx, 2)
    else:
        put(32, sh, 4); put(40, 52, 2); put(46, shent, 2)
        put(48, shnum, 2); put(50, shstrndx, 2)
    buf[shstr:shstr + len(names)] = names
    buf[bi:bi + 14] = b"\xff Go buildinX:" if fmt == "bad_magic" else b"\xff Go buildinf:"
    buf[bi + 14] = ps
    if fmt != "pointer":
        buf[bi + 15] = 0x2 | (1 if big else 0)
        if odd == "unprintable":
            v = v[:2] + b"\x07" + v[3:]
        if odd == "long":
            v = (v + b"-" + b"x" * 200)[:200]
        n = len(v)
        lv = bytes([n]) if n < 0x80 else bytes([n & 0x7f | 0x80, n >> 7])
        rec = lv + v + b"\x05mod\tx"
        buf[bi + 32:bi + 32 + len(rec)] = rec
    else:
        buf[bi + 15] = 1 if big else 0
        put(bi + 16, base + ro, ps)
        put(ro, base + ro + 2 * ps, ps)
        put(ro + ps, len(v), ps)
        buf[ro + 2 * ps:ro + 2 * ps + len(v)] = v
    if odd in ("shnum0", "shstrndx_xnum"):
        o = sh   # section 0: sh_size holds the count, sh_link the index
        if is64:
            put(o + 32, 4, 8); put(o + 40, 1, 4)
        else:
            put(o + 20, 4, 4); put(o + 24, 1, 4)
    for i in (1, 2, 3):
        o = sh + i * shent
        name = {1: 1, 2: 11, 3: 25}[i]
        if i == 2 and fmt == "none":
            name = 26          # "rodata": not .go.buildinfo
        typ = 3 if i == 1 else 8 if (i == 2 and odd == "nobits") else 1
        addr = 0 if i == 1 else base + (bi if i == 2 else ro)
        off = {1: shstr, 2: bi, 3: ro}[i]
        size = len(names) if i == 1 else 0x100
        put(o, name, 4)
        put(o + 4, typ, 4)
        if is64:
            put(o + 16, addr, 8); put(o + 24, off, 8); put(o + 32, size, 8)
        else:
            put(o + 12, addr, 4); put(o + 16, off, 4); put(o + 20, size, 4)
    return bytes(buf)


def compact_elf(data, keep=(b".shstrtab", b".go.buildinfo")):
    """A real ELF file cut down to what goinfo_read_version() reads: the
    header, the section headers, the section names and .go.buildinfo; every
    other section keeps its header (addresses, sizes) but points at offset
    0.  A 64-bit little-endian file only (what this machine builds); None
    otherwise or when it does not parse."""
    try:
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            return None
        shoff, = struct.unpack_from("<Q", data, 40)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 58)
        if shentsize != 64 or not shnum or shstrndx >= shnum:
            return None
        shdrs = [bytearray(data[shoff + i * 64:shoff + (i + 1) * 64])
                 for i in range(shnum)]
        so, ss = struct.unpack_from("<QQ", shdrs[shstrndx], 24)
        names = data[so:so + ss]
        out = bytearray(data[:64])
        for h in shdrs:
            nm = names[struct.unpack_from("<I", h, 0)[0]:].split(b"\0", 1)[0]
            off, size = struct.unpack_from("<QQ", h, 24)
            if nm in keep:
                struct.pack_into("<Q", h, 24, len(out))
                out += data[off:off + size]
            else:
                struct.pack_into("<Q", h, 24, 0)
        struct.pack_into("<Q", out, 40, len(out))
        for h in shdrs:
            out += h
        return bytes(out)
    except (struct.error, IndexError):
        return None


def go_hello(cache):
    """A small real Go program (when `go` is installed), built once into
    cache: offline, -trimpath, a throw-away GOCACHE.  Returns its bytes or
    None."""
    exe = os.path.join(cache, "hello")
    if os.path.isfile(exe):
        return open(exe, "rb").read()
    go = shutil.which("go")
    if not go:
        return None
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "hello.go")
        with open(src, "w") as f:
            f.write('package main\n\nfunc main() { println("hello") }\n')
        env = dict(os.environ, GOCACHE=os.path.join(tmp, "cache"),
                   GOPATH=os.path.join(tmp, "gopath"), GOPROXY="off",
                   GOFLAGS="-trimpath", GOENV="off", GO111MODULE="off",
                   GOTOOLCHAIN="local", CGO_ENABLED="0")
        r = subprocess.run([go, "build", "-ldflags=-s -w", "-o", exe + ".tmp", src],
                           env=env, cwd=tmp, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if r.returncode != 0 or not os.path.isfile(exe + ".tmp"):
            return None
        os.rename(exe + ".tmp", exe)
    return open(exe, "rb").read()


GOINFO_MAX = 1 << 20   # tests/fuzz/run: -max_len for goinfo


def goinfo_seeds(cache, collector):
    seeds = []
    for fmt in ("inline", "pointer"):
        for is64 in (True, False):
            for big in (False, True):
                seeds.append(go_elf("go1.22.3" if fmt == "inline" else "go1.16.15",
                                    fmt, is64, big))
    for odd in ("shnum0", "shstrndx_xnum", "nobits", "long", "unprintable"):
        seeds.append(go_elf("go1.21.0", "inline", True, False, odd))
    seeds.append(go_elf("go1.10.8", "pointer", False, True, "shnum0"))
    seeds.append(go_elf("go1.22.3", "none"))
    seeds.append(go_elf("go1.22.3", "bad_magic"))
    seeds.append(go_elf("devel go1.23-abcdef Tue Jan 1", "inline"))
    # real programs: a Go one, a dynamic C one, the static collector
    real = [go_hello(cache)]
    for p in ("/bin/true", collector):
        if p and os.path.isfile(p):
            real.append(open(p, "rb").read())
    for data in real:
        if not data:
            continue
        if len(data) <= GOINFO_MAX:
            seeds.append(data)
        c = compact_elf(data)
        if c:
            seeds.append(c)
    seeds.append(b"#!/bin/sh\necho hi\n")
    return seeds


def goenv_seeds():
    """environ texts (made up here: a real environ holds secrets), each
    after the target's header: byte 0 = number of cuts, then the cuts."""
    envs = [
        b"HOME=/root\0GOGC=off\0DB_PASSWORD=hunter2\0GOMAXPROCS=4\0"
        b"GOGC=100\0GOMEMLIMITX=1\0XGOGC=5\0GODEBUG=gctrace=1,madvdontneed=1\0"
        b"GOMEMLIMIT=900MiB\0=weird\0noequals\0",
        b"PATH=/usr/local/bin:/usr/bin:/bin\0HOSTNAME=web-7d9f\0"
        b"KUBERNETES_SERVICE_HOST=10.96.0.1\0GOMEMLIMIT=1932735283\0",
        b"GODEBUG=" + b"x" * 4200 + b"\0GOGC=50",
        b"GOMAXPROCS=" + b"9" * 4096 + b"\0GOGC=",
        b"AVERYLONGVARIABLENAME_GOGC=1\0GOGC==1=\0\0\0GOMAXPROCS",
    ]
    seeds = []
    for env in envs:
        seeds.append(b"\0" + env)
        n = len(env)
        cuts = [n // 3, n // 2, n - 1]
        seeds.append(bytes([len(cuts)]) + b"".join(struct.pack("<H", c % 65536)
                                                  for c in cuts) + env)
    return seeds


def mountinfo_seeds():
    seeds = [open(f, "rb").read() for f in FILES["mountinfo"]]
    for p in ("/proc/self/mountinfo", "/proc/1/mountinfo"):
        try:
            with open(p, "rb") as f:
                seeds.append(f.read())
        except OSError:
            pass
    return seeds


def json_escape_seeds():
    """Strings of the kinds the manifest carries, and broken UTF-8."""
    seeds = [b"", b"proc/1234/smaps_rollup", b"GODEBUG=gctrace=1",
             "kubepods-burstable-pod7c1b\u00e9.slice/cri-containerd-ab\u2603".encode(),
             "\U0001f600 \u00fc\u00df".encode(), b"tab\there\nnew\"line\\ \x7f\x01",
             b"\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82 \xff\xfe",
             b"nul\0inside"]
    seeds += k8s_seeds()[:20]
    return seeds


def sample_pack_seeds():
    """Packs of a later sample (capture.md 6.1) of the fixtures' status and
    memory.stat files, one and several records a pack."""
    def rec(path, data):
        return b"%d %d\n%s%s\n" % (len(path), len(data), path, data)
    files = [(f, open(f, "rb").read()) for f in FILES["status"][:8] + FILES["kv_list"][:8]]
    recs = [rec(os.path.relpath(f, REPO).encode(), d) for f, d in files]
    return recs + [b"".join(recs), b"".join(recs)[:-1], b""]


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


def tar_seeds(collected):
    """Plain tar streams, each behind a byte that picks the fuzz target's
    piece size: every format tarfile writes (long names, pax sizes, links,
    a folder) and the collector's archives, decompressed (their first
    64 KiB)."""
    import gzip
    long = "d" * 80 + "/" + "n" * 60
    streams = []
    for fmt in (tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
            for name, kind, data in (("top/", tarfile.DIRTYPE, b""),
                                     ("top/manifest.json", tarfile.REGTYPE, b"{}\n"),
                                     ("top/" + long, tarfile.REGTYPE, b"long\n"),
                                     ("top/link", tarfile.SYMTYPE, b""),
                                     ("top/hard", tarfile.LNKTYPE, b"")):
                ti = tarfile.TarInfo(name)
                ti.type, ti.size, ti.mtime = kind, len(data), 1767225600
                if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
                    ti.linkname = "top/manifest.json"
                t.addfile(ti, io.BytesIO(data))
        streams.append(buf.getvalue())
    for arc, _ in collected:
        streams.append(gzip.decompress(open(arc, "rb").read())[:65535])
    return [bytes([piece]) + s for s in streams for piece in (0, 5, 127, 200)]


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
        # the collector's pure readers of the same files
        FILES["status_kind"] = FILES["status"]
        FILES["status_sample"] = FILES["status"]   # a later sample's status
        FILES["self_path"] = FILES["proc_cgroup"] + glob.glob("/proc/self/cgroup")
        for t in targets:
            if t in ("load", "report"):
                seeds = load_seeds(collected)
            elif t == "k8s":
                seeds = k8s_seeds()
            elif t == "goinfo":
                seeds = goinfo_seeds(os.path.join(os.path.dirname(os.path.abspath(outdir)),
                                                  "go-seed"), collector)
            elif t == "goenv":
                seeds = goenv_seeds()
            elif t == "mountinfo":
                seeds = mountinfo_seeds()
            elif t == "json_escape":
                seeds = json_escape_seeds()
            elif t == "sample_pack":
                seeds = sample_pack_seeds()
            elif t == "tar":
                seeds = tar_seeds(collected)
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
