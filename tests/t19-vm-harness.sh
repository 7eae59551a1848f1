#!/bin/bash
# The test VM harness itself (tests/vm/): boots Debian's kernel under qemu on
# pure cgroup v2, passes a binary file and arguments in, runs the guest
# checks of tests/vm/guest/harness-selftest.sh (cgroup v2 set-up, /scratch
# is real page cache, memhog and bpfhold make exactly what they say), and
# brings a binary file back byte for byte.
set -u
. "$(dirname "$0")/lib/check.sh"
. "$(dirname "$0")/vm/lib.sh"

vm_require
vm_require_bin "$BUILD_DIR/helpers/memhog" "$BUILD_DIR/helpers/bpfhold"

out=$(vm_outdir t19-vm-harness)
# Every byte value, and more than one MiB, so a text-only or truncating
# channel would show.
head -c 3000000 /dev/urandom >"$work/random.bin"
sum=$(sha256sum "$work/random.bin" | cut -d' ' -f1)

vm_run -o "$out" -t 300 \
	--bin "$BUILD_DIR/helpers/memhog" --bin "$BUILD_DIR/helpers/bpfhold" \
	--file "$work/random.bin" \
	"$TESTS_DIR/vm/guest/harness-selftest.sh" "$sum" "two words 'quoted'"
rc=$?
[ $rc = 0 ] || vm_fail "guest script failed (status $rc); see $out/.vm/"
cmp "$work/random.bin" "$out/random.bin" || vm_fail "random.bin came back different"
[ "$(cat "$out/.vm/rc")" = 0 ] || vm_fail ".vm/rc is not 0"
grep -q 'guest: all good' "$out/.vm/script.log" || vm_fail "guest script did not finish"
sed -n 's/^guest: //p' "$out/.vm/script.log"
echo "ok"
