#!/bin/bash
# memsnap report's sections for issue 16 (reports/deeper.h) on the report
# fixture that has their data (report-k8s-v2, written by
# tests/fixtures/captures/make-report-captures.py: cgroup.stat with dying
# cgroups, a container over memory.high, tmpfs.txt, kubelet.txt,
# journal-kills.txt, a Node.js heap file): each section is in the text and
# its key in the JSON, with one of its values; the OOM section says whether
# Kubernetes sees each kill; a capture without the data has none of the
# sections and empty keys; an unknown number is "?" or null, never 0.
set -u
. "$(dirname "$0")/lib/check.sh" --samples
F=$SAMPLE_FIXTURES_DIR/captures     # made from the samples by tests/run-tests
[ -x "$M" ] || skip "'$M' not built"

for f in text json; do
	"$M" report -f $f -o "$work/k8s.$f" "$F/report-k8s-v2" 2> "$work/err"
	[ $? -le 1 ] || { cat "$work/err"; echo "FAIL: memsnap report -f $f report-k8s-v2"; exit 1; }
	"$M" report -f $f -o "$work/v1.$f" "$F/report-v1-docker" 2> "$work/err"
	[ $? -le 1 ] || { cat "$work/err"; echo "FAIL: memsnap report -f $f report-v1-docker"; exit 1; }
done

# section TITLE VALUE: the section's title line, and VALUE in the lines
# after it up to the next section (a blank line)
section() {
	awk -v t="$1" 'index($0, t) == 1 { on = 1 } on && /^$/ { exit } on' "$work/k8s.text" |
		tr '\n' ' ' | tr -s ' ' > "$work/sec"
	if [ ! -s "$work/sec" ]; then
		fail "text: no section '$1'"
	elif grep -qF -- "$2" "$work/sec"; then
		ok "text: $1 says '$2'"
	else
		fail "text: $1 lacks '$2': $(cat "$work/sec")"
	fi
}
section "DYING CGROUPS" "kubepods: 130 dying (9 live)"
section "THROTTLED BY MEMORY.HIGH" "memory.events high 1520"
section "TMPFS AND EMPTYDIR VOLUMES" "emptyDir volume render-cache, 192.0 MiB used of 256.0 MiB"
section "KUBELET EVICTION OR KERNEL OOM" "falls below 500.0 MiB (evictionHard (config)): 3.6 GiB to go"
section "KILLS AND EVICTIONS" "systemd-oomd: /system.slice/log-rotate.service"
section "HEAP LIMITS" "heap limit 4.0 GiB (--max-old-space-size), container limit 4.0 GiB"
# MemAvailable is not in this meminfo: unknown, not 0
section "KUBELET EVICTION OR KERNEL OOM" "when MemAvailable (?) runs out"
n=$(grep -c '^  k8s       Kubernetes sees it' "$work/k8s.text")
[ "$n" = 2 ] && ok "text: both OOM kills say Kubernetes sees them" || fail "text: k8s lines: $n of 2"

python3 - "$work/k8s.json" <<'EOF' && ok "json: every section's key and a value" || fail "json"
import json, sys
[c] = json.load(open(sys.argv[1]))["captures"]
d = c["dying_cgroups"]
assert [(x["name"], x["nr_dying"]) for x in d] == [("kubepods", 130)], d
h = c["memory_high"]
assert len(h) == 1 and h[0]["events_high"] == 1520 and h[0]["high_pct"] > 100, h
t = {x["volume"] or x["kind"]: x for x in c["tmpfs_usage"]}
assert t["render-cache"]["used_bytes"] == 201326592 and t["render-cache"]["size_bytes"] == 268435456, t
assert t["dev-shm"]["container"] == "web", t
e = c["node_eviction"]
assert e["eviction_threshold_bytes"] == 500 << 20 and e["kube_reserved_bytes"] == 512 << 20, e
assert e["oom_distance_bytes"] is None and e["first_to_act"] is None, e      # unknown: null
k = c["kill_ledger"]
assert sorted(x["source"] for x in k) == ["kernel", "kernel", "kubelet-eviction", "systemd-oomd"], k
assert [x["pod"] for x in k if x["source"] == "kubelet-eviction"] == ["report-builder-5f7c9d8b6-x2kq8"], k
r = c["runtime_heaps"]
assert [(x["pid"], x["runtime"], x["heap_limit_bytes"]) for x in r] == [(23911, "node", 4 << 30)], r
assert [o["k8s_visible"] for o in c["oom_kills"]] == [1, 1], c["oom_kills"]
for key in ("dying_cgroups", "memory_high", "tmpfs", "eviction", "kill_ledger", "runtime_heaps"):
    assert key in c["queries"] and "WHERE" in c["queries"][key], key
EOF

# a capture without the data: none of the sections, the keys empty; its
# docker kill is not a pod's, so no k8s line
for s in "DYING CGROUPS" "THROTTLED BY" "TMPFS AND" "KUBELET EVICTION" "KILLS AND" "HEAP LIMITS" "  k8s  "; do
	grep -qF "$s" "$work/v1.text" && fail "v1-docker text has '$s'"
done
ok "v1-docker text: no issue 16 section"
python3 - "$work/v1.json" <<'EOF' && ok "v1-docker json: the keys, empty" || fail "v1-docker json"
import json, sys
[c] = json.load(open(sys.argv[1]))["captures"]
for key in ("dying_cgroups", "memory_high", "tmpfs_usage", "kill_ledger", "runtime_heaps"):
    assert c[key] == [], (key, c[key])
assert c["node_eviction"] is None
EOF

check_end
