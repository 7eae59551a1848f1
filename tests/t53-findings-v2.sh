#!/bin/bash
# The findings on cgroup v2, provoked for real in the test VM (Debian's 6.1
# kernel; tests/vm/guest/ws-findings-v2.sh), checked here:
#
#   cgroup          memory.max  holds                     finding
#   f/crit          96M         88 MiB anon               near_limit critical
#   f/kern          -           80 MiB of page tables     kernel_unreclaimable
#                                                         (v2: split by kind)
#   f/bpf           -           5 BPF maps, ~100 MiB      bpf_heavy, charged
#   f/slab          -           400,000 negative dentries cache_inflated (by
#                                                         reclaimable slab)
#   f/swap          32M         64 MiB anon, swap file    swap (cgroup and node)
#   f/oom/victim    32M         memhog --until-killed     oom_kill,
#                                                         oom_kill_counter
#   f/pressure      128M, memory.high 16M, memhog --until-killed
#                                                         memory_pressure
#                                                         (cgroup and node),
#                                                         memory_high_throttled
#   kubepods.slice/kubepods-besteffort.slice/...-pod<uid>.slice/
#     cri-containerd-<id>.scope   a process              no_limit
#   f/quiet         512M        16 MiB anon               none
#
# Each finding is there once, in the cgroup it is about (memory.events,
# memory.pressure and memory.swap.current are hierarchical on v2: the
# ancestors are not reported again), with its severity and evidence, and
# its query returns rows.  Swap also shows in the working-set breakdown:
# swapped-out pages are not in it, the swap cache (in neither anon nor file
# of a cgroup's memory.stat, but charged) is its own component, and
# unexplained stays within the charge stocks.
set -u
. "$(dirname "$0")/vm/lib.sh"

vm_require_checked "$BUILD_DIR/helpers/memhog" "$BUILD_DIR/helpers/wsload" \
	"$BUILD_DIR/helpers/bpfhold"

out=$(vm_outdir t53-findings-v2)
vm_run_capture "$out" -t 500 -m 1024 --disk 768 --bin "$C" \
	--bin "$BUILD_DIR/helpers/memhog" --bin "$BUILD_DIR/helpers/wsload" \
	--bin "$BUILD_DIR/helpers/bpfhold" "$TESTS_DIR/vm/guest/ws-findings-v2.sh"

python3 - "$TESTS_DIR" "$M" "$out" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from ws_check import *

memsnap, out = sys.argv[2:4]
cap, db, expect = guest_capture(memsnap, out)
allf = db.findings()
for f in sorted(allf, key=lambda f: (f["cgroup"] or "", f["code"])):
    print(f"  {f['severity']:8} {f['code']:22} {f['cgroup']}: {f['title']}")
    print(f"           {f['evidence']}")

def found(code, cg):
    return [f for f in allf if f["code"] == code and f["cgroup"] == cg]

def expect_one(code, cg, severity=None, *evidence):
    fs = found(code, cg)
    if not check(len(fs) == 1, f"{code} for {cg}: {len(fs)} findings, want 1"):
        return None
    f = fs[0]
    if severity:
        eq(f["severity"], severity, f"{code} for {cg}: severity")
    for e in evidence:
        check(e in f["evidence"] or e in f["title"], f"{code} for {cg}: '{e}' not in '{f['evidence']}'")
    check(len(db.rows(f["query"])) >= 1, f"{code} for {cg}: its query returns no rows")
    return f

expect_one("near_limit", "/f/crit", "critical", "of a 96.0 MiB limit")
f = expect_one("kernel_unreclaimable", "/f/kern", "warning", "pagetables 80.")
if f:
    check(f["title"].endswith("of unreclaimable kernel memory"), f"v2 title: {f['title']}")
expect_one("bpf_heavy", "/f/bpf", "warning", "5 maps held by 1 process",
           "charged to the memory cgroup", "memlock is an estimate before Linux 6.4")
eq(db.findings("bpf_unaccounted"), [], "bpf_unaccounted on 6.1")
expect_one("kernel_unreclaimable", "/f/bpf", "warning", "vmalloc 100.")
f = expect_one("cache_inflated", "/f/slab", "info")
h = db.one("SELECT * FROM working_set_breakdown WHERE cgroup = '/f/slab' AND component = 'slab_reclaimable'")
check(h and h["bytes"] >= 400000 * 192 and h["reclaimable"] == 1, f"slab cgroup: slab_reclaimable {h}")

# swap: the cgroup, not its parent /f; the node
swap = db.one("SELECT * FROM cgroups WHERE cgroup = '/f/swap'")
print("swap cgroup:", swap)
check(swap["swap_bytes"] >= 24 * MIB, f"/f/swap swap_bytes {swap['swap_bytes']}")
expect_one("swap", "/f/swap", "info")
eq(found("swap", "/f"), [], "swap for the parent /f (it holds no swap of its own)")
node = db.one("SELECT * FROM node")
print("node:", node)
check(node["swap_total_bytes"] == 160 * MIB - 4096 and node["swap_used_bytes"] > 0,
      f"node swap {node['swap_total_bytes']} {node['swap_used_bytes']}")
expect_one("swap", None, "info")
b = show_breakdown(db, "/f/swap")
s = cap.cg_stat("/f/swap")
print("swap cgroup memory.stat: anon", s["anon"], "file", s["file"], "swapcached", s.get("swapcached"),
      "inactive_anon", s["inactive_anon"], "active_anon", s["active_anon"])
ncpu = 2
eq(b.get("swapcached"), s["swapcached"], "swap cgroup: swapcached component")
eq(b.get("unexplained"), swap["usage_bytes"] - (s["anon"] + s["file"] + s["swapcached"]
   + s["kernel"] + s["sock"]), "swap cgroup: unexplained vs current - the charged keys")
# Swap cache pages that are mapped again are counted in anon too: that
# much below zero at most.
within(b.get("unexplained"), -s["swapcached"], 64 * 4096 * ncpu,
       "swap cgroup: unexplained (charge stocks, mapped swap cache)")
within(b.get("anon", 0) + swap["swap_bytes"], 64 * MIB, 66 * MIB,
       "swap cgroup: anon in memory + in swap = the 64 MiB made")

# OOM: v2's memory.events oom_kill counts in the ancestors too
ok = [f for f in found("oom_kill", "/f/oom/victim") if f"(pid {expect['oom_pid']})" in f["title"]]
eq(len(ok), 1, "oom_kill from the kernel log for the killed memhog")
expect_one("oom_kill_counter", "/f/oom/victim", "warning", "memory.events", "includes kills in child")
eq(found("oom_kill_counter", "/f/oom"), [], "oom_kill_counter for /f/oom (the kill is its child's)")
eq(db.value("SELECT oom_kill_count FROM cgroups WHERE cgroup = '/f/oom'"), 1,
   "v2 memory.events oom_kill of the parent (hierarchical)")

# Pressure: the throttled cgroup, and the node
p = db.rows("SELECT * FROM cgroup_pressure WHERE cgroup = '/f/pressure'")
print("pressure:", p)
expect_one("memory_pressure", "/f/pressure")
eq(found("memory_pressure", "/f"), [], "memory_pressure for /f (reported where it starts)")
expect_one("memory_pressure", None)
check(node["psi_some_avg10"] >= 10, f"node PSI some avg10 {node['psi_some_avg10']}")
# ... and throttled by memory.high, not killed: memory.high next to
# memory.max, the high events, the stalls (reclaim holds the usage around
# memory.high, a little above or below it)
t = db.one("SELECT * FROM cgroup_throttling WHERE cgroup = '/f/pressure'")
print("throttling:", t)
eq((t["high_bytes"], t["max_bytes"]), (16 * MIB, 128 * MIB), "/f/pressure: memory.high and memory.max")
check(t["events_high"] > 0 and t["psi_some_avg10"] >= 1, f"/f/pressure: high events, stalls {t}")
within(t["usage_bytes"], 8 * MIB, 64 * MIB, "/f/pressure: usage held near memory.high")
expect_one("memory_high_throttled", "/f/pressure", "warning", "against memory.high 16.0 MiB",
           "memory.max 128.0 MiB", f"high {t['events_high']},")
eq([f["cgroup"] for f in allf if f["code"] == "memory_high_throttled"], ["/f/pressure"],
   "memory_high_throttled: only where memory.high is set")

expect_one("no_limit", expect["be_cgroup"], "info")
c = db.one("SELECT * FROM containers WHERE cgroup = " + quote(expect["be_cgroup"]))
check(c and c["qos_class"] == "besteffort" and c["runtime"] == "containerd"
      and c["pod_uid"] == "7f1c0de5-53aa-4c7e-9a7e-0c0ffee53001", f"containers row: {c}")
eq([f for f in allf if f["cgroup"] == "/f/quiet"], [], "findings for the quiet cgroup")
done()
EOF
