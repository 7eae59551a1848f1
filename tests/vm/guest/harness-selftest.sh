# Guest script of tests/t19-vm-harness.sh: checks what tests/vm/run promises
# (cgroup v2 with memory delegated, bpffs, /scratch as real page cache, files
# and arguments in, binary files out) and that memhog and bpfhold make
# exactly the memory they say, as the kernel's v2 counters see it.
# Arguments: the sha256 of /data/random.bin.
. /lib/memsnap/guest.sh
set -u
MIB=1048576

log "arguments: $#: $*"
[ $# = 2 ] && [ "$2" = "two words 'quoted'" ] || fail "arguments not passed intact: $*"
[ "$(sha256sum /data/random.bin | cut -d' ' -f1)" = "$1" ] || fail "/data/random.bin differs"
cp /data/random.bin "$OUT/random.bin"

# The guest is pure cgroup v2 with the memory controller delegated.
grep -q '^cgroup2 /sys/fs/cgroup cgroup2' /proc/mounts || fail "cgroup2 not at /sys/fs/cgroup"
grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || fail "+memory not in subtree_control"
grep -q ' /sys/fs/bpf bpf' /proc/mounts || fail "bpffs not mounted"
grep -q ' /scratch ext4' /proc/mounts || fail "/scratch is not ext4"
[ "$SCRATCH" = /scratch ] || fail "SCRATCH='$SCRATCH'"
[ "$(hostname)" = memsnap-vm ] || fail "hostname $(hostname)"
command -v memhog >/dev/null || fail "memhog not on PATH"

# stat_mib CGDIR KEY: a memory.stat value in whole MiB, rounded down.
stat_mib() { echo $(( $(cg_key "$1" memory.stat "$2") / MIB )); }

# Each kind alone in its own cgroup, so the counters can be compared with
# what memhog made.  memhog's own small anon (stack, stdio) stays under
# 1 MiB; file and shmem pages of the binary are charged to the root cgroup,
# which unpacked the initramfs.
a=$(cg_create selftest/anon 512M)
f=$(cg_create selftest/file)
s=$(cg_create selftest/shmem)
b=$(cg_create selftest/bpf)
memhog --cgroup "$a" --anon 64 --ready /tmp/a.ready >"$OUT/memhog-anon.log" 2>&1 &
pa=$!
memhog --cgroup "$f" --file "$SCRATCH/cache.dat" --file-mb 40 --ready /tmp/f.ready \
	>"$OUT/memhog-file.log" 2>&1 &
pf=$!
# The ready file is written by memhog, so charged to its cgroup: on tmpfs it
# would add a page of shmem, hence /scratch here.
memhog --cgroup "$s" --shmem /dev/shm/t19.dat --shmem-mb 16 --memfd 8 --sysv 4 \
	--ready "$SCRATCH/s.ready" >"$OUT/memhog-shmem.log" 2>&1 &
ps_=$!
wait_ready /tmp/a.ready $pa
wait_ready /tmp/f.ready $pf
wait_ready "$SCRATCH/s.ready" $ps_
before_bpf=$(cat "$b/memory.current")
bpfhold --cgroup "$b" --type hash --entries 8192 --value-size 248 --fill --name t19map \
	--ready /tmp/b.ready >"$OUT/bpfhold.log" 2>&1 &
pb=$!
wait_ready /tmp/b.ready $pb
settle 1

for cg in "$a" "$f" "$s" "$b"; do
	n=${cg##*/}
	cp "$cg/memory.stat" "$OUT/memory.stat.$n"
	cp "$cg/memory.current" "$OUT/memory.current.$n"
done
log "anon: anon=$(stat_mib "$a" anon) MiB file=$(stat_mib "$a" file) MiB"
log "file: file=$(stat_mib "$f" file) active_file=$(stat_mib "$f" active_file) shmem=$(stat_mib "$f" shmem) MiB"
log "shmem: shmem=$(stat_mib "$s" shmem) anon=$(stat_mib "$s" anon) MiB"

[ "$(stat_mib "$a" anon)" = 64 ] || fail "anon cgroup: anon $(cg_key "$a" memory.stat anon), want 64 MiB + < 1 MiB"
[ "$(stat_mib "$f" file)" = 40 ] || fail "file cgroup: file $(cg_key "$f" memory.stat file), want 40 MiB + < 1 MiB"
[ "$(stat_mib "$f" shmem)" = 0 ] || fail "file cgroup: page cache on /scratch counted as shmem"
# The file was read twice: its pages are on the active list.
[ "$(stat_mib "$f" active_file)" -ge 39 ] || fail "file cgroup: active_file $(cg_key "$f" memory.stat active_file)"
# tmpfs 16 + memfd 8 + SysV 4: shmem is exact to the page.
[ "$(cg_key "$s" memory.stat shmem)" = $((28 * MIB)) ] ||
	fail "shmem cgroup: shmem $(cg_key "$s" memory.stat shmem), want $((28 * MIB))"

# The map: id printed, fdinfo names it, and (kernel >= 5.11, cgroup v2) its
# memory is charged to the creator's cgroup.
id=$(sed -n 's/^map_id=\([0-9]*\) .*/\1/p' "$OUT/bpfhold.log")
fd=$(sed -n 's/^map_id=.* fd=\([0-9]*\).*/\1/p' "$OUT/bpfhold.log")
[ -n "$id" ] || fail "bpfhold printed no map_id"
grep -q "^map_id:[[:space:]]*$id\$" "/proc/$pb/fdinfo/$fd" || fail "fdinfo $fd of $pb does not name map $id"
memlock=$(awk '$1 == "memlock:" { print $2 }' "/proc/$pb/fdinfo/$fd")
after_bpf=$(cat "$b/memory.current")
log "bpf: map $id memlock=$memlock; cgroup memory.current $before_bpf -> $after_bpf"
[ $((after_bpf - before_bpf)) -ge $((memlock / 2)) ] ||
	fail "bpf cgroup grew by $((after_bpf - before_bpf)), map memlock $memlock"

# Stop the holders; memhog removes its files on SIGTERM.
kill $pa $pf $ps_ $pb
wait $pa $pf $ps_ $pb
[ ! -e /dev/shm/t19.dat ] || fail "memhog left /dev/shm/t19.dat"
log "all good"
