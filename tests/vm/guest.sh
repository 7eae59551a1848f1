# tests/vm/guest.sh: shell functions for scripts that run inside the test VM
# (busybox ash).  tests/vm/run puts this file at /lib/memsnap/guest.sh; a
# guest script starts with
#
#   . /lib/memsnap/guest.sh
#
# Conventions: functions print nothing on success unless they return a
# value on stdout; `fail` ends the script with status 1 and a `FAIL:` line.
# Every wait has a limit, so a script never hangs the VM until the harness's
# timeout.

CGROOT=/sys/fs/cgroup

log() { echo "guest: $*"; }

fail() {
	echo "FAIL: $*"
	exit 1
}

# cg_create PATH [MEMORY_MAX]: make the cgroup $CGROOT/PATH (each level of
# it), with the memory controller enabled on every level above it so PATH
# has memory.* files; set memory.max when given (bytes, or with K/M/G, or
# "max").  Prints the cgroup's directory.
cg_create() {
	_path=${1#/} _max=${2:-}
	_dir=$CGROOT
	_rest=$_path
	while [ -n "$_rest" ]; do
		_part=${_rest%%/*}
		# Children of _dir get memory.* files only if _dir delegates it.
		grep -qw memory "$_dir/cgroup.subtree_control" ||
			echo +memory >"$_dir/cgroup.subtree_control" ||
			fail "cannot enable +memory in $_dir"
		_dir=$_dir/$_part
		mkdir -p "$_dir" || fail "cannot create cgroup $_dir"
		case "$_rest" in */*) _rest=${_rest#*/} ;; *) _rest="" ;; esac
	done
	if [ -n "$_max" ]; then
		echo "$_max" >"$_dir/memory.max" || fail "cannot set $_dir/memory.max to $_max"
	fi
	echo "$_dir"
}

# wait_file FILE [SECONDS]: wait until FILE exists (default 60 s).
wait_file() {
	_n=$(( ${2:-60} * 10 ))
	while [ ! -e "$1" ]; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || return 1
		sleep 0.1
	done
}

# wait_ready FILE PID [SECONDS]: wait for a helper's --ready FILE, failing
# early (with the helper's log, if LOG is set) when PID died first.
wait_ready() {
	_n=$(( ${3:-120} * 10 ))
	while [ ! -e "$1" ]; do
		kill -0 "$2" 2>/dev/null || fail "process $2 died before writing $1"
		_n=$((_n - 1))
		[ $_n -gt 0 ] || fail "timed out waiting for $1 (pid $2)"
		sleep 0.1
	done
}

# wait_exit PID [SECONDS]: wait until process PID (a child: reap it with
# `wait` after) is gone (default 60 s); returns 1 on timeout.
wait_exit() {
	_n=$(( ${2:-60} * 10 ))
	while kill -0 "$1" 2>/dev/null; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || return 1
		sleep 0.1
	done
}

# cg_key CGDIR FILE KEY: the value of KEY in a "key value" file of a cgroup
# (memory.stat, memory.events), or nothing.
cg_key() {
	awk -v k="$3" '$1 == k { print $2; exit }' "$1/$2"
}

# wait_oom_kill CGDIR [SECONDS]: wait until memory.events of CGDIR counts an
# oom_kill (default 60 s).
wait_oom_kill() {
	_n=$(( ${2:-60} * 10 ))
	while :; do
		_k=$(cg_key "$1" memory.events oom_kill)
		[ "${_k:-0}" -ge 1 ] && return 0
		_n=$((_n - 1))
		[ $_n -gt 0 ] || return 1
		sleep 0.1
	done
}

# save NAME FILE...: copy files to $OUT/NAME/ (for the host to look at).
save() {
	_d=$OUT/$1
	shift
	mkdir -p "$_d"
	cp "$@" "$_d/"
}

# settle: let per-CPU memcg counters and LRU batches reach the kernel's
# totals before numbers are compared (stats are flushed on read in 6.1, but
# pages added on another CPU may still sit in its per-CPU LRU batch).
settle() {
	sync
	sleep "${1:-1}"
}
