#!/bin/bash
# Issue 13.10: the OOM count in the collector's closing line (and in
# manifest.kmsg.oom_reports) is the number of OOM events `memsnap load`
# finds in the same capture.  Kernel logs of several shapes go in through
# --kmsg-file: a recorded 6.18 log with two memcg OOM kills, oom-kill:
# summary lines alone (the collector used to say "0 OOM reports" for them),
# a report whose start was overwritten, "no killable processes", a
# memory.oom.group kill of several tasks, and all of them in one log.
#
# Runs on the v2 fixture tree: no root needed.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
cd "$(dirname "$0")/.."
ROOT=$PWD/tests/fixtures/roots/v2

# Records in /dev/kmsg form, written from mm/oom_kill.c's format strings.
cat >"$work/alone.kmsg" <<'EOF'
6,101,1000,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=a,pid=11,uid=0
6,102,2000,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/b,task_memcg=/b,task=b,pid=12,uid=0
6,103,3000,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/c,task=c,pid=13,uid=0
EOF
cat >"$work/orphan.kmsg" <<'EOF'
4,200,1000,-;[   1234]     0  1234    10566     9751     8128     1623         0         98304        0             0 python3
6,201,1100,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=python3,pid=1234,uid=0
3,202,1200,-;Memory cgroup out of memory: Killed process 1234 (python3) total-vm:42264kB, anon-rss:39004kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:96kB oom_score_adj:0
6,203,1300,-;oom_reaper: reaped process 1234 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB
3,204,5000,-;Out of memory and no killable processes...
EOF
cat >"$work/group.kmsg" <<'EOF'
4,300,1000,-;node invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=984
6,301,1001,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods.slice/x.slice,task_memcg=/kubepods.slice/x.slice/y.scope,task=node,pid=21,uid=0
3,302,1002,-;Memory cgroup out of memory: Killed process 21 (node) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:984
6,303,1003,-;Tasks in /kubepods.slice/x.slice are going to be killed due to memory.oom.group set
3,304,1004,-;Memory cgroup out of memory: Killed process 22 (sh) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:984
3,305,1005,-;Memory cgroup out of memory: Killed process 23 (pause) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:-998
EOF
grep -v '^ ' tests/fixtures/kmsg/vm-6.18-two-memcg-ooms.kmsg >"$work/vm.kmsg"
cat "$work/vm.kmsg" "$work/alone.kmsg" "$work/orphan.kmsg" "$work/group.kmsg" >"$work/all.kmsg"

for log in vm alone orphan group all; do
	"$C" --root "$ROOT" --no-bpftool --kmsg-file "$work/$log.kmsg" \
		-o "$work/$log.tar.gz" 2>"$work/err"
	rc=$?
	[ $rc -le 1 ] || fail "$log: collector exit $rc: $(cat "$work/err")"
	said=$(sed -n 's/.* \([0-9]*\) OOM reports,.*/\1/p' "$work/err")
	[ -n "$said" ] || fail "$log: no OOM count in '$(cat "$work/err")'"
	"$M" load -q "$work/$log.tar.gz" -o "$work/$log.db" >/dev/null 2>"$work/lerr"
	[ $? -le 1 ] || fail "$log: memsnap load failed: $(cat "$work/lerr")"
	found=$("$M" sql --csv "$work/$log.db" "SELECT count(*) FROM oom_event" | tail -n1 | tr -d '\r')
	in_manifest=$(tar xzf "$work/$log.tar.gz" -O --wildcards '*/manifest.json' |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["kmsg"]["oom_reports"])')
	[ "$said" = "$found" ] || fail "$log: the collector says $said OOM reports, memsnap load finds $found events"
	[ "$in_manifest" = "$found" ] || fail "$log: manifest.kmsg.oom_reports is $in_manifest, memsnap load finds $found"
	[ "$found" -gt 0 ] || fail "$log: no event at all: the log did not test anything"
	echo "ok: $log: $found OOM events, the collector says $said"
done
