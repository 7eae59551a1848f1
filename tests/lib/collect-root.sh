# Shared by the collector tests on a --root tree (t21-t24, t67-t69): source
# it after lib/check.sh (C, fail, skip).

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
	"$C" --no-bpftool --kmsg none -q -o "$x.tar.gz" "$@" 2>"$x.err"
	rc=$?
	[ $rc -le 1 ] || { cat "$x.err"; fail "memsnap-collect exited $rc"; }
	mkdir -p "$x"
	tar -xzf "$x.tar.gz" -C "$x" || fail "cannot extract the capture"
	top=$(echo "$x"/*/)
	top=${top%/}
}

# java_sleeper DIR: compile DIR/Sleep.class, a JVM program that prints
# "ready" and sleeps a minute (run it as `java -cp DIR Sleep`).
java_sleeper() {
	cat > "$1/Sleep.java" <<'EOS'
public class Sleep {
	public static void main(String[] a) throws Exception {
		System.out.println("ready");
		Thread.sleep(60000);
	}
}
EOS
	javac -d "$1" "$1/Sleep.java" || fail "javac failed"
}

# wait_ready FILE...: until each FILE holds "ready" (30 s at most); fails
# naming the first that does not (and FILE.err's text, when there is one).
wait_ready() {
	local i f
	for i in $(seq 150); do
		for f in "$@"; do grep -q ready "$f" || break; done
		grep -q ready "$f" && break
		sleep 0.2
	done
	for f in "$@"; do
		grep -q ready "$f" ||
			fail "$(basename "$f" .out) did not start: $(cat "${f%.out}.err" 2>/dev/null)"
	done
}

# need_v1_memory: skip (exit 77) unless root and memory on a cgroup v1
# hierarchy at /sys/fs/cgroup/memory, which $mem then names.
need_v1_memory() {
	[ "$(id -u)" = 0 ] || skip "needs root (creates memory cgroups)"
	mem=/sys/fs/cgroup/memory
	[ "$(stat -fc %T $mem 2>/dev/null)" = cgroupfs ] ||
		skip "no cgroup v1 memory hierarchy at $mem"
}
