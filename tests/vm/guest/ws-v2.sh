# Guest script of tests/t51-working-set-v2.sh: on a pure cgroup v2 kernel,
# memory cgroups holding known amounts of each kind of memory (see the table
# in t51), then one capture with memsnap-collect.  The host checks the
# archive and the loaded views against $OUT/expect.txt.
#
# $OUT/expect.txt: key=value lines:
#   cgroups=<names>        the test cgroups, each /sys/fs/cgroup/ws/<name>
#   max_<name>=<bytes>     memory.max read after the capture
#   map_id, sock_queued_bytes, dentries, threads   what the helpers made
#   ncpu                   CPUs of the guest
#   collect_status         memsnap-collect's exit status
# $OUT/capture.tar.gz      the capture
. /lib/memsnap/guest.sh
set -u

expect=$OUT/expect.txt
: >"$expect"
put() { echo "$1=$2" >>"$expect"; }
names="anon file shmem mlock kernel dentry sock bpf"
put cgroups "$names"
put ncpu "$(nproc)"
for n in $names; do cg_create "ws/$n" 256M >/dev/null; done
d=/sys/fs/cgroup/ws

# Ready files on /scratch: a page of file cache, never shmem.
memhog --cgroup $d/anon --anon 64 --ready "$SCRATCH/anon.ready" >"$OUT/anon.log" 2>&1 &
p1=$!
memhog --cgroup $d/file --file "$SCRATCH/cache.dat" --file-mb 48 \
	--ready "$SCRATCH/file.ready" >"$OUT/file.log" 2>&1 &
p2=$!
memhog --cgroup $d/shmem --shmem /dev/shm/ws.dat --shmem-mb 32 --memfd 8 --sysv 8 \
	--ready "$SCRATCH/shmem.ready" >"$OUT/shmem.log" 2>&1 &
p3=$!
wsload --cgroup $d/mlock --mlock-file "$SCRATCH/mlock.dat" --mlock-mb 24 \
	--ready "$SCRATCH/mlock.ready" >"$OUT/mlock.log" 2>&1 &
p4=$!
wsload --cgroup $d/kernel --pagetables 32 --threads 64 \
	--ready "$SCRATCH/kernel.ready" >"$OUT/kernel.log" 2>&1 &
p5=$!
wsload --cgroup $d/dentry --dentries 50000 --dir "$SCRATCH" \
	--ready "$SCRATCH/dentry.ready" >"$OUT/dentry.log" 2>&1 &
p6=$!
wsload --cgroup $d/sock --sockets 8 --ready "$SCRATCH/sock.ready" >"$OUT/sock.log" 2>&1 &
p7=$!
bpfhold --cgroup $d/bpf --type hash --entries 65536 --value-size 248 --fill \
	--name memsnap_t51 --ready "$SCRATCH/bpf.ready" >"$OUT/bpf.log" 2>&1 &
p8=$!
wait_ready "$SCRATCH/anon.ready" $p1
wait_ready "$SCRATCH/file.ready" $p2
wait_ready "$SCRATCH/shmem.ready" $p3
wait_ready "$SCRATCH/mlock.ready" $p4
wait_ready "$SCRATCH/kernel.ready" $p5
wait_ready "$SCRATCH/dentry.ready" $p6 240
wait_ready "$SCRATCH/sock.ready" $p7
wait_ready "$SCRATCH/bpf.ready" $p8
put map_id "$(sed -n 's/^map_id=\([0-9]*\) .*/\1/p' "$OUT/bpf.log")"
put sock_queued_bytes "$(sed -n 's/.*sock_queued_bytes=\([0-9]*\).*/\1/p' "$OUT/sock.log")"
put dentries "$(sed -n 's/^dentries=//p' "$OUT/dentry.log")"
put threads "$(sed -n 's/^threads=//p' "$OUT/kernel.log")"
settle 1

log "capturing"
memsnap-collect -q -o "$OUT/capture.tar.gz" >"$OUT/collect.out" 2>&1
rc=$?
put collect_status $rc
cat "$OUT/collect.out"
for n in $names; do put "max_$n" "$(cat $d/$n/memory.max)"; done
for n in $names; do log "$n: current $(cat $d/$n/memory.current)"; done
kill $p1 $p2 $p3 $p4 $p5 $p6 $p7 $p8 2>/dev/null
wait $p1 $p2 $p3 $p4 $p5 $p6 $p7 $p8 2>/dev/null
[ $rc -le 1 ] || fail "memsnap-collect exited with status $rc"
log "done"
