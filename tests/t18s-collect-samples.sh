#!/bin/bash
# memsnap-collect --samples 3 --interval 200ms on this node with a workload
# that grows (capture.md 6): the archive holds the full first sample as
# today, samples/2 and samples/3 with only the files that change (node
# meminfo/vmstat/PSI, each memory cgroup's usage/stat/events, each process's
# status; smaps_rollup in the last one only), samples/index.tsv with 3 lines
# of increasing times, and the workload's VmRSS grew from sample 1 to 3.
# A one-sample capture has the layout of main's collector (same kinds of
# files, no samples/).  Needs root and a cgroup v1 memory hierarchy.
set -u
. "$(dirname "$0")/lib/check.sh"
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || skip "needs root (reads every process)"
[ -f /sys/fs/cgroup/memory/memory.usage_in_bytes ] || skip "no cgroup v1 memory hierarchy at /sys/fs/cgroup/memory"
command -v python3 > /dev/null || skip "python3 runs the workload"
hog=""
cleanup() {
	[ -n "$hog" ] && kill -9 "$hog" 2> /dev/null
}

# grows 4 MiB every 50 ms (pages written), up to 200 MiB, then holds
python3 -c '
import time
a = []
for i in range(50):
    a.append(b"x" * (4 << 20)); time.sleep(0.05)
time.sleep(60)' &
hog=$!
sleep 0.1

"$C" -q --samples 3 --interval 200ms --no-bpftool -o "$work/s.tar.gz" 2> "$work/err"
rc=$?
[ $rc -le 1 ] || { echo "FAIL: exit $rc: $(cat "$work/err")"; exit 1; }
# later samples are packs (capture.md 6.1, layout 2); the checks below read
# them unpacked into the layout of earlier collectors (an entry a file)
tar -tzf "$work/s.tar.gz" | sed 's#^[^/]*/##' > "$work/packed" || { echo "FAIL: unreadable archive"; exit 1; }
other=$(grep '^samples/[0-9]' "$work/packed" | grep -Ev '^samples/[23]/pack-[1-9][0-9]*$')
[ -z "$other" ] && grep -qx 'samples/2/pack-1' "$work/packed" && ok "samples/2, samples/3: packs only" ||
	fail "later samples not packed: $(echo "$other" | head -3)"
tests/unpack-samples.py "$work/s.tar.gz" "$work/s1.tar.gz" || fail "cannot unpack the packs"
tar -tzf "$work/s1.tar.gz" | sed 's#^[^/]*/##' > "$work/list" || { echo "FAIL: unreadable unpacked archive"; exit 1; }
tar -xzf "$work/s.tar.gz" -O --wildcards '*/samples/index.tsv' > "$work/index" 2> /dev/null || fail "no samples/index.tsv"
tar -xzf "$work/s.tar.gz" -O --wildcards '*/manifest.json' > "$work/m.json"

# the index: a header, then samples 1, 2, 3 with increasing times
python3 - "$work/index" <<'EOF' && ok "index: 3 samples, increasing times, kinds full/changes/changes+smaps_rollup" || fail "index: $(cat "$work/index")"
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
assert rows[0] == ["sample", "mono_ns", "mono_end_ns", "realtime", "kind", "trigger", "status"], rows[0]
rows = rows[1:]
assert [r[0] for r in rows] == ["1", "2", "3"], rows
mono = [int(r[1]) for r in rows]; wall = [float(r[3]) for r in rows]
assert mono[0] < mono[1] < mono[2] and wall[0] < wall[1] < wall[2], rows
# every 200 ms from sample 1's start, or at once when the previous sample
# ended later than that (a busy machine): never before, 200 ms late at most
end = [int(r[2]) for r in rows]
for k in (1, 2):
    due = max(mono[0] + k * 200e6, end[k - 1])
    assert due <= mono[k] <= due + 200e6, (k, mono, end)
assert [r[4] for r in rows] == ["full", "changes", "changes+smaps_rollup"], rows
assert all(r[6] == "complete" for r in rows), rows
EOF

for k in 2 3; do
	for f in proc/meminfo proc/vmstat proc/$hog/status sys/fs/cgroup/memory/memory.stat sys/fs/cgroup/memory/memory.usage_in_bytes; do
		grep -qx "samples/$k/$f" "$work/list" || fail "samples/$k/$f missing"
	done
	# nothing but the changing files
	other=$(grep "^samples/$k/" "$work/list" | sed "s#^samples/$k/##" |
		grep -Ev '^proc/(meminfo|vmstat|pressure/memory|[0-9]+/status|[0-9]+/smaps_rollup)$|/(memory\.(usage_in_bytes|kmem\.usage_in_bytes|stat|oom_control|current|events|pressure|swap\.current)|cgroup\.(controllers|procs))$')
	[ -z "$other" ] && ok "samples/$k: only the changing files" || fail "samples/$k holds more: $(echo "$other" | head -3)"
done
grep -q "^samples/2/proc/[0-9]*/smaps_rollup$" "$work/list" && fail "smaps_rollup in sample 2"
grep -qx "samples/3/proc/$hog/smaps_rollup" "$work/list" && ok "smaps_rollup in the last sample" || fail "no smaps_rollup of $hog in sample 3"
grep -qx "proc/$hog/smaps_rollup" "$work/list" && grep -qx "proc/$hog/cgroup" "$work/list" || fail "the first sample is not a full capture"

top=$(tar -tzf "$work/s1.tar.gz" | head -1 | cut -d/ -f1)
rss() { tar -xzf "$work/s1.tar.gz" -O "$top/$1" | awk '/^VmRSS:/{print $2}'; }
r1=$(rss proc/$hog/status); r3=$(rss samples/3/proc/$hog/status)
[ -n "$r1" ] && [ -n "$r3" ] && [ "$r3" -gt $((r1 + 8192)) ] && ok "VmRSS grew: $r1 -> $r3 kB" || fail "VmRSS did not grow: '$r1' -> '$r3'"

python3 - "$work/m.json" <<'EOF' && ok "manifest.samples, per-sample problem paths" || fail "manifest: $(grep -A3 '"samples"' "$work/m.json")"
import json, sys
m = json.load(open(sys.argv[1]))
s = m["samples"]
assert s["mode"] == "series" and s["requested"] == 3 and s["kept"] == 3 and s["index"] == "samples/index.tsv", s
assert s["layout"] == 2, s
assert m["complete"] is True, m["interrupted"]
assert m["options"]["timeout_ms"] == 60400, m["options"]
for p in m["problems"]:
    if p["path"].startswith("samples/"):
        assert p["path"].split("/")[1] in ("2", "3"), p
EOF

# the packed capture and the same in the earlier layout load the same series
if [ -x "$M" ]; then
	same=1
	for c in s s1; do
		"$M" load -q "$work/$c.tar.gz" -o "$work/$c.db" > /dev/null 2>&1
		[ $? -le 1 ] || fail "memsnap load $c.tar.gz"
	done
	for v in samples cgroup_samples process_samples working_set_breakdown_samples growth finding_restarts; do
		q="SELECT * FROM $v"
		[ "$("$M" sql --csv "$work/s.db" "$q" | sort | md5sum)" = "$("$M" sql --csv "$work/s1.db" "$q" | sort | md5sum)" ] ||
			{ same=0; fail "$v: the packed capture loads otherwise than the unpacked one"; }
	done
	n=$("$M" sql --csv "$work/s.db" "SELECT count(*) FROM process_samples WHERE sample = 3" | tail -n1 | tr -d '\r')
	[ $same = 1 ] && [ "${n:-0}" -gt 10 ] && ok "packed and earlier layout: the same series ($n processes in sample 3)"
fi

# one sample: today's layout, no samples/, no manifest.samples
"$C" -q --no-bpftool -o "$work/one.tar.gz" 2> "$work/err"
[ $? -le 1 ] || fail "one sample: $(cat "$work/err")"
norm() { tar -tzf "$1" | sed -E 's#^[^/]*/##; s#^proc/[0-9]+/#proc/PID/#; s#^(sys/fs/cgroup/memory/).*/([^/]+)$#\1X/\2#' | sort -u; }
norm "$work/one.tar.gz" > "$work/one.list"
grep -q '^samples/' "$work/one.list" && fail "one sample has samples/"
tar -xzf "$work/one.tar.gz" -O --wildcards '*/manifest.json' | grep -q '"samples"' && fail "one sample has manifest.samples"
# --samples 1 is the capture without --samples: the same kinds of files
"$C" -q --no-bpftool --samples 1 -o "$work/one1.tar.gz" 2> /dev/null
norm "$work/one1.tar.gz" > "$work/one1.list"
d=$(diff "$work/one1.list" "$work/one.list" | grep '^[<>]' | grep -v 'proc/PID/')
[ -z "$d" ] && grep -qx 'proc/meminfo' "$work/one.list" &&
	ok "one sample: --samples 1 has the layout of a capture without --samples" ||
	fail "--samples 1 differs from a capture without it: $(echo "$d" | head -5)"

# SIGTERM between samples: what it has, marked interrupted, exit 1 (on a
# fixture tree: this node's first sample may take longer than the wait)
"$C" -q --samples 1000 --interval 100ms --root tests/fixtures/roots/hybrid --no-bpftool \
	--kmsg none -o "$work/term.tar.gz" 2> "$work/err" &
bg=$!
sleep 1.2
kill -TERM $bg
wait $bg
rc=$?
n=$(tar -xzf "$work/term.tar.gz" -O --wildcards '*/samples/index.tsv' 2> /dev/null | grep -c $'\t\(complete\|SIGTERM\)$')
tar -xzf "$work/term.tar.gz" -O --wildcards '*/manifest.json' 2> /dev/null | grep -q '"interrupted": "SIGTERM"' &&
	[ $rc = 1 ] && [ "$n" -ge 4 ] && ok "SIGTERM: exit 1, interrupted, $n samples written" ||
	fail "SIGTERM: exit $rc, $n samples: $(cat "$work/err")"

# bad durations are usage errors
for bad in 200 1.5s 2S -1s 5ms; do
	"$C" --samples 2 --interval "$bad" -o /dev/null 2> "$work/err"
	[ $? = 2 ] && grep -q "invalid value '$bad' for --interval" "$work/err" || fail "--interval $bad: $(cat "$work/err")"
done
"$C" --samples 2 -o /dev/null 2> "$work/err"; [ $? = 2 ] || fail "--samples without --interval accepted"

check_end
