#!/bin/bash
# Issue 3, end to end on the live host (cgroup v1): make memory cgroups with
# processes holding known memory, capture with memsnap-collect, load with
# memsnap, and compare every usage_bytes, limit_bytes and working_set_bytes
# of the cgroups view with the kernel's own files:
#   - exactly with the files as archived (usage_in_bytes,
#     usage - total_inactive_file);
#   - bracketed by the live files read just before and just after the
#     capture (the helpers are idle, so before == after in practice);
#   - limits exactly as written; "no limit" as NULL.
# Needs root and a v1 memory hierarchy; skips (77) otherwise.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal --work-in /var/tmp
MEMCG=/sys/fs/cgroup/memory

[ "$(id -u)" = 0 ] || skip "needs root to create memory cgroups"
[ -f $MEMCG/memory.usage_in_bytes ] || skip "no cgroup v1 memory hierarchy at $MEMCG"
for b in "$C" "$M" "$BUILD_DIR/helpers/memhog"; do
	[ -x "$b" ] || fail "$b is not built"
done

base=$MEMCG/memsnap-t40-$$
pids=()
cleanup() {
	for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for d in "$base/b/c" "$base/b" "$base/a" "$base"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	rm -rf /dev/shm/memsnap-t40-$$-*
}

mkdir -p "$base/a" "$base/b/c" || fail "cannot create cgroups under $base"
echo $((256 << 20)) > "$base/a/memory.limit_in_bytes"
echo $((128 << 20)) > "$base/b/c/memory.limit_in_bytes"

start() {   # cgroup, memhog args...
	local cg=$1; shift
	local ready=$work/ready.$RANDOM
	"$BUILD_DIR/helpers/memhog" --cgroup "$cg" --ready "$ready" "$@" > /dev/null &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$ready" ] && return 0; sleep 0.1; done
	fail "memhog $* in $cg did not get ready"
}
start "$base/a" --anon 48 --file "$work/a.dat" --file-mb 32
start "$base/b" --anon 16 --shmem /dev/shm/memsnap-t40-$$-b --shmem-mb 8
start "$base/b/c" --anon 24 --file "$work/c.dat" --file-mb 16 --memfd 4

cgs=("$base" "$base/a" "$base/b" "$base/b/c")
snap() {   # file: one line per cgroup: usage limit total_inactive_file
	for d in "${cgs[@]}"; do
		echo "${d#$MEMCG} $(cat "$d/memory.usage_in_bytes") $(cat "$d/memory.limit_in_bytes")" \
		     "$(awk '$1 == "total_inactive_file" { print $2 }' "$d/memory.stat")"
	done > "$1"
}

snap "$work/before"
"$C" -q --no-bpftool --kmsg none -o "$work/cap.tar.gz"
rc=$?
snap "$work/after"
[ $rc -le 1 ] || fail "memsnap-collect exited $rc"
"$M" load -q "$work/cap.tar.gz" -o "$work/cap.db" || fail "memsnap load failed"

top=$(tar tzf "$work/cap.tar.gz" | head -1 | cut -d/ -f1)
archived() {   # cgroup path, file
	tar xzf "$work/cap.tar.gz" -O "$top/sys/fs/cgroup/memory$1/$2"
}
view() {   # cgroup path, column
	"$M" sql --csv "$work/cap.db" \
		"SELECT $2 FROM cgroups WHERE cgroup = '$1'" | sed -n 2p | tr -d '\r'
}

checked=0
while read -r cg usage0 limit0 inact0; do
	read -r _ usage1 limit1 inact1 < <(grep "^$cg " "$work/after")
	a_usage=$(archived "$cg" memory.usage_in_bytes)
	a_inact=$(archived "$cg" memory.stat | awk '$1 == "total_inactive_file" { print $2 }')
	v_usage=$(view "$cg" usage_bytes)
	v_limit=$(view "$cg" limit_bytes)
	v_ws=$(view "$cg" working_set_bytes)

	[ "$v_usage" = "$a_usage" ] || fail "$cg: usage_bytes $v_usage != archived $a_usage"
	ws=$((a_usage - a_inact)); [ $ws -lt 0 ] && ws=0
	[ "$v_ws" = "$ws" ] || fail "$cg: working_set_bytes $v_ws != archived usage - total_inactive_file = $ws"

	lo=$(( usage0 < usage1 ? usage0 : usage1 )); hi=$(( usage0 > usage1 ? usage0 : usage1 ))
	# the collector's own reads can charge a few pages of page cache in between
	slack=$((256 * 1024))
	[ "$v_usage" -ge $((lo - slack)) ] && [ "$v_usage" -le $((hi + slack)) ] ||
		fail "$cg: usage_bytes $v_usage outside the live values [$lo, $hi] (+-$slack)"

	if [ "$limit0" -ge $((1 << 62)) ]; then
		[ -z "$v_limit" ] || fail "$cg: no limit, but limit_bytes is '$v_limit' (want NULL)"
	else
		[ "$v_limit" = "$limit0" ] || fail "$cg: limit_bytes $v_limit != $limit0"
	fi
	echo "ok $cg usage=$v_usage limit=${v_limit:-NULL} working_set=$v_ws (live $usage0/$usage1)"
	checked=$((checked + 1))
done < "$work/before"
[ $checked = 4 ] || fail "checked $checked cgroups, want 4"

# The helpers are in the cgroups they were put in, with their memory.
n=$("$M" sql --csv "$work/cap.db" \
	"SELECT count(*) FROM processes WHERE comm = 'memhog' AND cgroup LIKE '/memsnap-t40-$$/%'" |
	sed -n 2p | tr -d '\r')
[ "$n" = 3 ] || fail "want 3 memhog processes in the test cgroups, got $n"
anon=$("$M" sql --csv "$work/cap.db" \
	"SELECT anon_bytes FROM processes WHERE comm = 'memhog' AND cgroup = '/memsnap-t40-$$/a'" |
	sed -n 2p | tr -d '\r')
[ "$anon" -ge $((48 << 20)) ] && [ "$anon" -le $((50 << 20)) ] ||
	fail "memhog in a holds $anon bytes of anon, want 48 MiB (+2 MiB of its own)"
echo "ok processes: 3 memhog in their cgroups, 48 MiB anon in a"
