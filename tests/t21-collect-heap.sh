#!/bin/bash
# Heap limits of other runtimes (issue 16 item 6), live: a real node and a
# real JVM (Debian's packages) with heap flags on the command line and in
# NODE_OPTIONS / JAVA_TOOL_OPTIONS, next to arguments and variables that
# must never reach the archive.  collector/heap/PID.json must hold exactly
# the heap settings, and no other byte of either command line or environment.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
[ -x "$C" ] || skip "'$C' not built"
for c in node java javac python3; do
	command -v $c >/dev/null || skip "$c not installed"
done
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
. "$(dirname "$0")/lib/collect-root.sh"

java_sleeper "$work"

SECRET_TOKEN=TOPSECRET1 NODE_OPTIONS="--max-old-space-size=80 --no-deprecation" \
	node --max-old-space-size=64 -e 'console.log("ready"); setTimeout(()=>{},60000)' TOPSECRET2 \
	> "$work/node.out" &
pids+=($!)
node_pid=$!
SECRET_TOKEN=TOPSECRET3 JAVA_TOOL_OPTIONS="-Xms16m -Dsecret=TOPSECRET4" \
	java -Xmx48m -XX:MaxRAMPercentage=50 -Dpassword=TOPSECRET5 -cp "$work" Sleep TOPSECRET6 \
	> "$work/java.out" 2>"$work/java.err" &
pids+=($!)
java_pid=$!
wait_ready "$work/node.out" "$work/java.out"

capture_into "$work/x"

python3 - "$top" "$node_pid" "$java_pid" <<'EOS' || exit 1
import json, sys
top, node, java = sys.argv[1:4]
want = {
    node: {"pid": int(node), "runtime": "node", "args": ["--max-old-space-size=64"],
           "args_truncated": False, "env": {"NODE_OPTIONS": "--max-old-space-size=80"}},
    java: {"pid": int(java), "runtime": "java", "args": ["-Xmx48m", "-XX:MaxRAMPercentage=50"],
           "args_truncated": False, "env": {"JAVA_TOOL_OPTIONS": "-Xms16m"}},
}
for pid, w in want.items():
    try:
        got = json.load(open(f"{top}/collector/heap/{pid}.json"))
    except OSError as e:
        sys.exit(f"FAIL: no collector/heap/{pid}.json: {e}")
    if got != w:
        sys.exit(f"FAIL: collector/heap/{pid}.json is {got}, expected {w}")
EOS
# No other byte of the command lines or environments, anywhere.
if grep -rl TOPSECRET "$work/x" >/dev/null; then
	fail "a secret argument or variable reached the archive: $(grep -rl TOPSECRET "$work/x")"
fi
[ ! -e "$top/proc/$java_pid/cmdline" ] || fail "cmdline stored without --cmdline"
echo "ok: node and JVM heap flags captured, nothing else"
