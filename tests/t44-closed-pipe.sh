#!/bin/bash
# A reader that closes the pipe early (`memsnap ... | head -1`) is not an
# error (memsnap(1), EXIT STATUS): every command of `memsnap --help`, its
# --help and its outputs, small and larger than a pipe's buffer, written
# into a pipe whose reader is already gone, prints nothing more on
# standard error than into /dev/null and exits with the same status.  The
# reader is closed before the command starts, so the first write fails
# (EPIPE) every time, not only when `head` wins a race.
set -u
. "$(dirname "$0")/lib/check.sh"
F=$TESTS_DIR/fixtures

# closed CMD...: run CMD with standard output a pipe nobody reads any more;
# its standard error into $work/err, its status returned
closed() {
	python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.run(sys.argv[1:], stdout=w).returncode)' "$@" 2> "$work/err"
}

# check CMD...: the same status and standard error as into /dev/null
check() {
	"$@" > /dev/null 2> "$work/want"
	local want=$?
	closed "$@"
	local rc=$?
	if [ "$rc" = "$want" ] && cmp -s "$work/want" "$work/err"; then
		ok "${*#"$BIN_DIR/"}: exit $rc, quiet"
	else
		fail "${*#"$BIN_DIR/"} into a closed pipe: exit $rc (want $want), standard error:"
		diff "$work/want" "$work/err" | sed 's/^/  | /'
	fi
}

cap=$(ls -d "$F"/captures/k8s-systemd-v2/memsnap-*/)
log=$F/oom/live-kernel6.18-memcg-v1.txt
db=$work/fx.db
"$M" load -q -o "$db" "$F"/captures/*/memsnap-*/ > /dev/null 2>&1
[ -s "$db" ] || { echo "FAIL: cannot load the fixtures"; exit 1; }
big="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i, 'x' AS s FROM n"

check "$M" --help
check "$M" --version
cmds=$("$M" --help | awk '/^commands:/{f=1; next} f && /^  [a-z]/{print $1} f && /^$/{exit}')
[ -n "$cmds" ] || fail "no command in memsnap --help"
for c in $cmds; do
	check "$M" "$c" --help
done
# (memsnap load writes only its --help to standard output)
for fmt in table csv json; do
	check "$M" sql --$fmt "$db" "SELECT * FROM processes"
	check "$M" sql --$fmt "$db" "$big"
done
check "$M" sql "$db" "SELECT 1; SELECT 2"
for fmt in text html json; do
	check "$M" report --format $fmt "$cap"
done
check "$M" report --each "$db"
check "$M" oom "$log"
check "$M" oom --json "$log"
check "$M" schema
check "$M" export --ddl clickhouse
check "$M" export "$db" -o "$work/export" --view captures

# the bug report, as it was met
"$M" export --ddl clickhouse 2> "$work/err" | head -1 > /dev/null
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] && [ ! -s "$work/err" ] && ok "export --ddl clickhouse | head -1: quiet, exit 0" ||
	fail "export --ddl clickhouse | head -1: exit $rc, $(cat "$work/err")"

check_end
