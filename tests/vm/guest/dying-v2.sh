# Guest script of tests/t49-vm-dying-v2.sh (issue 16 item 1 on cgroup v2):
# /t49/parent has a live child holding 8 MiB of anon and a child "gone"
# whose process caches a 24 MiB file on /scratch and exits; gone is
# removed, the file stays (its pages stay charged to the removed cgroup,
# which the kernel keeps, dying).  Then a capture.
# $OUT/expect.txt: nr_dying (parent's cgroup.stat nr_dying_descendants
# after the rmdir), gone_bytes (gone's memory.current before the rmdir),
# collect_status.  $OUT/kernel/: the parent's and live's files after.
. /lib/memsnap/guest.sh
set -u

expect=$OUT/expect.txt
: >"$expect"
put() { echo "$1=$2" >>"$expect"; }

parent=$(cg_create t49/parent)
live=$(cg_create t49/parent/live)
gone=$(cg_create t49/parent/gone)
memhog --cgroup "$live" --anon 8 --ready "$SCRATCH/live.ready" >"$OUT/live.log" 2>&1 &
pl=$!
wait_ready "$SCRATCH/live.ready" $pl
# --hold 0: it exits once the file is cached; --keep: the file stays
memhog --cgroup "$gone" --file "$SCRATCH/gone.dat" --file-mb 24 --no-map --keep --hold 0 \
	>"$OUT/gone.log" 2>&1 || fail "memhog in $gone failed: $(cat "$OUT/gone.log")"
[ -z "$(cat "$gone/cgroup.procs")" ] || fail "$gone still has processes"
put gone_bytes "$(cat "$gone/memory.current")"
rmdir "$gone" || fail "cannot remove $gone"
settle 1
nr=$(awk '$1 == "nr_dying_descendants" { print $2 }' "$parent/cgroup.stat")
put nr_dying "$nr"
log "gone held $(cat /dev/null; sed -n 's/^gone_bytes=//p' "$expect") bytes; parent's nr_dying_descendants $nr"

memsnap-collect -q -o "$OUT/capture.tar.gz" --no-bpftool 2>"$OUT/collect.err"
put collect_status $?
save kernel/parent "$parent/cgroup.stat" "$parent/memory.current"
save kernel/live "$live/memory.current"
kill $pl
wait $pl 2>/dev/null
log "done"
