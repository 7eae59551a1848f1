#!/bin/bash
# Issue 17.1: a process whose executable lives on a FUSE mount whose daemon
# stopped answering.  The collector's look at /proc/PID/exe waits on that
# daemon in the kernel, uninterruptibly; that read must not keep the
# collector alive or its output open.  For -o FILE (the consumer reads its
# stdout and stderr, as ssh does) and -o - (the consumer reads the archive
# from a pipe): the consumer sees EOF within --timeout plus a margin, the
# collector exits, the archive is whole (tar lists it) and records the
# stuck read as a `timeout` problem.
#
# A real FUSE mount: tests/helpers/hangfs.py speaks /dev/fuse itself.  Needs
# root, /dev/fuse and python3; slow (make check-slow runs it, SLOW=1).
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
cd "$(dirname "$0")/.."
TIMEOUT=6    # --timeout
MARGIN=4     # what EOF may take after it on a slow, shared machine

if [ "${SLOW:-0}" != 1 ]; then
	echo "SKIP: slow test (a hung FUSE mount): make check-slow runs it"
	exit 77
fi
if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ] || ! command -v python3 >/dev/null; then
	echo "SKIP: needs root, /dev/fuse and python3 to mount a FUSE filesystem"
	exit 77
fi

mnt=$work/mnt
mkdir "$mnt"
daemon="" victim="" probe=""
cleanup() {
	[ -n "$victim" ] && kill -9 "$victim" 2>/dev/null
	# The daemon's death aborts the connection: every stuck request ends.
	[ -n "$daemon" ] && kill -9 "$daemon" 2>/dev/null
	[ -n "$probe" ] && kill -9 "$probe" 2>/dev/null
	umount -l "$mnt" 2>/dev/null || fusermount3 -u -z "$mnt" 2>/dev/null
}

python3 tests/helpers/hangfs.py "$mnt" /bin/sleep >"$work/fs.log" 2>&1 &
daemon=$!
disown
for _ in $(seq 100); do
	grep -q ready "$work/fs.log" && break
	kill -0 "$daemon" 2>/dev/null || { echo "SKIP: cannot mount FUSE: $(cat "$work/fs.log")"; exit 77; }
	sleep 0.05
done
grep -q ready "$work/fs.log" || fail "hangfs did not come up: $(cat "$work/fs.log")"

# The victim runs the executable on the mount; then the daemon stops answering.
"$mnt/exe" 1000 &
victim=$!
disown
sleep 0.2
kill -USR1 "$daemon"
# Proof that the mount hangs: a stat of the victim's executable waits for the
# daemon's answer (interruptibly at first; once a fatal signal comes, as at
# exit, uninterruptibly: the request was read, so it cannot be taken back).
stat -L "/proc/$victim/exe" >/dev/null 2>&1 &
probe=$!
disown
sleep 0.5
where=$(cat "/proc/$probe/wchan" 2>/dev/null)
[ "$where" = request_wait_answer ] || fail "the mount does not hang: a stat of its file waits in '$where'"

# exited PID: the process is gone or a zombie with no thread left.
exited() {
	local s
	s=$(cat "/proc/$1/status" 2>/dev/null) || return 0
	grep -q '^State:[[:space:]]*Z' <<<"$s" && grep -q '^Threads:[[:space:]]*1$' <<<"$s"
}

# one MODE: run the collector in the background, read what it writes to a
# FIFO with a bounded `cat`; EOF must come within TIMEOUT + MARGIN seconds.
one() {
	local mode=$1 out rc start secs cpid i
	rm -f "$work/p"
	mkfifo "$work/p"
	start=$(date +%s%N)
	if [ "$mode" = file ]; then
		out=$work/f.tar.gz
		"$C" --no-bpftool --kmsg none --timeout $TIMEOUT --file-timeout 1000 \
			-o "$out" >"$work/p" 2>&1 &
	else
		out=$work/s.tar.gz
		"$C" --no-bpftool --kmsg none --timeout $TIMEOUT --file-timeout 1000 \
			-o - >"$work/p" 2>"$work/s.err" &
	fi
	cpid=$!
	if [ "$mode" = file ]; then
		timeout $((TIMEOUT + MARGIN)) cat "$work/p" >"$work/f.err"
	else
		timeout $((TIMEOUT + MARGIN)) cat "$work/p" >"$out"
	fi
	rc=$?
	secs=$(( ($(date +%s%N) - start) / 1000000 ))
	[ $rc = 124 ] && fail "$mode: no EOF within $((TIMEOUT + MARGIN)) s (the collector holds its output)"
	[ $rc = 0 ] || fail "$mode: cat exited $rc"
	for ((i = 0; i < 40; i++)); do
		exited "$cpid" && break
		sleep 0.05
	done
	exited "$cpid" || fail "$mode: EOF came, but the collector is still alive: $(grep -E '^(State|Threads)' "/proc/$cpid/status")"
	wait "$cpid"
	rc=$?
	[ $rc = 1 ] || fail "$mode: exit $rc, not 1: $(cat "$work/f.err" "$work/s.err" 2>/dev/null)"
	tar tzf "$out" >"$work/list" 2>"$work/tar.err" || fail "$mode: the archive is not whole: $(cat "$work/tar.err")"
	tar xzf "$out" -O --wildcards '*/manifest.json' >"$work/m.json" || fail "$mode: no manifest"
	python3 - "$work/m.json" "$victim" <<-'PY' || fail "$mode: the stuck read is not recorded"
	import json, sys
	m = json.load(open(sys.argv[1]))
	want = "proc/%s/exe" % sys.argv[2]
	hits = [p for p in m["problems"] if p["path"] == want and p["kind"] == "timeout"]
	assert hits, [p for p in m["problems"] if sys.argv[2] in p["path"]]
	PY
	echo "ok: $mode: EOF after $((secs / 1000)).$((secs % 1000 / 100)) s, exit 1, $(wc -l <"$work/list") entries, proc/$victim/exe: timeout"
}

one file
one stdout

# The reads were really stuck: a reader process of ours sleeps in the kernel.
stuck=0
for t in /proc/[0-9]*/task/[0-9]*; do
	[ "$(cat "$t/comm" 2>/dev/null)" = memsnap-collect ] || continue
	[ "$(cat "$t/wchan" 2>/dev/null)" = request_wait_answer ] && stuck=$((stuck + 1))
done
[ $stuck -ge 1 ] || fail "no collector thread was stuck on the mount: the test did not test"
echo "ok: $stuck collector threads left stuck on the mount, none holding an output"
