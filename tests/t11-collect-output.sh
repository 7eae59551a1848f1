#!/bin/bash
# memsnap-collect's outputs and failures, from the command line: stdout into
# a pipe, a pipe closed early (EPIPE), a full disk (/dev/full), a directory
# that does not exist, the default file name, no writable $TMPDIR, usage
# errors; each with its message and exit status.
#
# Runs on the fixture tree (tests/fixtures/roots/v2): no root needed.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
cd "$(dirname "$0")/.."
ROOT=$PWD/tests/fixtures/roots/v2
ARGS=(--root "$ROOT" --no-bpftool --kmsg none)

# expect_msg STATUS 'stderr line' -- command...: expect, and the exact
# first line of the standard error
expect_msg() {
	local want=$1 msg=$2
	shift 3
	expect "$want" "$@"
	[ -z "$msg" ] || [ "$(head -n1 "$work/err")" = "$msg" ] ||
		fail "$*: stderr '$(head -n1 "$work/err")', expected '$msg'"
}

# A pipe: the archive streams out, readable as it comes.
"$C" "${ARGS[@]}" -o - 2>"$work/err" | tar tzf - >"$work/list"
rcs=("${PIPESTATUS[@]}")
[ "${rcs[0]}" = 0 ] || fail "-o - exited ${rcs[0]}: $(cat "$work/err")"
[ "${rcs[1]}" = 0 ] || fail "tar could not read the stream"
grep -q '/manifest.json$' <(head -n1 "$work/list") || fail "stream: manifest not first"
grep -q "wrote to standard output" "$work/err" || fail "no summary for stdout: $(cat "$work/err")"

# EPIPE: the reader goes away after 10 bytes.  Uncompressed, the archive
# is larger than a pipe's buffer, so the collector is still writing then.
"$C" "${ARGS[@]}" --compress none -o - 2>"$work/err" | head -c 10 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" = 3 ] || fail "EPIPE: exit $rc, not 3: $(cat "$work/err")"
[ "$(cat "$work/err")" = "error: cannot write 'standard output': Broken pipe" ] ||
	fail "EPIPE message: $(cat "$work/err")"

# A closed standard output.
"$C" "${ARGS[@]}" -o - >&- 2>"$work/err"
rc=$?
[ $rc = 3 ] || fail "closed stdout: exit $rc"
[ "$(cat "$work/err")" = "error: cannot write 'standard output': Bad file descriptor" ] ||
	fail "closed stdout: $(cat "$work/err")"

# A full disk.
expect_msg 3 "error: cannot write '/dev/full': No space left on device" -- \
	"$C" "${ARGS[@]}" -o /dev/full
expect_msg 3 "error: cannot create '$work/no/such/x.tar.gz': No such file or directory" -- \
	"$C" "${ARGS[@]}" -o "$work/no/such/x.tar.gz"
[ ! -e "$work/no" ] || fail "something was created"
expect_msg 3 "error: cannot open root directory '/nonexistent-root': No such file or directory" -- \
	"$C" --root /nonexistent-root -o "$work/x.tar.gz"
[ ! -e "$work/x.tar.gz" ] || fail "an archive was left behind"
# A --kmsg-file that is not there, or is a directory, or a FIFO nobody writes
# (must not hang: it times out, recorded, exit 1): named, before anything is read.
expect_msg 3 "error: cannot read '$work/no-kmsg.txt': No such file or directory" -- \
	"$C" --root "$ROOT" --no-bpftool --kmsg-file "$work/no-kmsg.txt" -o "$work/x.tar.gz"
expect_msg 3 "error: cannot read '$work': Is a directory" -- \
	"$C" --root "$ROOT" --no-bpftool --kmsg-file "$work" -o "$work/x.tar.gz"
[ ! -e "$work/x.tar.gz" ] || fail "--kmsg-file: an archive was left behind"
mkfifo "$work/kmsg.fifo"
expect_msg 1 "" -- timeout 20 "$C" --root "$ROOT" --no-bpftool --kmsg-file "$work/kmsg.fifo" \
	--file-timeout 100 -q -o "$work/x.tar.gz"
tar xzf "$work/x.tar.gz" -O --wildcards '*/manifest.json' | grep -q '"kind": *"timeout"' ||
	fail "--kmsg-file FIFO: no timeout problem recorded"
rm -f "$work/x.tar.gz" "$work/kmsg.fifo"

# Usage errors: status 2, the message, then the usage text.
expect_msg 2 "error: unknown compression 'lz4': gzip, zstd or none" -- "$C" --compress lz4
grep -q '^usage: memsnap-collect' "$work/err" || fail "no usage text after a usage error"
expect_msg 2 "error: unknown --kmsg mode 'some': oom, all or none" -- "$C" --kmsg some
expect_msg 2 "error: invalid value '5x' for --file-timeout: a number from 10 to 3600000 is expected" -- \
	"$C" --file-timeout 5x
expect_msg 2 "error: unexpected argument 'extra'" -- "$C" -o - extra
expect_msg 2 "error: unknown option '--no-such-option'" -- "$C" --no-such-option
# getopt's refusals too, git's way (they began with argv[0], the full path)
expect_msg 2 "error: option '--level' needs a value" -- "$C" --level
expect_msg 2 "error: option '-o' needs a value" -- "$C" -o
expect_msg 2 "error: option '--cmdline' takes no value" -- "$C" --cmdline=1
grep -q '^usage: memsnap-collect' "$work/err" || fail "no usage text after an option getopt refused"
# a bad number is a usage error like the others: the message, then the usage
expect_msg 2 "error: invalid value '99' for --level: a number from 1 to 19 is expected" -- "$C" --level 99
grep -q '^usage: memsnap-collect' "$work/err" || fail "no usage text after a bad --level"
# an empty -o: refused before anything is read (it was written aside, then not renamed)
cd "$work" || fail "cd $work"
expect_msg 2 "error: invalid value '' for --output: an empty path ('-' is standard output)" -- "$C" -o ''
cd - >/dev/null || fail "cd back"
! ls -A "$work" | grep -q partial || fail "an empty -o left a partial archive: $(ls -A "$work")"
for o in --help --version; do
	"$C" $o >/dev/full 2>"$work/err"
	rc=$?
	[ $rc = 3 ] && grep -q "^error: cannot write to 'standard output': No space left on device" "$work/err" ||
		fail "$o >/dev/full: exit $rc, $(cat "$work/err")"
done
expect_msg 0 "" -- "$C" --version
grep -qx 'memsnap-collect [0-9][0-9.]*' "$work/out" || fail "--version: $(cat "$work/out")"
expect_msg 0 "" -- "$C" -h
grep -q -- '--file-timeout MS' "$work/out" || fail "--help lacks --file-timeout"

# The default name, in the current directory.
(cd "$work" && "$C" "${ARGS[@]}" -q) || fail "default output: exit $?"
ls "$work"/memsnap-*-[0-9]*T[0-9]*Z.tar.gz >/dev/null 2>&1 || fail "no default-named archive: $(ls "$work")"
name=$(basename "$work"/memsnap-*.tar.gz .tar.gz)
[ "$(tar tzf "$work/$name.tar.gz" | head -n1)" = "$name/manifest.json" ] ||
	fail "top folder is not named like the file"
rm -f "$work"/memsnap-*.tar.gz
(cd "$work" && "$C" "${ARGS[@]}" -q --compress zstd) && ls "$work"/memsnap-*.tar.zst >/dev/null ||
	fail "no .tar.zst default name"

# No writable $TMPDIR when streaming (a read-only container): still works.
TMPDIR=/proc "$C" "${ARGS[@]}" -q -o - >"$work/s.tar.gz" || fail "TMPDIR=/proc: exit $?"
tar tzf "$work/s.tar.gz" >/dev/null || fail "TMPDIR=/proc: bad archive"

# -q prints nothing on success.
"$C" "${ARGS[@]}" -q -o "$work/q.tar.gz" 2>"$work/err" || fail "-q: exit $?"
[ ! -s "$work/err" ] || fail "-q printed: $(cat "$work/err")"
echo ok
