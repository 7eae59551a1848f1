# tests/lib/check.sh: how every shell test starts, defined once.
#
#   #!/bin/bash
#   set -u
#   . "$(dirname "$0")/lib/check.sh" [--samples] [--fatal] [--no-work] [--work-in DIR]
#   ... checks: ok "what held" || fail "what did not" ...
#   check_end                  # "all passed", or "N failed" and exit 1
#
# It sets, where the caller has not:
#   BIN_DIR, BUILD_DIR, TESTS_DIR  bin/, build/, tests/ of this checkout
#   M, C, T                        memsnap, memsnap-collect, $TESTS_DIR
#   work                           a scratch folder made for the test,
#                                  removed on exit (kept, and named on
#                                  standard error, when KEEP is set)
# and defines:
#   fail MSG         "FAIL: MSG", counted in $fails (--fatal: exit 1 at once)
#   ok MSG           "ok MSG"
#   skip MSG         "SKIP: MSG", exit 77
#   check_end        "all passed", or "N failed" and exit 1
#   expect RC CMD... run CMD, stdout in $work/out, stderr in $work/err; a
#                    status other than RC fails, showing the stderr
#   expect_in DIR RC CMD...  the same, CMD run inside DIR
#   sql_rows DB SQL  memsnap sql's CSV rows without the header line
#   unversion        a filter: memsnap's version written VERSION, as the
#                    goldens have it
#   cgroup_remove CG kill what is left in the cgroup CG and remove it
#
# Options: --samples (the test reads the real samples: samples-lib.sh's
# need_samples skips it where they are absent), --fatal (the first failure
# ends the test), --no-work (no $work and no exit trap: the working-set
# tests have ws-lib.sh's $WS_TMP), --work-in DIR (make $work under DIR,
# e.g. /var/tmp where page cache must be on a disk filesystem, not tmpfs).
#
# More cleanup on exit (processes, cgroups, mounts): define a function
# named cleanup; the exit trap calls it, then removes $work.  A test never
# sets its own EXIT trap.

: "${BIN_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/bin}"
: "${BUILD_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}"
: "${TESTS_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
M=$BIN_DIR/memsnap
C=$BIN_DIR/memsnap-collect
T=$TESTS_DIR

check_fatal=0
check_work=1
check_work_in=${TMPDIR:-/tmp}
while [ $# -gt 0 ]; do
	case $1 in
	--samples) . "$TESTS_DIR/samples-lib.sh"; need_samples ;;
	--fatal) check_fatal=1 ;;
	--no-work) check_work=0 ;;
	--work-in) check_work_in=$2; shift ;;
	*) echo "FAIL: lib/check.sh: unknown option '$1'"; exit 1 ;;
	esac
	shift
done

fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
	[ $check_fatal = 0 ] || exit 1
}
ok() { echo "ok $*"; }
skip() { echo "SKIP: $*"; exit 77; }

# check_end: "all passed", or the count of failures and exit 1
check_end() {
	[ $fails = 0 ] && echo "all passed" || { echo "$fails failed"; exit 1; }
}

# check_status WANT RC CMD...: fail unless RC is WANT, showing $work/err
check_status() {
	local want=$1 rc=$2
	shift 2
	[ "$rc" = "$want" ] || { fail "'$*' exited $rc, want $want"; sed 's/^/  | /' "$work/err"; return 1; }
	return 0
}

# expect STATUS CMD...: run, keep stdout/stderr in $work/out, $work/err
expect() {
	local want=$1
	shift
	"$@" > "$work/out" 2> "$work/err"
	check_status "$want" $? "$@"
}

# expect_in DIR STATUS CMD...: expect, with CMD run inside DIR
expect_in() {
	local dir=$1 want=$2
	shift 2
	(cd "$dir" && "$@") > "$work/out" 2> "$work/err"
	check_status "$want" $? "$@"
}

# sql_rows DB SQL...: memsnap sql --csv, without the header line and CRs
sql_rows() {
	"$M" sql --csv "$@" | tail -n +2 | tr -d '\r'
}

# unversion: standard input to output with this memsnap's version written
# VERSION, as the golden files hold it
unversion() {
	local v
	v=$("$M" --version | cut -d' ' -f2)
	sed "s/memsnap $v/memsnap VERSION/g; s/\"memsnap_version\": \"$v\"/\"memsnap_version\": \"VERSION\"/"
}

# cgroup_remove CG: kill every process left in the cgroup folder CG (v1 or
# v2), then remove it
cgroup_remove() {
	[ -d "$1" ] || return 0
	local p
	while read -r p; do kill -9 "$p" 2> /dev/null; done < "$1/cgroup.procs"
	sleep 0.2
	rmdir "$1" 2> /dev/null
}

check_exit() {
	declare -F cleanup > /dev/null && cleanup
	if [ -n "${KEEP:-}" ]; then
		echo "note: KEEP is set: $work kept" >&2
	else
		rm -rf "$work"
	fi
}

work=""
if [ $check_work = 1 ]; then
	work=$(mktemp -d "$check_work_in/memsnap-$(basename "$0" .sh).XXXXXX") ||
		{ echo "FAIL: cannot make a scratch folder in '$check_work_in'"; exit 1; }
	trap check_exit EXIT
fi
