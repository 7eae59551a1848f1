#!/bin/bash
# Issue 16 items 1, 3, 6 on a fixture: proc/cgroups, collector/tmpfs.txt and
# collector/heap/<pid>.json added to the k8s cgroupfs v1 capture, loaded
# into dying_cgroups, tmpfs_usage, runtime_heaps and their findings.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
[ -x "$M" ] || skip "'$M' not built"
src=$(dirname "$0")/fixtures/captures/k8s-cgroupfs-v1/memsnap-node-a-20260301T120000Z
c=$work/cap
cp -r "$src" "$c"
live=$(find "$c/sys/fs/cgroup/memory" -type d | wc -l)
printf '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t3\t40\t1\nmemory\t5\t%d\t1\n' \
	$((live + 150)) > "$c/proc/cgroups"
u3=3f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a72
cat > "$c/collector/tmpfs.txt" <<EOS
emptydir 0 tmpfs 134217728 75497472 /var/lib/kubelet/pods/$u3/volumes/kubernetes.io~empty-dir/scratch
dev-shm 2051 tmpfs 67108864 4096 /dev/shm
EOS
mkdir -p "$c/collector/heap"
echo '{"pid": 2017, "runtime": "java", "args": ["-Xmx100m"], "args_truncated": false, "env": {"JAVA_TOOL_OPTIONS": "-Xms16m", "_JAVA_OPTIONS": "-Xmx200m"}}' \
	> "$c/collector/heap/2017.json"
echo '{"pid": 2051, "runtime": "node", "args": [], "args_truncated": false, "env": {}}' \
	> "$c/collector/heap/2051.json"
echo 'not json' > "$c/collector/heap/9999.json"
db=$work/db
"$M" load -q -o "$db" "$c" >/dev/null 2>"$work/err" || [ $? = 1 ] || { cat "$work/err"; fail "load failed"; }
q() { "$M" sql --csv "$db" "$1" 2>&1 | tr -d '\r' | tr ',' '\t'; }
q "SELECT path, problem FROM load_problems" | grep -q 'heap/9999.json.*cannot parse' \
	|| fail "a broken heap file is not a load problem: $(q "SELECT * FROM load_problems")"

got=$(q "SELECT cgroup, nr_dying FROM dying_cgroups")
[ "$got" = "$(printf 'cgroup\tnr_dying\n/\t150')" ] || fail "dying_cgroups: $got"
q "SELECT code FROM findings" | grep -qx dying_cgroups || fail "no dying_cgroups finding"

got=$(q "SELECT namespace, pod, container, volume, kind, used_bytes FROM tmpfs_usage ORDER BY kind")
echo "$got" | grep -q "	web		dev-shm	4096$" || fail "dev-shm row: $got"
echo "$got" | grep -q "	NULL	scratch	emptydir	75497472$\|		scratch	emptydir	75497472$" \
	|| fail "emptydir row: $got"
q "SELECT title FROM findings WHERE code = 'large_shmem'" | grep -q 'volume scratch' \
	|| fail "large_shmem does not name the volume: $(q "SELECT title FROM findings")"

got=$(q "SELECT pid, runtime, heap_limit_bytes, heap_limit_source, container_limit_bytes FROM runtime_heaps ORDER BY pid")
echo "$got" | grep -q "^2017	java	209715200	-Xmx	134217728$" || fail "java row: $got"
echo "$got" | grep -q "^2051	node	NULL	NULL	268435456$\|^2051	node			268435456$" || fail "node row: $got"
q "SELECT code, cgroup FROM findings WHERE code LIKE 'heap%'" > "$work/h"
grep -q '^heap_over_limit	.*6170696700' "$work/h" || fail "heap_over_limit: $(cat "$work/h")"
grep -q '^heap_no_limit	.*crio-7765626200' "$work/h" || fail "heap_no_limit: $(cat "$work/h")"

# cgroup v2: cgroup.stat of kubepods.slice and of one of its children: the
# dying ones below kubepods.slice that no live child holds
v2src=$(echo "$(dirname "$0")"/fixtures/captures/k8s-systemd-v2/memsnap-*)
v2=$work/v2
cp -r "$v2src" "$v2"
k=$v2/sys/fs/cgroup/kubepods.slice
printf 'nr_descendants 9\nnr_dying_descendants 130\n' > "$k/cgroup.stat"
printf 'nr_descendants 2\nnr_dying_descendants 10\n' > "$k/kubepods-besteffort.slice/cgroup.stat"
"$M" load -q -o "$work/db2" "$v2" >/dev/null 2>"$work/err" || [ $? = 1 ] ||
	{ cat "$work/err"; fail "load of the v2 capture failed"; }
db=$work/db2
got=$(q "SELECT cgroup, nr_dying, nr_descendants FROM dying_cgroups ORDER BY cgroup")
[ "$got" = "$(printf 'cgroup\tnr_dying\tnr_descendants\n/kubepods.slice\t120\t9\n/kubepods.slice/kubepods-besteffort.slice\t10\t2')" ] \
	|| fail "v2 dying_cgroups: $got"
q "SELECT code, cgroup FROM findings WHERE code = 'dying_cgroups'" | grep -q '	/kubepods.slice$' \
	|| fail "no v2 dying_cgroups finding"
echo "PASS"
