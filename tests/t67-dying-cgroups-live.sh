#!/bin/bash
# Dying memory cgroups, live on a cgroup v1 host (issue 16 item 1): a
# cgroup fills 32 MiB of page cache, its process exits, it is removed; the
# kernel keeps it (dying) while its pages are charged to it.  The capture's
# proc/cgroups then counts more memory cgroups than there are directories,
# and dying_cgroups says so: its nr_dying for / is exactly the kernel's
# count (num_cgroups less the directories) taken before and after the
# capture, which the removal raised by one.  Needs root and memory on a v1
# hierarchy.
set -u
: "${BIN_DIR:=$(cd "$(dirname "$0")/.." && pwd)/bin}"
collect=$BIN_DIR/memsnap-collect
memsnap=$BIN_DIR/memsnap
[ -x "$collect" ] && [ -x "$memsnap" ] || { echo "SKIP: binaries not built"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
. "$(dirname "$0")/lib/collect-root.sh"
need_v1_memory
num() { awk '$1 == "memory" { print $3 }' /proc/cgroups; }
# the kernel's dying memory cgroups: counted, less those with a directory
dying() { echo $(( $(num) - $(find "$mem" -type d | wc -l) )); }
tmp=$(mktemp -d /var/tmp/memsnap-t67.XXXXXX)
cg=$mem/memsnap-t67-$$
cleanup() {
	rm -rf "$tmp"
	rmdir "$cg/child" "$cg" 2>/dev/null
}
trap cleanup EXIT

mkdir -p "$cg/child" || fail "cannot create $cg/child"
before=$(num)
d0=$(dying)
# the page cache of a file on disk, charged to child; the file stays
sh -c "echo \$\$ > $cg/child/cgroup.procs && exec dd if=/dev/zero of=$tmp/fill bs=1M count=32 status=none" ||
	fail "dd in $cg/child failed"
charged=$(cat "$cg/child/memory.usage_in_bytes")
rmdir "$cg/child" || fail "cannot remove $cg/child"
after=$(num)
d1=$(dying)
echo "child charged $charged bytes; memory num_cgroups $before before rmdir, $after after;" \
	"dying $d0 before, $d1 after"
[ "$after" -ge "$before" ] || { echo "SKIP: the kernel freed the removed cgroup at once ($before -> $after)"; exit 77; }
[ "$d1" = $((d0 + 1)) ] ||
	{ echo "SKIP: other memory cgroups came or went beside the test's ($d0 -> $d1 dying)"; exit 77; }

# the node's cgroups may change under the capture (other programs' tests):
# again until the count is the same before and after it
for try in 1 2 3 4 5; do
	rm -rf "$tmp/cap" "$tmp/cap.tar.gz"
	d1=$(dying)
	capture_into "$tmp/cap"
	d2=$(dying)
	[ "$d2" = "$d1" ] && break
	sleep 1
done
"$memsnap" load -q -o "$tmp/db" "$top" 2>"$tmp/load.err" || [ $? = 1 ] ||
	{ cat "$tmp/load.err"; fail "load failed"; }
row=$("$memsnap" sql --csv "$tmp/db" "SELECT nr_dying, nr_descendants, unaccounted_bytes FROM dying_cgroups WHERE cgroup = '/'" | tail -n +2)
echo "dying_cgroups: $row"
[ -n "$row" ] || fail "no dying_cgroups row for the node"
n=${row%%,*}
if [ "$d2" = "$d1" ]; then
	[ "$n" = "$d1" ] || fail "nr_dying $n, the kernel counted $d1 (the test's included)"
else
	# still changing: between the counts before and after the capture
	echo "note: the node's dying cgroups changed under each capture ($d1 -> $d2)"
	[ "$n" -ge "$(( d1 < d2 ? d1 : d2 ))" ] && [ "$n" -le "$(( d1 > d2 ? d1 : d2 ))" ] ||
		fail "nr_dying $n, the kernel counted $d1 before the capture and $d2 after"
fi
echo "PASS"
