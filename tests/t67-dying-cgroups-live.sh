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
. "$(dirname "$0")/lib/check.sh" --fatal --work-in /var/tmp
[ -x "$C" ] && [ -x "$M" ] || skip "binaries not built"
. "$(dirname "$0")/lib/collect-root.sh"
need_v1_memory
num() { awk '$1 == "memory" { print $3 }' /proc/cgroups; }
# the kernel's dying memory cgroups: counted, less those with a directory
dying() { echo $(( $(num) - $(find "$mem" -type d | wc -l) )); }
cg=$mem/memsnap-t67-$$
cleanup() {
	rmdir "$cg/child" "$cg" 2>/dev/null
}

mkdir -p "$cg/child" || fail "cannot create $cg/child"
before=$(num)
d0=$(dying)
# the page cache of a file on disk, charged to child; the file stays
sh -c "echo \$\$ > $cg/child/cgroup.procs && exec dd if=/dev/zero of=$work/fill bs=1M count=32 status=none" ||
	fail "dd in $cg/child failed"
charged=$(cat "$cg/child/memory.usage_in_bytes")
rmdir "$cg/child" || fail "cannot remove $cg/child"
after=$(num)
d1=$(dying)
echo "child charged $charged bytes; memory num_cgroups $before before rmdir, $after after;" \
	"dying $d0 before, $d1 after"
[ "$after" -ge "$before" ] || skip "the kernel freed the removed cgroup at once ($before -> $after)"
[ "$d1" = $((d0 + 1)) ] ||
	skip "other memory cgroups came or went beside the test's ($d0 -> $d1 dying)"

# the node's cgroups may change under the capture (other programs' tests):
# again until the count is the same before and after it
for try in 1 2 3 4 5; do
	rm -rf "$work/cap" "$work/cap.tar.gz"
	d1=$(dying)
	capture_into "$work/cap"
	d2=$(dying)
	[ "$d2" = "$d1" ] && break
	sleep 1
done
"$M" load -q -o "$work/db" "$top" 2>"$work/load.err" || [ $? = 1 ] ||
	{ cat "$work/load.err"; fail "load failed"; }
row=$("$M" sql --csv "$work/db" "SELECT nr_dying, nr_descendants, unaccounted_bytes FROM dying_cgroups WHERE cgroup = '/'" | tail -n +2)
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
