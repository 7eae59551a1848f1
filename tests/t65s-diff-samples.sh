#!/bin/bash
# memsnap diff of two samples of one capture (issue 14), for real on this
# host's cgroup v1: memsnap-collect --samples 4 --interval 500ms while
#  - memhog grows anon at 20 MiB/s in a cgroup of its own (grow), and
#  - a process in another cgroup (restart) execs itself every 100 ms under
#    a new name (gen-1, gen-2, ...): the same pid with another program, what
#    a pid reused by a restarted program looks like to a capture (the
#    capture holds no start time).
# `memsnap diff CAPTURE` (its first and last sample) must find memhog and
# its cgroup grown, by anon, at its rate over the interval, with exactly the
# values process_samples and cgroup_samples hold for samples 1 and 4, and
# the renamed pid restarted with no growth; --samples last:first is the
# same diff reversed (shrank, the negated change) and --samples 1:2 reads
# sample 2, not 4 (so a swap or a wrong sample fails); the same diff from
# the loaded database (alone, and with --capture 1); its usage errors.
# Then a Kubernetes container restarted in a new cgroup, as the kubelet
# does (pod cgroup kubepods/burstable/pod<uid>, the container's cgroup its
# id): memhog in container A1 holds 8 MiB for 3 s and exits, its cgroup is
# removed and memhog runs again in a new cgroup B2 of the same pod.  Capture
# X before, a capture S of 3 samples 2 s apart across the restart (sample 1
# before it, sample 3 after it: the restart comes ~3 s after X), capture Y
# after it; no names (no kubelet logs).  `memsnap diff S` and `memsnap diff
# X Y` must each show one row for the pod's containers: restarted, A1 ->
# B2, both working sets, no change or rate, "same program: memhog"; not a
# container removed and one added, nor the cgroups among the other ones.
set -u
. "$(dirname "$0")/ws-lib.sh"
ws_require_v1
ws_setup t65s

ws_memhog grow --grow 20
restart=$(ws_cg restart)
ws_wait_ready grow
# gen.sh N: a shell that execs itself every 100 ms through a link named
# gen-(N+1) (a task's name is its program file's name), so no two samples
# see the same name for its pid
sh=$(command -v dash || echo /bin/sh)
cat > "$WS_TMP/gen.sh" <<'SH'
n=$1 dir=${0%/*}
[ "$n" = 0 ] && { echo $$ > "$2/cgroup.procs"; echo $$ > "$3"; }
[ "$n" -lt 600 ] || exit 0
ln -sf "$(readlink "$dir/gen-$n")" "$dir/gen-$((n + 1))"
sleep 0.1
rm -f "$dir/gen-$n"
exec "$dir/gen-$((n + 1))" "$0" $((n + 1))
SH
ln -s "$sh" "$WS_TMP/gen-0"
"$WS_TMP/gen-0" "$WS_TMP/gen.sh" 0 "$restart" "$WS_TMP/restart.ready" > "$WS_TMP/restart.log" 2>&1 &
rpid=$!
WS_PIDS+=("$rpid")
for _ in $(seq 100); do [ -s "$WS_TMP/restart.ready" ] && break; sleep 0.1; done
sleep 0.5
ws_capture --samples 4 --interval 500ms --no-bpftool
ws_keep t65s-diff-samples
cap=$WS_TMP/capture.tar.gz
gpid=${WS_PID[grow]}
rel=${WS_CG#"$WS_V1"}

run() {   # run WANT ARGS...: memsnap ARGS > out, err; its status must be WANT
	local want=$1; shift   # 0: 0 or 1 (a live capture may be incomplete: vanished processes)
	"$M" "$@" > "$WS_TMP/out" 2> "$WS_TMP/err"
	local rc=$?
	[ $rc = "$want" ] || { [ "$want" = 0 ] && [ $rc = 1 ]; } || { fail "'memsnap $*' exited $rc, want $want"; sed 's/^/  | /' "$WS_TMP/err"; return 1; }
	return 0
}

# the values the series views hold, to compare the diff with
"$M" sql "$WS_DB" --json "SELECT sample, pid, comm, rss_bytes FROM process_samples
	WHERE pid IN ($gpid, $rpid) ORDER BY sample, pid" > "$WS_TMP/procs.json" &&
"$M" sql "$WS_DB" --json "SELECT sample, working_set_bytes, anon_bytes FROM cgroup_samples
	WHERE cgroup = '$rel/grow' ORDER BY sample" > "$WS_TMP/cgroups.json" &&
"$M" sql "$WS_DB" --json "SELECT sample, mono_s FROM samples ORDER BY sample" > "$WS_TMP/samples.json" &&
"$M" sql "$WS_DB" --json "SELECT component, bytes_a, bytes_b, delta_bytes FROM diff_cgroup_components
	WHERE a = 1 AND b = 1 AND sample_a = 1 AND sample_b = 4 AND cgroup = '$rel/grow'
	ORDER BY ord" > "$WS_TMP/components.json" ||
	{ echo "FAIL: cannot query $WS_DB"; exit 1; }

check() {   # check NAME SAMPLE_A SAMPLE_B: the JSON diff in $WS_TMP/NAME.json
	python3 - "$WS_TMP" "$1" "$2" "$3" "$gpid" "$rpid" "$rel" <<'PY'
import json, sys
tmp, name, sa, sb, gpid, rpid, rel = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
d = json.load(open("%s/%s.json" % (tmp, name)))
procs = json.load(open(tmp + "/procs.json"))
cgs = {r["sample"]: r for r in json.load(open(tmp + "/cgroups.json"))}
mono = {r["sample"]: r["mono_s"] for r in json.load(open(tmp + "/samples.json"))}
rss = {(r["sample"], r["pid"]): r["rss_bytes"] for r in procs}
comm = {(r["sample"], r["pid"]): r["comm"] for r in procs}
MiB = 1 << 20
errs = []
def check(cond, what):
    if not cond:
        errs.append(what)
check(d.get("series") is True and d["samples"] == 4, "series, 4 samples")
check(d["a"]["capture_id"] == d["b"]["capture_id"] == 1, "one capture")
check((d["a"]["sample"], d["b"]["sample"]) == (sa, sb), "samples %r" % ((d["a"]["sample"], d["b"]["sample"]),))
check(abs(d["interval_s"] - (mono[sb] - mono[sa])) < 0.001, "interval %r" % d["interval_s"])
g = [r for r in d["processes"] if r["pid"] == gpid]
want = rss[(sb, gpid)] - rss[(sa, gpid)]
check(len(g) == 1 and g[0]["change"] == ("grew" if sb > sa else "shrank")
      and g[0]["rss_a"] == rss[(sa, gpid)] and g[0]["rss_b"] == rss[(sb, gpid)]
      and g[0]["delta_bytes"] == want, "memhog %d: %r, delta %d wanted" % (gpid, g, want))
if g and sb > sa:
    # the rate is the change over the samples' interval (memhog's own pace,
    # 20 MiB/s, slows down on a loaded machine: only its order is checked)
    print("  memhog: %.1f MiB/s" % (g[0]["bytes_per_hour"] / 3600 / MiB))
    check(abs(g[0]["bytes_per_hour"] - want * 3600 / (mono[sb] - mono[sa])) <= 1
          and 5 * 3600 * MiB <= g[0]["bytes_per_hour"] <= 25 * 3600 * MiB,
          "memhog rate %r" % g[0]["bytes_per_hour"])
parts = {r["part"]: r["delta_bytes"] for r in d["process_parts"] if r["pid"] == gpid}
check("anon" in parts and abs(parts["anon"] - want) <= MiB
      and abs(parts.get("page cache", 0)) < MiB, "memhog grew by anon: %r" % parts)
r = [x for x in d["processes"] if x["pid"] == rpid]
check(comm[(sa, rpid)] != comm[(sb, rpid)], "the renamed pid kept its name: %r" % comm)
check(len(r) == 1 and r[0]["change"] == "restarted" and r[0]["delta_bytes"] is None
      and r[0]["bytes_per_hour"] is None and r[0]["comm_a"] == comm[(sa, rpid)]
      and r[0]["comm_b"] == comm[(sb, rpid)], "restart of %d: %r" % (rpid, r))
check(not [x for x in d["process_parts"] if x["pid"] == rpid], "a restart has no parts")
c = [x for x in d["cgroups"] if x["cgroup"] == rel + "/grow"]
cw = cgs[sb]["working_set_bytes"] - cgs[sa]["working_set_bytes"]
check(len(c) == 1 and c[0]["delta_bytes"] == cw and c[0]["working_set_a"] == cgs[sa]["working_set_bytes"],
      "cgroup grow: %r, delta %d wanted" % (c, cw))
for e in errs:
    print("  | " + e)
sys.exit(1 if errs else 0)
PY
}

run 0 diff -f json "$cap" && cp "$WS_TMP/out" "$WS_TMP/first-last.json" &&
	check first-last 1 4 && ok "CAPTURE: first and last sample, memhog grew by anon, the renamed pid restarted" ||
	fail "CAPTURE: first and last"
python3 - "$WS_TMP/components.json" "$WS_TMP/cgroups.json" <<'PY' && ok "diff_cgroup_components: grow's anon = cgroup_samples', kernel_other compared" || fail "diff_cgroup_components of grow"
import json, sys
k = {r["component"]: r for r in json.load(open(sys.argv[1]))}
c = {r["sample"]: r for r in json.load(open(sys.argv[2]))}
a = k.get("anon")
# v1: every sample reads the kmem counter, so kernel_other and
# unexplained are compared too
sys.exit(0 if a and a["bytes_a"] == c[1]["anon_bytes"] and a["bytes_b"] == c[4]["anon_bytes"]
         and a["delta_bytes"] > 8 << 20
         and {"kernel_other", "unexplained"} <= set(k) else 1)
PY
run 0 diff -f json --samples last:first "$cap" && cp "$WS_TMP/out" "$WS_TMP/reversed.json" &&
	check reversed 4 1 && grep -q 'was not taken after A' "$WS_TMP/err" &&
	ok "--samples last:first: reversed, shrank, no rates" || fail "--samples last:first"
run 0 diff -f json -s 1:2 "$cap" && cp "$WS_TMP/out" "$WS_TMP/one-two.json" &&
	check one-two 1 2 && ok "--samples 1:2 reads sample 2" || fail "--samples 1:2"

run 0 diff --top 0 "$cap" && cp "$WS_TMP/out" "$WS_TMP/diff.txt"
grep -q '^A: capture 1 sample 1 of 4 ' "$WS_TMP/diff.txt" && grep -q '^B: capture 1 sample 4 of 4 ' "$WS_TMP/diff.txt" &&
	ok "text: A and B are samples 1 and 4" || fail "text: sides"
grep -Eq "^grew +$gpid +memhog +memhog " "$WS_TMP/diff.txt" && ok "text: memhog grew" || fail "text: no memhog growth"
grep -Eq "^restarted +$rpid +[^ ]+ +gen-[0-9]+ " "$WS_TMP/diff.txt" && ok "text: the renamed pid restarted" ||
	fail "text: no restart of $rpid"
grep -q 'note: two samples of one capture' "$WS_TMP/diff.txt" && ok "text: says what a sample holds" || fail "text: no samples note"
run 0 diff --top 0 "$WS_DB" && cmp -s "$WS_TMP/out" "$WS_TMP/diff.txt" && ok "DB of one capture = CAPTURE" || fail "DB of one capture differs"
run 0 diff --top 0 "$WS_DB" -c 1 --samples first:4 && cmp -s "$WS_TMP/out" "$WS_TMP/diff.txt" &&
	ok "DB --capture 1 --samples first:4 = CAPTURE" || fail "DB --capture 1 differs"
run 0 diff -f html "$cap" && grep -q '<h1>What changed between two samples of one capture</h1>' "$WS_TMP/out" &&
	grep -q 'sample_a = 1 AND d.sample_b = 4' "$WS_TMP/out" && ok "html" || fail "html"

run 2 diff --samples 1:9 "$cap" && grep -q "has no sample 9" "$WS_TMP/err" && ok "no sample 9: 2" || fail "no sample 9"
run 2 diff --samples 2:2 "$cap" && grep -q "sample 2 .* twice" "$WS_TMP/err" && ok "one sample twice: 2" || fail "2:2"
run 2 diff --samples 1-2 "$cap" && grep -q "invalid --samples '1-2'" "$WS_TMP/err" && ok "bad --samples: 2" || fail "bad --samples"
run 3 diff "$WS_DB" -c 5 && grep -q "no capture 5" "$WS_TMP/err" && ok "unknown capture: 3" || fail "unknown capture"

# a container restarted in a new cgroup of its pod (see the top)
uid=6e0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a01
old=a1$(printf '%062d' 1) new=b2$(printf '%062d' 2)
pod=$(ws_cg "kubepods/burstable/pod$uid")
ws_cg "kubepods/burstable/pod$uid/$old" >/dev/null
ws_start k8s /bin/bash -c '"$0" --cgroup "$1/$2" --anon 8 --hold 3 || exit
rmdir "$1/$2" && mkdir "$1/$3" && exec "$0" --cgroup "$1/$3" --anon 8 --hold 120' \
	"$BUILD_DIR/helpers/memhog" "$pod" "$old" "$new"
ws_wait_ready k8s
ws_capture --no-bpftool && cp "$WS_TMP/capture.tar.gz" "$WS_TMP/x.tar.gz"
ws_capture --samples 3 --interval 2s --no-bpftool && cp "$WS_TMP/capture.tar.gz" "$WS_TMP/s.tar.gz"
for _ in $(seq 100); do [ "$(grep -c '^ready=1$' "${WS_LOG[k8s]}")" = 2 ] && break; sleep 0.1; done
ws_capture --no-bpftool && cp "$WS_TMP/capture.tar.gz" "$WS_TMP/y.tar.gz"
ws_keep t65s-diff-restart
restart_check() {   # restart_check NAME: the JSON diff in $WS_TMP/NAME.json
	python3 - "$WS_TMP/$1.json" "$uid" "$old" "$new" "$rel" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); uid, old, new, rel = sys.argv[2:6]
errs = []
c = [r for r in d["containers"] if r["id_a"] in (old[:12], new[:12]) or r["id_b"] in (old[:12], new[:12])]
if not (len(c) == 1 and c[0]["change"] == "restarted" and c[0]["id_a"] == old[:12]
        and c[0]["id_b"] == new[:12] and c[0]["delta_bytes"] is None
        and c[0]["bytes_per_hour"] is None and c[0]["note"] == "same program: memhog"
        and c[0]["working_set_a"] >= 8 << 20 and c[0]["working_set_b"] >= 8 << 20):
    errs.append("containers of pod %s: %r" % (uid, c))
g = [r for r in d["cgroups"] if old in r["cgroup"] or new in r["cgroup"]]
if g:
    errs.append("container cgroups among the other cgroups: %r" % g)
for e in errs:
    print("  | " + e)
sys.exit(1 if errs else 0)
PY
}
"$M" load -q -o "$WS_TMP/s.db" "$WS_TMP/s.tar.gz" >/dev/null
"$M" sql "$WS_TMP/s.db" --json "SELECT sample, cgroup FROM cgroup_proc_at WHERE cgroup LIKE '%/pod$uid/%'
	ORDER BY sample" > "$WS_TMP/s-procs.json"
python3 - "$WS_TMP/s-procs.json" "$old" "$new" <<'PY' || fail "the restart did not fall between samples 1 and 3 (timing: see $WS_TMP/s-procs.json)"
import json, sys
r = json.load(open(sys.argv[1])); old, new = sys.argv[2], sys.argv[3]
at = lambda s: {x["cgroup"].rsplit("/", 1)[1] for x in r if x["sample"] == s}
sys.exit(0 if at(1) == {old} and at(3) == {new} else 1)
PY
run 0 diff -f json "$WS_TMP/s.tar.gz" && cp "$WS_TMP/out" "$WS_TMP/restart-s.json" && restart_check restart-s &&
	ok "S: the container restarted in a new cgroup between samples is one restart" || fail "S: the restart"
run 0 diff "$WS_TMP/s.tar.gz" && grep -Eq "^restarted +- +- +- +${old:0:12} +${new:0:12} .* - +- +same program: memhog$" "$WS_TMP/out" &&
	ok "S: text says restarted, old id -> new id" || { fail "S: text"; grep "${old:0:12}\|${new:0:12}" "$WS_TMP/out"; }
run 0 diff -f html "$WS_TMP/s.tar.gz" && grep -q "<td>restarted</td>.*<td>${old:0:12}</td><td>${new:0:12}</td>" "$WS_TMP/out" &&
	ok "S: html" || fail "S: html"
run 0 diff -f json "$WS_TMP/x.tar.gz" "$WS_TMP/y.tar.gz" && cp "$WS_TMP/out" "$WS_TMP/restart-xy.json" &&
	restart_check restart-xy && ok "X Y: the container restarted in a new cgroup is one restart" || fail "X Y: the restart"

check_end
