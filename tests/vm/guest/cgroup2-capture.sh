# Guest script of tests/t20-vm-cgroup2.sh: on a pure cgroup v2 kernel, make
# memory cgroups holding known anon, page cache and shmem, one holding a BPF
# map, one whose process is OOM-killed at its memory.max, then capture with
# memsnap-collect.  The host checks the archive against $OUT/expect.txt.
#
# $OUT/expect.txt: key=value lines the host reads:
#   cgroups=<names>          the test cgroups, each /sys/fs/cgroup/t20/<name>
#   max_<name>=<bytes>       what memory.max was set to
#   pid_<name>=<pid>         the process holding that cgroup's memory
#   map_id, map_fd, map_name the BPF map bpfhold made (held by pid_bpf)
#   oom_pid, oom_status      the memhog the OOM killer killed, its wait status
#   collect_status           memsnap-collect's exit status
# $OUT/kernel/<name>/        the cgroup's memory.* files read right after
#                            the capture, for comparisons on the host.
. /lib/memsnap/guest.sh
set -u

expect=$OUT/expect.txt
: >"$expect"
put() { echo "$1=$2" >>"$expect"; }

names="anon cache shmem bpf oom"
put cgroups "$names"
anon=$(cg_create t20/anon 256M)
cache=$(cg_create t20/cache 192M)
shm=$(cg_create t20/shmem 160M)
bpf=$(cg_create t20/bpf 64M)
oom=$(cg_create t20/oom 32M)
for n in $names; do
	put "max_$n" "$(cat "/sys/fs/cgroup/t20/$n/memory.max")"
done

# Ready files on /scratch: a page of file cache, never shmem, so the shmem
# cgroup holds exactly what memhog made.
memhog --cgroup "$anon" --anon 64 --ready "$SCRATCH/anon.ready" \
	>"$OUT/memhog-anon.log" 2>&1 &
pa=$!
memhog --cgroup "$cache" --file "$SCRATCH/cache.dat" --file-mb 48 \
	--ready "$SCRATCH/cache.ready" >"$OUT/memhog-cache.log" 2>&1 &
pc=$!
memhog --cgroup "$shm" --shmem /dev/shm/t20.dat --shmem-mb 32 --memfd 8 --sysv 8 \
	--ready "$SCRATCH/shmem.ready" >"$OUT/memhog-shmem.log" 2>&1 &
ps_=$!
bpfhold --cgroup "$bpf" --type hash --entries 8192 --value-size 248 --fill \
	--name memsnap_t20 --ready "$SCRATCH/bpf.ready" >"$OUT/bpfhold.log" 2>&1 &
pb=$!
wait_ready "$SCRATCH/anon.ready" $pa
wait_ready "$SCRATCH/cache.ready" $pc
wait_ready "$SCRATCH/shmem.ready" $ps_
wait_ready "$SCRATCH/bpf.ready" $pb
put pid_anon $pa
put pid_cache $pc
put pid_shmem $ps_
put pid_bpf $pb
put map_id "$(sed -n 's/^map_id=\([0-9]*\) .*/\1/p' "$OUT/bpfhold.log")"
put map_fd "$(sed -n 's/^map_id=.* fd=\([0-9]*\).*/\1/p' "$OUT/bpfhold.log")"
put map_name memsnap_t20

# The OOM kill: memhog allocates 1 MiB at a time until the kernel kills it
# at the cgroup's 32 MiB.
memhog --cgroup "$oom" --until-killed >"$OUT/memhog-oom.log" 2>&1 &
po=$!
put pid_oom $po
wait_exit $po 60 || fail "memhog --until-killed (pid $po) still alive after 60 s"
wait $po
put oom_status $?
put oom_pid $po
wait_oom_kill "$oom" 10 || fail "memory.events of $oom counts no oom_kill"
log "memhog $po was OOM-killed in $oom"
settle 1

log "capturing"
memsnap-collect -o "$OUT/capture.tar.gz" --kmsg oom \
	>"$OUT/collect.stdout" 2>"$OUT/collect.stderr"
rc=$?
put collect_status $rc
cat "$OUT/collect.stderr"

for n in $names; do
	d=/sys/fs/cgroup/t20/$n
	save "kernel/$n" "$d/memory.current" "$d/memory.stat" "$d/memory.max" \
		"$d/memory.events"
done

kill $pa $pc $ps_ $pb 2>/dev/null
wait $pa $pc $ps_ $pb 2>/dev/null
# 0: complete; 1: complete with problems (e.g. a file this kernel lacks).
[ $rc -le 1 ] || fail "memsnap-collect exited with status $rc"
log "done"
