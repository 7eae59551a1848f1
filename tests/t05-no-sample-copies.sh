#!/bin/bash
# The repository holds no copy of a real sample and no three consecutive
# lines of one (issue 18): the samples are third-party text, read in place
# from $SAMPLES_DIR, and what is made from them is made at test time.
# tests/sample-copies.py compares every sample's lines (blank, short and
# all-zero lines left out; the prefixes dmesg, journalctl, syslog and mail
# quoting add seen through) with every file git tracks.  It is first shown
# to find a copy, three prefixed lines and to pass the project's own text.
set -u
. "${TESTS_DIR:-$PWD/tests}/samples-lib.sh"
[ -d "$SAMPLES_DIR" ] || { echo "skip: no real samples at '$SAMPLES_DIR' (a fresh clone has none; set SAMPLES_DIR)"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 not installed"; exit 77; }
git rev-parse --git-dir >/dev/null 2>&1 || { echo "skip: not a git checkout: no list of tracked files"; exit 77; }
check=$PWD/tests/sample-copies.py
. "$(dirname "$0")/lib/check.sh"

# the checker finds what it must, in a repository made for it
sample=$(find "$SAMPLES_DIR/oom" -name '*.txt' | sort | head -n1)
[ -n "$sample" ] || { echo "FAIL: no OOM sample under '$SAMPLES_DIR/oom'"; exit 1; }
git init -q "$work/repo"
cp "$sample" "$work/repo/copy.txt"
awk 'length($0) > 30 { n++; printf "[%12.6f] %s\n", n, $0; if (n == 3) exit }' "$sample" > "$work/repo/three.txt"
printf 'our own text\nwritten by the project\nfrom the kernel format strings\n' > "$work/repo/own.txt"
git -C "$work/repo" add . >/dev/null
python3 "$check" "$SAMPLES_DIR" "$work/repo" > "$work/out"
rc=$?
[ $rc = 1 ] && grep -q "^copy.txt: a copy of sample" "$work/out" && ok "a copy is found" ||
	fail "a copy is not found (exit $rc): $(cat "$work/out")"
grep -q "^three.txt:1: 3 or more consecutive lines" "$work/out" && ok "three prefixed lines are found" ||
	fail "three prefixed lines are not found: $(cat "$work/out")"
grep -q "^own.txt" "$work/out" && fail "the project's own text is taken for a copy" || ok "own text passes"

# the repository
if python3 "$check" "$SAMPLES_DIR" "$PWD" > "$work/out"; then
	ok "no tracked file copies a sample"
else
	fail "tracked files carry the samples' text:"
	head -n 40 "$work/out"
fi
check_end
