#!/bin/bash
# Who acts first, the kubelet or the kernel, and the kills the kernel log
# does not show (issue 16 items 4 and 5), on captures memsnap-collect
# --root makes of a kubelet node tree (as t23: a kubelet process whose
# --config is the EKS sample, MemTotal, the root cgroup's memory.stat, a
# kubepods.slice limit), to which the test adds the journal samples of
# systemd-oomd and the kubelet's eviction manager as
# collector/journal-kills.txt, and a kernel log with two memcg OOM kills:
# one of a container's child (its init, pid 4242, still runs in the
# cgroup: Kubernetes never reports it) and one whose container is gone.
#   node_eviction  threshold from the config (100Mi), the kubelet default
#                  without settings, distances, first_to_act, allocatable
#   eviction_near  raised near the threshold, not with room to spare
#   kill_ledger    kernel, systemd-oomd and kubelet-eviction rows, with
#                  k8s_visible 0 for the child, 1 for the whole container
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
: "${SAMPLES_DIR:=$(cd "$(dirname "$0")" && pwd)/samples}"
[ -x "$C" ] && [ -x "$M" ] || skip "memsnap not built"
s=$SAMPLES_DIR/kubelet-config
for d in kubelet-config oomd kubelet-eviction; do
	[ -d "$SAMPLES_DIR/$d" ] || skip "no $d samples in '$SAMPLES_DIR'"
done
. "$(dirname "$0")/lib/collect-root.sh"

# node ROOT AVAILABLE_KB ANON_BYTES [kubelet]: a node tree of 8,000,000 kB
node() {
	local root=$1
	rm -rf "$root"
	root_tree "$root"
	mkdir -p "$root/sys/fs/cgroup/kubepods.slice"
	printf 'MemTotal:        8000000 kB\nMemFree:          500000 kB\nMemAvailable:    %s kB\n' \
		"$2" > "$root/proc/meminfo"
	printf 'anon %s\nfile 2000000000\ninactive_file 1000000000\nactive_file 1000000000\n' \
		"$3" > "$root/sys/fs/cgroup/memory.stat"
	echo 7000000000 > "$root/sys/fs/cgroup/kubepods.slice/memory.max"
	[ "${4:-}" = kubelet ] || return 0
	mkdir -p "$root/proc/4242" "$root/etc/kubernetes/kubelet"
	echo kubelet > "$root/proc/4242/comm"
	printf '%s\0' /usr/bin/kubelet --config=/etc/kubernetes/kubelet/kubelet-config.json \
		> "$root/proc/4242/cmdline"
	cp "$s/learnk8s-inspector-eks-al2-node-kubelet-config.json" \
		"$root/etc/kubernetes/kubelet/kubelet-config.json"
}
q() { sql_rows "$1" "$2" | tr , '|'; }
eq() { [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"; }

# 1. Room to spare: kubelet memory.available 8192000000 - (7e9 - 1e9) =
# 2192000000, 2087142400 above 100Mi; MemAvailable 2048000000 is nearer.
node "$work/r1" 2000000 5000000000 kubelet
capture_into "$work/c1" --root "$work/r1"
[ -f "$top/collector/kubelet.txt" ] || fail "no collector/kubelet.txt"
pod=6f0c2a3e-1b2c-4d5e-8f90-123456789abc
cid=4b1e0d2c9a8f7e6d5c4b3a291807f6e5d4c3b2a1908f7e6d5c4b3a2918070605
gone=9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a
base=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${pod//-/_}.slice
cat "$SAMPLES_DIR"/oomd/systemd-gh23606-*.txt \
	"$SAMPLES_DIR"/kubelet-eviction/k8s-pr31939-*.txt > "$top/collector/journal-kills.txt"
for k in "$cid:4243:worker" "$gone:5000:app"; do
	IFS=: read -r c p comm <<<"$k"
	echo "[ 8123.456789] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=$c,mems_allowed=0,oom_memcg=$base/cri-containerd-$c.scope,task_memcg=$base/cri-containerd-$c.scope,task=$comm,pid=$p,uid=1000"
	echo "[ 8123.456800] Memory cgroup out of memory: Killed process $p ($comm) total-vm:1000kB, anon-rss:2048kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:64kB oom_score_adj:984"
done > "$top/collector/kmsg.txt"
mkdir -p "$top/proc/4242"
printf 'Name:\tjava\nState:\tS (sleeping)\nPid:\t4242\nPPid:\t4200\nNSpid:\t4242\t1\n' \
	> "$top/proc/4242/status"
echo "0::$base/cri-containerd-$cid.scope" > "$top/proc/4242/cgroup"
"$M" load -q "$top" -o "$work/1.db" >/dev/null || fail "memsnap load (1)"

eq "$(q "$work/1.db" "SELECT eviction_threshold_bytes, eviction_threshold_source,
	eviction_distance_bytes, oom_distance_bytes, first_to_act, node_allocatable_bytes,
	kube_reserved_bytes FROM node_eviction")" \
	"104857600|evictionHard (config)|2087142400|2048000000|kernel OOM killer|7000000000|601882624" \
	"node_eviction with room"
eq "$(q "$work/1.db" "SELECT count(*) FROM findings WHERE code = 'eviction_near'")" 0 \
	"eviction_near with room"
eq "$(q "$work/1.db" "SELECT source, pid, comm, k8s_visible FROM kill_ledger
	WHERE source = 'kernel' ORDER BY pid")" \
	"kernel|4243|worker|0
kernel|5000|app|1" "kernel kills and what Kubernetes sees"
eq "$(q "$work/1.db" "SELECT source, count(*) FROM kill_ledger GROUP BY source")" \
	"kernel|2
kubelet-eviction|1
systemd-oomd|1" "kill_ledger sources"
eq "$(q "$work/1.db" "SELECT namespace, pod FROM kill_ledger
	WHERE source = 'kubelet-eviction' AND reason LIKE '%evicted%'")" \
	"e2e-tests-eviction-test-simple-rkrca|guaranteed-cn933" "the evicted pod"
eq "$(q "$work/1.db" "SELECT cgroup FROM kill_ledger WHERE source = 'systemd-oomd'
	AND reason LIKE 'memory pressure%'")" \
	"/user.slice/user-1001.slice/user@1001.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope" \
	"the oomd kill"

# 2. Near: memory.available 8192000000 - 6900000000 = 292000000, 178.5 MiB
# above 100Mi (less than twice it): the kubelet evicts before the kernel.
node "$work/r2" 1000000 6900000000 kubelet
capture_into "$work/c2" --root "$work/r2"
"$M" load -q "$top" -o "$work/2.db" >/dev/null || fail "memsnap load (2)"
eq "$(q "$work/2.db" "SELECT eviction_distance_bytes, first_to_act FROM node_eviction")" \
	"187142400|kubelet eviction" "node_eviction near"
eq "$(q "$work/2.db" "SELECT code, query FROM findings WHERE code = 'eviction_near'")" \
	"eviction_near|SELECT * FROM node_eviction WHERE capture_id = 1" "eviction_near"

# 3. A kubelet's cgroups but no setting captured: the kubelet's default.
node "$work/r3" 1000000 6900000000
mkdir -p "$work/r3/sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice"
capture_into "$work/c3" --root "$work/r3"
"$M" load -q "$top" -o "$work/3.db" >/dev/null || fail "memsnap load (3)"
eq "$(q "$work/3.db" "SELECT eviction_threshold_bytes, eviction_threshold_source
	FROM node_eviction")" "104857600|kubelet default (memory.available<100Mi)" \
	"the default threshold"
echo "ok: node_eviction, eviction_near and kill_ledger"
