#!/bin/bash
# memsnap-collect's benchmark: a simulated node, then the collector against
# the read-only floor (collect-floor.c: the same files, read once, nothing
# else).  Reports, per compression, the wall-time ratio and the peak-RSS
# ratio to the floor and the collector's peak RSS, each against its goal
# (issue 7: wall time at most 1.3 times the floor, peak RSS at most 4 MiB,
# with 1000+ processes): "met" or "MISSED".  Exits 1 when a goal was
# missed, 77 when it cannot run here.
#
#   tests/bench/collect-bench.sh [PODS [CONTAINERS [PROCS]]]
#
# The simulated node: PODS pod cgroups (default 100) of CONTAINERS
# container cgroups (default 2) each, every container holding PROCS
# sleeping processes (default 5) and the shell that started them: with the
# defaults 1,200 processes in 300 memory cgroups on top of the machine's own.
# Root is needed; everything is removed at the end.
#
# Environment: BIN_DIR, BUILD_DIR (as tests/run-tests sets them), RUNS
# (timed runs per command, default 30), CPUS ("all 1" by default: every
# CPU, then everything pinned to one CPU as on a node whose other CPUs are
# busy).
set -u
cd "$(dirname "$0")/../.."
: "${BIN_DIR:=$PWD/bin}" "${BUILD_DIR:=$PWD/build}" "${RUNS:=30}"
PODS=${1:-100}
CTRS=${2:-2}
PROCS=${3:-5}
C=$BIN_DIR/memsnap-collect
FLOOR=$BUILD_DIR/bench/collect-floor

. tests/bench/sim-node.sh

mkdir -p "$(dirname "$FLOOR")"
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Icollect \
	-o "$FLOOR" tests/bench/collect-floor.c "$BUILD_DIR/libcollect.a" \
	-larchive -lzstd -lz -lpthread || exit 1

# Mean wall time in ms of one command: hyperfine when installed (the CI
# installs it), else a loop of RUNS runs after 3 warm-ups (median).
time_ms() {
	if command -v hyperfine >/dev/null; then
		hyperfine -N -i -w 3 -r "$RUNS" --export-json "$work/h.json" \
			"$(printf '%q ' "$@")" >/dev/null 2>&1
		sed -n 's/.*"mean": *\([0-9.e+-]*\).*/\1/p' "$work/h.json" | head -n1 |
			awk '{ printf "%.1f\n", $1 * 1000 }'
		return
	fi
	local i t0 t1 ts=()
	for i in 1 2 3; do "$@" >/dev/null 2>&1; done
	for i in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		ts+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f\n", a[int((NR + 1) / 2)] / 1000 }'
}

rss_kib() {  # peak RSS of one run of a command, by time(1), in KiB
	/usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1
	tail -n1 "$work/rss"
}

peak_rss() {  # the collector's own report, in its manifest
	case $1 in
	*.gzip) tar xzf "$1" -O --wildcards '*/manifest.json' ;;
	*.zstd) zstd -qdc "$1" | tar xf - -O --wildcards '*/manifest.json' ;;
	*) tar xf "$1" -O --wildcards '*/manifest.json' ;;
	esac 2>/dev/null | sed -n 's/.*"max_rss_kb": \([0-9]*\).*/\1/p'
}

# CPUS: "all", or "1" to pin everything to one CPU (a busy node).
missed=0
for cpus in ${CPUS:-all 1}; do
	pin=()
	[ "$cpus" = 1 ] && pin=(taskset -c 0)
	floor=$(time_ms "${pin[@]}" "$FLOOR")
	floor_rss=$(rss_kib "${pin[@]}" "$FLOOR")
	echo "[$cpus CPU(s)] read-only floor: $floor ms, peak RSS $floor_rss KiB  ($("$FLOOR"))"
	for comp in gzip zstd none; do
		out=$work/c.$comp
		t=$(time_ms "${pin[@]}" "$C" --no-bpftool --compress $comp -q -o "$out")
		"$C" --no-bpftool --compress $comp -q -o "$out"
		rss=$(rss_kib "${pin[@]}" "$C" --no-bpftool --compress $comp -q -o "$out")
		echo "[$cpus CPU(s)] memsnap-collect --compress $comp: $t ms, peak RSS $rss KiB" \
			"(manifest: $(peak_rss "$out") KiB), archive $(($(stat -c %s "$out") / 1024)) KiB"
		awk -v a="$t" -v b="$floor" -v r="$rss" -v fr="$floor_rss" -v tag="[$cpus CPU(s)] $comp" 'BEGIN {
			printf "%s: time ratio %.2f (goal <= 1.3: %s), RSS ratio %.2f, peak RSS %.1f MiB (goal <= 4 MiB: %s)\n",
				tag, a / b, (a / b <= 1.3 ? "met" : "MISSED"), r / fr, r / 1024,
				(r <= 4096 ? "met" : "MISSED")
			exit !(a / b <= 1.3 && r <= 4096) }' || missed=$((missed + 1))
	done
done
[ $missed = 0 ] || echo "collect-bench: $missed run(s) missed a goal (see MISSED above)"
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo), kernel $(uname -r), $(date -u +%Y-%m-%d)"
[ $missed = 0 ]
