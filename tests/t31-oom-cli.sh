#!/bin/bash
# memsnap oom: text output byte for byte against golden files, --json keyed
# by the oom_kills view's columns, the same numbers as `memsnap sql` on the
# database it keeps (--db), exit statuses, escaping of what the log holds,
# the input size limit.  No root needed.
#
# To refresh the golden files after a deliberate change of the text output:
#   UPDATE_GOLDEN=1 bash tests/t31-oom-cli.sh   (then review the diff)
set -u
. "$(dirname "$0")/lib/check.sh" --samples
S=$SAMPLES_DIR/oom
V=$SAMPLE_FIXTURES_DIR/oom      # variants made from the samples
F=$T/fixtures/oom
G=$F/golden

command -v python3 > /dev/null || skip "python3 is needed to check JSON"

# ---- text, golden ---------------------------------------------------------
# The input is copied under a short name: the name is part of the output.
golden() {
	local src=$1 name=$2
	cp "$src" "$work/$name"
	expect_in "$work" 0 "$M" oom "$name" || return
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$G" && cp "$work/out" "$G/$name.out"
	fi
	if cmp -s "$G/$name.out" "$work/out"; then
		ok "golden $name"
	else
		fail "golden $name differs"
		diff -u "$G/$name.out" "$work/out" | head -40 | sed 's/^/  | /'
	fi
}
golden "$F/live-kernel6.18-memcg-v1.txt" live-6.18-v1.txt
golden "$S/k8s-cgroupv2-guaranteed-kernel5.14.0-333.el9-dmesg-Tx-blog-as-pasted-indented.txt" el9-v2.txt
golden "$S/cadvisor-test-global-kernel3.13.0-27-ubuntu.txt" global-3.13.txt
golden "$S/k8s-cgroupv2-systemd-oomgroup-dmesg-grep-partial-egachi-nodejs-MemoryQoS.txt" oom-group.txt
golden "$S/fragment-k8s-cgroupfs-guaranteed-kernel4.19ish-github-wrapped-lines-kubedirector-356.txt" fragment.txt
golden "$S/memcg-v1-kernel2.6.32-358-el6-syslog-mruby-cgroup-blog.txt" rhel6.txt
golden "$V/variant-two-reports-with-noise.txt" two.txt

# Every sample and fixture: an explanation, exit 0.
for f in "$S"/*.txt "$F"/live-*.txt "$V"/variant-*.txt; do
	expect_in "$work" 0 "$M" oom "$f" && grep -q '^OOM event 1 of ' "$work/out" ||
		fail "memsnap oom $(basename "$f")"
done
ok "every sample and fixture explained"

# The same report in every wrapping: the same explanation (but for its
# "when" and the input's name and lines).
norm() { grep -v -e '^  when ' -e '^OOM event' -e '^  partial ' "$1"; }
expect_in "$work" 0 "$M" oom "$V/variant-dmesg.txt" && norm "$work/out" > "$work/base"
n=0
for f in "$V"/variant-*.txt; do
	case $f in *two-reports*|*-v1-*) continue ;; esac
	n=$((n + 1))
	expect_in "$work" 0 "$M" oom "$f" && norm "$work/out" > "$work/this"
	cmp -s "$work/base" "$work/this" || { fail "$(basename "$f") explained differently"; \
		diff -u "$work/base" "$work/this" | head -20 | sed 's/^/  | /'; }
done
[ $n -ge 18 ] && ok "$n wrappings of one report, one explanation" || fail "only $n wrappings found"

# ---- JSON -----------------------------------------------------------------
cols="capture_id event kernel_time wall_time trigger_comm trigger_pid constraint oom_memcg task_memcg killed_pid killed_comm uid total_vm_bytes anon_rss_bytes file_rss_bytes shmem_rss_bytes pgtables_bytes oom_score_adj memcg_usage_bytes memcg_limit_bytes namespace pod container complete chosen_pid chosen_comm chosen_is_victim kernel_release kind pod_uid container_id outcome wall_time_source wall_time_unknown"
expect_in "$work" 0 "$M" oom --json "$V/variant-two-reports-with-noise.txt" &&
	python3 - "$work/out" "$cols" <<'EOF' && ok "--json: the view's columns first, two events" || fail "--json"
import json, sys
v = json.load(open(sys.argv[1]))
assert isinstance(v, list) and len(v) == 2, v
cols = sys.argv[2].split()
for e in v:
    assert list(e)[:len(cols)] == cols, list(e)
    assert list(e)[len(cols):] == ["cgroup_name", "first_line", "last_line", "missing",
                                   "k8s_visible", "made_of", "node_made_of"], list(e)
a, b = v
assert a["event"] == 1 and b["event"] == 2
assert a["killed_pid"] == 1586608 and a["killed_comm"] == "xray", a
assert a["anon_rss_bytes"] == 26372 * 1024 and a["memcg_limit_bytes"] == 204800 * 1024, a
assert a["constraint"] == "CONSTRAINT_MEMCG" and a["complete"] is True, a
assert a["kernel_time"] > 5000 and a["wall_time"] is None and a["namespace"] is None, a
assert a["outcome"] == "killed" and a["pod_uid"] == "089f25ee-a41a-414c-a028-71a38dfb30d3", a
assert a["made_of"]["source"] == "memcg_stats" and a["made_of"]["sock_bytes"] == 183623680, a
assert b["killed_comm"] == "gunpowder-memho" and b["constraint"] is None, b
assert b["oom_memcg"] == "/docker/2e088fe462e25e60be1dafafe2c05c47bda1a97978648d10ad2b7484fc0b8f50", b
assert b["container_id"] == "2e088fe462e25e60be1dafafe2c05c47bda1a97978648d10ad2b7484fc0b8f50", b
EOF
# --help says what the objects are, with the keys after the view's (above)
expect_in "$work" 0 "$M" oom --help && tr -s ' \n' ' ' < "$work/out" |
	grep -qF "the JSON report's oom_kills objects (the oom_kills view's columns, then cgroup_name, first_line, last_line, missing, k8s_visible, made_of, node_made_of)" &&
	ok "--help: --json's keys, as --json has them" || fail "--help does not say --json's keys"
expect_in "$work" 0 "$M" oom --json "$S/fragment-k8s-cgroupfs-guaranteed-kernel4.19ish-github-wrapped-lines-kubedirector-356.txt" &&
	python3 -c '
import json, sys
[e] = json.load(open(sys.argv[1]))
assert e["killed_pid"] is None and e["killed_comm"] is None and e["complete"] is False, e
assert e["memcg_usage_bytes"] == 524288 * 1024, e' "$work/out" && ok "--json: an event without a kill" ||
	fail "--json fragment"
# The oom-kill: line names the task chosen, not one killed (mm/oom_kill.c:
# __oom_kill_process() skips a victim already exiting).
printf '%s\n' "[ 10.1] a.out invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0" \
	"[ 10.2] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=a.out,pid=77,uid=0" \
	> "$work/chosen.txt"
expect_in "$work" 0 "$M" oom "$work/chosen.txt" &&
	grep -q '^  outcome   unknown_log_cut: the log ends before the kill line' "$work/out" &&
	grep -q '^  chosen    a.out (pid 77), uid 0: the victim if the kernel is Linux 5.1 or later' "$work/out" &&
	expect_in "$work" 0 "$M" oom --json "$work/chosen.txt" &&
	python3 -c '
import json, sys
[e] = json.load(open(sys.argv[1]))
assert e["killed_pid"] is None and e["killed_comm"] is None and e["complete"] is False, e
assert e["chosen_pid"] == 77 and e["chosen_comm"] == "a.out" and e["uid"] == 0, e
assert e["chosen_is_victim"] is None and e["outcome"] == "unknown_log_cut", e' "$work/out" &&
	echo "[ 10.3] Out of memory: OOM victim 77 (a.out) is already exiting. Skip killing the task" >> "$work/chosen.txt" &&
	expect_in "$work" 0 "$M" oom "$work/chosen.txt" &&
	grep -q '^  outcome   victim_exiting: the task chosen was already exiting: nobody was killed$' "$work/out" &&
	! grep -q '^  partial' "$work/out" &&
	ok "a chosen victim is not a killed one" || fail "chosen victim"
# deterministic
expect_in "$work" 0 "$M" oom --json "$V/variant-two-reports-with-noise.txt" && cp "$work/out" "$work/j1" &&
	expect_in "$work" 0 "$M" oom --json "$V/variant-two-reports-with-noise.txt" && cmp -s "$work/j1" "$work/out" &&
	ok "--json is deterministic" || fail "--json differs between runs"

# ---- the same numbers as memsnap sql ----------------------------------------
expect_in "$work" 0 "$M" oom --json --db "$work/oom.db" "$S/global-oom-kernel6.11-qemu-stress-ng-full.txt" &&
	cp "$work/out" "$work/oom.json"
expect_in "$work" 0 "$M" sql --json "$work/oom.db" "SELECT * FROM oom_kills" &&
	python3 - "$work/oom.json" "$work/out" <<'EOF' && ok "--db: memsnap sql gives the same row" || fail "--db"
import json, sys
[a] = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
b = b[0] if isinstance(b[0], list) else b
[b] = b
assert list(a)[:len(b)] == list(b), (list(a), list(b))
for k in b:
    if k == "complete":
        assert bool(b[k]) == a[k], (k, a[k], b[k])
    elif k == "chosen_is_victim":
        assert (None if b[k] is None else bool(b[k])) == a[k], (k, a[k], b[k])
    elif k == "kernel_time":
        assert abs(a[k] - b[k]) < 1e-6, (k, a[k], b[k])
    else:
        assert a[k] == b[k], (k, a[k], b[k])
assert a["killed_pid"] == 116 and a["pgtables_bytes"] == 15676 * 1024
EOF
expect_in "$work" 0 "$M" sql "$work/oom.db" "SELECT count(*) FROM oom_task; SELECT key FROM oom_meminfo WHERE key = 'kernel_stack'" &&
	grep -q ' 4$' "$work/out" && grep -q kernel_stack "$work/out" && ok "--db: the detail tables" ||
	fail "--db detail tables"

# ---- a capture's kernel log: the loader stores it the same way ---------------
cap=$work/memsnap-node-1-20261128T042558Z
mkdir -p "$cap/collector"
cat > "$cap/manifest.json" <<'EOF'
{"format": "memsnap-capture", "format_version": 1,
 "collector": {"name": "memsnap-collect", "version": "0.1.0", "pid": 4242},
 "complete": true, "hostname": "node-1", "kernel": {"release": "6.18.44"},
 "boot_id": "t31-oom", "page_size": 4096,
 "clock": {"started_utc": "2026-11-28T04:25:58.123456Z", "started_monotonic": 1000.5},
 "cgroup": {"mode": "v1", "memory_root": "sys/fs/cgroup/memory"},
 "kmsg": {"source": "/dev/kmsg", "mode": "oom", "truncated_reports": 0}}
EOF
cp "$F/live-kernel6.18-memcg-v1.kmsg.txt" "$cap/collector/kmsg.txt"
# the zh sample's two lines as kmsg records, 10 s after the first kill
sed -e 's/^\[[^]]*\] //' -e '1s/^/6,500,966516051,-;/' -e '2s/^/3,501,966516060,-;/' \
	"$S/k8s-cgroupfs-dmesg-T-zh-locale-two-lines.txt" >> "$cap/collector/kmsg.txt"
echo 'shop_java-7d4f9b8c6-xk2mw_28fcb1a0-a45c-44e7-b9bf-e3b9360bedba/app' \
	> "$cap/collector/k8s-pod-logs.txt"
echo 'java-7d4f9b8c6-xk2mw_shop_app-3e5e5eab87df615f4777e6f7f261a7fb62f4a7ee5bc3e25e3a5b5223ccd368fe.log' \
	> "$cap/collector/k8s-container-logs.txt"
cat > "$work/want" <<'EOF'
event,wall_time,killed_pid,killed_comm,memcg_limit_bytes,namespace,pod,container,complete
1,2026-11-28T04:25:14.139Z,10303,python3,33554432,,,,1
2,2026-11-28T04:25:24.139Z,50624,java,,shop,java-7d4f9b8c6-xk2mw,app,0
EOF
expect_in "$work" 0 "$M" sql --csv "$cap" "SELECT event, wall_time, killed_pid, killed_comm,
	memcg_limit_bytes, namespace, pod, container, complete FROM oom_kills ORDER BY event" &&
	tr -d '\r' < "$work/out" | diff -u "$work/want" - > "$work/d" &&
	ok "a capture's kmsg.txt: capture clock, Kubernetes names" ||
	{ fail "a capture's kmsg.txt"; sed 's/^/  | /' "$work/d" "$work/err"; }

# ---- issue 13: what the log holds, said plainly ------------------------------
# jq-less JSON field: jf FILE EXPR (python, one event)
jf() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2])))' "$1" "$2"; }

# The chosen task without a kill line: a "dmesg | grep oom-kill" keeps only
# the summary line.  On the real two-line grep (its first line) and on a
# fixture written from mm/oom_kill.c's dump_oom_summary() format (5.x).
head -n 1 "$S/k8s-cgroupfs-dmesg-T-zh-locale-two-lines.txt" > "$work/grep1.txt"
expect_in "$work" 0 "$M" oom --json "$work/grep1.txt" &&
	[ "$(jf "$work/out" '[v[0][k] for k in ("killed_pid", "chosen_pid", "chosen_comm", "uid", "pod_uid", "container_id", "outcome")]')" = \
	  '[null, 50624, "java", 10000, "28fcb1a0-a45c-44e7-b9bf-e3b9360bedba", "3e5e5eab87df615f4777e6f7f261a7fb62f4a7ee5bc3e25e3a5b5223ccd368fe", "unknown_log_cut"]' ] &&
	ok "a grepped oom-kill: line: the chosen task, uid, pod uid and container id" ||
	{ fail "grepped oom-kill: line"; cat "$work/out"; }
expect_in "$work" 0 "$M" oom --json --db "$work/k510.db" "$F/kernel5.10-oom-kill-line-only.txt" &&
	expect_in "$work" 0 "$M" sql --csv "$work/k510.db" "SELECT chosen_pid, chosen_comm, uid, chosen_is_victim IS NULL, outcome, pod_uid FROM oom_kills" &&
	[ "$(tail -1 "$work/out" | tr -d '\r')" = '4242,java,1000,1,unknown_log_cut,6f0c2a3e-1b2c-4d5e-8f90-123456789abc' ] &&
	ok "oom_kills: chosen_pid, chosen_comm, uid without a kill line" || { fail "oom_kills chosen"; cat "$work/out"; }
# Whether the chosen task is the victim, by kernel version: since 5.1 it is
# (no "sacrifice child"); before, a child of it may be killed instead.
for v in 5.10.0-21-amd64:True 4.19.0-25-amd64:None; do
	{ echo "[ 8123.456700] CPU: 3 PID: 4250 Comm: java Not tainted ${v%%:*} #1 Debian"
	  cat "$F/kernel5.10-oom-kill-line-only.txt"; } > "$work/k.txt"
	expect_in "$work" 0 "$M" oom --json "$work/k.txt" &&
		[ "$(jf "$work/out" 'v[0]["chosen_is_victim"]')" = "$(echo "${v#*:}" | sed 's/True/true/; s/None/null/')" ] &&
		expect_in "$work" 0 "$M" oom "$work/k.txt" || { fail "chosen_is_victim on ${v%%:*}"; continue; }
	case $v in
	5.*) grep -q '^  chosen    java (pid 4242), uid 1000: the victim (since Linux 5.1 the task chosen is the task$' "$work/out" ;;
	4.*) grep -q '^  chosen    java (pid 4242), uid 1000: before Linux 5.1 a child of it may be killed instead$' "$work/out" ;;
	esac && ok "the chosen task on ${v%%:*}" || { fail "chosen text on ${v%%:*}"; cat "$work/out"; }
done

# The outcome: a log cut before the kill (the real fragment) is not "no
# killable process" (a fixture from out_of_memory()'s pr_warn, 6.1).
expect_in "$work" 0 "$M" oom --json "$S/fragment-k8s-cgroupfs-guaranteed-kernel4.19ish-github-wrapped-lines-kubedirector-356.txt" &&
	[ "$(jf "$work/out" 'v[0]["outcome"]')" = '"unknown_log_cut"' ] &&
	expect_in "$work" 0 "$M" oom --json "$F/kernel6.1-memcg-no-killable.txt" &&
	[ "$(jf "$work/out" '[v[0]["outcome"], v[0]["killed_pid"], v[0]["complete"]]')" = '["no_killable_process", null, true]' ] &&
	expect_in "$work" 0 "$M" oom "$F/kernel6.1-memcg-no-killable.txt" &&
	grep -q '^  outcome   no_killable_process: "Out of memory and no killable processes": nobody was killed$' "$work/out" &&
	ok "outcome: unknown_log_cut and no_killable_process told apart" || { fail "outcome"; cat "$work/out"; }

# Overlapping dumps: the same records pasted twice count once (kmsg by
# sequence number, dmesg by kernel time and text), also a partial overlap.
for f in "$F/live-kernel6.18-memcg-v1.kmsg.txt" "$V/variant-dmesg.txt" "$V/variant-rsyslog.txt"; do
	expect_in "$work" 0 "$M" oom --json "$f" && jf "$work/out" '[(e["killed_pid"], e["complete"], e["made_of"]) for e in v]' > "$work/once"
	n=$(wc -l < "$f")
	{ head -n $((n * 2 / 3)) "$f"; cat "$f"; } > "$work/twice.txt"
	expect_in "$work" 0 "$M" oom --json "$work/twice.txt" &&
		jf "$work/out" '[(e["killed_pid"], e["complete"], e["made_of"]) for e in v]' | cmp -s - "$work/once" &&
		expect_in "$work" 0 "$M" oom --db "$work/twice.db" "$work/twice.txt" &&
		expect_in "$work" 0 "$M" sql --csv "$work/twice.db" "SELECT count(*) FROM oom_task" &&
		[ "$(tail -1 "$work/out" | tr -d '\r')" = "$("$M" sql --csv "$work/oom.db" "SELECT 0" > /dev/null; \
		   "$M" oom --db "$work/once.db" "$f" > /dev/null; "$M" sql --csv "$work/once.db" "SELECT count(*) FROM oom_task" | tail -1 | tr -d '\r')" ] &&
		ok "$(basename "$f") pasted one and a half times: each record once" ||
		fail "$(basename "$f") pasted twice"
	rm -f "$work/once.db"
done
# Two logs never merge into one complete event: the first half of a report
# as dmesg printed it and the rest as journalctl did; the same with one
# syslog file whose second half comes from another host.
n=$(grep -n 'Tasks state' "$V/variant-dmesg.txt" | cut -d: -f1)
{ head -n $((n - 1)) "$V/variant-dmesg.txt"; tail -n +"$n" "$V/variant-journalctl.txt"; } > "$work/mixed.txt"
n=$(grep -n 'Tasks state' "$V/variant-rsyslog.txt" | cut -d: -f1)
host=$(sed -n "${n}p" "$V/variant-rsyslog.txt" | awk '{print $4}')
{ head -n $((n - 1)) "$V/variant-rsyslog.txt"; tail -n +"$n" "$V/variant-rsyslog.txt" | sed "s/ $host kernel:/ other-$host kernel:/"; } > "$work/hosts.txt"
for f in mixed hosts; do
	expect_in "$work" 0 "$M" oom --json "$work/$f.txt" &&
		[ "$(jf "$work/out" 'all(not e["complete"] for e in v) and len(v) == 2')" = true ] &&
		ok "$f: two logs, two incomplete events" || { fail "$f: merged into one event"; jf "$work/out" '[(e["event"], e["complete"], e["missing"]) for e in v]'; }
done

# No invented dates: a saved log whose kernel times are later than the
# capture's clock (another boot) gets no wall time, and the report says why.
cap2=$work/memsnap-node-2-20261128T042558Z
mkdir -p "$cap2/collector"
sed 's/"started_monotonic": 1000.5/"started_monotonic": 500.0/; s/t31-oom/t31-oom-2/' "$cap/manifest.json" > "$cap2/manifest.json"
cp "$F/live-kernel6.18-memcg-v1.kmsg.txt" "$cap2/collector/kmsg.txt"
expect_in "$work" 0 "$M" sql --csv "$cap2" "SELECT wall_time IS NULL, wall_time_source IS NULL, wall_time_unknown FROM oom_kills" &&
	[ "$(tail -1 "$work/out" | tr -d '\r')" = "1,1,the kernel time is later than the capture's clock: the log is from another boot" ] &&
	"$M" report "$cap2" > "$work/out" 2> /dev/null; grep -q "after boot; date unknown: the kernel time is later than the capture's$" "$work/out" &&
	ok "a kernel time after the capture's clock: no date, and why" || { fail "invented date"; grep -A3 '^OOM event' "$work/out"; }

# Unknown is never zero: a log without timestamps (real, 3.13) has no time
# "0.000 s after boot", a global OOM no memcg usage line.
expect_in "$work" 0 "$M" oom "$S/cadvisor-test-global-kernel3.13.0-27-ubuntu.txt" &&
	grep -q '^  when      unknown: the log has no kernel time and no date$' "$work/out" &&
	! grep -q ' 0\.0* s after boot' "$work/out" && ! grep -q '^  limit ' "$work/out" &&
	expect_in "$work" 0 "$M" oom --json "$S/cadvisor-test-global-kernel3.13.0-27-ubuntu.txt" &&
	[ "$(jf "$work/out" '[v[0][k] for k in ("kernel_time", "wall_time", "memcg_usage_bytes", "memcg_limit_bytes")]')" = '[null, null, null, null]' ] &&
	ok "unknown time and memcg usage: unknown, not 0" || fail "unknown shown as zero"

# ---- one explanation: memsnap oom and the report's OOM section ---------------
# The same kernel log as a capture's kmsg.txt and as a file: every line the
# report shows is the same bytes in memsnap oom's output, but for the title
# (which names the input) and "when" (the capture's clock gives a date).
cap3=$work/memsnap-node-3-20261128T042558Z
mkdir -p "$cap3/collector"
sed 's/t31-oom/t31-oom-3/' "$cap/manifest.json" > "$cap3/manifest.json"
cp "$F/live-kernel6.18-memcg-v1.kmsg.txt" "$cap3/collector/kmsg.txt"
cp "$F/kernel6.1-memcg-no-killable.txt" "$work/nk.txt"
awk '{ t = $0; sub(/^\[ */, "", t); s = t; sub(/\].*/, "", s); sub(/^[^]]*\] /, "", t)
	split(s, p, "."); printf "6,%d,%d%s,-;%s\n", 900 + NR, p[1], p[2], t }' "$work/nk.txt" >> "$cap3/collector/kmsg.txt"
# blocks of "  label" lines with their continuation lines, without those
# only one command shows
blocks() { awk -v drop="$2" '
	/^OOM event / || /^$/ { skip = 1; next }
	/^  [a-z]/ { split($0, w, " "); skip = (w[1] == "when" || index(drop, " " w[1] " ")) }
	/^ {12}/ && !/^  [a-z]/ { if (skip) next }
	/^ +PID +UID/ || /^ +[0-9?]+ +[0-9?]+ +[0-9.?]+ / { next }
	!skip { print }' "$1"; }
"$M" report "$cap3" > "$work/report.txt" 2> /dev/null
awk '/^OOM KILLS/ { on = 1; next } /^[A-Z]/ && !/^OOM event/ { on = 0 } on' "$work/report.txt" > "$work/section.txt"
expect_in "$work" 0 "$M" oom "$cap3/collector/kmsg.txt" && cp "$work/out" "$work/oom.txt"
blocks "$work/section.txt" "" > "$work/a"
blocks "$work/oom.txt" " trigger victim tasks " > "$work/b"
[ "$(grep -c '^OOM event' "$work/section.txt")" = 2 ] && [ -s "$work/a" ] &&
	grep -q '^  outcome   no_killable_process' "$work/a" && diff -u "$work/a" "$work/b" > "$work/d" &&
	[ "$(grep '^OOM event' "$work/section.txt" | sed 's/(kernel log, /(/')" = \
	  "$(grep '^OOM event' "$work/oom.txt" | sed 's|(.*/kmsg.txt, |(|')" ] &&
	ok "memsnap oom and the report's OOM section say the same, byte for byte" ||
	{ fail "memsnap oom and memsnap report differ"; sed 's/^/  | /' "$work/d" | head -30; }
# the same outcome words in the HTML and the JSON
"$M" report --format html "$cap3" > "$work/r.html" 2> /dev/null
"$M" report --format json "$cap3" > "$work/r.json" 2> /dev/null
grep -qF '<code>no_killable_process</code><br>&quot;Out of memory and no killable processes&quot;: nobody was killed' "$work/r.html" &&
	grep -qF 'no_killable_process: &quot;Out of memory and no killable processes&quot;: nobody was killed in /batch; memory cgroup usage 64.0 MiB</title>' "$work/r.html" &&
	! grep -q 'no process killed' "$work/r.html" &&
	[ "$(jf "$work/r.json" 'sorted(e["outcome"] for e in v["captures"][0]["oom_kills"])')" = '["killed", "no_killable_process"]' ] &&
	ok "the outcome in the HTML and the JSON report" || fail "the outcome in the HTML and the JSON report"

# ---- exit statuses and messages ----------------------------------------------
expect_in "$work" 0 "$M" oom --help && grep -q '^usage: memsnap oom' "$work/out" && ok "--help" || fail "--help"
expect_in "$work" 0 "$M" help oom && grep -q '^usage: memsnap oom' "$work/out" && ok "help oom" || fail "help oom"
expect_in "$work" 2 "$M" oom && grep -q 'error: no input' "$work/err" && ok "no input: 2" || fail "no input: 2"
expect_in "$work" 2 "$M" oom a b && grep -q "error: unexpected argument 'b'" "$work/err" && ok "two inputs: 2" || fail "two inputs: 2"
expect_in "$work" 2 "$M" oom --frob x && ok "unknown option: 2" || fail "unknown option: 2"
expect_in "$work" 2 "$M" oom --page-size 3000 x && grep -q "invalid --page-size '3000'" "$work/err" && ok "bad --page-size: 2" || fail "bad --page-size: 2"
expect_in "$work" 2 "$M" oom --max-size lots x && ok "bad --max-size: 2" || fail "bad --max-size: 2"
expect_in "$work" 3 "$M" oom /nonexistent/kern.log &&
	grep -q "error: cannot read '/nonexistent/kern.log': No such file or directory" "$work/err" &&
	ok "missing file: 3" || fail "missing file: 3"
expect_in "$work" 3 "$M" oom "$work" && grep -q "error: cannot read '$work': Is a directory" "$work/err" &&
	ok "a directory: 3" || fail "a directory: 3"
: > "$work/empty.log"
expect_in "$work" 1 "$M" oom empty.log && grep -q "error: no OOM event found in 'empty.log' (0 lines read)" "$work/err" &&
	[ ! -s "$work/out" ] && ok "empty input: 1" || fail "empty input: 1"
printf 'Linux version 6.1.0\nhello\n' > "$work/boot.log"
expect_in "$work" 1 "$M" oom boot.log && grep -q "no OOM event found in 'boot.log' (2 lines read)" "$work/err" &&
	ok "no OOM event: 1" || fail "no OOM event: 1"
expect_in "$work" 1 "$M" oom --json boot.log && [ "$(cat "$work/out")" = "[]" ] && ok "no OOM event, --json: []" || fail "no OOM event, --json: []"
head -c 2048 "$S/global-oom-kernel6.11-qemu-stress-ng-full.txt" > "$work/2k.log"
expect_in "$work" 3 "$M" oom --max-size 1K 2k.log && grep -q "error: '2k.log' is larger than 1024 bytes; see --max-size" "$work/err" &&
	ok "--max-size: 3" || fail "--max-size: 3"
truncate -s 257M "$work/huge.log"
expect_in "$work" 3 "$M" oom huge.log && grep -q "larger than 268435456 bytes" "$work/err" && ok "default limit 256 MiB: 3" || fail "default limit 256 MiB: 3"
rm -f "$work/huge.log"
expect_in "$work" 0 sh -c "'$M' oom - < '$S/cadvisor-test-memcg-v1-kernel3.13.0-43-ubuntu.txt'" &&
	grep -q '^OOM event 1 of 1: a memory cgroup hit its limit (<stdin>, lines 1-31)' "$work/out" &&
	ok "stdin" || fail "stdin"
expect_in "$work" 0 "$M" oom --page-size 16K "$S/k8s-cgroupv2-guaranteed-kernel5.14.0-333.el9-dmesg-Tx-blog-as-pasted-indented.txt" &&
	grep -q ' 1586608        0  103.0 MiB ' "$work/out" && ok "--page-size scales the task table" ||
	fail "--page-size 16K"

# ---- what the log holds never reaches the terminal raw ------------------------
printf '4,1,100,-;ev\\x1b]0;owned\\x07il invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n' > "$work/esc.log"
printf '3,2,101,-;Out of memory: Killed process 7 (\\x1b[2J\\x9b31m) total-vm:8kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB\n' >> "$work/esc.log"
printf 'Killed process 8 (\033[31mred\r) total-vm:8kB\n' >> "$work/esc.log"
expect_in "$work" 0 "$M" oom esc.log &&
	! LC_ALL=C grep -q "$(printf '[\001-\010\016-\037\177]')" "$work/out" &&
	! LC_ALL=C grep -q "$(printf '\r')" "$work/out" &&
	grep -qF 'ev\e]0;owned\x07il' "$work/out" && grep -qF '\e[31mred\r' "$work/out" &&
	ok "control characters escaped in text" || { fail "escaping"; cat -A "$work/out" | head; }
expect_in "$work" 0 "$M" oom --json esc.log && python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert v[0]["trigger_comm"] == "ev\x1b]0;owned\x07il", v[0]["trigger_comm"]
assert v[1]["killed_comm"] == "\x1b[31mred\r", v[1]["killed_comm"]' "$work/out" &&
	! LC_ALL=C grep -q "$(printf '\033')" "$work/out" && ok "control characters escaped in JSON" ||
	fail "JSON escaping"

check_end
