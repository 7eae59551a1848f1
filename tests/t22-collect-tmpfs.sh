#!/bin/bash
# Which volume holds the shmem (issue 16 item 3): memsnap-collect --root on
# a tree laid out like a kubelet node's, with real tmpfs mounts where the
# kubelet mounts emptyDir volumes of medium Memory
# (var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~empty-dir/<name>), one
# named with a space and a newline.  collector/tmpfs.txt must give each
# one's size (the size= limit) and use (3 MiB written), its mount point
# escaped as mountinfo escapes it, and a projected-token tmpfs and a
# disk emptyDir must not be there.  Needs root (mount).
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
[ -x "$C" ] || skip "'$C' not built"
[ "$(id -u)" = 0 ] || skip "mounting tmpfs needs root"
mounts=()
cleanup() {
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
}
. "$(dirname "$0")/lib/collect-root.sh"

root=$work/root
uid=2a54840f-cc30-4df4-bab1-1b1ed019c796
pods=var/lib/kubelet/pods/$uid/volumes
cache=$pods/kubernetes.io~empty-dir/cache
odd="$pods/kubernetes.io~empty-dir/my vol
x"
token=$pods/kubernetes.io~projected/kube-api-access-xxvbh
disk=$pods/kubernetes.io~empty-dir/scratch
root_tree "$root"
mkdir -p "$root/$cache" "$root/$odd" "$root/$token" "$root/$disk"
for m in "$cache:8m" "$odd:4m" "$token:1m"; do
	dir=${m%:*}
	mount -t tmpfs -o "size=${m##*:}" tmpfs "$root/$dir" ||
		skip "cannot mount tmpfs here"
	mounts+=("$root/$dir")
done
dd if=/dev/zero of="$root/$cache/blob" bs=1M count=3 status=none || fail "cannot write 3 MiB"
esc_odd=$(printf '%s' "/$odd" | sed 's/ /\\040/g' | sed -z 's/\n/\\012/g')
cat >> "$root/proc/1/mountinfo" <<EOS
22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 0:40 / /$cache rw,relatime shared:2 - tmpfs tmpfs rw,size=8192k
31 22 0:41 / $esc_odd rw,relatime shared:3 - tmpfs tmpfs rw,size=4096k
32 22 0:42 / /$token rw,relatime shared:4 - tmpfs tmpfs rw,size=1024k
EOS

capture_into "$work/x" --root "$root"
got=$top/collector/tmpfs.txt
[ -f "$got" ] || fail "no collector/tmpfs.txt in the capture"
[ "$(wc -l < "$got")" = 2 ] || fail "expected the two emptyDir tmpfs mounts: $(cat "$got")"
read -r kind pid fstype size used mnt < <(grep '/cache$' "$got") || fail "cache volume missing: $(cat "$got")"
[ "$kind $pid $fstype $mnt" = "emptydir 0 tmpfs /$cache" ] || fail "cache line: $kind $pid $fstype $mnt"
[ "$size" = 8388608 ] || fail "cache size $size, expected 8388608"
[ "$used" -ge 3145728 ] && [ "$used" -lt 3670016 ] || fail "cache used $used, expected 3 MiB"
grep -qxF "emptydir 0 tmpfs 4194304 0 $esc_odd" "$got" || fail "the odd volume's line: $(cat "$got")"
! grep -q projected "$got" || fail "a projected-token tmpfs counted as an emptyDir"
echo "ok: emptyDir tmpfs sizes and use captured"

# loaded: tmpfs_usage names the pod and the volumes (the odd one unescaped)
if [ -x "$M" ]; then
	"$M" load -q -o "$work/db" "$top" 2>"$work/load.err" || [ $? = 1 ] ||
		{ cat "$work/load.err"; fail "load failed"; }
	got=$("$M" sql --csv "$work/db" "SELECT pod_uid || '|' || volume || '|' || kind
		|| '|' || (used_bytes >= 3145728) || '|' || size_bytes AS v FROM tmpfs_usage
		ORDER BY volume" | tail -n +2 | tr -d '\r')
	want="$uid|cache|emptydir|1|8388608
\"$uid|my vol
x|emptydir|0|4194304\""
	[ "$got" = "$want" ] || fail "tmpfs_usage: $got"
	echo "ok: tmpfs_usage has both volumes"
fi
