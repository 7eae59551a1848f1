#!/bin/bash
# Heap limits against the container limit, live (issue 16 item 6): a real
# node with --max-old-space-size=64 in a v1 memory cgroup limited to 48 MiB
# (heap_over_limit), and a real JVM without heap flags in one limited to
# 256 MiB (runtime_heaps: the JVM default, 25% of the limit).  Needs root,
# a v1 memory hierarchy, node and java (Debian's packages).
set -u
: "${BIN_DIR:=$(cd "$(dirname "$0")/.." && pwd)/bin}"
collect=$BIN_DIR/memsnap-collect
memsnap=$BIN_DIR/memsnap
[ -x "$collect" ] && [ -x "$memsnap" ] || { echo "SKIP: binaries not built"; exit 77; }
for c in node java javac; do
	command -v $c >/dev/null || { echo "SKIP: $c not installed"; exit 77; }
done
fail() { echo "FAIL: $*"; exit 1; }
. "$(dirname "$0")/lib/collect-root.sh"
need_v1_memory
tmp=$(mktemp -d)
cg=$mem/memsnap-t47-$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
	rmdir "$cg/node" "$cg/java" "$cg" 2>/dev/null
}
trap cleanup EXIT

mkdir -p "$cg/node" "$cg/java" || fail "cannot create cgroups under $cg"
echo $((48 << 20)) > "$cg/node/memory.limit_in_bytes"
echo $((256 << 20)) > "$cg/java/memory.limit_in_bytes"
java_sleeper "$tmp"
sh -c "echo \$\$ > $cg/node/cgroup.procs && exec node --max-old-space-size=64 -e 'console.log(\"ready\"); setTimeout(()=>{},60000)'" \
	> "$tmp/node.out" &
pids+=($!)
node_pid=$!
sh -c "echo \$\$ > $cg/java/cgroup.procs && exec java -cp $tmp Sleep" \
	> "$tmp/java.out" 2>"$tmp/java.err" &
pids+=($!)
java_pid=$!
wait_ready "$tmp/node.out" "$tmp/java.out"

capture_into "$tmp/x"
"$memsnap" load -q -o "$tmp/db" "$top" 2>"$tmp/load.err" || [ $? = 1 ] ||
	{ cat "$tmp/load.err"; fail "load failed"; }
q() { "$memsnap" sql --csv "$tmp/db" "$1" | tail -n +2 | tr -d '\r'; }
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
