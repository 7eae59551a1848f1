#!/bin/bash
# memsnap-collect on this machine, for real (root, cgroup v1 memory
# controller): memory cgroups holding known anon, page cache and shmem, a
# process holding a BPF map, a cgroup whose process the OOM killer kills;
# then a capture, and the archive checked against what we made and against
# the kernel's files read right after.
#
# Needs root and a v1 memory hierarchy at /sys/fs/cgroup/memory (hybrid or
# legacy layout); skips otherwise.  Everything is removed on exit, failed or
# not.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
cd "$(dirname "$0")/.."
MEMHOG=$BUILD_DIR/helpers/memhog
BPFHOLD=$BUILD_DIR/helpers/bpfhold
CG=/sys/fs/cgroup/memory

[ "$(id -u)" = 0 ] || skip "needs root (memory cgroups, BPF maps)"
[ -e "$CG/memory.limit_in_bytes" ] ||
	skip "no cgroup v1 memory hierarchy at $CG"
for b in "$C" "$MEMHOG" "$BPFHOLD"; do
	[ -x "$b" ] || { echo "FAIL: $b not built (make all tests)"; exit 1; }
done

TG=$CG/memsnap-test-$$
pids=()
bpffs_mounted=0

cleanup() {
	local p d
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	# Empty each cgroup (a straggler goes back to the root) and remove it.
	for d in "$TG"/*/ "$TG"/; do
		[ -d "$d" ] || continue
		while read -r p; do echo "$p" >"$CG/cgroup.procs" 2>/dev/null; done <"$d/cgroup.procs"
		rmdir "$d" 2>/dev/null
	done
	rm -rf "/sys/fs/bpf/memsnap-test-$$" /dev/shm/memsnap-test-$$.shm
	[ $bpffs_mounted = 1 ] && umount /sys/fs/bpf
}

mkdir "$TG" || fail "cannot create $TG"
for n in anon cache shmem bpf oom; do mkdir "$TG/$n" || fail "mkdir $TG/$n"; done
echo $((256 << 20)) >"$TG/anon/memory.limit_in_bytes"
echo $((32 << 20)) >"$TG/oom/memory.limit_in_bytes"

# bpffs, for pinning (map creation itself does not need it).
if ! grep -q ' /sys/fs/bpf bpf ' /proc/self/mounts; then
	mkdir -p /sys/fs/bpf
	mount -t bpf bpf /sys/fs/bpf || fail "cannot mount bpffs"
	bpffs_mounted=1
fi
mkdir -p "/sys/fs/bpf/memsnap-test-$$"

wait_ready() {  # file pid
	local i
	for i in $(seq 200); do
		[ -s "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || fail "$(basename "$1" .ready) helper died: $(cat "$work/$(basename "$1" .ready).log")"
		sleep 0.05
	done
	fail "$1 not ready after 10 s"
}

"$MEMHOG" --cgroup "$TG/anon" --anon 64 --ready "$work/anon.ready" >"$work/anon.log" 2>&1 &
pa=$!; pids+=($pa)
"$MEMHOG" --cgroup "$TG/cache" --file "$work/cache.dat" --file-mb 48 \
	--ready "$work/cache.ready" >"$work/cache.log" 2>&1 &
pc=$!; pids+=($pc)
"$MEMHOG" --cgroup "$TG/shmem" --shmem /dev/shm/memsnap-test-$$.shm --shmem-mb 32 \
	--ready "$work/shmem.ready" >"$work/shmem.log" 2>&1 &
ps_=$!; pids+=($ps_)
"$BPFHOLD" --cgroup "$TG/bpf" --type hash --entries 4096 --value-size 120 --fill \
	--name memsnap_t10 --pin "/sys/fs/bpf/memsnap-test-$$" \
	--ready "$work/bpf.ready" >"$work/bpf.log" 2>&1 &
pb=$!; pids+=($pb)
wait_ready "$work/anon.ready" $pa
wait_ready "$work/cache.ready" $pc
wait_ready "$work/shmem.ready" $ps_
wait_ready "$work/bpf.ready" $pb
map_id=$(sed -n 's/^map_id=\([0-9]*\) .*/\1/p' "$work/bpf.log")
map_fd=$(sed -n 's/^map_id=.* fd=\([0-9]*\).*/\1/p' "$work/bpf.log")
[ -n "$map_id" ] && [ -n "$map_fd" ] || fail "bpfhold printed no map: $(cat "$work/bpf.log")"

# The OOM kill: allocate until the 32 MiB limit's OOM killer ends it.
"$MEMHOG" --cgroup "$TG/oom" --until-killed >"$work/oom.log" 2>&1 &
po=$!
wait $po
st=$?
[ $st = 137 ] || fail "the OOM memhog ended with status $st, not SIGKILL: $(cat "$work/oom.log")"
dmesg | grep -q "Killed process $po " || fail "no 'Killed process $po' in the kernel log"

# ---- the capture ----------------------------------------------------------
"$C" -o "$work/c.tar.gz" 2>"$work/collect.err"
rc=$?
cat "$work/collect.err"
[ $rc -le 1 ] || fail "memsnap-collect exited $rc"
grep -q "^memsnap-collect: wrote '$work/c.tar.gz': [0-9]* processes, [0-9]* cgroups, [1-9][0-9]* BPF map fds, [1-9][0-9]* OOM reports" \
	"$work/collect.err" || fail "no summary line on stderr"

# The kernel's files, read right after.
for n in anon cache shmem bpf oom; do
	mkdir -p "$work/now/$n"
	for f in memory.limit_in_bytes memory.soft_limit_in_bytes memory.use_hierarchy \
		memory.swappiness memory.oom_control memory.usage_in_bytes memory.stat \
		memory.max_usage_in_bytes memory.failcnt; do
		cat "$TG/$n/$f" >"$work/now/$n/$f"
	done
done
for p in $pa $pc $ps_ $pb; do
	mkdir -p "$work/now/$p"
	cat /proc/$p/oom_score_adj /proc/$p/cgroup >"$work/now/$p/both"
	grep '^Anonymous:' /proc/$p/smaps_rollup >"$work/now/$p/anon"
done
cat "/proc/$pb/fdinfo/$map_fd" >"$work/now/fdinfo"

mkdir "$work/x"
tar xzf "$work/c.tar.gz" -C "$work/x" 2>"$work/tar.err" || fail "tar xzf: $(cat "$work/tar.err")"
top=$(ls "$work/x")
[ "$(echo "$top" | wc -l)" = 1 ] || fail "more than one top folder: $top"
X=$work/x/$top
first=$(tar tzf "$work/c.tar.gz" | head -n1)
[ "$first" = "$top/manifest.json" ] || fail "first entry is $first"
manifest=$X/manifest.json

grep -q '"complete": true' "$manifest" || fail "capture not complete"
grep -q '"mode":"hybrid"\|"mode":"v1"' "$manifest" || fail "cgroup mode: $(grep '"cgroup"' "$manifest")"
grep -q '"detected_by":"statfs"' "$manifest" || fail "cgroup mode not detected by statfs"
grep -q '"memory_root":"sys/fs/cgroup/memory"' "$manifest" || fail "memory root"
grep -q "\"pid\": $(pgrep -n -f "$C" || echo -1)" "$manifest" 2>/dev/null || true

R=$X/sys/fs/cgroup/memory/memsnap-test-$$
for n in anon cache shmem bpf oom; do
	[ -d "$R/$n" ] || fail "cgroup $n not in the archive"
	for f in memory.limit_in_bytes memory.soft_limit_in_bytes memory.use_hierarchy \
		memory.swappiness memory.oom_control memory.failcnt; do
		cmp -s "$R/$n/$f" "$work/now/$n/$f" ||
			fail "$n/$f differs: archived '$(cat "$R/$n/$f")' kernel '$(cat "$work/now/$n/$f")'"
	done
	[ ! -e "$R/$n/memory.kmem.slabinfo" ] || fail "memory.kmem.slabinfo was read"
	# Usage moves a little (page cache reads, the kernel's own): 2 MiB.
	a=$(cat "$R/$n/memory.usage_in_bytes"); b=$(cat "$work/now/$n/memory.usage_in_bytes")
	d=$((a > b ? a - b : b - a))
	[ $d -le $((2 << 20)) ] || fail "$n usage archived $a, kernel $b"
done
cmp -s "$R/oom/memory.max_usage_in_bytes" "$work/now/oom/memory.max_usage_in_bytes" ||
	fail "oom max_usage differs"
grep -q '^oom_kill 1$' "$R/oom/memory.oom_control" || fail "oom cgroup: $(cat "$R/oom/memory.oom_control")"

stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$R/$1/memory.stat"; }
mib=$((1 << 20))
v=$(stat_of anon rss);   [ "$v" -ge $((64 * mib)) ] && [ "$v" -le $((68 * mib)) ] || fail "anon rss $v"
v=$(stat_of cache cache); [ "$v" -ge $((48 * mib)) ] || fail "cache $v"
v=$(stat_of shmem shmem); [ "$v" -ge $((32 * mib)) ] && [ "$v" -le $((34 * mib)) ] || fail "shmem $v"

for p in $pa $pc $ps_ $pb; do
	for f in status smaps_rollup cgroup oom_score_adj; do
		[ -s "$X/proc/$p/$f" ] || fail "proc/$p/$f not in the archive"
	done
	cat "$X/proc/$p/oom_score_adj" "$X/proc/$p/cgroup" | cmp -s - "$work/now/$p/both" ||
		fail "proc/$p oom_score_adj/cgroup differ"
	grep '^Anonymous:' "$X/proc/$p/smaps_rollup" | cmp -s - "$work/now/$p/anon" ||
		fail "proc/$p smaps_rollup Anonymous differs"
	grep -q "memory:/memsnap-test-$$/" "$X/proc/$p/cgroup" || fail "proc/$p/cgroup"
	[ ! -e "$X/proc/$p/environ" ] && [ ! -e "$X/proc/$p/cmdline" ] || fail "environ/cmdline stored"
done
grep -q '^Kthread:	1' "$X/proc/2/status" && [ -e "$X/proc/2/smaps_rollup" ] &&
	fail "a kernel thread's smaps_rollup was read"

# The BPF map: its fdinfo, byte for byte, and bpftool's view.
cmp -s "$X/proc/$pb/fdinfo/$map_fd" "$work/now/fdinfo" || fail "BPF map fdinfo differs"
grep -q "^map_id:	$map_id\$" "$X/proc/$pb/fdinfo/$map_fd" || fail "fdinfo has no map_id $map_id"
if command -v bpftool >/dev/null && grep -q '"name":"bpftool-map".*"exit_status":0' "$manifest"; then
	grep -q "\"id\":$map_id," "$X/collector/bpftool-map.json" ||
		fail "map $map_id not in bpftool-map.json"
fi

# The OOM report.
K=$X/collector/kmsg.txt
[ -e "$K" ] || K=$X/collector/kmsg-syslog.txt
grep -q "Killed process $po " "$K" || fail "the OOM kill of $po is not in $(basename "$K")"
grep -q "invoked oom-killer" "$K" || fail "no 'invoked oom-killer' in $(basename "$K")"
grep -q "oom_memcg=/memsnap-test-$$/oom" "$K" || fail "the OOM report does not name the cgroup"
grep -Eq '"oom_reports": [1-9]' "$manifest" || fail "counts.oom_reports is 0"

# No serious problem about anything we made.
if grep -E "memsnap-test-$$|proc/($pa|$pc|$ps_|$pb)/" "$manifest" | grep -Ev '"kind":"(absent|vanished)"' | grep -q '"kind"'; then
	fail "problems about the test objects: $(grep -E "memsnap-test-$$|proc/($pa|$pc|$ps_|$pb)/" "$manifest")"
fi
echo "ok: $(tar tzf "$work/c.tar.gz" | wc -l) entries, map $map_id, OOM kill of $po captured"
