#!/bin/bash
# Kills the kernel log does not show (issue 16 item 5): memsnap-collect runs
# journalctl for systemd-oomd and the kubelet and keeps only their kill and
# eviction lines.  A journalctl of our own on PATH prints real lines (the
# oomd and kubelet-eviction samples, in journalctl's formats) mixed with
# lines that must never reach the archive; the capture must hold exactly the
# kill lines, and journalctl must not run at all where the tree has no journal.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
: "${SAMPLES_DIR:=$(cd "$(dirname "$0")" && pwd)/samples}"
[ -x "$C" ] || skip "'$C' not built"
[ -d "$SAMPLES_DIR/oomd" ] && [ -d "$SAMPLES_DIR/kubelet-eviction" ] ||
	skip "no oomd/kubelet-eviction samples in '$SAMPLES_DIR'"
. "$(dirname "$0")/lib/collect-root.sh"

root_tree "$work/root"
mkdir -p "$work/bin" "$work/root/var/log/journal"
{
	cat "$SAMPLES_DIR/oomd/systemd-gh23606-ubuntu2204-v249-killed-vte-scope.txt"
	cat "$SAMPLES_DIR/kubelet-eviction/k8s-pr31939-2016-v1.4dev-journal-glog-eviction-memory.txt"
	cat "$SAMPLES_DIR/oomd/systemd-gh32304-arch-v255-fr-locale-pressure-candidates.txt"
	# what a kubelet also logs: never kept
	echo 'Sep 02 15:20:15 h kubelet[18530]: I0902 15:20:15.1 18530 kuberuntime_manager.go:1] pulling image "registry/app" with secret TOPSECRET'
	echo 'Sep 02 15:20:16 h kubelet[18530]: E0902 15:20:16.1 18530 pod_workers.go:1] Error syncing pod x: token=TOPSECRET'
	printf 'Sep 02 15:20:17 h kubelet[18530]: eviction manager: evicted \001\000 TOPSECRET\n'
} > "$work/journal.txt"
cat > "$work/bin/journalctl" <<EOS
#!/bin/sh
printf '%s\n' "\$@" > "$work/argv"
cat "$work/journal.txt"
EOS
chmod +x "$work/bin/journalctl"

PATH=$work/bin:$PATH capture_into "$work/x" --root "$work/root"
[ -f "$work/argv" ] || fail "journalctl was not run"
for a in -b short-unix systemd-oomd.service kubelet.service --root "$work/root"; do
	grep -qxF -- "$a" "$work/argv" || fail "journalctl argument '$a' missing: $(tr '\n' ' ' < "$work/argv")"
done
got=$top/collector/journal-kills.txt
[ -f "$got" ] || fail "no collector/journal-kills.txt in the capture"
! grep -q TOPSECRET "$got" || fail "a line that is not a kill reached the archive"
! grep -q 'no resources are starved\|Consumed\|Considered' "$got" || fail "a non-kill line was kept"
grep -q 'systemd-oomd\[840\]: Killed /user.slice/user-1001.slice' "$got" || fail "the oomd kill is missing"
grep -q 'systemd-oomd killed 12 process(es)' "$got" || fail "systemd's kill count line is missing"
[ "$(grep -c 'eviction_manager.go' "$got")" = 4 ] || fail "expected the 4 eviction-manager decision lines: $(cat "$got")"
[ "$(wc -l < "$got")" = 6 ] || fail "expected 6 lines, got: $(cat "$got")"
grep -q '"journalctl"' "$top/manifest.json" || fail "journalctl not in manifest.commands"

# --no-journal: journalctl is not run, no file.
rm -f "$work/argv"
PATH=$work/bin:$PATH capture_into "$work/n" --root "$work/root" --no-journal
[ ! -f "$work/argv" ] || fail "journalctl was run with --no-journal"
[ ! -e "$top/collector/journal-kills.txt" ] || fail "journal-kills.txt with --no-journal"

# No journal in the tree: journalctl is not run, no file, no problem.
rm -rf "$work/root/var/log/journal" "$work/argv"
PATH=$work/bin:$PATH capture_into "$work/d" --root "$work/root"
[ ! -f "$work/argv" ] || fail "journalctl was run for a tree without a journal"
[ ! -e "$top/collector/journal-kills.txt" ] || fail "journal-kills.txt without a journal"
echo "ok: journalctl lines filtered to kills and evictions"
