#!/bin/bash
# Issue 17.2: an output that takes nothing must not hold the collector past
# its deadline.  A real FIFO (mkfifo) with no reader at all, a FIFO whose
# reader opened it and never reads, and standard output into such a pipe:
# each ends within --timeout (+ the 5 s a stalled output gets after it, + a
# margin) with exit 3 and a message that says why.  A FIFO whose reader
# reads gets the whole archive.
#
# Runs on a copy of the v2 fixture tree with one big file, so the archive
# (--compress none) is larger than a pipe's buffer: no root needed.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
cd "$(dirname "$0")/.."
holders=()
cleanup() {
	for p in "${holders[@]+"${holders[@]}"}"; do kill -9 "$p" 2>/dev/null; done
}

mkdir "$work/root"
cp -a tests/fixtures/roots/v2/. "$work/root/"
# 2.7 MiB of text in a node file: the archive cannot fit a 64 KiB pipe buffer.
head -c $((2 << 20)) /dev/urandom | base64 >"$work/root/proc/vmstat"
ARGS=(--root "$work/root" --no-bpftool --kmsg none --compress none --timeout 2)
LIMIT=${LIMIT:-12}   # 2 s timeout + 5 s stall + margin for a slow, shared machine

# run_bounded NAME CMD...: run in the background, fail if still running after
# LIMIT s; sets rc and secs.
run_bounded() {
	local name=$1 start pid i
	shift
	start=$(date +%s%N)
	"$@" &
	pid=$!
	for ((i = 0; i < LIMIT * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid" 2>/dev/null
		fail "$name: still running after $LIMIT s"
	fi
	wait "$pid"
	rc=$?
	secs=$(( ($(date +%s%N) - start) / 1000000000 ))
}

# gives_up NAME 'first stderr line' CMD...: exit 3 within LIMIT, that message.
gives_up() {
	local name=$1 want=$2
	shift 2
	run_bounded "$name" "$@" 2>"$work/err"
	[ $rc = 3 ] || fail "$name: exit $rc, not 3: $(cat "$work/err")"
	[ "$(head -n1 "$work/err")" = "$want" ] || fail "$name: '$(head -n1 "$work/err")'"
	echo "ok: $name: exit 3 after ${secs} s"
}

# a FIFO whose reader opens it and never reads (a `sleep` holds it open)
held_fifo() {
	mkfifo "$1"
	sleep 1000 <"$1" &
	holders+=($!)
	disown
}

# 1. A FIFO nobody opens.
mkfifo "$work/nobody"
gives_up "a FIFO without a reader" \
	"error: cannot open '$work/nobody': no reader opened it before the deadline (--timeout)" \
	"$C" "${ARGS[@]}" -o "$work/nobody"

# 2. A FIFO whose reader opened it and reads nothing.
held_fifo "$work/stuck"
gives_up "a FIFO whose reader never reads" \
	"error: cannot write '$work/stuck': the reader took nothing more before the deadline (--timeout)" \
	"$C" "${ARGS[@]}" -o "$work/stuck"

# 3. -o - into a pipe whose reader never reads.
held_fifo "$work/pipe"
gives_up "standard output that nobody reads" \
	"error: cannot write 'standard output': the reader took nothing more before the deadline (--timeout)" \
	bash -c '"$@" -o - >"'"$work/pipe"'"' _ "$C" "${ARGS[@]}"

# 4. A FIFO with a reader that reads: the whole archive, exit 0.
mkfifo "$work/good"
tar tf - <"$work/good" >"$work/list" 2>"$work/tar.err" &
reader=$!
run_bounded "reader" "$C" "${ARGS[@]}" -o "$work/good" 2>"$work/err"
[ $rc = 0 ] || fail "reader: exit $rc: $(cat "$work/err")"
wait $reader || fail "reader: tar failed: $(cat "$work/tar.err")"
head -n1 "$work/list" | grep -q '/manifest.json$' || fail "reader: first entry $(head -n1 "$work/list")"
grep -q '/proc/vmstat$' "$work/list" || fail "reader: the big file is missing"
echo "ok: a FIFO that is read gets the whole archive"
