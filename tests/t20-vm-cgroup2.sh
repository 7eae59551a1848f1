#!/bin/bash
# cgroup v2 for real: boot Debian's kernel under qemu (tests/vm/), make memory
# cgroups with processes holding known anon, page cache and shmem, a process
# holding a BPF map, and a cgroup whose process is OOM-killed at its
# memory.max; capture with memsnap-collect in the guest
# (tests/vm/guest/cgroup2-capture.sh), and check the archive here against
# schema/capture.md and what the guest made:
#   - manifest.json first, cgroup.mode "v2", memory_root "sys/fs/cgroup";
#   - each test cgroup's memory.current/.stat/.max/.events, memory.max as set,
#     oom_kill >= 1 in the OOM cgroup's memory.events;
#   - each holder's proc/<pid>/status, smaps_rollup and cgroup (naming its
#     cgroup), the BPF map's fdinfo naming its id;
#   - the kernel log's OOM report naming the killed memhog, and loaded, the
#     oom_kills view's row for it: comm, memcg, limit as set, wall time;
#   - the bytes as the kernel gave them: the shmem cgroup holds exactly the
#     48 MiB memhog made, anon and page cache at least what was made.
# Skips (77) when no VM can be booted here or the collector is not built.
set -u
. "$(dirname "$0")/vm/lib.sh"

vm_require
vm_require_bin "$C" "$BUILD_DIR/helpers/memhog" "$BUILD_DIR/helpers/bpfhold"
if ! "$C" --help >/dev/null 2>&1; then
	skip "'$C --help' fails: the collector is not implemented yet"
fi

out=$(vm_outdir t20-vm-cgroup2)
vm_run_guest "$out" -t 300 --bin "$C" \
	--bin "$BUILD_DIR/helpers/memhog" --bin "$BUILD_DIR/helpers/bpfhold" \
	"$TESTS_DIR/vm/guest/cgroup2-capture.sh"
[ -s "$out/capture.tar.gz" ] || vm_fail "no capture.tar.gz came back"

python3 - "$out" <<'EOF' || exit 1
import json, os, re, sys, tarfile

out = sys.argv[1]
failures = []

def check(cond, what):
    if not cond:
        failures.append(what)
    return cond

expect = {}
with open(os.path.join(out, "expect.txt")) as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition("=")
        expect[k] = v

# tarfile reads the concatenated gzip members the collector writes.
with tarfile.open(os.path.join(out, "capture.tar.gz"), "r:gz") as tar:
    members = tar.getmembers()
    files = {}
    for m in members:
        if m.isfile():
            files[m.name] = tar.extractfile(m).read()

first = members[0].name
top = first.split("/")[0]
check(first == top + "/manifest.json", f"first entry is '{first}', not <top>/manifest.json")
check(re.fullmatch(r"memsnap-[A-Za-z0-9._-]+-\d{8}T\d{6}Z", top) is not None,
      f"top folder '{top}' is not memsnap-<host>-<time>")
check(all(m.name.startswith(top + "/") for m in members), "entries outside the top folder")
check(all(m.isfile() for m in members), "non-regular entries: " +
      ", ".join(m.name for m in members if not m.isfile())[:300])

def get(path):
    return files.get(f"{top}/{path}")

manifest = json.loads(get("manifest.json"))
cg = manifest.get("cgroup", {})
check(cg.get("mode") == "v2", f"manifest cgroup.mode is {cg.get('mode')!r}, not 'v2'")
check(cg.get("memory_root") == "sys/fs/cgroup",
      f"manifest cgroup.memory_root is {cg.get('memory_root')!r}")
root = cg.get("memory_root") or "sys/fs/cgroup"

def kv(buf):
    d = {}
    for line in buf.decode().splitlines():
        p = line.split()
        if len(p) == 2:
            d[p[0]] = int(p[1])
    return d

for n in expect["cgroups"].split():
    base = f"{root}/t20/{n}"
    for f in ("memory.current", "memory.stat", "memory.max", "memory.events"):
        check(get(f"{base}/{f}") is not None, f"{base}/{f} missing")
    mx = get(f"{base}/memory.max")
    if mx is not None:
        check(mx.decode().strip() == expect[f"max_{n}"],
              f"{base}/memory.max is {mx.decode().strip()!r}, set {expect['max_' + n]!r}")

ev = get(f"{root}/t20/oom/memory.events")
if ev is not None:
    check(kv(ev).get("oom_kill", 0) >= 1, f"{root}/t20/oom/memory.events: no oom_kill: {ev!r}")

MIB = 1 << 20
def stat(n):
    buf = get(f"{root}/t20/{n}/memory.stat")
    return kv(buf) if buf is not None else {}
check(stat("anon").get("anon", 0) >= 64 * MIB, f"anon cgroup anon {stat('anon').get('anon')} < 64 MiB")
check(stat("cache").get("file", 0) >= 48 * MIB, f"cache cgroup file {stat('cache').get('file')} < 48 MiB")
check(stat("shmem").get("shmem") == 48 * MIB,
      f"shmem cgroup shmem {stat('shmem').get('shmem')} != 48 MiB (tmpfs 32 + memfd 8 + SysV 8)")

for n in ("anon", "cache", "shmem", "bpf"):
    pid = expect[f"pid_{n}"]
    for f in ("status", "smaps_rollup", "cgroup"):
        check(get(f"proc/{pid}/{f}") is not None, f"proc/{pid}/{f} ({n} holder) missing")
    c = get(f"proc/{pid}/cgroup")
    if c is not None:
        check(c.decode().strip() == f"0::/t20/{n}", f"proc/{pid}/cgroup is {c!r}")
    st = get(f"proc/{pid}/status")
    if st is not None:
        check(b"Name:\tmemhog" in st or b"Name:\tbpfhold" in st, f"proc/{pid}/status names {st[:40]!r}")

fdinfo = get(f"proc/{expect['pid_bpf']}/fdinfo/{expect['map_fd']}")
if check(fdinfo is not None, f"proc/{expect['pid_bpf']}/fdinfo/{expect['map_fd']} (BPF map) missing"):
    check(re.search(rb"^map_id:\s*" + expect["map_id"].encode() + rb"$", fdinfo, re.M),
          f"fdinfo does not name map {expect['map_id']}: {fdinfo!r}")

kmsg = get("collector/kmsg.txt") or get("collector/kmsg-syslog.txt")
if check(kmsg is not None, "no collector/kmsg.txt nor kmsg-syslog.txt"):
    text = kmsg.decode(errors="replace")
    pid = expect["oom_pid"]
    check("invoked oom-killer" in text, "kernel log has no 'invoked oom-killer' line")
    check(re.search(rf"Killed process {pid} \(memhog\)", text),
          f"kernel log does not name the killed memhog {pid}")
    check(re.search(rf"oom-kill:.*oom_memcg=/t20/oom,.*pid={pid},", text),
          f"kernel log has no oom-kill: line for /t20/oom and pid {pid}")

print(f"capture: {len(members)} entries, top {top}, collector status {expect['collect_status']}")
if failures:
    for f in failures:
        print("FAIL:", f)
    sys.exit(1)
print("archive checks: ok")
EOF

# The analyzer, once it loads captures: the same facts through its views.
if "$M" load --help >/dev/null 2>&1; then
	db=$out/capture.db
	rm -f "$db"
	"$M" load "$out/capture.tar.gz" -o "$db" || vm_fail "memsnap load failed"
	# RFC 4180 CSV: CRLF line ends.
	q() { sql_rows "$db" "$1"; }
	for n in $(sed -n 's/^cgroups=//p' "$out/expect.txt"); do
		want=$(sed -n "s/^max_$n=//p" "$out/expect.txt")
		got=$(q "SELECT limit_bytes FROM cgroups WHERE cgroup = '/t20/$n'")
		[ "$got" = "$want" ] || vm_fail "memsnap: /t20/$n limit_bytes '$got', set $want"
	done
	got=$(q "SELECT oom_kill_count FROM cgroups WHERE cgroup = '/t20/oom'")
	[ "${got:-0}" -ge 1 ] 2>/dev/null || vm_fail "memsnap: /t20/oom oom_kill_count '$got'"
	# The OOM kill the guest provoked, as the oom_kills view tells it
	oom_pid=$(sed -n 's/^oom_pid=//p' "$out/expect.txt")
	oom_max=$(sed -n 's/^max_oom=//p' "$out/expect.txt")
	got=$(q "SELECT killed_comm, oom_memcg, task_memcg, memcg_limit_bytes, \"constraint\",
		wall_time IS NOT NULL, complete FROM oom_kills WHERE killed_pid = $oom_pid")
	[ "$got" = "memhog,/t20/oom,/t20/oom,$oom_max,CONSTRAINT_MEMCG,1,1" ] ||
		vm_fail "memsnap: oom_kills for pid $oom_pid: '$got', want memhog in /t20/oom, limit $oom_max"
	echo "memsnap load: oom_kills names pid $oom_pid, memhog, /t20/oom, limit $oom_max"
	got=$(q "SELECT shmem_bytes FROM cgroups WHERE cgroup = '/t20/shmem'")
	[ "$got" = $((48 << 20)) ] || vm_fail "memsnap: /t20/shmem shmem_bytes '$got', made $((48 << 20))"
	echo "memsnap load: limits, oom_kill_count and shmem of the test cgroups as made"
else
	echo "note: '$M load' not available yet, analyzer checks not run"
fi
echo ok
