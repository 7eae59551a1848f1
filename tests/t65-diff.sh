#!/bin/bash
# memsnap diff (issue 14, Proof): two captures of the simulated node
# (tests/fixtures/captures/k8s-systemd-v2) five minutes apart, made at test
# time by tests/helpers/make-diff-pair.py: a pod deleted, one added, one
# container restarted, one grown by 48 MiB of anon, a pid reused by another
# program.  The diff must say exactly that: goldens
# tests/golden/diff-node.{txt,json,html} (html: the page's <main> only, so
# a change of the report's CSS or script does not touch it;
# UPDATE_GOLDEN=1 rewrites them) and explicit checks on the JSON; the same
# diff from a database with --capture; a pair of two boots compares no
# processes and says so; usage errors exit 2, unreadable input 3.
# One capture of two samples (the helper's s: A, then B's re-read files as
# sample 2): `memsnap diff S` compares them, goldens
# tests/golden/diff-samples.{txt,json}; db grew 48 MiB by anon, pid 2153
# restarted, --samples 2:1 is the same diff reversed; the same from its
# database; a capture of one sample alone is a usage error naming it.
# Live, as root on the v1 memory controller (else said and not run): two
# captures of this machine seconds apart while a process in a cgroup of its
# own grows by 32 MiB of anon: the diff finds that process and cgroup grown
# by 32 MiB (within 4 MiB), by anon, and no restart of it.
set -u
. "$(dirname "$0")/lib/check.sh"
G=$T/golden
live_pid="" live_cg=""
cleanup() {
	[ -n "$live_pid" ] && { kill "$live_pid" 2>/dev/null; wait "$live_pid" 2>/dev/null; }
	[ -n "$live_cg" ] && [ -d "$live_cg" ] && { rmdir "$live_cg" 2>/dev/null || { sleep 0.5; rmdir "$live_cg"; }; }
}
golden() {   # golden NAME FILE
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		cp "$2" "$G/$1"
		ok "$1 rewritten"
	elif cmp -s "$2" "$G/$1"; then
		ok "$1 = golden"
	else
		fail "$1 differs from the golden"
		diff "$G/$1" "$2" | head -20
	fi
}

python3 "$T/helpers/make-diff-pair.py" "$work" || { echo "FAIL: cannot make the pair"; exit 1; }
A=$(echo "$work"/a/memsnap-*)
B=$(echo "$work"/b/memsnap-*)

expect 0 "$M" diff "$A" "$B" && unversion < "$work/out" > "$work/diff.txt" && golden diff-node.txt "$work/diff.txt"
expect 0 "$M" diff --format json "$A" "$B" && unversion < "$work/out" > "$work/diff.json" && golden diff-node.json "$work/diff.json"
expect 0 "$M" diff -f html -o "$work/diff.html" "$A" "$B" &&
	sed -n '/<main>/,/<\/main>/p' "$work/diff.html" > "$work/diff-main.html" && golden diff-node.html "$work/diff-main.html"

# exactly what happened, from the JSON (each check can fail on its own)
python3 - "$work/diff.json" <<'PY' && ok "the JSON says exactly what changed" || fail "the JSON does not say exactly what changed"
import json, sys
d = json.load(open(sys.argv[1]))
MiB = 1 << 20
def rows(key, **kw):
    return [r for r in d[key] if all(r.get(k) == v for k, v in kw.items())]
errs = []
def check(cond, what):
    if not cond:
        errs.append(what)
check(d["interval_s"] == 300 and d["same_boot"] and d["processes_compared"], "interval, boot")
check(sorted((r["change"], r["pod"]) for r in d["pods"]) ==
      [("added", "worker-5d6f7-abcde"), ("removed", "cache-warmer-28114")], "pods added/removed")
c = d["containers"]
check(sorted((r["change"], r["pod"], r["container"]) for r in c) == [
    ("added", "worker-5d6f7-abcde", "(sandbox)"), ("added", "worker-5d6f7-abcde", "worker"),
    ("grew", "db-0", "db"),
    ("removed", "cache-warmer-28114", "(sandbox)"), ("removed", "cache-warmer-28114", "warmer"),
    ("restarted", "api-7c9f8-x2x4z", "api")], "containers: %r" % [(r["change"], r["container"]) for r in c])
g = rows("containers", change="grew")
check(len(g) == 1 and g[0]["delta_bytes"] == 48 * MiB and g[0]["bytes_per_hour"] == 48 * MiB * 12, "db grew 48 MiB, 576 MiB/h")
r = rows("containers", change="restarted")
check(len(r) == 1 and r[0]["delta_bytes"] is None and r[0]["bytes_per_hour"] is None, "a restart is no growth")
check(r and r[0]["id_a"] != r[0]["id_b"], "a restart has two ids")
k = d["container_components"]
check([(x["container"], x["component"], x["delta_bytes"]) for x in k] == [("shop/db-0/db", "anon", 48 * MiB)],
      "only anon of db changed: %r" % k)
check(d["cgroups"] == [], "no other cgroup changed")
p = sorted((x["change"], x["pid"]) for x in d["processes"])
check(p == [("added", 2201), ("grew", 2051), ("removed", 2017), ("removed", 2119), ("removed", 2136),
            ("restarted", 2153)], "processes: %r" % p)
check([(x["pid"], x["part"], x["delta_bytes"]) for x in d["process_parts"]] == [(2051, "anon", 48 * MiB)],
      "only the anon of pid 2051 changed")
for e in errs:
    print("  | " + e)
sys.exit(1 if errs else 0)
PY
grep -q '^restarted  shop       api-7c9f8-x2x4z     api ' "$work/diff.txt" && ok "text: api restarted" || fail "text: no api restart"
grep -q '^grew       shop       db-0  .*+48.0 MiB  +576.0 MiB/h  -$' "$work/diff.txt" && ok "text: db grew 48 MiB" || fail "text: no db growth"
grep -q 'matched by pid and name' "$work/diff.txt" && ok "text: says how processes are matched" || fail "text: no matching note"

# the same diff from a database, with --capture and without (two captures)
expect 0 "$M" load -o "$work/x.db" "$A" "$B"
expect 0 "$M" diff "$work/x.db" --capture 1 --capture 2 && unversion < "$work/out" | cmp -s - "$work/diff.txt" &&
	ok "DB --capture 1 --capture 2 = A B" || fail "DB --capture differs from A B"
expect 0 "$M" diff "$work/x.db" && unversion < "$work/out" | cmp -s - "$work/diff.txt" &&
	ok "DB of two captures = A B" || fail "DB of two captures differs from A B"
# from 4 captures on, the two named are copied alone first (db_copy_pays()):
# the same diff, in every format (the two databases of one name in two
# folders: the shown queries name it)
mkdir -p "$work/d2" "$work/d4"
cp "$work/x.db" "$work/d2/x.db"
python3 "$T/fixtures/captures/make-bare-captures.py" "$work/bare"
"$M" load -q -o "$work/d4/x.db" "$A" "$B" "$T/fixtures/captures/k8s-cgroupfs-v1" \
	"$work/bare/v2-6.1-sleep" 2>/dev/null
[ "$("$M" sql --csv "$work/d4/x.db" 'SELECT count(*) FROM captures' | tail -1 | tr -d '\r')" = 4 ] &&
	ok "a database of 4 captures" || fail "the database of 4 captures holds another number"
for fmt in text json html; do
	(cd "$work/d2" && "$M" diff x.db -c 1 -c 2 -f $fmt > "$work/d2.$fmt" 2>/dev/null)
	(cd "$work/d4" && "$M" diff x.db -c 1 -c 2 -f $fmt > "$work/d4.$fmt" 2>/dev/null)
	[ -s "$work/d4.$fmt" ] && cmp -s "$work/d2.$fmt" "$work/d4.$fmt" &&
		ok "-f $fmt: A B among 4 captures = A B alone" || fail "-f $fmt: A B among 4 captures differs"
done
expect 0 "$M" diff "$work/x.db" -c 2 -c 1 2>/dev/null && grep -q 'B was not taken after A: no rates' "$work/out" &&
	grep -q '^added      batch' "$work/out" && ok "B A: reversed, no rates" || fail "B A: not reversed"

# two boots: cgroups, pods and containers still matched, processes not
cp -r "$work/b" "$work/c"
python3 - "$work/c"/memsnap-*/manifest.json <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["boot_id"] = "0bad0002-0000-4000-8000-0000000000ff"
json.dump(m, open(sys.argv[1], "w"), indent=1)
PY
expect 0 "$M" diff -f json "$A" "$work"/c/memsnap-* &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if not d["same_boot"] and not d["processes_compared"] and d["processes"] == [] and len(d["containers"]) == 6 else 1)' "$work/out" &&
	ok "two boots: containers matched, processes not" || fail "two boots"
expect 0 "$M" diff "$A" "$work"/c/memsnap-* && grep -q 'different boots.*processes are not compared' "$work/out" &&
	! grep -q '^Processes' "$work/out" && ok "two boots: the text says so" || fail "two boots: text"

# two samples of one capture
S=$(echo "$work"/s/memsnap-*)
expect 0 "$M" diff "$S" && unversion < "$work/out" > "$work/samples.txt" && golden diff-samples.txt "$work/samples.txt"
expect 0 "$M" diff -f json "$S" && unversion < "$work/out" > "$work/samples.json" && golden diff-samples.json "$work/samples.json"
python3 - "$work/samples.json" <<'PY' && ok "samples: the JSON says what changed" || fail "samples: the JSON"
import json, sys
d = json.load(open(sys.argv[1]))
MiB = 1 << 20
errs = []
def check(cond, what):
    if not cond:
        errs.append(what)
check(d["series"] and d["samples"] == 2 and d["a"]["sample"] == 1 and d["b"]["sample"] == 2
      and d["a"]["capture_id"] == d["b"]["capture_id"] and d["interval_s"] == 300, "pair")
g = [r for r in d["containers"] if r["container"] == "db"]
check(len(g) == 1 and g[0]["change"] == "grew" and g[0]["delta_bytes"] == 48 * MiB
      and g[0]["bytes_per_hour"] == 48 * MiB * 12, "db grew 48 MiB: %r" % g)
check([(x["container"], x["component"], x["delta_bytes"]) for x in d["container_components"]]
      == [("shop/db-0/db", "anon", 48 * MiB)], "only anon of db changed")
p = {x["pid"]: x for x in d["processes"]}
check(p[2051]["change"] == "grew" and p[2051]["delta_bytes"] == 48 * MiB, "2051 grew")
check(p[2153]["change"] == "restarted" and p[2153]["delta_bytes"] is None
      and (p[2153]["comm_a"], p[2153]["comm_b"]) == ("sleep", "kubelet"), "2153 restarted")
check([(x["pid"], x["part"], x["delta_bytes"]) for x in d["process_parts"]] == [(2051, "anon", 48 * MiB)],
      "only the anon of 2051 changed")
# api restarted in a new cgroup: sample 2 has no names, so by its program
r = [x for x in d["containers"] if x["pod"] == "api-7c9f8-x2x4z"]
check(len(r) == 1 and r[0]["change"] == "restarted" and r[0]["container"] == "api"
      and (r[0]["id_a"], r[0]["id_b"]) == ("617069670000", "617069670100")
      and r[0]["working_set_a"] and r[0]["working_set_b"] and r[0]["delta_bytes"] is None
      and r[0]["bytes_per_hour"] is None and r[0]["note"] == "same program: memhog", "api restarted: %r" % r)
# the new pod and its containers are known by uid and id, not as other cgroups
check(sorted((x["change"], x["pod_uid"]) for x in d["pods"]) ==
      [("added", "8f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a77"), ("removed", "7f0a6b2e-8c4d-4e5f-9a1b-2c3d4e5f6a76")],
      "pods: %r" % d["pods"])
check(sorted(x["id_b"] for x in d["containers"] if x["change"] == "added") == ["706175736566", "776f726b6572"],
      "the new pod's containers added")
check(d["cgroups"] == [], "no other cgroup: %r" % d["cgroups"])
for e in errs:
    print("  | " + e)
sys.exit(1 if errs else 0)
PY
grep -Eq '^restarted +shop +api-7c9f8-x2x4z +api +617069670000 +617069670100 .* same program: memhog$' "$work/samples.txt" &&
	ok "samples text: api restarted, by its program" || fail "samples text: no api restart"
# two containers new in api's pod run its program: which one is its restart
# is ambiguous, so none is, and the notes say so
cp -r "$work/s" "$work/s2"
python3 - "$work"/s2/memsnap-* <<'PY' || fail "cannot make s2"
import os, re, shutil, sys
s = sys.argv[1]
pod = "sys/fs/cgroup/kubepods.slice/kubepods-pod4f0a6b2e_8c4d_4e5f_9a1b_2c3d4e5f6a73.slice"
new = os.path.join(s, "samples/2", pod, "cri-containerd-61706967010000000000000000000000000000000000000000000000000000ff.scope")
shutil.copytree(os.path.join(s, "samples/2", pod, "cri-containerd-6170696701000000000000000000000000000000000000000000000000000000.scope"), new)
open(os.path.join(new, "cgroup.procs"), "w").write("2202\n")
os.makedirs(os.path.join(s, "samples/2/proc/2202"))
st = open(os.path.join(s, "samples/2/proc/2201/status")).read()
open(os.path.join(s, "samples/2/proc/2202/status"), "w").write(re.sub(r"(?m)^(Pid|Tgid):\t2201$", r"\1:\t2202", st))
PY
expect 0 "$M" diff -f json "$work"/s2/memsnap-* && python3 - "$work/out" <<'PY' && ok "two new containers of one program: ambiguous, not a restart" || fail "ambiguous pairing"
import json, sys
d = json.load(open(sys.argv[1]))
r = sorted((x["change"], x["id_a"] or x["id_b"], x["note"]) for x in d["containers"] if x["pod"] == "api-7c9f8-x2x4z")
want = [("added", "617069670100", "not paired: others of the pod run memhog too"),
        ("added", "617069670100", "not paired: others of the pod run memhog too"),
        ("removed", "617069670000", "not paired: others of the pod run memhog too")]
if r != want:
    print("  | %r" % r)
sys.exit(0 if r == want else 1)
PY
expect 0 "$M" diff --samples 2:1 "$S" 2>/dev/null &&
	grep -Eq '^shrank +shop +db-0 .*-48.0 MiB +- +-$' "$work/out" && grep -q '^A: capture 1 sample 2 of 2 ' "$work/out" &&
	ok "--samples 2:1: reversed" || fail "--samples 2:1: not reversed"
expect 0 "$M" load -o "$work/s.db" "$S"
expect 0 "$M" diff "$work/s.db" && unversion < "$work/out" | cmp -s - "$work/samples.txt" &&
	ok "DB of one capture of two samples = S" || fail "DB of one capture differs from S"
expect 0 "$M" diff "$work/s.db" -c 1 -s first:last && unversion < "$work/out" | cmp -s - "$work/samples.txt" &&
	ok "DB -c 1 -s first:last = S" || fail "DB -c 1 differs from S"

# usage and input errors
expect 2 "$M" diff "$A" && grep -q "'$A' is one capture of one sample" "$work/err" && ok "one capture of one sample: 2, named" ||
	fail "one capture"
expect 2 "$M" diff "$work/x.db" -c 1 && grep -q "capture 1 of '$work/x.db' is one capture of one sample" "$work/err" &&
	ok "DB -c 1 of one sample: 2, named" || fail "DB -c 1 of one sample"
expect 2 "$M" diff --samples 1:2 "$A" "$B" && grep -q "two samples of one capture" "$work/err" && ok "--samples with A B: 2" ||
	fail "--samples with A B"
expect 2 "$M" diff --samples 1 "$S" && ok "bad --samples: 2" || fail "bad --samples"
expect 2 "$M" diff --samples 1:3 "$S" && grep -q "has no sample 3" "$work/err" && ok "no sample 3: 2" || fail "no sample 3"
expect 2 "$M" diff "$A" "$A" && grep -q "same capture" "$work/err" && ok "A A: 2" || fail "A A"
expect 2 "$M" diff -f pdf "$A" "$B" && ok "bad --format: 2" || fail "bad --format"
expect 2 "$M" diff "$A" "$B" "$A" && ok "three arguments: 2" || fail "three arguments"
expect 3 "$M" diff "$A" "$work/nonexistent" && ok "unreadable B: 3" || fail "unreadable B"
# the database and the id it lacks named (not capture 1, which it holds), and the hint
expect 3 "$M" diff "$work/x.db" -c 1 -c 7 &&
	grep -q "^error: cannot diff '$work/x.db': no capture 7\$" "$work/err" &&
	grep -q "^hint: its captures: memsnap sql" "$work/err" && ok "unknown capture: 3, named" ||
	fail "unknown capture: $(cat "$work/err")"
expect 3 "$M" diff "$work/x.db" -c 7 && grep -q "no capture 7\$" "$work/err" && ok "unknown capture alone: 3" ||
	fail "unknown capture alone: $(cat "$work/err")"
expect 3 "$M" diff -o /dev/full "$A" "$B" && ok "unwritable output: 3" || fail "unwritable output"
expect 0 "$M" diff --help && grep -q -- '--top N' "$work/out" && ok "--help" || fail "--help"

# live: a process grows by 32 MiB of anon between two captures of this machine
live() {
	local cg=/sys/fs/cgroup/memory/memsnap-t64-$$ pid rc rc2
	if [ "$(id -u)" != 0 ] || [ ! -f /sys/fs/cgroup/memory/memory.usage_in_bytes ] ||
	   [ ! -x "$BIN_DIR/memsnap-collect" ]; then
		echo "skip: live pair (needs root, the v1 memory controller and memsnap-collect)"
		return
	fi
	mkdir "$cg" || { fail "cannot create $cg"; return; }
	live_cg=$cg
	# touched pages (b'\x01' * n), not calloc's untouched zero pages
	python3 -c '
import os, sys, time
open(sys.argv[1] + "/cgroup.procs", "w").write(str(os.getpid()))
keep = [b"\x01" * (16 << 20)]
open(sys.argv[2] + "/ready", "w").close()
while not os.path.exists(sys.argv[2] + "/grow"):
    time.sleep(0.05)
keep.append(b"\x02" * (32 << 20))
open(sys.argv[2] + "/grown", "w").close()
time.sleep(600)
' "$cg" "$work" &
	pid=$!
	live_pid=$pid
	for _ in $(seq 100); do [ -e "$work/ready" ] && break; sleep 0.1; done
	"$BIN_DIR/memsnap-collect" -q -o "$work/live-a.tar.gz" 2>/dev/null
	rc=$?
	touch "$work/grow"
	for _ in $(seq 100); do [ -e "$work/grown" ] && break; sleep 0.1; done
	sleep 1
	"$BIN_DIR/memsnap-collect" -q -o "$work/live-b.tar.gz" 2>/dev/null
	rc2=$?
	[ $rc -le 1 ] && [ $rc2 -le 1 ] || fail "memsnap-collect exited $rc and $rc2"
	"$M" diff -f json "$work/live-a.tar.gz" "$work/live-b.tar.gz" > "$work/live.json" 2> "$work/err"
	[ $? -le 1 ] || { fail "live diff exited $?"; sed 's/^/  | /' "$work/err"; return; }
	python3 - "$work/live.json" "$pid" "/memsnap-t64-$$" <<'PY' && ok "live: the process and its cgroup grew 32 MiB of anon" || fail "live: growth not found"
import json, sys
d = json.load(open(sys.argv[1])); pid = int(sys.argv[2]); cg = sys.argv[3]
MiB = 1 << 20
near = lambda v: v is not None and 32 * MiB - 4 * MiB <= v <= 32 * MiB + 4 * MiB
errs = []
p = [r for r in d["processes"] if r["pid"] == pid]
if not (d["same_boot"] and len(p) == 1 and p[0]["change"] == "grew" and near(p[0]["delta_bytes"])
        and p[0]["bytes_per_hour"] > 0):
    errs.append("process: %r" % p)
a = [r for r in d["process_parts"] if r["pid"] == pid and r["part"] == "anon"]
if not (len(a) == 1 and near(a[0]["delta_bytes"])):
    errs.append("process anon: %r" % a)
c = [r for r in d["cgroups"] if r["cgroup"] == cg]
if not (len(c) == 1 and c[0]["change"] == "grew" and near(c[0]["delta_bytes"])):
    errs.append("cgroup: %r" % c)
for e in errs:
    print("  | " + e)
sys.exit(1 if errs else 0)
PY
}
live

check_end
