#!/bin/bash
# The parsers' time limits (issue 3's load budget; linear time on 50 MB
# inputs): the unit tests that carry them, run with MEMSNAP_TIMING=1 so
# their limits are asserted.  make check runs the same tests without the
# limits, since a shared CI machine makes any wall-clock limit a lottery.
set -u
cd "$(dirname "$0")/../.."
: "${BUILD_DIR:=$PWD/build}"
rc=0
for t in test_parse_perf test_parse_bpftool test_parse_status test_parse_memstat test_parse_cgroup; do
	bin="$BUILD_DIR/tests/$t"
	if [ ! -x "$bin" ]; then
		echo "skip: $bin is not built (make tests)"
		exit 77
	fi
	if MEMSNAP_TIMING=1 "$bin" >"$BUILD_DIR/$t.bench.log" 2>&1; then
		echo "ok   $t: every time limit met"
	else
		echo "FAIL $t: a time limit was missed (log: $BUILD_DIR/$t.bench.log)"
		grep -E 'FAILED|[0-9.]+ ms|[0-9.]+ s' "$BUILD_DIR/$t.bench.log" | head -5
		rc=1
	fi
done
exit $rc
