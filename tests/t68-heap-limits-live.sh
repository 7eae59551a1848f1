#!/bin/bash
# Heap limits against the container limit, live (issue 16 item 6): a real
# node with --max-old-space-size=64 in a v1 memory cgroup limited to 48 MiB
# (heap_over_limit), and a real JVM without heap flags in one limited to
# 256 MiB (runtime_heaps: the JVM default, 25% of the limit).  Needs root,
# a v1 memory hierarchy, node and java (Debian's packages).
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
[ -x "$C" ] && [ -x "$M" ] || skip "binaries not built"
for c in node java javac; do
	command -v $c >/dev/null || skip "$c not installed"
done
. "$(dirname "$0")/lib/collect-root.sh"
need_v1_memory
cg=$mem/memsnap-t47-$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rmdir "$cg/node" "$cg/java" "$cg" 2>/dev/null
}

mkdir -p "$cg/node" "$cg/java" || fail "cannot create cgroups under $cg"
echo $((48 << 20)) > "$cg/node/memory.limit_in_bytes"
echo $((256 << 20)) > "$cg/java/memory.limit_in_bytes"
java_sleeper "$work"
sh -c "echo \$\$ > $cg/node/cgroup.procs && exec node --max-old-space-size=64 -e 'console.log(\"ready\"); setTimeout(()=>{},60000)'" \
	> "$work/node.out" &
pids+=($!)
node_pid=$!
sh -c "echo \$\$ > $cg/java/cgroup.procs && exec java -cp $work Sleep" \
	> "$work/java.out" 2>"$work/java.err" &
pids+=($!)
java_pid=$!
wait_ready "$work/node.out" "$work/java.out"

capture_into "$work/x"
"$M" load -q -o "$work/db" "$top" 2>"$work/load.err" || [ $? = 1 ] ||
	{ cat "$work/load.err"; fail "load failed"; }
q() { sql_rows "$work/db" "$1"; }
got=$(q "SELECT runtime, heap_limit_bytes, heap_limit_source, container_limit_bytes
         FROM runtime_heaps WHERE pid = $node_pid")
[ "$got" = "node,67108864,--max-old-space-size,50331648" ] || fail "node: $got"
got=$(q "SELECT runtime, heap_limit_bytes, heap_limit_source, container_limit_bytes
         FROM runtime_heaps WHERE pid = $java_pid")
[ "$got" = "java,67108864,jvm default 25%,268435456" ] || fail "java: $got"
got=$(q "SELECT code FROM findings WHERE cgroup = '/memsnap-t47-$$/node'")
echo "$got" | grep -qx heap_over_limit || fail "no heap_over_limit: $got"
got=$(q "SELECT code FROM findings WHERE cgroup = '/memsnap-t47-$$/java' AND code LIKE 'heap%'")
[ -z "$got" ] || fail "a heap finding for the JVM within its limit: $got"
echo "PASS"
