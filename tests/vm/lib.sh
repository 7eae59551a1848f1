# tests/vm/lib.sh: functions for host-side tests that boot the test VM.
# Source it from a tests/tNN-*.sh (bash):
#
#   . "$(dirname "$0")/vm/lib.sh"
#   vm_require                        # or exit 77 with "SKIP: why"
#   vm_require_bin "$C" "$BUILD_DIR/helpers/memhog"
#   out=$(vm_outdir t42)              # empty folder under $ARTIFACTS_DIR
#   vm_run_guest "$out" --bin ... "$TESTS_DIR/vm/guest/my-script.sh" ARG...
#                                     # (or vm_run -o "$out" ...; rc=$?)
#
# vm_run is tests/vm/run with the kernel vm_require found; see tests/vm/run
# for its options and exit statuses (124 timeout, 125 harness failure) and
# tests/vm/README.md for what the guest sees.

# It sources tests/lib/check.sh --no-work (M, C, T, fail/ok/skip,
# check_end, sql_rows) unless the test sourced it first.

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
declare -F check_end > /dev/null || . "$VM_DIR/../lib/check.sh" --no-work
: "${ARTIFACTS_DIR:=$BUILD_DIR/test-artifacts}"
VM_KERNEL=""

vm_fail() {
	echo "FAIL: $*"
	exit 1
}

# vm_require: skip the test (exit 77) unless a VM can be booted here: qemu,
# a static busybox, cpio, mkfs.ext4, and a kernel from tests/vm/kernel (the
# cache, or a download from Debian's mirror).  Sets VM_KERNEL.
vm_require() {
	local b log
	command -v qemu-system-x86_64 >/dev/null ||
		skip "qemu-system-x86_64 not installed (Debian package qemu-system-x86)"
	command -v cpio >/dev/null || skip "cpio not installed"
	command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 not installed (e2fsprogs)"
	b=""
	for f in /bin/busybox /usr/bin/busybox; do [ -x "$f" ] && b=$f && break; done
	[ -n "$b" ] || skip "busybox not installed (Debian package busybox-static)"
	if LC_ALL=C readelf -l "$b" 2>/dev/null | grep -q 'program interpreter'; then
		skip "'$b' is dynamically linked (install busybox-static)"
	fi
	local why
	log=$(mktemp)
	if ! VM_KERNEL=$("$VM_DIR/kernel" 2>"$log"); then
		why=$(tail -n 1 "$log")
		sed 's/^/  /' "$log"
		rm -f "$log"
		skip "no kernel for the VM: ${why:-tests/vm/kernel failed}"
	fi
	rm -f "$log"
	export VM_KERNEL
}

# vm_require_bin FILE...: skip unless each program exists (they are built by
# `make` and `make tests`).
vm_require_bin() {
	local f
	for f in "$@"; do
		[ -x "$f" ] || skip "'$f' not built (run: make all tests)"
	done
}

# vm_outdir NAME: print a new empty folder $ARTIFACTS_DIR/NAME (removed
# first if it exists), where a test keeps what the guest sent back.
vm_outdir() {
	local d="$ARTIFACTS_DIR/$1"
	rm -rf "$d"
	mkdir -p "$d"
	echo "$d"
}

# vm_run [tests/vm/run options] SCRIPT [ARG...]
vm_run() {
	"$VM_DIR/run" ${VM_KERNEL:+--kernel "$VM_KERNEL"} "$@"
}

# vm_run_guest OUT [tests/vm/run options] SCRIPT [ARG...]: vm_run -o OUT,
# print its time and the guest's own lines, fail unless it succeeded.
vm_run_guest() {
	local out=$1 start rc
	shift
	start=$(date +%s)
	vm_run -o "$out" "$@"
	rc=$?
	echo "VM run: $(( $(date +%s) - start )) s, guest status $rc"
	sed -n 's/^guest: //p' "$out/.vm/script.log"
	[ $rc = 0 ] || vm_fail "guest script failed (status $rc); see $out/.vm/script.log"
}

# vm_require_checked HELPER...: what a test needs to capture in a guest and
# check the capture on the host with memsnap and tests/ws_check.py:
# vm_require, memsnap-collect, memsnap and the helpers named (built), and
# python3; else it skips (77) saying which.
vm_require_checked() {
	vm_require
	vm_require_bin "$C" "$M" "$@"
	command -v python3 >/dev/null || skip "python3 not installed"
}

# vm_run_capture OUT [tests/vm/run options] SCRIPT: vm_run_guest of a guest
# script that leaves OUT/capture.tar.gz (and OUT/expect.txt), and load the
# capture into OUT/capture.db.
vm_run_capture() {
	local out=$1
	vm_run_guest "$@"
	"$M" load -q "$out/capture.tar.gz" -o "$out/capture.db" >/dev/null ||
		vm_fail "memsnap load failed"
}
