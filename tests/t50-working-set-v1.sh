#!/bin/bash
# Where the working set goes, proven on this host's cgroup v1: memory
# cgroups holding known amounts of each kind of memory, captured by
# memsnap-collect and loaded; working_set_breakdown must say what was made.
#
#   cgroup   limit  holds (helper)
#   anon     256M   64 MiB private anonymous memory (memhog --anon)
#   file     256M   48 MiB of a file on a disk filesystem, read twice and
#                   mapped: active page cache (memhog --file)
#   shmem    256M   32 MiB tmpfs + 8 MiB memfd + 8 MiB SysV shm (memhog)
#   mlock    256M   24 MiB of a file, mapped and mlocked: page cache on no
#                   file LRU list (wsload --mlock-file)
#   kernel   256M   32 MiB of page tables and 64 threads' kernel stacks
#                   (wsload --pagetables --threads)
#   bpf      256M   a BPF hash map of 65,536 entries, filled (bpfhold)
#   sock     256M   8 TCP connections with full buffers (wsload --sockets)
#
# What is checked, per test cgroup:
#   - cgroups.usage_bytes equals the archived memory.usage_in_bytes and
#     working_set_bytes equals archived usage - total_inactive_file, to the
#     byte; limit_bytes equals memory.limit_in_bytes read after the capture;
#   - the components add up to working_set_bytes exactly, and each equals
#     the archived file it comes from (anon = total_rss, ...);
#   - the components hold what the helper made: anon within 256 KiB above
#     64 MiB (memhog's own stack and stdio pages touched after it joined
#     the cgroup), shmem exactly 48 MiB, total_cache at least the 48 MiB
#     cached and active_file the 48 MiB read twice less what the per-CPU
#     LRU batches may still hold back (ws_check.lru_slack), file_other the
#     mlocked file, kernel_other (cgroup v1:
#     memory.kmem.usage_in_bytes, no split) the page tables and stacks, and
#     the BPF map's memlock (Linux 5.11+ charges map memory to the
#     creator's memory cgroup on v1 too);
#   - socket buffers are NOT in a v1 cgroup's usage (8 connections queue
#     megabytes; the cgroup's usage stays below 2 MiB);
#   - unexplained is between 0 and MEMCG_CHARGE_BATCH (64) pages per CPU:
#     the pages each CPU keeps pre-charged for the cgroup (mm/memcontrol.c
#     refill_stock) are in the usage but in no statistic; for the parent of
#     the test cgroups, that many per CPU and per child;
#   - the root: unexplained is exactly usage - total_rss - total_cache (the
#     v1 root's usage is NR_FILE_PAGES + NR_ANON_MAPPED: mem_cgroup_usage()),
#     and the kernel's two reads of it agree within 64 MiB on a busy host
#     (milliseconds apart, while other programs fill or drop page cache).
# Needs root and the v1 memory controller; skips (77) otherwise.
set -u
. "$(dirname "$0")/ws-lib.sh"
ws_require_v1
ws_setup t50

anon=$(ws_cg anon 256M)
file=$(ws_cg file 256M)
shm=$(ws_cg shmem 256M)
mlk=$(ws_cg mlock 256M)
krn=$(ws_cg kernel 256M)
bpf=$(ws_cg bpf 256M)
sck=$(ws_cg sock 256M)

# Ready files on the disk: a page of page cache, never shmem.
ws_start anon memhog --cgroup "$anon" --anon 64 --ready "$WS_TMP/anon.ready"
ws_start file memhog --cgroup "$file" --file "$WS_TMP/cache.dat" --file-mb 48 \
	--ready "$WS_TMP/file.ready"
ws_start shmem memhog --cgroup "$shm" --shmem "$WS_SHM.dat" --shmem-mb 32 --memfd 8 \
	--sysv 8 --ready "$WS_TMP/shmem.ready"
ws_start mlock wsload --cgroup "$mlk" --mlock-file "$WS_TMP/mlock.dat" --mlock-mb 24
ws_start kernel wsload --cgroup "$krn" --pagetables 32 --threads 64
ws_start bpf bpfhold --cgroup "$bpf" --type hash --entries 65536 --value-size 248 \
	--fill --name memsnap_t50 --ready "$WS_TMP/bpf.ready"
ws_start sock wsload --cgroup "$sck" --sockets 8
for h in anon file shmem mlock kernel sock; do ws_wait_ready "$h"; done
while [ ! -e "$WS_TMP/bpf.ready" ]; do
	kill -0 "${WS_PID[bpf]}" 2>/dev/null || { cat "${WS_LOG[bpf]}"; ws_fail "bpfhold died"; }
	sleep 0.1
done
sleep 1

ws_capture
# The stable files, read right after the capture.
for c in anon file shmem mlock kernel bpf sock; do
	echo "$c $(cat "$WS_CG/$c/memory.limit_in_bytes")"
done >"$WS_TMP/limits.txt"
ws_keep t50-working-set-v1

python3 - "$TESTS_DIR" "$M" "$WS_TMP" "${WS_CG#$WS_V1}" \
	"$(nproc)" "$(ws_value bpf map_id)" "$(ws_value sock sock_queued_bytes)" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from ws_check import *

memsnap, tmp, top, ncpu, map_id, sock_queued = sys.argv[2:9]
ncpu, map_id, sock_queued = int(ncpu), int(map_id), int(sock_queued)
cap = Capture(tmp + "/capture.tar.gz")
db = Db(memsnap, tmp + "/capture.db")
PAGE = cap.manifest.get("page_size", 4096)
# Pages a CPU keeps pre-charged per cgroup (MEMCG_CHARGE_BATCH): the bound
# of `unexplained` for a cgroup whose own tasks charge memory.
STOCK = 64 * PAGE * ncpu

eq(cap.manifest["cgroup"]["mode"] in ("v1", "hybrid"), True, "cgroup mode")
limits = dict(l.split() for l in open(tmp + "/limits.txt"))
names = ["anon", "file", "shmem", "mlock", "kernel", "bpf", "sock"]

def components_from_archive(cg):
    """What each component must be, from the archived files (cgroup v1)."""
    s = cap.cg_stat(cg)
    c = {"anon": s["total_rss"], "shmem": s["total_shmem"],
         "active_file": s["total_active_file"],
         "file_other": s["total_cache"] - s["total_active_file"]
                       - s["total_inactive_file"] - s["total_shmem"]}
    if cg != "/":
        c["kernel_other"] = cap.cg_value(cg, "memory.kmem.usage_in_bytes")
        if "total_swapcached" in s:
            c["swapcached"] = s["total_swapcached"]
    return c

got = {}
for n in names + [None]:
    cg = top + "/" + n if n else top
    row = db.cgroup(cg)
    if not check(row is not None, f"{cg}: not in the cgroups view"):
        continue
    usage = cap.cg_value(cg, "memory.usage_in_bytes")
    stat = cap.cg_stat(cg)
    eq(row["usage_bytes"], usage, f"{cg}: usage_bytes vs archived memory.usage_in_bytes")
    eq(row["working_set_bytes"], usage - stat["total_inactive_file"],
       f"{cg}: working_set_bytes vs archived usage - total_inactive_file")
    if n:
        eq(row["limit_bytes"], int(limits[n]), f"{cg}: limit_bytes vs memory.limit_in_bytes now")
    b = show_breakdown(db, cg)
    got[n] = b
    eq(sum(b.values()), row["working_set_bytes"], f"{cg}: components sum vs working_set_bytes")
    for k, v in components_from_archive(cg).items():
        eq(b.get(k), v, f"{cg}: component {k} vs the archived files")
    # v1 gives no slab/stack/pagetables/sock split: only kernel_other.
    for k in ("slab_reclaimable", "slab_unreclaimable", "kernel_stack", "pagetables",
              "percpu", "sock", "vmalloc"):
        check(k not in b, f"{cg}: v1 has no '{k}' component, got {b.get(k)}")
    lo, hi = (0, STOCK) if n else (0, STOCK * (len(names) + 1))
    within(b.get("unexplained"), lo, hi, f"{cg}: unexplained (per-CPU charge stocks)")

a, f, s, m, k, p, so = (got.get(n, {}) for n in names)
within(a.get("anon"), 64 * MIB, 64 * MIB + 256 * 1024, "anon cgroup: anon")
eq(a.get("shmem"), 0, "anon cgroup: shmem")
eq(s.get("shmem"), 48 * MIB, "shmem cgroup: shmem (tmpfs 32 + memfd 8 + SysV 8 MiB)")
eq(s.get("anon"), 0, "shmem cgroup: anon (memhog's pages were touched before it joined)")
SLACK = lru_slack(ncpu, PAGE)
fs = cap.cg_stat(top + "/file")
within(fs["total_cache"], 48 * MIB, 49 * MIB, "file cgroup: total_cache (48 MiB cached, charged exactly)")
within(f.get("active_file"), 48 * MIB - SLACK, 49 * MIB,
       "file cgroup: active_file (48 MiB read twice; LRU batches may hold some back)")
eq(f.get("shmem"), 0, "file cgroup: page cache on a disk counted as shmem")
# mlock: the pages leave the file LRU for the unevictable list, through
# the same per-CPU batches: some may still be on the active or inactive
# list (lru_slack).  What is cached is charged exactly.
ms = cap.cg_stat(top + "/mlock")
within(ms["total_cache"], 24 * MIB, 25 * MIB, "mlock cgroup: total_cache (24 MiB file)")
within(m.get("file_other"), 24 * MIB - SLACK, 24 * MIB + 64 * 1024,
       "mlock cgroup: file_other (mlocked file)")
# Page tables: 32 MiB; stacks: 64 x 16 KiB; plus small slab.
within(k.get("kernel_other"), 33 * MIB, 40 * MIB, "kernel cgroup: kernel_other (page tables + stacks)")
memlock = db.value(f"SELECT memlock_bytes FROM bpf_maps WHERE map_id = {map_id} LIMIT 1")
check(memlock and memlock >= 16 * MIB, f"bpf map {map_id}: memlock {memlock}")
if memlock:
    within(p.get("kernel_other"), memlock, memlock + 8 * MIB,
           "bpf cgroup: kernel_other vs the map's memlock (charged on v1 since 5.11)")
    eq(db.value(f"SELECT cgroup FROM bpf_maps WHERE map_id = {map_id} LIMIT 1"),
       top + "/bpf", "bpf_maps: the holder's cgroup")
    r = db.one(f"SELECT * FROM bpf_by_cgroup WHERE cgroup = {quote(top + '/bpf')}")
    check(r and r["charged"] == 1 and r["memlock_bytes"] == memlock and r["maps"] == 1,
          f"bpf_by_cgroup row: {r}")
sock_cg = db.cgroup(top + "/sock")
check(sock_queued >= 8 * MIB, f"sockets queued only {sock_queued} bytes")
within(sock_cg and sock_cg["usage_bytes"], 0, 2 * MIB,
       f"sock cgroup: usage with {mib(sock_queued)} queued in its sockets (v1: not charged)")

# The root: usage is anon + page cache, read separately from memory.stat.
rs = cap.cg_stat("/")
ru = cap.cg_value("/", "memory.usage_in_bytes")
rb = db.breakdown("/")
eq(rb.get("unexplained"), ru - rs["total_rss"] - rs["total_cache"],
   "root: unexplained vs archived usage - total_rss - total_cache")
# Two reads a few milliseconds apart on a host where others work too: the
# page cache of the whole machine may change between them.
within(ru - rs["total_rss"] - rs["total_cache"], -64 * MIB, 64 * MIB,
       "root: memory.usage_in_bytes vs total_rss + total_cache (two reads)")
print(f"root: usage - (rss + cache) = {ru - rs['total_rss'] - rs['total_cache']} bytes")
for k in ("kernel_other", "slab_reclaimable"):
    check(k not in rb, f"root: kernel memory is not in the v1 root's usage, got {k}")

# Headroom: the limit applies; reclaimable is the active page cache.
h = db.one(f"SELECT * FROM cgroup_headroom WHERE cgroup = {quote(top + '/file')}")
eq(h["effective_limit_bytes"], 256 * MIB, "file cgroup: effective_limit_bytes")
eq(h["reclaimable_bytes"], f.get("active_file"), "file cgroup: reclaimable_bytes = active_file")
eq(db.value(f"SELECT effective_limit_bytes FROM cgroup_headroom WHERE cgroup = {quote(top)}"),
   None, "test root (no limit): effective_limit_bytes")
print("unexplained per cgroup:", {n or "(top)": got.get(n, {}).get("unexplained") for n in names + [None]})
done()
EOF
