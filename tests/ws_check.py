"""Checks shared by the working-set tests (tests/t50-*.sh ... t59-*.sh).

    sys.path.insert(0, TESTS_DIR); from ws_check import *
    cap = Capture("capture.tar.gz")     # the archive's files, by path
    db = Db(memsnap, "capture.db")      # queries through `memsnap sql --json`
    check(cond, "what")                 # collects failures
    done()                              # prints them, exits 1 if any

Numbers are compared exactly unless the test states a tolerance and why.
"""
import json
import os
import subprocess
import sys
import tarfile

MIB = 1 << 20
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def eq(got, want, what):
    return check(got == want, f"{what}: {got!r}, want {want!r}")


def within(got, lo, hi, what):
    return check(got is not None and lo <= got <= hi,
                 f"{what}: {got!r}, want {lo!r} .. {hi!r}")


def lru_slack(ncpu, page=4096):
    """Page cache the kernel may not yet have moved to the LRU list a test
    expects when memory.stat is read.  Adding, activating and mlocking a
    folio go through per-CPU batches (mm/swap.c: 15 folios each, drained
    lazily), so a page read twice can still sit on the inactive list: t51
    once saw 48 MiB - 4 KiB active.  A folio's pages move together, and 6.x
    caches files in large folios (ext4: up to 2 MiB).  So: 64 pages per CPU,
    and at least 2 MiB.  What is charged is not batched: memory.stat's
    file (v2) and total_cache (v1) count every page cached, exactly."""
    return max(64 * page * ncpu, 2 * MIB)


def done():
    if failures:
        for f in failures:
            print("FAIL:", f)
        sys.exit(1)
    print("checks: ok")


def mib(v):
    return "NULL" if v is None else f"{v / MIB:.2f} MiB"


class Capture:
    """The files of a capture archive, keyed by their path below the top
    folder."""

    def __init__(self, path):
        self.files = {}
        with tarfile.open(path, "r:*") as tar:
            for m in tar.getmembers():
                if m.isfile():
                    rel = m.name.split("/", 1)[1] if "/" in m.name else m.name
                    self.files[rel] = tar.extractfile(m).read()
        self.manifest = json.loads(self.files["manifest.json"])
        self.root = self.manifest["cgroup"]["memory_root"]

    def get(self, rel):
        return self.files.get(rel)

    def cg_file(self, cgroup, name):
        base = self.root if cgroup == "/" else self.root + cgroup
        return self.files.get(base + "/" + name)

    def cg_value(self, cgroup, name):
        b = self.cg_file(cgroup, name)
        if b is None:
            return None
        s = b.decode().strip()
        return None if s == "max" else int(s)

    def cg_stat(self, cgroup, name="memory.stat"):
        b = self.cg_file(cgroup, name)
        d = {}
        if b is not None:
            for line in b.decode().splitlines():
                p = line.split()
                if len(p) == 2:
                    d[p[0]] = int(p[1])
        return d


def guest_capture(memsnap, out):
    """What a VM test's guest sent back to out (vm_run_capture, tests/vm/lib.sh):
    its capture, the database memsnap loaded from it, and expect.txt's
    KEY=VALUE lines as a dict."""
    cap = Capture(out + "/capture.tar.gz")
    db = Db(memsnap, out + "/capture.db")
    with open(out + "/expect.txt") as f:
        expect = dict(l.rstrip("\n").split("=", 1) for l in f)
    return cap, db, expect


class Db:
    def __init__(self, memsnap, path):
        self.memsnap = memsnap
        self.path = path

    def rows(self, sql):
        r = subprocess.run([self.memsnap, "sql", "--json", self.path, sql],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"FAIL: query failed: {r.stderr.strip()}\n  {sql}")
        out = json.loads(r.stdout) if r.stdout.strip() else []
        return out

    def one(self, sql):
        rows = self.rows(sql)
        return rows[0] if rows else None

    def value(self, sql):
        row = self.one(sql)
        return None if row is None else next(iter(row.values()))

    def breakdown(self, cgroup):
        """{component: bytes} of working_set_breakdown for one cgroup."""
        return {r["component"]: r["bytes"] for r in self.rows(
            "SELECT component, bytes FROM working_set_breakdown WHERE cgroup = "
            + quote(cgroup))}

    def cgroup(self, cgroup):
        return self.one("SELECT * FROM cgroups WHERE cgroup = " + quote(cgroup))

    def findings(self, code=None):
        sql = "SELECT * FROM findings"
        if code:
            sql += " WHERE code = " + quote(code)
        return self.rows(sql)


def manifest(hostname, release, mode="v2", seconds=1):
    """manifest.json of a generated capture (tests/t59-*): a complete
    capture of `hostname` on kernel `release`, taken at 2026-01-01T00:00:00Z
    in `seconds`, cgroup `mode` ("v2": the hierarchy at sys/fs/cgroup)."""
    return json.dumps({
        "format": "memsnap-capture", "format_version": 1,
        "collector": {"name": "memsnap-collect", "version": "0.1.0", "pid": 1},
        "complete": True, "interrupted": None, "hostname": hostname,
        "kernel": {"release": release, "version": "#1 SMP", "machine": "x86_64"},
        "boot_id": "5ca1e000-0000-4000-8000-000000000000", "page_size": 4096,
        "clock": {"started_utc": "2026-01-01T00:00:00.000000Z",
                  "finished_utc": "2026-01-01T00:00:%02d.000000Z" % seconds,
                  "started_monotonic": 1000.0, "finished_monotonic": 1000.0 + seconds,
                  "started_boottime": 1000.0, "finished_boottime": 1000.0 + seconds},
        "root": "/", "cgroup": {"mode": mode, "memory_root": "sys/fs/cgroup"},
        "problems": []})


def quote(s):
    return "'" + s.replace("'", "''") + "'"


def show_breakdown(db, cgroup):
    b = db.breakdown(cgroup)
    g = db.cgroup(cgroup) or {}
    print(f"{cgroup}: working set {mib(g.get('working_set_bytes'))} = "
          + " + ".join(f"{k} {mib(v)}" for k, v in b.items() if v))
    return b
