# Shared by the collector tests on a --root tree (t64-t67): source it after
# setting $collect (memsnap-collect) and defining fail().

# root_tree DIR: the least tree memsnap-collect captures completely, a
# cgroup2 hierarchy named by proc/1/mountinfo (the test appends its mounts).
root_tree() {
	mkdir -p "$1/proc/1" "$1/sys/fs/cgroup"
	echo memory > "$1/sys/fs/cgroup/cgroup.controllers"
	echo '25 1 0:23 / /sys/fs/cgroup rw,nosuid shared:5 - cgroup2 cgroup2 rw' >> "$1/proc/1/mountinfo"
}

# capture_into DIR [ARGS...]: memsnap-collect ARGS into DIR.tar.gz (exit 0
# or 1: a live or fixture capture has problems), extracted into DIR; $top
# is then its memsnap-* folder.
capture_into() {
	local x=$1 rc
	shift
	"$collect" --no-bpftool --kmsg none -q -o "$x.tar.gz" "$@" 2>"$x.err"
	rc=$?
	[ $rc -le 1 ] || { cat "$x.err"; fail "memsnap-collect exited $rc"; }
	mkdir -p "$x"
	tar -xzf "$x.tar.gz" -C "$x" || fail "cannot extract the capture"
	top=$(echo "$x"/*/)
	top=${top%/}
}
