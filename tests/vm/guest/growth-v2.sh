# Guest script of tests/t47-vm-growth-v2.sh, on cgroup v2 (issue 14's proof
# in the VM).  Two captures:
#   $OUT/growth.tar.gz  memsnap-collect --samples SAMPLES --interval INTERVAL
#       of /t47/{anon,cache,tmpfs} growing RATE MiB/s (anon; a file on
#       /scratch: page cache; a file on a tmpfs mounted here: shmem),
#       /t47/steady holding 48 MiB, and /t47/restart whose 1-second
#       memhog is started again and again (from outside the cgroup);
#   $OUT/oom.tar.gz     the flight recorder (--until-oom --cgroup /t47/oom
#       --interval 200ms --keep 5) while a memhog in /t47/oom (memory.max
#       48M) grows RATE MiB/s until the kernel kills it.
# $OUT/expect.txt: key=value for the host: restart_pids (comma-separated),
# oom_pid, growth_status and oom_status (the collector's exit statuses).
# Usage: growth-v2.sh RATE SAMPLES INTERVAL
. /lib/memsnap/guest.sh
set -u
rate=$1 samples=$2 interval=$3

expect=$OUT/expect.txt
: >"$expect"
put() { echo "$1=$2" >>"$expect"; }

for n in anon cache tmpfs steady restart; do cg_create "t47/$n" >/dev/null; done
mkdir -p /mnt/t47shm
mount -t tmpfs -o size=192m t47shm /mnt/t47shm || fail "cannot mount a tmpfs"
G=$CGROOT/t47
# --hold 40: they stop by themselves should the script fail before kill
memhog --cgroup "$G/anon" --grow "$rate" --hold 40 --ready "$SCRATCH/anon.ready" \
	>"$OUT/anon.log" 2>&1 &
pa=$!
memhog --cgroup "$G/cache" --grow "$rate" --grow-into "$SCRATCH/cache.dat" --hold 40 \
	--ready "$SCRATCH/cache.ready" >"$OUT/cache.log" 2>&1 &
pc=$!
memhog --cgroup "$G/tmpfs" --grow "$rate" --grow-into /mnt/t47shm/grow.dat --hold 40 \
	--ready "$SCRATCH/tmpfs.ready" >"$OUT/tmpfs.log" 2>&1 &
pt=$!
memhog --cgroup "$G/steady" --anon 48 --hold 40 --ready "$SCRATCH/steady.ready" \
	>"$OUT/steady.log" 2>&1 &
ps_=$!
for n in anon:$pa cache:$pc tmpfs:$pt steady:$ps_; do
	wait_ready "$SCRATCH/${n%%:*}.ready" "${n#*:}"
done
# The restarts: this loop is not in the cgroup, so no process of it lives
# through them.
( for i in $(seq 30); do
	memhog --cgroup "$G/restart" --anon 16 --hold 1 || exit 1
done ) >"$OUT/restart.log" 2>&1 &
pr=$!
sleep 0.5
log "capturing $samples samples, $interval apart"
memsnap-collect -q -o "$OUT/growth.tar.gz" --samples "$samples" --interval "$interval" \
	--no-bpftool 2>"$OUT/growth.err"
put growth_status $?
kill $pr $pa $pc $pt $ps_ 2>/dev/null
wait $pr $pa $pc $pt $ps_ 2>/dev/null
put restart_pids "$(sed -n 's/^pid=//p' "$OUT/restart.log" | tr '\n' , | sed 's/,$//')"
rm -f "$SCRATCH/cache.dat" /mnt/t47shm/grow.dat

# The flight recorder: the ring fills before the workload starts
oom=$(cg_create t47/oom 48M)
memsnap-collect -q --until-oom --cgroup /t47/oom --interval 200ms --keep 5 --timeout 120 \
	--no-bpftool -o "$OUT/oom.tar.gz" 2>"$OUT/oom.err" &
rec=$!
sleep 2
memhog --cgroup "$oom" --grow "$rate" >"$OUT/oom-memhog.log" 2>&1 &
hog=$!
put oom_pid $hog
wait_exit $hog 90 || fail "memhog $hog in $oom still alive after 90 s"
log "memhog $hog ended: $(tail -n 1 "$OUT/oom-memhog.log")"
wait_exit $rec 60 || { kill -TERM $rec; fail "the flight recorder did not end after the kill"; }
wait $rec
put oom_status $?
log "done"
