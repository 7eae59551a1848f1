#!/bin/bash
# Processes' shares of a container, by PSS, on this host's cgroup v1: in one
# memory cgroup,
#   wsload --fork 1 --shared 32 --cow 16   a parent and a child both mapping
#                                          32 MiB of shared memory (shmem)
#                                          and 16 MiB of copy-on-write anon
#   memhog --file F --file-mb 24           24 MiB of a file, mapped
# and the capture must show:
#   - RSS counts the shared pages once per process, PSS once in all:
#     the two wsload processes' RSS sum is 2 x 48 MiB, their PSS sum 48 MiB,
#     each one's Pss half of the shared pages (within 64 KiB: each process's
#     own stack and data pages, and Pss is rounded down to a kB per process);
#   - per-process PSS adds up to the container's memory:
#       anon:   sum(Pss_Anon) = cgroup anon, within 256 KiB per process.
#               Why not exact: the pages a process touched before it
#               joined the cgroup (its first stack and data pages, written
#               while exec'ing in the test's cgroup) are in its PSS but
#               charged to the cgroup it came from;
#       file:   sum(Pss_File + Pss_Shmem) = cgroup file (which holds
#               shmem), within the executables' mapped pages (their page
#               cache was read, and charged, by whoever ran them first:
#               up to 2 MiB for the two static binaries) plus the unmapped
#               page cache the cgroup holds (the ready files: a page each);
#   - process_shares: share_pct adds up to 100 (+-0.3 for rounding) and
#     rank_in_cgroup orders by PSS;
#   - cgroup_process_totals: rss_double_count_bytes = RSS sum - PSS sum.
set -u
. "$(dirname "$0")/ws-lib.sh"
ws_require_v1
ws_setup t56

cg=$(ws_cg share 512M)
ws_start fork wsload --cgroup "$cg" --fork 1 --shared 32 --cow 16
ws_start file memhog --cgroup "$cg" --file "$WS_TMP/file.dat" --file-mb 24 \
	--ready "$WS_TMP/file.ready"
ws_wait_ready fork
ws_wait_ready file
sleep 1
ws_capture
ws_keep t56-process-shares-v1

python3 - "$TESTS_DIR" "$M" "$WS_TMP" "${WS_CG#$WS_V1}/share" \
	"${WS_PID[fork]}" "$(ws_value fork child_pid)" "${WS_PID[file]}" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from ws_check import *

memsnap, tmp, cg = sys.argv[2:5]
parent, child, filer = (int(x) for x in sys.argv[5:8])
db = Db(memsnap, tmp + "/capture.db")
KIB = 1024
ps = {r["pid"]: r for r in db.rows("SELECT * FROM process_shares WHERE cgroup = " + quote(cg))}
for r in sorted(ps.values(), key=lambda r: r["rank_in_cgroup"]):
    print(f"  pid {r['pid']:6} {r['comm']:8} rss {mib(r['rss_bytes'])} pss {mib(r['pss_bytes'])} "
          f"(anon {mib(r['pss_anon_bytes'])} file {mib(r['pss_file_bytes'])} "
          f"shmem {mib(r['pss_shmem_bytes'])}) share {r['share_pct']}% rank {r['rank_in_cgroup']}")
eq(sorted(ps), sorted([parent, child, filer]), "the cgroup's processes")
p, c = ps.get(parent), ps.get(child)
if p and c:
    rss2 = p["rss_bytes"] + c["rss_bytes"]
    pss2 = p["pss_bytes"] + c["pss_bytes"]
    within(rss2, 2 * 48 * MIB, 2 * 48 * MIB + 2 * 1024 * KIB, "wsload pair: RSS sum (48 MiB each)")
    within(pss2, 48 * MIB, 48 * MIB + 1024 * KIB, "wsload pair: PSS sum (the 48 MiB once)")
    for r in (p, c):
        within(r["pss_shmem_bytes"], 16 * MIB - 8 * KIB, 16 * MIB + 64 * KIB,
               f"pid {r['pid']}: Pss_Shmem (half of 32 MiB)")
        within(r["pss_anon_bytes"], 8 * MIB - 8 * KIB, 8 * MIB + 256 * KIB,
               f"pid {r['pid']}: Pss_Anon (half of 16 MiB COW + its own)")
t = db.one("SELECT * FROM cgroup_process_totals WHERE cgroup = " + quote(cg))
print("totals:", t)
n = t["processes"]
eq(n, 3, "processes")
eq(t["rss_double_count_bytes"], t["rss_sum_bytes"] - t["pss_sum_bytes"], "rss_double_count_bytes")
within(t["rss_double_count_bytes"], 48 * MIB, 48 * MIB + 3 * MIB,
       "RSS sum - PSS sum: the 48 MiB the pair shares, counted twice by RSS")
within(t["pss_anon_sum_bytes"] - t["anon_bytes"], -8 * KIB * n, 256 * KIB * n,
       "sum(Pss_Anon) - cgroup anon (pages touched before joining)")
mapped = t["pss_file_sum_bytes"] + t["pss_shmem_sum_bytes"]
within(mapped - t["file_bytes"], -64 * KIB, 2 * MIB,
       "sum(Pss_File + Pss_Shmem) - cgroup file (executables charged elsewhere)")
eq(t["file_unmapped_bytes"], t["file_bytes"] - mapped, "file_unmapped_bytes")
within(sum(r["share_pct"] for r in ps.values()), 99.7, 100.3, "share_pct sum")
eq([r["pid"] for r in sorted(ps.values(), key=lambda r: r["rank_in_cgroup"])],
   [r["pid"] for r in sorted(ps.values(), key=lambda r: (-r["pss_bytes"], r["pid"]))],
   "rank_in_cgroup by PSS")
done()
EOF
