#!/bin/bash
# bpf_unaccounted on a real old kernel: before Linux 5.11 BPF map memory is
# charged to no memory cgroup (only to RLIMIT_MEMLOCK).  The test VM boots
# Debian 11's Linux 5.10 (tests/vm/kernel --bullseye; tests/vm/README.md),
# pure cgroup v2, where tests/vm/guest/bpf-unaccounted-5.10.sh has bpfhold
# create and fill a 65 MiB (memlock) hash map inside a cgroup with
# memory.max 32M, records the kernel's own numbers before and after, and
# captures.  Checked here:
#
#   - the kernel's numbers: the map exists although it is twice the
#     cgroup's memory.max (on Debian 12's 6.1, where maps are charged, the
#     same guest script fails: bpfhold gets ENOMEM creating the map; t51
#     and t53 check the charged case); the cgroup's memory.current grew by
#     far less than the map (under 2 MiB: bpfhold's own pages and the
#     per-CPU charge stock), the node's MemFree fell by about the map's
#     memlock;
#   - kernel_features: 5.10, bpf_maps_charged = 0, bpf_memlock_exact = 0;
#   - bpf_maps: the map, with bpfhold's pid and cgroup and the memlock the
#     guest read in fdinfo; bpf_by_cgroup: charged = 0;
#   - findings: exactly one bpf_unaccounted (node-level: cgroup NULL, info)
#     naming the maps' 65.0 MiB of memlock and the kernel; bpf_heavy for the
#     cgroup says "charged to no memory cgroup"; no near_limit and no
#     kernel_unreclaimable for it (the map is in neither its usage nor its
#     limit: working set 128 KiB of 32 MiB);
#   - `memsnap report` mentions both;
#   - the working-set views on 5.10's memory.stat (no `kernel`, `pagetables`
#     or `vmalloc` keys yet, and counters batched per CPU, up to 32 pages
#     per CPU behind, unflushed on read): usage = memory.current, the
#     components add up to the working set, unexplained = current - the
#     charged keys and stays within the stock (64 pages per CPU) plus 32
#     pages per CPU for each counter summed (5.10's batching, either way)
#     for a cgroup holding 32 MiB of anon and one holding 32 MiB of file.
# Skips (77) when no VM can be booted here or Debian 11's kernel is neither
# cached nor downloadable.
set -u
# This test is about Debian 11's 5.10, never a kernel given by hand.
unset MEMSNAP_VM_KERNEL
export MEMSNAP_VM_SUITE=bullseye
. "$(dirname "$0")/vm/lib.sh"

vm_require_checked "$BUILD_DIR/helpers/memhog" "$BUILD_DIR/helpers/bpfhold"
echo "kernel: $VM_KERNEL"

out=$(vm_outdir t57-bpf-unaccounted-5.10)
vm_run_capture "$out" -t 300 --bin "$C" \
	--bin "$BUILD_DIR/helpers/memhog" --bin "$BUILD_DIR/helpers/bpfhold" \
	"$TESTS_DIR/vm/guest/bpf-unaccounted-5.10.sh"
"$M" report "$out/capture.db" >"$out/report.txt" 2>&1 ||
	vm_fail "memsnap report failed: $(tail -n 3 "$out/report.txt")"

python3 - "$TESTS_DIR" "$M" "$out" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from ws_check import *

memsnap, out = sys.argv[2:4]
cap, db, x = guest_capture(memsnap, out)
PAGE = cap.manifest.get("page_size", 4096)
NCPU = int(x["ncpu"])
STOCK = 64 * PAGE * NCPU
# memory.stat lags by up to 32 pages per CPU and per counter on 5.10.
LAG = 32 * PAGE * NCPU
eq(cap.manifest["cgroup"]["mode"], "v2", "cgroup mode")
check(x["kernel"].startswith("5.10."), f"guest kernel {x['kernel']}, want 5.10")
eq(x["collect_status"], "0", "memsnap-collect status")

# The kernel's own numbers.
memlock = int(x["memlock_fdinfo"])
before, after = int(x["current_before"]), int(x["current_after"])
mf_drop = int(x["memfree_before"]) - int(x["memfree_after"])
bmax = int(x["bpf_max"])
print(f"kernel {x['kernel']}: map {x['map_id']} memlock {memlock} ({mib(memlock)}),"
      f" RLIMIT_MEMLOCK {x['memlock_rlimit']}")
print(f"/old/bpf memory.current {before} -> {after} (+{after - before}),"
      f" memory.max {bmax}; node MemFree -{mf_drop} ({mib(mf_drop)})")
within(memlock, 64 * MIB, 66 * MIB, "map memlock (64 MiB of elements + 1 MiB of buckets)")
check(memlock > 2 * bmax - MIB, f"the map ({memlock}) should be about twice memory.max ({bmax})")
within(after - before, 0, 2 * MIB, "memory.current growth with the map (not charged)")
check(after < bmax // 8, f"memory.current with the map {after}: far below memory.max {bmax}")
within(mf_drop, memlock * 9 // 10, memlock * 3 // 2, "node MemFree drop vs the map's memlock")

# kernel_features
k = db.one("SELECT * FROM kernel_features")
print("kernel_features:", k)
eq((k["kernel_major"], k["kernel_minor"]), (5, 10), "kernel_major/minor")
eq(k["kernel_release"], x["kernel"], "kernel_release")
eq(k["bpf_maps_charged"], 0, "bpf_maps_charged")
eq(k["bpf_memlock_exact"], 0, "bpf_memlock_exact")

# bpf_maps, bpf_by_cgroup
maps = db.rows("SELECT * FROM bpf_maps")
print("bpf_maps:", maps)
if eq(len(maps), 1, "rows of bpf_maps"):
    m = maps[0]
    eq(m["map_id"], int(x["map_id"]), "bpf_maps map_id")
    eq(m["pid"], int(x["bpf_pid"]), "bpf_maps pid (bpfhold)")
    eq(m["cgroup"], x["bpf_cgroup"], "bpf_maps cgroup")
    eq(m["memlock_bytes"], memlock, "bpf_maps memlock_bytes vs fdinfo")
    eq((m["type"], m["max_entries"]), ("hash", 65536), "bpf_maps type, max_entries")
r = db.one("SELECT * FROM bpf_by_cgroup WHERE cgroup = " + quote(x["bpf_cgroup"]))
print("bpf_by_cgroup:", r)
check(r and r["charged"] == 0 and r["memlock_exact"] == 0 and r["memlock_bytes"] == memlock
      and r["maps"] == 1 and r["holders"] == 1, f"bpf_by_cgroup row: {r}")

# findings
allf = db.findings()
for f in allf:
    print(f"  {f['severity']:8} {f['code']:16} {f['cgroup']}: {f['title']}\n           {f['evidence']}")
fs = [f for f in allf if f["code"] == "bpf_unaccounted"]
if eq(len(fs), 1, "bpf_unaccounted findings"):
    f = fs[0]
    eq((f["cgroup"], f["severity"]), (None, "info"), "bpf_unaccounted: node-level, info")
    eq(f["title"], "65.0 MiB of BPF maps are outside every memory limit", "bpf_unaccounted title")
    for e in ("1 BPF maps hold 65.0 MiB (memlock)", "Linux " + x["kernel"] + " charges",
              "memcg accounting of maps came with 5.11"):
        check(e in f["evidence"], f"bpf_unaccounted: '{e}' not in '{f['evidence']}'")
    q = db.rows(f["query"])
    check(len(q) == 1 and q[0]["memlock_bytes"] == memlock, f"bpf_unaccounted query: {q}")
fs = [f for f in allf if f["code"] == "bpf_heavy"]
if eq(len(fs), 1, "bpf_heavy findings"):
    f = fs[0]
    eq((f["cgroup"], f["severity"]), (x["bpf_cgroup"], "warning"), "bpf_heavy cgroup, severity")
    for e in ("1 maps held by 1 process", "charged to no memory cgroup (Linux before 5.11): "
              "outside every limit", "memlock is an estimate before Linux 6.4"):
        check(e in f["evidence"], f"bpf_heavy: '{e}' not in '{f['evidence']}'")
for code in ("near_limit", "kernel_unreclaimable"):
    eq([f["cgroup"] for f in allf if f["code"] == code], [],
       f"{code} (the uncharged map is in no cgroup's usage)")
h = db.one("SELECT * FROM cgroup_headroom WHERE cgroup = " + quote(x["bpf_cgroup"]))
print("bpf cgroup headroom:", h)
check(h is not None and h["working_set_bytes"] < 2 * MIB and h["limit_bytes"] == bmax,
      f"bpf cgroup headroom: {h}")

# memsnap report
rep = open(out + "/report.txt").read()
for e in ("[bpf_unaccounted]", "65.0 MiB of BPF maps are outside every memory limit",
          "[bpf_heavy]", "charged to no cgroup (before Linux 5.11)"):
    check(e in rep, f"report.txt lacks '{e}'")

# Working set on 5.10's memory.stat
KEYS = ("anon", "file", "slab_reclaimable", "slab_unreclaimable", "kernel_stack",
        "percpu", "sock")
s = cap.cg_stat("/old/anon")
for k in ("kernel", "pagetables", "vmalloc", "swapcached"):
    check(k not in s, f"5.10 memory.stat has '{k}' (new in a later kernel)")
got = {}
for cg in ("/old/anon", "/old/file", "/old/bpf", "/old"):
    row = db.cgroup(cg)
    if not check(row is not None, f"{cg}: not in the cgroups view"):
        continue
    s = cap.cg_stat(cg)
    usage = cap.cg_value(cg, "memory.current")
    eq(row["usage_bytes"], usage, f"{cg}: usage_bytes vs memory.current")
    eq(row["working_set_bytes"], usage - s["inactive_file"], f"{cg}: working_set_bytes")
    b = show_breakdown(db, cg)
    got[cg] = b
    eq(sum(b.values()), row["working_set_bytes"], f"{cg}: components sum vs working_set_bytes")
    eq(b.get("unexplained"), usage - sum(s.get(k, 0) for k in KEYS),
       f"{cg}: unexplained vs current - (anon + file + slab + kernel_stack + percpu + sock)")
    # 5.10's __mod_memcg_state() keeps each counter's delta per CPU until it
    # passes MEMCG_CHARGE_BATCH (32 pages; 32 pages' worth of bytes for the
    # slab counters): each of the KEYS may be that far off, either way, and
    # a parent's counters carry the unflushed deltas of each child.  The
    # charge stock (32 pages per CPU) and the page tables 5.10 does not
    # report are in memory.current only.  A first run saw 576032 on
    # /old/file, past the stock alone.
    n = 4 if cg == "/old" else 1
    within(b.get("unexplained"), -LAG * len(KEYS) * n, (STOCK + LAG * len(KEYS)) * n,
           f"{cg}: unexplained (charge stocks, per-CPU batching, page tables)")
within(got.get("/old/anon", {}).get("anon"), 32 * MIB - LAG, 32 * MIB + 256 * 1024,
       "anon cgroup: anon (32 MiB made)")
within(got.get("/old/file", {}).get("active_file"), 32 * MIB - LAG, 33 * MIB,
       "file cgroup: active_file (32 MiB read twice)")
print("unexplained:", {cg: b.get("unexplained") for cg, b in got.items()})
done()
EOF
