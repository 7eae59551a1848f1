# Guest script of tests/t57-bpf-unaccounted-5.10.sh, on Debian 11's Linux
# 5.10 (tests/vm/kernel --bullseye), pure cgroup v2: a BPF hash map of
# 65,536 entries of 1 KiB (about 65 MiB memlock), created and filled by
# bpfhold inside a memory cgroup whose memory.max (32M) is half the map.
# Before 5.11 the map's memory is charged to no memory cgroup, only to
# RLIMIT_MEMLOCK (bpfhold raises it), so the map is made and the cgroup's
# memory.current hardly moves, while the node's free memory drops by the
# map.  Two more cgroups hold plain anon and file memory, so the host can
# check the working-set views on 5.10's memory.stat.  Then one capture.
#
# $OUT/expect.txt: key=value lines:
#   kernel                 uname -r
#   ncpu                   CPUs of the guest
#   bpf_cgroup, bpf_max    the map's cgroup (below /sys/fs/cgroup), memory.max
#   map_id, bpf_pid        what bpfhold made and its pid
#   current_before, current_after   the bpf cgroup's memory.current before
#                          bpfhold started (empty cgroup) and with the map
#                          created and filled
#   memlock_fdinfo         the map's memlock from bpfhold's /proc/PID/fdinfo
#   memfree_before, memfree_after   /proc/meminfo MemFree (bytes)
#   memlock_rlimit         bpfhold's "Max locked memory" soft limit
#   collect_status         memsnap-collect's exit status
# $OUT/{before,after}/   memory.current, memory.stat, /proc/meminfo
# $OUT/capture.tar.gz      the capture
. /lib/memsnap/guest.sh
set -u

expect=$OUT/expect.txt
: >"$expect"
put() { echo "$1=$2" >>"$expect"; }
put kernel "$(uname -r)"
put ncpu "$(nproc)"

bpf=$(cg_create old/bpf 32M)
anon=$(cg_create old/anon 128M)
file=$(cg_create old/file 128M)
put bpf_cgroup /old/bpf
put bpf_max "$(cat "$bpf/memory.max")"

snap() { # NAME: the bpf cgroup's counters and the node's meminfo
	mkdir -p "$OUT/$1"
	cp "$bpf/memory.current" "$bpf/memory.stat" /proc/meminfo "$OUT/$1/"
}
memfree() { echo $(($(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo) * 1024)); }

memhog --cgroup "$anon" --anon 32 --ready "$SCRATCH/anon.ready" >"$OUT/anon.log" 2>&1 &
p1=$!
memhog --cgroup "$file" --file "$SCRATCH/cache.dat" --file-mb 32 \
	--ready "$SCRATCH/file.ready" >"$OUT/file.log" 2>&1 &
p2=$!
wait_ready "$SCRATCH/anon.ready" $p1
wait_ready "$SCRATCH/file.ready" $p2

settle 1
snap before
before=$(cat "$OUT/before/memory.current")
put current_before "$before"
mf_before=$(memfree)
put memfree_before "$mf_before"

# 65,536 x (48 bytes of htab_elem + 8 key + 968 value) = 64 MiB of
# preallocated elements, plus 1 MiB of buckets.
bpfhold --cgroup "$bpf" --type hash --entries 65536 --key-size 8 --value-size 968 --fill \
	--name memsnap_t57 --ready "$SCRATCH/bpf.ready" >"$OUT/bpf.log" 2>&1 &
p3=$!
wait_ready "$SCRATCH/bpf.ready" $p3
map_id=$(sed -n 's/^map_id=\([0-9]*\) .*/\1/p' "$OUT/bpf.log")
[ -n "$map_id" ] || fail "bpfhold printed no map_id: $(cat "$OUT/bpf.log")"
put map_id "$map_id"
put bpf_pid $p3
grep -qx "$p3" "$bpf/cgroup.procs" || fail "bpfhold ($p3) is not in $bpf"
settle 1
snap after
after=$(cat "$OUT/after/memory.current")
put current_after "$after"
mf_after=$(memfree)
put memfree_after "$mf_after"
memlock=""
for f in "/proc/$p3/fdinfo"/*; do
	grep -q "^map_id:[[:space:]]*$map_id\$" "$f" 2>/dev/null || continue
	memlock=$(awk '$1 == "memlock:" { print $2 }' "$f")
	cp "$f" "$OUT/map.fdinfo"
done
[ -n "$memlock" ] || fail "no fdinfo of map $map_id in /proc/$p3/fdinfo"
put memlock_fdinfo "$memlock"
put memlock_rlimit "$(awk '/^Max locked memory/ { print $4 }' /proc/$p3/limits)"

log "kernel $(uname -r); map $map_id (pid $p3): memlock $memlock bytes"
log "/old/bpf memory.current: $before before the map, $after with it" \
	"(+$((after - before)) bytes; memory.max $(cat "$bpf/memory.max"))"
log "node MemFree: $mf_before before, $mf_after with the map (-$((mf_before - mf_after)) bytes)"
log "/old/bpf memory.stat with the map: $(awk '$2 != 0 { printf "%s %s  ", $1, $2 }' "$OUT/after/memory.stat")"

log "capturing"
memsnap-collect -q -o "$OUT/capture.tar.gz" >"$OUT/collect.out" 2>&1
rc=$?
put collect_status $rc
cat "$OUT/collect.out"
for c in bpf anon file; do log "/old/$c: current $(cat "/sys/fs/cgroup/old/$c/memory.current")"; done
kill $p1 $p2 $p3 2>/dev/null
wait $p1 $p2 $p3 2>/dev/null
[ $rc -le 1 ] || fail "memsnap-collect exited with status $rc"
log "done"
