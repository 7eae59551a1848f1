#!/bin/bash
# The working-set, Kubernetes and findings views at node scale: a generated
# cgroup v2 capture of a big Kubernetes node (2,000 memory cgroups: 500
# pods of 3 containers each, plus the pause containers' siblings; 10,000
# processes; BPF maps and Go programs) is loaded, and every view of
# schema/80-working-set.sql, 85-k8s-views.sql and 90-findings.sql is read
# in full.  Each must answer within MAX_SECONDS (default 20; they take well
# under a second each when no query is quadratic: a correlated subquery that
# scans a whole table per row takes minutes here).  The timings are printed;
# the benchmark suite measures them properly.
#
# The numbers in the generated files are consistent (memory.current is
# anon + file + kernel + sock + a few pages) but made up: this test is about
# speed, and about the views agreeing with each other at scale:
#   - every leaf cgroup's working set is explained to the byte (its
#     memory.current is made anon + file + kernel);
#   - containers has one row per container cgroup, pods one per pod.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
. "$(dirname "$0")/ws-lib.sh"
ws_require_memsnap
MAX_SECONDS=${MAX_SECONDS:-20}


python3 - "$work" "$TESTS_DIR" <<'EOF' || fail "cannot generate the capture"
import json, os, sys
sys.path.insert(0, sys.argv[2])
from ws_check import manifest

out = sys.argv[1]
top = os.path.join(out, "memsnap-scale-20260101T000000Z")
MIB = 1 << 20

def put(rel, text):
    p = os.path.join(top, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)

put("manifest.json", manifest("scale", "6.1.0-18-amd64", seconds=2))
put("proc/meminfo", "MemTotal:       263856128 kB\nMemFree:        100000000 kB\n"
    "MemAvailable:   150000000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n")
put("proc/pressure/memory", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")

def stat(anon, active, inactive, shmem, slab_r, slab_u, stack, pt):
    file_ = active + inactive + shmem
    kernel = slab_r + slab_u + stack + pt + 8192
    keys = [("anon", anon), ("file", file_), ("kernel", kernel),
            ("kernel_stack", stack), ("pagetables", pt), ("sec_pagetables", 0),
            ("percpu", 4096), ("sock", 0), ("vmalloc", 0), ("shmem", shmem),
            ("zswap", 0), ("zswapped", 0), ("file_mapped", active // 2),
            ("file_dirty", 0), ("file_writeback", 0), ("swapcached", 0),
            ("anon_thp", 0), ("file_thp", 0), ("shmem_thp", 0),
            ("inactive_anon", anon + shmem), ("active_anon", 0),
            ("inactive_file", inactive), ("active_file", active),
            ("unevictable", 0), ("slab_reclaimable", slab_r),
            ("slab_unreclaimable", slab_u), ("slab", slab_r + slab_u),
            ("workingset_refault_anon", 0), ("workingset_refault_file", 7),
            ("pgfault", 123456), ("pgmajfault", 3)]
    text = "".join("%s %d\n" % kv for kv in keys)
    return text, anon + file_ + kernel + 4096 - 4096

tree = {}   # cgroup path -> (usage, stat text, max, pids)
pid = [1000]
procs = []  # (pid, cgroup)

def leaf(path, n_procs, limit):
    i = len(tree)
    # one container in 20 of each: 80 MiB shmem, 100 MiB active page cache,
    # 80 MiB page tables (findings for them and candidates in their pods)
    text, usage = stat(anon=(8 + i % 50) * MIB,
                       active=(100 if i % 20 == 1 else i % 7) * MIB,
                       inactive=(i % 5) * MIB, shmem=(80 if i % 20 == 0 else i % 3) * MIB,
                       slab_r=(i % 4) * 65536, slab_u=32768, stack=16384 * n_procs,
                       pt=(80 * MIB if i % 20 == 2 else 8192 * n_procs))
    pids = []
    for _ in range(n_procs):
        pid[0] += 1
        pids.append(pid[0])
        procs.append((pid[0], path))
    tree[path] = [usage, text, limit, pids]
    return usage

def inner(path, children_usage, limit):
    # the children's memory, roughly: half anon, a quarter shmem, an eighth
    # active page cache and as much page tables (so parents of big children
    # are candidates for the same findings)
    text, _ = stat(anon=children_usage // 2, active=children_usage // 8,
                   inactive=0, shmem=children_usage // 4, slab_r=0, slab_u=0,
                   stack=0, pt=children_usage // 8 - 8192 - 4096)
    tree[path] = [children_usage, text, limit, []]

qos = {"guaranteed": "/kubepods.slice", "burstable": "/kubepods.slice/kubepods-burstable.slice",
       "besteffort": "/kubepods.slice/kubepods-besteffort.slice"}
pod_logs, ctr_logs = [], []
total = 0
qos_usage = {k: 0 for k in qos}
for p in range(500):
    q = ("guaranteed", "burstable", "besteffort")[p % 3]
    uid = "%08x-0000-4000-8000-%012x" % (p, p)
    sl = "kubepods-%spod%s.slice" % ("" if q == "guaranteed" else q + "-", uid.replace("-", "_"))
    pod = qos[q] + "/" + sl
    pod_usage = 0
    for c in range(3):
        cid = "%064x" % (p * 16 + c + 1)
        # 10,000 processes over 1,500 containers: 9 or 11 each, 1 in pause
        n = 1 if c == 0 else (9 if (p + c) % 2 else 11)
        lim = None if q == "besteffort" else (64 + p % 64) * MIB
        pod_usage += leaf(pod + "/cri-containerd-%s.scope" % cid, n, lim)
        if c:
            name = "app%d" % c
            pod_logs.append("ns%d_pod-%d_%s/%s" % (p % 20, p, uid, name))
            ctr_logs.append("pod-%d_ns%d_%s-%s.log" % (p, p % 20, name, cid))
    inner(pod, pod_usage, None if q == "besteffort" else 512 * MIB)
    qos_usage[q] += pod_usage
for q in ("burstable", "besteffort"):
    inner(qos[q], qos_usage[q], None)
inner("/kubepods.slice", sum(qos_usage.values()), None)
for s in range(40):
    leaf("/system.slice/svc%d.service" % s, 1 + (s % 3 == 0) * 1, None)
inner("/system.slice", 40 * MIB, None)
# the root: no memory.current on v2
rtext, _ = stat(anon=4000 * MIB, active=2000 * MIB, inactive=1000 * MIB, shmem=10 * MIB,
                slab_r=0, slab_u=0, stack=0, pt=0)

put("sys/fs/cgroup/memory.stat", rtext)
put("sys/fs/cgroup/cgroup.procs", "1\n")
procs.append((1, "/"))
for path in sorted(tree):
    usage, text, limit, pids = tree[path]
    d = "sys/fs/cgroup" + path
    put(d + "/memory.current", "%d\n" % usage)
    put(d + "/memory.max", ("%d\n" % limit) if limit else "max\n")
    put(d + "/memory.stat", text)
    put(d + "/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill %d\noom_group_kill 0\n"
        % (1 if usage > 60 * MIB and path.endswith(".scope") and len(pids) == 11 else 0))
    put(d + "/memory.pressure", "some avg10=%.2f avg60=0.00 avg300=0.00 total=1\n"
        "full avg10=0.00 avg60=0.00 avg300=0.00 total=1\n" % (12.5 if len(pids) == 9 and int(path[-10:-6], 16) % 7 == 0 else 0))
    put(d + "/cgroup.procs", "".join("%d\n" % p for p in pids))
    if path.count("/") == 1 and path.endswith(".slice") and False:
        pass
put("collector/k8s-pod-logs.txt", "".join(l + "\n" for l in sorted(pod_logs)))
put("collector/k8s-container-logs.txt", "".join(l + "\n" for l in sorted(ctr_logs)))

for n, (p, cg) in enumerate(sorted(procs)):
    rss = (4 + n % 40) * 1024
    put("proc/%d/status" % p, "Name:\tproc%d\nState:\tS (sleeping)\nPPid:\t1\n"
        "Uid:\t0\t0\t0\t0\nThreads:\t%d\nVmSize:\t%d kB\nVmHWM:\t%d kB\nVmRSS:\t%d kB\n"
        "RssAnon:\t%d kB\nRssFile:\t%d kB\nRssShmem:\t0 kB\nVmPTE:\t64 kB\nVmSwap:\t0 kB\n"
        % (n, 1 + n % 8, rss * 4, rss, rss, rss // 2, rss - rss // 2))
    put("proc/%d/smaps_rollup" % p, "00400000-7fff00000000 ---p 00000000 00:00 0   [rollup]\n"
        "Rss:  %d kB\nPss:  %d kB\nPss_Anon:  %d kB\nPss_File:  %d kB\nPss_Shmem:  0 kB\n"
        "Anonymous:  %d kB\nSwap:  0 kB\nSwapPss:  0 kB\n"
        % (rss, rss * 3 // 4, rss // 2, rss * 3 // 4 - rss // 2, rss // 2))
    put("proc/%d/cgroup" % p, "0::%s\n" % cg)
    put("proc/%d/oom_score_adj" % p, "0\n")
    if n % 50 == 0:
        put("proc/%d/fdinfo/7" % p, "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1\n"
            "map_type:\t1\nkey_size:\t8\nvalue_size:\t64\nmax_entries:\t65536\n"
            "map_flags:\t0x0\nmap_extra:\t0x0\nmemlock:\t%d\nmap_id:\t%d\nfrozen:\t0\n"
            % (8 * MIB * (1 + n % 11), 100 + n // 50))
    if n % 25 == 0:
        put("collector/go/%d.json" % p, json.dumps(
            {"pid": p, "go_version": "go1.22.3",
             "env": {"GOMEMLIMIT": "60MiB"} if n % 50 == 0 else {}}))
print("cgroups:", len(tree) + 1, "processes:", len(procs))
EOF

db=$work/scale.db
start=$(date +%s%N)
"$M" load -q "$work"/memsnap-scale-* -o "$db" >/dev/null 2>"$work/load.err" ||
	{ cat "$work/load.err"; fail "memsnap load failed"; }
echo "load: $(( ($(date +%s%N) - start) / 1000000 )) ms"
# SCALE_DB=FILE keeps a copy of the database (to look at query plans).
[ -z "${SCALE_DB:-}" ] || cp "$db" "$SCALE_DB"

q() { set -o pipefail; sql_rows "$db" "$1"; }
[ "$(q "SELECT count(*) FROM cgroups")" -ge 2000 ] || fail "fewer than 2,000 cgroups loaded"
[ "$(q "SELECT count(*) FROM processes")" -ge 10000 ] || fail "fewer than 10,000 processes loaded"

slow=0
for v in cgroups cgroup_parts working_set_breakdown cgroup_headroom process_shares \
	cgroup_process_totals cgroup_names containers pods k8s_rollup node bpf_maps \
	bpf_by_cgroup bpf_by_pod go_processes findings; do
	start=$(date +%s%N)
	# every column of every row: a count(*) alone would let SQLite skip
	# the columns' subqueries
	n=$(q "SELECT * FROM $v" | wc -l) || fail "view $v failed"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	printf '  %-24s %7d rows %7d ms\n' "$v" "$n" "$ms"
	[ $ms -le $((MAX_SECONDS * 1000)) ] || { echo "FAIL: $v took $ms ms"; slow=1; }
done
[ $slow = 0 ] || exit 1

# Lookups of one cgroup must not compute every cgroup.
one=$(q "SELECT cgroup FROM containers ORDER BY cgroup LIMIT 1 OFFSET 700")
for v in working_set_breakdown cgroup_headroom containers; do
	start=$(date +%s%N)
	q "SELECT * FROM $v WHERE cgroup = '$one'" >/dev/null || fail "$v lookup failed"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	printf '  %-24s one cgroup %5d ms\n' "$v" "$ms"
	[ $ms -le 2000 ] || fail "$v for one cgroup took $ms ms"
done

# The generator makes every leaf's memory.current exactly anon + file +
# kernel (+ sock 0), and the root's usage is anon + file: with the v1/v2
# mapping reading the right keys, nothing is left unexplained there.
bad=$(q "SELECT count(*) FROM cgroup_parts p
	WHERE NOT EXISTS (SELECT 1 FROM cgroup_node c WHERE c.capture_id = p.capture_id
	                  AND c.parent = p.cgroup)
	  AND p.unexplained IS NOT 0")
[ "$bad" = 0 ] || fail "$bad leaf cgroups with a working set not explained to the byte"
n=$(q "SELECT count(*) FROM containers")
[ "$n" = 1500 ] || fail "containers: $n rows, want 1500"
n=$(q "SELECT count(*) FROM pods")
[ "$n" = 500 ] || fail "pods: $n rows, want 500"
echo ok
