#!/bin/bash
# memsnap under valgrind's memcheck: a full load and report of a real
# capture (this machine, captured by memsnap-collect when we are root; the
# Kubernetes fixture capture otherwise), `memsnap report` on the capture
# itself, `memsnap sql` on the views, and `memsnap oom` on every kernel log
# sample (text, --json, --db).  Each run must be clean: no invalid read or
# write, no use of uninitialised memory, no leak (definite, indirect or
# possible), and the program's own exit status as without valgrind.
#
# The ASan build (SAN=1) cannot run under valgrind: it skips there, the
# sanitizers cover that build.
set -u
. "$(dirname "$0")/lib/check.sh"
cd "$(dirname "$0")/.."

[ "${SAN:-}" != 1 ] || skip "the SAN=1 build runs under ASan, not valgrind"
command -v valgrind >/dev/null || { echo "FAIL: valgrind missing (.ci/install-deps)"; exit 1; }
[ -x "$M" ] || { echo "FAIL: $M not built"; exit 1; }

# vg WANT_STATUS NAME -- ARGS...: memsnap ARGS under memcheck
vg() {
	local want=$1 name=$2 rc
	shift 3
	valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible \
		--track-origins=yes --log-file="$work/$name.vg" \
		"$M" "$@" >"$work/$name.out" 2>"$work/$name.err"
	rc=$?
	if [ $rc = 99 ]; then
		fail "$name: valgrind found errors: memsnap $*"
		grep -E '^==[0-9]+== (Invalid|Conditional|Use of|[0-9,]+ bytes in|   (at|by) 0x)' \
			"$work/$name.vg" | head -n 40 | sed 's/^/  | /'
	elif [ "$rc" != "$want" ]; then
		fail "$name: exit status $rc, want $want: memsnap $*"
		tail -n 5 "$work/$name.err" | sed 's/^/  | /'
	else
		echo "ok $name: memsnap $* ($(grep -m1 -o 'ERROR SUMMARY: [0-9]* errors' "$work/$name.vg"))"
	fi
}

# The captures: this machine when we can (root), and two fixture captures
# for what a small machine lacks (Kubernetes cgroups, BPF maps, OOM kills,
# hostile names).
caps=()
if [ "$(id -u)" = 0 ] && [ -x "$C" ]; then
	"$C" -o "$work/live.tar.gz" 2>"$work/collect.err"
	rc=$?
	[ $rc -le 1 ] || { fail "memsnap-collect exited $rc: $(cat "$work/collect.err")"; exit 1; }
	caps+=("$work/live.tar.gz")
	echo "capture of this machine: $(tail -n1 "$work/collect.err")"
else
	echo "not root: no capture of this machine, fixture captures only"
fi
. tests/samples-lib.sh      # the hostile capture and the OOM samples, where present
caps+=(tests/fixtures/captures/k8s-cgroupfs-v1/memsnap-node-a-20260301T120000Z)
if [ -d "$SAMPLE_FIXTURES_DIR/captures/report-hostile" ]; then
	caps+=("$SAMPLE_FIXTURES_DIR"/captures/report-hostile/memsnap-evil-20260101T000000Z)
else
	echo "note: no samples at '$SAMPLES_DIR': the hostile capture and the OOM samples are not run"
fi

vg_status() {  # the status memsnap gives without valgrind
	"$M" "$@" >/dev/null 2>&1
	echo $?
}

i=0
for cap in "${caps[@]}"; do
	i=$((i + 1))
	db=$work/db$i.sqlite
	vg "$(vg_status load "$cap" -o "$work/plain$i.sqlite")" "load-$i" -- load "$cap" -o "$db"
	for f in text html json; do
		vg "$(vg_status report --format $f "$db")" "report-$f-$i" -- report --format "$f" "$db"
	done
	vg "$(vg_status report "$cap")" "report-capture-$i" -- report "$cap"
	vg 0 "sql-views-$i" -- sql --csv "$db" \
		'SELECT * FROM findings; SELECT * FROM working_set_breakdown; SELECT * FROM oom_kills;
		 SELECT * FROM processes; SELECT * FROM cgroups; SELECT * FROM bpf_maps'
	vg 0 "sql-table-$i" -- sql "$db" 'SELECT * FROM containers'
done
vg 0 sql-json -- sql --json "$db" 'SELECT * FROM load_problems'
vg 0 schema -- schema

# memsnap oom on every kernel-log sample and fixture; --json and --db on one.
n=0
for s in "$SAMPLES_DIR"/oom/*.txt tests/fixtures/kmsg/* tests/fixtures/oom/live-*.txt; do
	[ -f "$s" ] || continue
	n=$((n + 1))
	vg "$(vg_status oom "$s")" "oom-$n" -- oom "$s"
done
s=tests/fixtures/oom/live-kernel6.18-memcg-v1.txt
vg 0 oom-json -- oom --json "$s"
vg 0 oom-db -- oom --db "$work/oom.sqlite" "$s"

check_end
