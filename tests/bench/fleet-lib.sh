# Sourced by fleet-load-bench.sh and export-bench.sh: the N synthetic
# captures of a 1,000-process node they share (make-capture.py --procs 1000
# --cgroups 200 --maps 500, seeds 1..N), made once into
# $BUILD_DIR/bench/fleet-captures-2 and kept (the same seed, the same bytes),
# their paths in the array caps.  Exits 1 when they cannot be made.  (-2:
# since make-capture.py counts sizes in whole pages, as a kernel does; the
# captures of the older generator, in fleet-captures, are not reused.)
# fleet_setup N [TOOL...]: the tools (python3 and these) and $M checked
# first (exit 77, or 1 when memsnap is not built), then the captures.
fleet_setup() {
	local n=$1 t

	shift
	for t in python3 "$@"; do
		command -v "$t" >/dev/null || { echo "SKIP: $t missing (.ci/install-deps)"; exit 77; }
	done
	[ -x "$M" ] || { echo "FAIL: $M not built"; exit 1; }
	fleet_captures "$n"
}

now() { date +%s%N; }

fleet_captures() {
	local n=$1 s dir=$BUILD_DIR/bench/fleet-captures-2

	mkdir -p "$dir"
	seq 1 "$n" | while read -r s; do
		[ -s "$dir/node-$s.tar.gz" ] || echo "$s"
	done | xargs -r -P "$(nproc)" -I{} python3 tests/bench/make-capture.py --procs 1000 \
		--cgroups 200 --maps 500 --seed {} -o "$dir/node-{}.tar.gz" >/dev/null 2>&1 ||
		{ echo "FAIL: cannot make the captures"; exit 1; }
	caps=()
	for s in $(seq 1 "$n"); do caps+=("$dir/node-$s.tar.gz"); done
}
