#!/bin/bash
# Where the working set goes, proven on cgroup v2: in the test VM (Debian's
# 6.1 kernel, pure cgroup v2; tests/vm/README.md) memory cgroups hold known
# amounts of each kind of memory (tests/vm/guest/ws-v2.sh), are captured by
# memsnap-collect there, and loaded and checked here.
#
#   cgroup   holds (helper)
#   anon     64 MiB private anonymous memory (memhog --anon)
#   file     48 MiB of a file on /scratch (ext4), read twice and mapped
#   shmem    32 MiB tmpfs + 8 MiB memfd + 8 MiB SysV shm
#   mlock    24 MiB of a file on /scratch, mapped and mlocked
#   kernel   32 MiB of page tables, 64 threads (wsload)
#   dentry   50,000 negative dentries on /scratch (reclaimable slab)
#   sock     8 TCP connections over loopback with full buffers
#   bpf      a BPF hash map of 65,536 entries, filled (bpfhold)
# every one with memory.max 256M.
#
# Checked per test cgroup, as in t50 but with the v2 keys:
#   - usage_bytes = archived memory.current, working_set_bytes = current -
#     inactive_file, limit_bytes = memory.max read after the capture;
#   - the components add up to working_set_bytes exactly and each equals
#     its memory.stat key (kernel_other = kernel - the parts);
#   - the components hold what was made: anon 64 MiB (+ 256 KiB: memhog's
#     own pages), shmem exactly 48 MiB, file >= the 48 MiB cached and
#     active_file the 48 MiB read twice less what the per-CPU LRU batches
#     may still hold back (ws_check.lru_slack), file_other the mlocked file, pagetables >= 32 MiB,
#     kernel_stack exactly 64 x 16 KiB (THREAD_SIZE on x86-64: each thread
#     created in the cgroup charges one stack), slab_reclaimable >= 50,000
#     dentries of 192 bytes, sock >= the payload queued (the charge is the
#     buffers' truesize, more than the payload), the BPF map's memory in
#     the cgroup's kernel memory (vmalloc + kernel_other >= memlock: 6.1
#     estimates memlock below what a hash map really uses, and charges the
#     map to the memcg of the process that created it);
#   - unexplained is between 0 and 64 pages per CPU (the per-CPU charge
#     stocks); exactly current - (anon + file + swapcached + kernel + sock);
#   - the root: no memory.current on v2; usage is anon + file (what runc
#     and cAdvisor use), no kernel rows, unexplained exactly 0.
# Skips (77) when no VM can be booted here.
set -u
. "$(dirname "$0")/vm/lib.sh"

vm_require_checked "$BUILD_DIR/helpers/memhog" "$BUILD_DIR/helpers/wsload" \
	"$BUILD_DIR/helpers/bpfhold"

out=$(vm_outdir t51-working-set-v2)
vm_run_capture "$out" -t 400 --disk 512 --bin "$C" \
	--bin "$BUILD_DIR/helpers/memhog" --bin "$BUILD_DIR/helpers/wsload" \
	--bin "$BUILD_DIR/helpers/bpfhold" "$TESTS_DIR/vm/guest/ws-v2.sh"

python3 - "$TESTS_DIR" "$M" "$out" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from ws_check import *

memsnap, out = sys.argv[2:4]
cap, db, expect = guest_capture(memsnap, out)
PAGE = cap.manifest.get("page_size", 4096)
STOCK = 64 * PAGE * int(expect["ncpu"])
names = expect["cgroups"].split()
eq(cap.manifest["cgroup"]["mode"], "v2", "cgroup mode")
print("kernel", cap.manifest["kernel"]["release"])

KPARTS = ("slab_reclaimable", "slab_unreclaimable", "kernel_stack", "pagetables",
          "sec_pagetables", "percpu", "vmalloc", "zswap")

def components_from_archive(cg):
    s = cap.cg_stat(cg)
    c = {"anon": s["anon"], "shmem": s["shmem"], "active_file": s["active_file"],
         "file_other": s["file"] - s["active_file"] - s["inactive_file"] - s["shmem"]}
    if cg != "/":
        c["swapcached"] = s["swapcached"]
        for k in ("slab_reclaimable", "slab_unreclaimable", "kernel_stack",
                  "percpu", "sock", "vmalloc"):
            c[k] = s[k]
        c["pagetables"] = s["pagetables"] + s.get("sec_pagetables", 0)
        c["zswap"] = s.get("zswap")     # 5.19+, CONFIG_ZSWAP
        c["kernel_other"] = s["kernel"] - sum(s.get(k, 0) for k in KPARTS)
    return c

got = {}
for n in names + [None, "/"]:
    cg = "/ws/" + n if n and n != "/" else ("/" if n == "/" else "/ws")
    row = db.cgroup(cg)
    if not check(row is not None, f"{cg}: not in the cgroups view"):
        continue
    s = cap.cg_stat(cg)
    if cg == "/":
        eq(cap.cg_file("/", "memory.current"), None, "the v2 root has no memory.current")
        usage = s["anon"] + s["file"]
    else:
        usage = cap.cg_value(cg, "memory.current")
    eq(row["usage_bytes"], usage, f"{cg}: usage_bytes")
    eq(row["working_set_bytes"], usage - s["inactive_file"], f"{cg}: working_set_bytes")
    if n and n != "/":
        eq(row["limit_bytes"], int(expect["max_" + n]), f"{cg}: limit_bytes vs memory.max")
    b = show_breakdown(db, cg)
    got[n] = b
    eq(sum(b.values()), row["working_set_bytes"], f"{cg}: components sum vs working_set_bytes")
    for k, v in components_from_archive(cg).items():
        eq(b.get(k), v, f"{cg}: component {k} vs memory.stat")
    if cg == "/":
        eq(b.get("unexplained"), 0, "root: unexplained (usage is anon + file)")
        for k in KPARTS + ("kernel_other", "sock"):
            check(k not in b, f"root: kernel memory is not in the root's usage, got {k}")
        continue
    eq(b.get("unexplained"),
       usage - (s["anon"] + s["file"] + s["swapcached"] + s["kernel"] + s["sock"]),
       f"{cg}: unexplained vs current - (anon + file + swapcached + kernel + sock)")
    hi = STOCK if n else STOCK * (len(names) + 1)
    within(b.get("unexplained"), 0, hi, f"{cg}: unexplained (per-CPU charge stocks)")

g = got
within(g["anon"].get("anon"), 64 * MIB, 64 * MIB + 256 * 1024, "anon cgroup: anon")
eq(g["shmem"].get("shmem"), 48 * MIB, "shmem cgroup: shmem (tmpfs 32 + memfd 8 + SysV 8 MiB)")
eq(g["shmem"].get("anon"), 0, "shmem cgroup: anon")
SLACK = lru_slack(int(expect["ncpu"]), PAGE)
within(cap.cg_stat("/ws/file")["file"], 48 * MIB, 49 * MIB,
       "file cgroup: file (48 MiB cached, charged exactly)")
within(g["file"].get("active_file"), 48 * MIB - SLACK, 49 * MIB,
       "file cgroup: active_file (48 MiB read twice; LRU batches may hold some back)")
eq(g["file"].get("shmem"), 0, "file cgroup: shmem")
m = g["mlock"]
within(cap.cg_stat("/ws/mlock")["file"], 24 * MIB, 25 * MIB, "mlock cgroup: file (24 MiB file)")
within(m.get("file_other"), 24 * MIB - SLACK, 24 * MIB + 64 * 1024,
       "mlock cgroup: file_other (mlocked; LRU batches may hold some back)")
k = g["kernel"]
within(k.get("pagetables"), 32 * MIB, 33 * MIB, "kernel cgroup: pagetables (32 MiB of zero-page reads)")
eq(k.get("kernel_stack"), int(expect["threads"]) * 16 * 1024, "kernel cgroup: kernel_stack (64 threads)")
dn = int(expect["dentries"])
within(g["dentry"].get("slab_reclaimable"), dn * 192, dn * 192 * 2,
       f"dentry cgroup: slab_reclaimable ({dn} negative dentries of 192 bytes)")
q = int(expect["sock_queued_bytes"])
check(q >= 4 * MIB, f"sockets queued only {q} bytes")
within(g["sock"].get("sock"), q, q * 4, f"sock cgroup: sock vs {mib(q)} payload queued")
map_id = int(expect["map_id"])
memlock = db.value(f"SELECT memlock_bytes FROM bpf_maps WHERE map_id = {map_id} LIMIT 1")
bp = g["bpf"]
kb = sum(bp.get(x, 0) for x in ("vmalloc", "kernel_other", "slab_unreclaimable", "percpu"))
check(memlock is not None and memlock >= 16 * MIB, f"map {map_id}: memlock {memlock}")
if memlock:
    within(kb, memlock, memlock * 3 // 2, "bpf cgroup: vmalloc + kernel_other + slab + percpu vs memlock")
    r = db.one("SELECT * FROM bpf_by_cgroup WHERE cgroup = '/ws/bpf'")
    check(r and r["charged"] == 1 and r["memlock_exact"] == 0 and r["memlock_bytes"] == memlock,
          f"bpf_by_cgroup row: {r}")
    fnd = [f for f in db.findings("bpf_unaccounted")]
    eq(fnd, [], "bpf_unaccounted on 6.1 (maps are charged)")
print("unexplained per cgroup:", {n or "(top)": got.get(n, {}).get("unexplained") for n in names + [None, "/"]})
done()
EOF
