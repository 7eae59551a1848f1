# Guest script of tests/t53-findings-v2.sh: on cgroup v2, one cgroup per
# finding, each made to cross its threshold (the table is in t53), then a
# capture.  Writes $OUT/expect.txt (key=value) and $OUT/capture.tar.gz.
. /lib/memsnap/guest.sh
set -u

expect=$OUT/expect.txt
: >"$expect"
put() { echo "$1=$2" >>"$expect"; }

# Swap: a swap file on the ext4 scratch disk.
dd if=/dev/zero of="$SCRATCH/swapfile" bs=1M count=160 2>/dev/null || fail "cannot write a swap file"
chmod 600 "$SCRATCH/swapfile"
mkswap "$SCRATCH/swapfile" >/dev/null || fail "mkswap failed"
swapon "$SCRATCH/swapfile" || fail "swapon failed"
log "swap: $(grep -E 'SwapTotal' /proc/meminfo)"

uid=7f1c0de5-53aa-4c7e-9a7e-0c0ffee53001
cid=$(printf 'c0%062d' 53)
be=kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$(echo $uid | tr - _).slice/cri-containerd-$cid.scope
put be_cgroup "/$be"

crit=$(cg_create f/crit 96M)
kern=$(cg_create f/kern)
bpf=$(cg_create f/bpf)
slab=$(cg_create f/slab)
swp=$(cg_create f/swap 32M)
victim=$(cg_create f/oom/victim 32M)
quiet=$(cg_create f/quiet 512M)
prs=$(cg_create f/pressure 128M)
echo 16M >"$prs/memory.high" || fail "cannot set memory.high"
# No swap for it: the throttling is what makes the stalls, not swap I/O.
echo 0 >"$prs/memory.swap.max" || fail "cannot set memory.swap.max"
bec=$(cg_create "$be")

memhog --cgroup "$crit" --anon 88 --ready "$SCRATCH/crit.ready" >"$OUT/crit.log" 2>&1 &
p1=$!
wsload --cgroup "$kern" --pagetables 80 --ready "$SCRATCH/kern.ready" >"$OUT/kern.log" 2>&1 &
p2=$!
bpfhold --cgroup "$bpf" --type hash --entries 65536 --value-size 248 --fill --count 5 \
	--name t53 --ready "$SCRATCH/bpf.ready" >"$OUT/bpf.log" 2>&1 &
p3=$!
wsload --cgroup "$slab" --dentries 400000 --dir "$SCRATCH" \
	--ready "$SCRATCH/slab.ready" >"$OUT/slab.log" 2>&1 &
p4=$!
memhog --cgroup "$swp" --anon 64 --ready "$SCRATCH/swap.ready" >"$OUT/swap.log" 2>&1 &
p5=$!
memhog --cgroup "$quiet" --anon 16 --ready "$SCRATCH/quiet.ready" >"$OUT/quiet.log" 2>&1 &
p6=$!
memhog --cgroup "$bec" --anon 8 --ready "$SCRATCH/be.ready" >"$OUT/be.log" 2>&1 &
p7=$!
for r in crit:$p1 kern:$p2 bpf:$p3 swap:$p5 quiet:$p6 be:$p7; do
	wait_ready "$SCRATCH/${r%%:*}.ready" "${r#*:}"
done
wait_ready "$SCRATCH/slab.ready" $p4 300

# OOM kill at memory.max
memhog --cgroup "$victim" --until-killed >"$OUT/victim.log" 2>&1 &
pv=$!
n=600
while kill -0 $pv 2>/dev/null; do
	n=$((n - 1))
	[ $n -gt 0 ] || fail "memhog --until-killed still alive after 60 s"
	sleep 0.1
done
wait $pv
put oom_pid $pv
wait_oom_kill "$victim" 10 || fail "no oom_kill in $victim/memory.events"

# Pressure: memory.high far below what memhog keeps asking for; without
# anything to reclaim but its anon (swap is there, but slow), the kernel
# throttles it on every allocation: PSI of the cgroup (and of the node,
# where it is the only busy task) rises.  avg10 needs ~10 s of stalls.
memhog --cgroup "$prs" --until-killed >"$OUT/pressure.log" 2>&1 &
pp=$!
sleep 15
log "pressure: $(tr '\n' ' ' <"$prs/memory.pressure")"
log "node pressure: $(tr '\n' ' ' </proc/pressure/memory)"
log "swap cgroup: swap.current $(cat "$swp/memory.swap.current") current $(cat "$swp/memory.current")"
log "oom parent memory.events: $(tr '\n' ' ' <"$(dirname "$victim")/memory.events")"

log "capturing"
memsnap-collect -q -o "$OUT/capture.tar.gz" >"$OUT/collect.out" 2>&1
rc=$?
put collect_status $rc
cat "$OUT/collect.out"
# memhog --until-killed only stops for SIGKILL (it is meant for the OOM killer).
kill -KILL $pp 2>/dev/null
kill $p1 $p2 $p3 $p4 $p5 $p6 $p7 2>/dev/null
wait $p1 $p2 $p3 $p4 $p5 $p6 $p7 $pp 2>/dev/null
[ $rc -le 1 ] || fail "memsnap-collect exited with status $rc"
log "done"
