#!/bin/bash
# The report's What grew and the flight recorder's finding, from the binary,
# on the sampled fixture captures of make-report-captures.py:
#  - report-samples-k8s (5 samples, 30 s apart): every rate, first and last
#    value of the text table and the JSON is what the capture's own files
#    say (computed here from samples/index.tsv and each sample's
#    memory.stat, not from memsnap's views): the web container's anon
#    +20.0 MiB/min steady, cilium's page cache, xray's shmem, node-exporter's
#    one-off growth not steady; the checker is shown to fail on a rate 2 %
#    off and on a wrong steady;
#  - report-k8s-v2 (one sample): no WHAT GREW, no "growth" key, no growth
#    query kept;
#  - report-until-oom-v1 (the flight recorder): the finding
#    growth_before_oom_kill names the docker container, anon, 48.0 MiB/min,
#    3.0 min and the kill (stress, pid 12906), in the text (the findings and
#    the OOM section) and the JSON; the
#    table's PEAK keeps the growth that the sample after the kill lost;
#  - the three formats are the same bytes run twice.
set -u
. "$(dirname "$0")/lib/check.sh" --samples
F=$SAMPLE_FIXTURES_DIR/captures     # made from the samples by tests/run-tests

S=$F/report-samples-k8s
"$M" report "$S" > "$work/s.txt" 2> /dev/null
"$M" report -f json "$S" > "$work/s.json" 2> /dev/null
[ -s "$work/s.txt" ] && [ -s "$work/s.json" ] || { echo "FAIL: memsnap report $S"; exit 1; }

# check.py CAPTURE_DIR REPORT.json REPORT.txt: the expected rows from the
# capture's raw files against the JSON and the text
cat > "$work/check.py" <<'EOF'
import glob, json, os, sys
cap = glob.glob(os.path.join(sys.argv[1], "memsnap-*"))[0]
rep = json.load(open(sys.argv[2]))
txt = open(sys.argv[3]).read()
index = [l.rstrip("\n").split("\t") for l in open(os.path.join(cap, "samples/index.tsv"))][1:]
mono = {int(r[0]): int(r[1]) / 1e9 for r in index}
MR = "sys/fs/cgroup"

def stat(k, cg):
    base = cap if k == 1 else os.path.join(cap, "samples/%d" % k)
    d = {}
    for line in open(os.path.join(base, MR + cg, "memory.stat")):
        key, v = line.split()
        d[key] = int(v)
    return d

def part(d, p):
    return {"anon": d["anon"], "shmem": d["shmem"], "page_cache": d["file"] - d["shmem"]}[p]

def human(v):
    a = abs(v)
    for u in ("B", "KiB", "MiB", "GiB", "TiB"):
        if a < 1024 or u == "TiB":
            s = ("%d %s" % (a, u)) if u == "B" else ("%.1f %s" % (a, u))
            break
        a /= 1024
    return ("-" if v < 0 else "") + s

g = rep["captures"][0]["growth"]
assert g["samples"] == len(index), (g["samples"], len(index))
bad = []
names = {"web": "shop/checkout-web-7c9d5f6b8-zt4lp/web",
         "cilium": "kube-system/cilium-x7k2p/cilium-agent",
         "xray": "proxy/xray-gateway-6d8f7b9c4-q7x2m/xray",
         "ne": "monitoring/node-exporter-m4k8d/node-exporter"}
want = [("web", "anon", True), ("cilium", "page_cache", True), ("xray", "shmem", True),
        ("ne", "anon", False)]
conts = {c["name"]: c for c in g["containers"]}
label = {"anon": "anon", "shmem": "shmem", "page_cache": "page cache"}
for who, p, steady in want:
    c = conts[names[who]]
    row = [r for r in c["parts"] if r["part"] == p][0]
    ks = sorted(mono)
    vals = [part(stat(k, c["cgroup"]), p) for k in ks]
    first, last = vals[0], vals[-1]
    secs = mono[ks[-1]] - mono[ks[0]]
    per_hour = round((last - first) * 3600 / secs)
    is_steady = all(b - a >= 4096 for a, b in zip(vals, vals[1:]))
    assert is_steady == steady, (who, p, vals)
    got = (row["bytes_first"], row["bytes_last"], row["bytes_per_hour"], row["steady"],
           [s["bytes"] for s in row["series"]])
    exp = (first, last, per_hour, steady, vals)
    if got != exp:
        bad.append("%s %s: json %s, the files say %s" % (who, p, got, exp))
    rate = ("+" if per_hour > 0 else "") + human(int(per_hour / 60)) + "/min"
    line = "    %-16s %12s %12s %12s %17s  %s" % (label[p], human(first), human(max(vals)),
                                                human(last), rate, "yes" if steady else "no")
    if line not in txt.splitlines():
        bad.append("%s %s: text has no line %r" % (who, p, line))
if bad:
    sys.exit("\n".join(bad))
print("checked %d rows" % len(want))
EOF
python3 "$work/check.py" "$S" "$work/s.json" "$work/s.txt" > "$work/out" 2>&1 &&
	ok "What grew: text and JSON as the capture's files say ($(cat "$work/out"))" ||
	fail "What grew: $(cat "$work/out")"
grep -q "^WHAT GREW  5 samples over 2.0 min$" "$work/s.txt" && ok "WHAT GREW: 5 samples over 2.0 min" ||
	fail "no WHAT GREW title: $(grep -n 'WHAT GREW' "$work/s.txt")"
grep -q "shop/checkout-web-7c9d5f6b8-zt4lp/web: anonymous memory grew in every sample" "$work/s.txt" &&
	ok "growth_anon names the web container" || fail "no growth_anon finding for web"
grep -q "growth_before_oom_kill" "$work/s.txt" && fail "a series capture has a growth_before_oom_kill" ||
	ok "a series capture has no flight recorder finding"

# the checker fails on a wrong rate and on a wrong steady
python3 - "$work/s.json" "$work/rate.json" "$work/steady.json" <<'EOF'
import json, sys
for out, f in ((sys.argv[2], lambda r: r.update(bytes_per_hour=int(r["bytes_per_hour"] * 1.02))),
               (sys.argv[3], lambda r: r.update(steady=not r["steady"]))):
    j = json.load(open(sys.argv[1]))
    for c in j["captures"][0]["growth"]["containers"]:
        if c["name"].endswith("/web"):
            f(c["parts"][0])
    json.dump(j, open(out, "w"))
EOF
sed 's|+20.0 MiB/min  yes|+20.4 MiB/min  yes|' "$work/s.txt" > "$work/rate.txt"
for t in "rate.json s.txt" "steady.json s.txt" "s.json rate.txt"; do
	set -- $t
	python3 "$work/check.py" "$S" "$work/$1" "$work/$2" > "$work/out" 2>&1 &&
		fail "the check passes a wrong report ($1, $2)" || ok "the check fails on a wrong report ($1, $2)"
done

# one sample: no section
"$M" report "$F/report-k8s-v2" > "$work/one.txt" 2> /dev/null
"$M" report -f json "$F/report-k8s-v2" > "$work/one.json" 2> /dev/null
! grep -q "WHAT GREW" "$work/one.txt" && ! grep -q '"growth' "$work/one.json" && grep -q '"containers"' "$work/one.json" &&
	ok "one sample: no WHAT GREW, no growth key nor query" || fail "one sample shows What grew"

# the flight recorder
U=$F/report-until-oom-v1
"$M" report "$U" > "$work/u.txt" 2> /dev/null
"$M" report -f json "$U" > "$work/u.json" 2> /dev/null
grep -q "warning  docker:1da1ac35179e: anon grew 48.0 MiB/min for 3.0 min, then the kill" "$work/u.txt" &&
	ok "text: the flight recorder's finding" || fail "text: no growth_before_oom_kill: $(sed -n '/FINDINGS/,/OOM KILLS/p' "$work/u.txt")"
sed -n '/^OOM KILLS/,/^PROCESSES/p' "$work/u.txt" | grep -q "^  Before the kill (flight recorder): docker:1da1ac35179e: anon grew 48.0 MiB/min" &&
	ok "text: the OOM section mentions it" || fail "text: no note in OOM KILLS"
python3 - "$work/u.json" <<'EOF' && ok "JSON: growth_before_oom_kill in the docker container, anon, the kill; peak 201.6 MiB" || fail "JSON: flight recorder"
import json, sys
c = json.load(open(sys.argv[1]))["captures"][0]
f = [f for f in c["findings"] if f["code"] == "growth_before_oom_kill"]
assert len(f) == 1, f
f = f[0]
assert f["cgroup"] == "/system.slice/docker-1da1ac35179e4a431244118025a4806f88ca172ffdba9e035076add06e912e6f.scope", f
assert f["severity"] == "warning" and " anon grew 48.0 MiB/min for 3.0 min" in f["title"], f
assert "between samples 3 and 8" in f["evidence"] and "killed stress (pid 12906)" in f["evidence"], f
row = c["growth"]["containers"][0]["parts"][0]
assert row["part"] == "anon" and row["bytes_peak"] - row["bytes_first"] == 211390464, row
assert row["bytes_last"] == row["bytes_first"] and not row["steady"], row
EOF

# deterministic
for f in text json html; do
	"$M" report -f $f "$S" > "$work/a" 2> /dev/null
	"$M" report -f $f "$S" > "$work/b" 2> /dev/null
	cmp -s "$work/a" "$work/b" && ok "$f: the same bytes twice" || fail "$f differs between two runs"
done
[ "$(grep -o "<polyline" "$work/a" | wc -l)" = 20 ] && ok "html: 20 sparklines (5 containers, 4 parts)" ||
	fail "html: $(grep -o "<polyline" "$work/a" | wc -l) sparklines, 20 expected"

# a flat tail before the kill (at its limit the cgroup stops growing while
# the kernel reclaims): the finding still tells the growth, up to the last
# sample that grew; three flat intervals are not "then the kill"
command -v sqlite3 >/dev/null && {
"$M" load -q "$U" -o "$work/u.db"; [ $? -le 1 ] || fail "memsnap load $U"
dock=$("$M" sql --csv "$work/u.db" "SELECT cgroup FROM finding_growth_before_kill" | tail -n +2 | tr -d '\r')
flat() {   # samples $1..8 hold sample ($1 - 1)'s memory.stat of the container
	cp "$work/u.db" "$work/f.db"
	# (the spans of a growing container are a sample each)
	sqlite3 "$work/f.db" "UPDATE cgroup_memstat_span AS s SET total_rss = p.total_rss
		FROM cgroup_memstat_span p WHERE p.capture_id = s.capture_id AND p.cgroup = s.cgroup
		AND $(($1 - 1)) BETWEEN p.sample AND p.sample_last AND s.sample BETWEEN $1 AND 8
		AND s.cgroup = '$dock';
		DELETE FROM cgroup_parts_data WHERE sample > 1;
		INSERT INTO cgroup_memory_load SELECT * FROM cgroup_memory_at;
		INSERT OR REPLACE INTO cgroup_parts_data SELECT * FROM cgroup_parts_calc;
		DELETE FROM cgroup_memory_load" 2>&1
	"$M" sql --csv "$work/f.db" "SELECT sample_first || '-' || sample_last FROM finding_growth_before_kill
		WHERE component = 'anon'" | tail -n +2 | tr -d '\r'
}
r=$(flat 8)
[ "$r" = 3-7 ] && ok "one flat interval before the kill: the growth of samples 3-7" ||
	fail "one flat interval before the kill: '$r', 3-7 expected"
r=$(flat 6)
[ -z "$r" ] && ok "three flat intervals before the kill: no growth_before_oom_kill" ||
	fail "three flat intervals before the kill: '$r'"
}
# issue 16 item 2 over samples: the web container went over memory.high
# 100 more times each sample (make-report-captures.py): +400 in 120 s, in
# cgroup_throttling, its finding and the report's throttling section
"$M" load -q "$S" -o "$work/s.db" || fail "memsnap load $S"
row=$("$M" sql --csv "$work/s.db" "SELECT events_high_growth, events_max_growth, samples_seconds
      FROM cgroup_throttling WHERE name LIKE '%/web'" | tail -n +2 | tr -d '\r')
[ "$row" = "400,0,120.0" ] && ok "cgroup_throttling: web's events high +400, max +0 in 120 s" ||
	fail "cgroup_throttling growth of web: '$row', 400,0,120.0 expected"
tr '\n' ' ' < "$work/s.txt" | tr -s ' ' | grep -q "during the capture's 120 s: high +400, max +0" &&
	ok "text: the finding and the section say high +400 during the capture" ||
	fail "text: no 'high +400' during the capture"
"$M" load -q "$F/report-k8s-v2" -o "$work/one.db" || fail "memsnap load report-k8s-v2"
n1=$("$M" sql --csv "$work/one.db" "SELECT count(*) FROM cgroup_throttling WHERE events_high_growth IS NOT NULL" |
	tail -n +2 | tr -d '\r')
[ "$n1" = 0 ] && ok "one sample: no events growth" || fail "one sample: $n1 rows with an events growth"
check_end
