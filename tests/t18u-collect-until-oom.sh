#!/bin/bash
# The flight recorder, live (capture.md 6.2): a memory cgroup with a 64 MiB
# limit, `memsnap-collect --until-oom --cgroup /<it> --interval 200ms
# --keep 5`, a workload in it that grows 4 MiB every 50 ms until the kernel
# kills it.  The archive holds the kill (collector/kmsg.txt: the oom-kill:
# line naming the cgroup), at least 3 samples before it and one after it
# (samples/index.tsv), at most 5 ring samples; the run ends by itself.
# Then: SIGTERM writes what it has, --timeout ends it (both exit 1, marked
# interrupted).  Loaded, the finding growth_before_oom_kill names the
# cgroup, anon and the kill, and the report shows it with WHAT GREW.  Needs
# root and a cgroup v1 memory hierarchy.
set -u
. "$(dirname "$0")/lib/check.sh"
cd "$(dirname "$0")/.."
LIMIT=$((64 << 20))
[ "$(id -u)" = 0 ] || skip "needs root (creates a memory cgroup, reads /dev/kmsg)"
[ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] || skip "no cgroup v1 memory hierarchy at /sys/fs/cgroup/memory"
command -v python3 > /dev/null || skip "python3 runs the workload"
[ -r /dev/kmsg ] || skip "cannot read /dev/kmsg"

name=memsnap-t18u-$$-$RANDOM
cg=/sys/fs/cgroup/memory/$name
bg=""
cleanup() {
	[ -n "$bg" ] && kill -9 "$bg" 2> /dev/null
	cgroup_remove "$cg"
}

mkdir "$cg" || skip "cannot create '$cg'"
echo $LIMIT > "$cg/memory.limit_in_bytes"
[ -f "$cg/memory.memsw.limit_in_bytes" ] && echo $LIMIT > "$cg/memory.memsw.limit_in_bytes"

"$C" -q --until-oom --cgroup "/$name" --interval 200ms --keep 5 --timeout 60 \
	--no-bpftool -o "$work/oom.tar.gz" 2> "$work/err" &
bg=$!
sleep 1
# 4 MiB every 50 ms: the 64 MiB limit is reached in about 0.8 s
( echo "$BASHPID" > "$cg/cgroup.procs" && exec python3 -c '
import time
a = []
while True:
    a.append(b"x" * (4 << 20)); time.sleep(0.05)' ) 2> /dev/null &
hog=$!
wait $hog
echo "workload ended: status $?"
for i in $(seq 100); do kill -0 $bg 2> /dev/null || break; sleep 0.1; done
if kill -0 $bg 2> /dev/null; then
	fail "the recorder did not end after the kill"
	kill -TERM $bg
fi
wait $bg
rc=$?
bg=""
# (1: some file of the node was denied, as in any capture: manifest.complete says)
[ $rc -le 1 ] && ok "ended by itself after the kill" || fail "exit $rc: $(cat "$work/err")"
top=$(tar -tzf "$work/oom.tar.gz" | head -1 | cut -d/ -f1)
[ -n "$top" ] || { echo "FAIL: unreadable archive"; exit 1; }
# later samples are packs (capture.md 6.1): read unpacked, an entry a file
tests/unpack-samples.py "$work/oom.tar.gz" "$work/oom1.tar.gz" || fail "cannot unpack the packs"
x() { tar -xzf "$work/oom1.tar.gz" -O "$top/$1"; }
x collector/kmsg.txt > "$work/kmsg"
grep -q "oom-kill:.*oom_memcg=/$name," "$work/kmsg" && ok "the kill record is in collector/kmsg.txt" || fail "no oom-kill: line for /$name in collector/kmsg.txt"
grep -q "Killed process $hog (python3)" "$work/kmsg" && ok "Killed process $hog" || fail "no 'Killed process $hog' record"
x samples/index.tsv > "$work/index"
cat "$work/index"
python3 - "$work/index" <<'EOF' && ok "index: 3+ ring samples, then one after the kill" || fail "index"
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
assert rows[0][0] == "1" and rows[0][4] == "full", rows[0]
ring = [r for r in rows if r[5] == "interval"]
assert 3 <= len(ring) <= 5, len(ring)
assert rows[-1][5] == "oom-kill" and rows[-1][4] == "changes+smaps_rollup", rows[-1]
mono = [int(r[1]) for r in rows]
assert mono == sorted(mono) and len(set(mono)) == len(mono), mono
ks = [int(r[0]) for r in rows]
assert ks == sorted(ks), ks
EOF
# each kept sample's files are there: the cgroup's usage, rising before the kill
for k in $(awk -F'\t' 'NR > 2 {print $1}' "$work/index"); do
	x "samples/$k/sys/fs/cgroup/memory/$name/memory.usage_in_bytes" > /dev/null 2>&1 || fail "samples/$k: no usage of /$name"
done
x manifest.json > "$work/m.json"
python3 - "$work/m.json" <<'EOF' && ok "manifest: oom_kill true, complete, kmsg.last_seq" || fail "manifest: $(grep -A8 '"samples"' "$work/m.json")"
import json, sys
m = json.load(open(sys.argv[1]))
s = m["samples"]
assert s["mode"] == "until-oom" and s["oom_kill"] is True and s["cgroup"].endswith("t18u-") is False, s
assert m["complete"] is True, m["interrupted"]
assert m["kmsg"]["last_seq"] > 0 and m["kmsg"]["path"] == "collector/kmsg.txt", m["kmsg"]
assert m["counts"]["oom_reports"] >= 1, m["counts"]
EOF
# today's loader reads the archive: the kill is one of its oom_kills
if [ -x "$BIN_DIR/memsnap" ]; then
	"$BIN_DIR/memsnap" load -q -o "$work/db" "$work/oom.tar.gz" 2> "$work/err"
	n=$("$BIN_DIR/memsnap" sql --csv "$work/db" "select count(*) from oom_kills where killed_pid = $hog and oom_memcg = '/$name'" 2> /dev/null | tail -1 | tr -d "\r")
	[ "$n" = 1 ] && ok "memsnap load: oom_kills holds pid $hog" || fail "memsnap load: $n kills of $hog: $(cat "$work/err")"
	# the flight recorder's finding: what grew in the killed cgroup before the kill
	f=$("$BIN_DIR/memsnap" sql --csv "$work/db" "select cgroup || '|' || title || '|' || evidence from findings where code = 'growth_before_oom_kill'" 2> /dev/null | tail -n +2 | tr -d "\r" | sed 's/^"//; s/"$//')
	case "$f" in
	"/$name|"*": anon grew "*"/min for "*", then the kill|anon grew from "*"killed python3 (pid $hog)"*)
		ok "finding growth_before_oom_kill: /$name, anon, the kill of $hog: ${f#*|}" ;;
	*)	fail "no growth_before_oom_kill for /$name and anon: '$f'; $("$BIN_DIR/memsnap" sql "$work/db" "select sample, anon_bytes from cgroup_samples where cgroup = '/$name' order by sample" 2>&1)" ;;
	esac
	"$BIN_DIR/memsnap" report "$work/db" > "$work/report" 2> /dev/null
	grep -q "anon grew .*/min for .*, then the kill" "$work/report" && grep -q "^WHAT GREW" "$work/report" &&
		ok "memsnap report: WHAT GREW and the finding" || fail "memsnap report: $(grep -n 'WHAT GREW\|then the kill' "$work/report")"
fi

# SIGTERM: what it has (no kill: the cgroup is empty now)
"$C" -q --until-oom --cgroup "/$name" --interval 200ms --keep 3 --no-bpftool -o "$work/term.tar.gz" 2> "$work/err" &
bg=$!
sleep 1.5
kill -TERM $bg
wait $bg
rc=$?
bg=""
[ $rc = 1 ] || fail "SIGTERM: exit $rc, not 1: $(cat "$work/err")"
tar -xzf "$work/term.tar.gz" -O --wildcards '*/manifest.json' > "$work/m.json" 2> /dev/null &&
	grep -q '"interrupted": "SIGTERM"' "$work/m.json" && grep -q '"oom_kill":false' "$work/m.json" &&
	[ "$(tar -xzf "$work/term.tar.gz" -O --wildcards '*/samples/index.tsv' | grep -c $'\tinterval\t')" = 3 ] &&
	ok "SIGTERM: written, interrupted, the last 3 samples" || fail "SIGTERM: $(tar -xzf "$work/term.tar.gz" -O --wildcards '*/samples/index.tsv')"

# --timeout ends it
start=$(date +%s%N)
"$C" -q --until-oom --interval 200ms --keep 2 --timeout 1 --no-bpftool -o "$work/to.tar.gz" 2> "$work/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ $rc = 1 ] && [ $ms -lt 5000 ] && tar -xzf "$work/to.tar.gz" -O --wildcards '*/manifest.json' | grep -q '"interrupted": "timeout"' &&
	ok "--timeout 1: ended in $ms ms, interrupted: timeout" || fail "--timeout: exit $rc after $ms ms: $(cat "$work/err")"

check_end
