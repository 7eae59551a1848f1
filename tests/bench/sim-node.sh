# The simulated node of the collector benchmarks, sourced by collect-bench.sh
# and samples-bench.sh: PODS pod cgroups of CTRS container cgroups, each
# holding PROCS sleeping processes and the shell that started them.  Needs
# root (exits 77 without); sets B (our cgroup), work (a temporary folder),
# have, nproc_all, ncg; removes everything at exit.
[ "$(id -u)" = 0 ] || { echo "SKIP: the simulated node needs root (memory cgroups)"; exit 77; }
if [ -e /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
	B=/sys/fs/cgroup/memory/memsnap-bench-$$
elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	B=/sys/fs/cgroup/memsnap-bench-$$
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
else
	echo "SKIP: no memory cgroup hierarchy"; exit 77
fi

work=$(mktemp -d)
cleanup() {
	local d p
	exec 2>/dev/null  # not bash's "Killed" line for each of our sleepers
	# Only the processes we started: those in our cgroups, by pid.
	for d in $(find "$B" -depth -type d 2>/dev/null); do
		while read -r p; do kill -9 "$p" 2>/dev/null; done <"$d/cgroup.procs"
	done
	sleep 0.2
	find "$B" -depth -type d -exec rmdir {} + 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

echo "simulated node: $PODS pods x $CTRS containers x $PROCS sleeping processes"
mkdir "$B"
[ "${B#/sys/fs/cgroup/memory}" = "$B" ] && echo +memory >"$B/cgroup.subtree_control"
for p in $(seq "$PODS"); do
	pod=$B/pod$p
	mkdir "$pod"
	[ "${B#/sys/fs/cgroup/memory}" = "$B" ] && echo +memory >"$pod/cgroup.subtree_control"
	for c in $(seq "$CTRS"); do
		mkdir "$pod/ctr$c"
		sh -c 'echo $$ >"$1/cgroup.procs" || exit 1; n=$2
			while [ $n -gt 0 ]; do sleep 3600 & n=$((n - 1)); done; wait' \
			sh "$pod/ctr$c" "$PROCS" &
	done
done
# Wait until every process is in place.
want=$((PODS * CTRS * (PROCS + 1)))
for i in $(seq 100); do
	have=$(cat $(find "$B" -name cgroup.procs) | wc -l)
	[ "$have" -ge "$want" ] && break
	sleep 0.1
done
nproc_all=$(ls -d /proc/[0-9]* | wc -l)
ncg=$(find "$(dirname "$B")" -type d | wc -l)
echo "node: $nproc_all processes, $ncg memory cgroups (ours: $have processes)"

