# tests/ws-lib.sh: functions for the working-set tests on this host's
# cgroup v1 memory controller (tests/t50-*.sh ... t59-*.sh).  Source it:
#
#   . "$(dirname "$0")/ws-lib.sh"
#   ws_require_v1                       # root, v1 memory controller, binaries
#   ws_setup t50                        # $WS_CG: a fresh cgroup, $WS_TMP, trap
#   cg=$(ws_cg anon 256M)               # a child cgroup with a limit
#   ws_start anon memhog --cgroup "$cg" --anon 64 --ready "$WS_TMP/anon.ready"
#   ws_wait_ready anon
#   ws_capture                          # $WS_TMP/capture.tar.gz, $WS_DB
#
# Everything made is undone on exit, however the test ends: the helpers are
# killed (by the pids ws_start recorded, never by name) and waited for, the
# cgroups removed deepest first, the temporary folder deleted.
#
# It sources lib/check.sh --no-work (M, C, T, fail/ok/skip, check_end,
# sql_rows) unless the test sourced it first: the temporary folder is
# $WS_TMP, on a disk filesystem.

declare -F check_end > /dev/null || . "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh" --no-work
: "${ARTIFACTS_DIR:=$BUILD_DIR/test-artifacts}"
WS_V1=/sys/fs/cgroup/memory
WS_PIDS=()
WS_CG=""
WS_TMP=""
WS_DB=""
WS_MOUNTS=()
declare -A WS_PID WS_LOG

ws_fail() { echo "FAIL: $*"; exit 1; }
ws_log() { echo "== $*"; }

# ws_require_memsnap: skip unless memsnap is built and python3 is there
# (the tests on generated captures: no root, no cgroup made).
ws_require_memsnap() {
	[ -x "$M" ] || skip "'$BIN_DIR/memsnap' not built"
	command -v python3 >/dev/null || skip "python3 not installed"
}

# ws_require_v1: skip unless root, the v1 memory controller at
# /sys/fs/cgroup/memory, and the programs this test runs are built.
ws_require_v1() {
	[ "$(id -u)" = 0 ] || skip "needs root (makes memory cgroups)"
	[ -f "$WS_V1/memory.usage_in_bytes" ] ||
		skip "no cgroup v1 memory controller at $WS_V1 (the VM tests cover v2)"
	local f
	for f in "$C" "$M" "$BUILD_DIR/helpers/memhog" \
		"$BUILD_DIR/helpers/wsload" "$BUILD_DIR/helpers/bpfhold"; do
		[ -x "$f" ] || skip "'$f' not built (run: make all tests)"
	done
	command -v python3 >/dev/null || skip "python3 not installed"
}

ws_cleanup() {
	local p d
	for p in "${WS_PIDS[@]+"${WS_PIDS[@]}"}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${WS_PIDS[@]+"${WS_PIDS[@]}"}"; do
		wait "$p" 2>/dev/null
	done
	if [ -n "$WS_CG" ] && [ -d "$WS_CG" ]; then
		# Children of the helpers (wsload --fork) die with them; give the
		# kernel a moment to empty the cgroups before removing them.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			find "$WS_CG" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -d "$WS_CG" ] || break
			sleep 0.2
		done
		[ -d "$WS_CG" ] && echo "warning: could not remove $WS_CG"
	fi
	for d in "${WS_MOUNTS[@]+"${WS_MOUNTS[@]}"}"; do
		umount "$d" || echo "warning: could not unmount $d"
	done
	[ -n "$WS_TMP" ] && rm -rf "$WS_TMP"
	[ -n "${WS_SHM:-}" ] && rm -f "$WS_SHM"*
}

# ws_setup NAME: a fresh cgroup $WS_CG=$WS_V1/memsnap-NAME-$$ (no limit), a
# temporary folder $WS_TMP on a disk filesystem (page cache there is
# `file`, not `shmem` as on tmpfs), and the cleanup trap.
ws_setup() {
	WS_CG=$WS_V1/memsnap-$1-$$
	WS_SHM=/dev/shm/memsnap-$1-$$
	trap ws_cleanup EXIT
	trap 'exit 130' INT TERM
	mkdir "$WS_CG" || ws_fail "cannot create $WS_CG"
	local d
	for d in "${TMPDIR:-/tmp}" /var/tmp "$BUILD_DIR"; do
		[ -d "$d" ] && [ -w "$d" ] || continue
		case "$(stat -f -c %T "$d")" in tmpfs|ramfs|overlayfs) continue ;; esac
		WS_TMP=$(mktemp -d "$d/memsnap-$1.XXXXXX") && break
	done
	[ -n "$WS_TMP" ] || skip "no writable folder on a disk filesystem for page cache"
	echo "cgroup $WS_CG, files in $WS_TMP ($(stat -f -c %T "$WS_TMP"))"
}

# ws_cg NAME [LIMIT]: make $WS_CG/NAME (a path, each level made), with
# memory.limit_in_bytes set when given; prints the folder.
ws_cg() {
	local d=$WS_CG/$1
	mkdir -p "$d" || ws_fail "cannot create $d"
	if [ -n "${2:-}" ]; then
		echo "$2" >"$d/memory.limit_in_bytes" || ws_fail "cannot set the limit of $d to $2"
	fi
	echo "$d"
}

# ws_tmpfs NAME SIZE: mount a tmpfs of SIZE (mount's size=) at
# $WS_TMP/NAME, which $WS_TMPFS then names (not in $(...): the cleanup must
# learn of the mount), unmounted on exit.  Its pages are shmem in
# memory.stat, charged to the cgroup of whoever writes them.
ws_tmpfs() {
	WS_TMPFS=$WS_TMP/$1
	mkdir -p "$WS_TMPFS" || ws_fail "cannot create $WS_TMPFS"
	mount -t tmpfs -o "size=$2,mode=0700" "memsnap-$1" "$WS_TMPFS" ||
		ws_fail "cannot mount a tmpfs at $WS_TMPFS"
	WS_MOUNTS+=("$WS_TMPFS")
}

# ws_start NAME PROGRAM ARGS...: run a helper (from $BUILD_DIR/helpers
# unless PROGRAM has a '/') in the background, output in $WS_TMP/NAME.log.
ws_start() {
	local name=$1 prog=$2
	shift 2
	case "$prog" in */*) ;; *) prog=$BUILD_DIR/helpers/$prog ;; esac
	"$prog" "$@" >"$WS_TMP/$name.log" 2>&1 &
	WS_PID[$name]=$!
	WS_LOG[$name]=$WS_TMP/$name.log
	WS_PIDS+=("$!")
}

# ws_memhog NAME ARGS...: ws_start NAME memhog ARGS in a new cgroup
# $WS_CG/NAME, holding what it made for 60 s (--hold 60).
ws_memhog() {
	local name=$1 cg
	shift
	cg=$(ws_cg "$name") || { echo "$cg"; exit 1; }   # its FAIL line
	ws_start "$name" memhog --cgroup "$cg" "$@" --hold 60
}

# ws_wait_ready NAME [SECONDS]: wait for the helper's "ready=1" line; fail
# (with its output) when it died first or took too long (default 120 s).
ws_wait_ready() {
	local n=$(( ${2:-120} * 10 ))
	while ! grep -q '^ready=1$' "${WS_LOG[$1]}" 2>/dev/null; do
		if ! kill -0 "${WS_PID[$1]}" 2>/dev/null; then
			cat "${WS_LOG[$1]}"
			ws_fail "helper '$1' died before it was ready"
		fi
		n=$((n - 1))
		[ $n -gt 0 ] || { cat "${WS_LOG[$1]}"; ws_fail "helper '$1' not ready in time"; }
		sleep 0.1
	done
}

# ws_value NAME KEY: a key=value the helper printed (first match).
ws_value() {
	sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" "${WS_LOG[$1]}" | head -n 1
}

# ws_capture [collector options]: capture this node into
# $WS_TMP/capture.tar.gz and load it into $WS_DB.  The collector's status
# 1 (complete, with problems such as processes that vanished) is fine.
#
# The collector also reads the Kubernetes log names of /var/log/pods and
# /var/log/containers, and the loader decides from them which container is
# a pod's sandbox (no log name).  The test's cgroups have no logs; what the
# host holds there (a real node's, or what another program left) is not the
# test's to depend on (an empty folder counts too: it says "this node keeps
# logs"): where either exists, the capture runs in a private mount namespace
# whose /var/log is an empty tmpfs, as on a host without them.
ws_capture() {
	local rc
	if [ -e /var/log/pods ] || [ -e /var/log/containers ]; then
		unshare --mount --propagation private sh -c \
			'mount -t tmpfs -o ro,size=4k ws-empty /var/log && exec "$0" "$@"' \
			"$C" -q -o "$WS_TMP/capture.tar.gz" "$@" 2>"$WS_TMP/collect.err"
	else
		"$C" -q -o "$WS_TMP/capture.tar.gz" "$@" 2>"$WS_TMP/collect.err"
	fi
	rc=$?
	[ $rc -le 1 ] || { cat "$WS_TMP/collect.err"; ws_fail "memsnap-collect exited $rc"; }
	WS_DB=$WS_TMP/capture.db
	"$M" load -q "$WS_TMP/capture.tar.gz" -o "$WS_DB" >/dev/null ||
		ws_fail "memsnap load failed"
}

# ws_keep NAME: copy the capture and database to $ARTIFACTS_DIR/NAME/ so a
# failure can be looked at.
ws_keep() {
	local d=$ARTIFACTS_DIR/$1
	rm -rf "$d"
	mkdir -p "$d"
	cp "$WS_TMP/capture.tar.gz" "$WS_DB" "$d/" 2>/dev/null
	cp "$WS_TMP"/*.log "$d/" 2>/dev/null
	true
}
