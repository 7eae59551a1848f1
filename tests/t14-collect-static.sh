#!/bin/bash
# The shipped binary: static, stripped, at most 1.5 MiB, no NSS lookups, runs
# with an empty environment; and its archives, in all three compressions,
# read as ONE tar with manifest.json first by GNU tar, by zstd | tar, and
# by Python's tarfile (when python3 is there).  Uses the v2 fixture tree (the
# layout the VM test runs for real), so no root is needed.
set -u
. "$(dirname "$0")/lib/check.sh" --fatal
cd "$(dirname "$0")/.."
ROOT=$PWD/tests/fixtures/roots/v2

if [ "${SAN:-}" = 1 ]; then
	echo "SKIP: SAN=1 builds a dynamic, instrumented collector"
	exit 77
fi

size=$(stat -c %s "$C")
[ "$size" -le $((3 << 19)) ] || fail "memsnap-collect is $size bytes, more than 1.5 MiB"
if readelf -l "$C" | grep -q INTERP || readelf -d "$C" 2>/dev/null | grep -q NEEDED; then
	fail "memsnap-collect is not static"
fi
readelf -S "$C" | grep -q '\.symtab' && fail "memsnap-collect is not stripped"
# No NSS: nothing that would dlopen libnss_* at run time.
if strings "$C" | grep -Eq '^(getpwuid|getpwnam|getgrgid|getgrnam|gethostbyname|getaddrinfo)$|libnss_'; then
	fail "memsnap-collect contains NSS lookups"
fi

for comp in gzip zstd none; do
	out=$work/c.$comp
	env -i "$C" --root "$ROOT" --no-bpftool --kmsg none --compress $comp -o "$out" \
		2>"$work/err" || fail "$comp: exit $?: $(cat "$work/err")"
	case $comp in
	gzip) tar tzf "$out" >"$work/list" 2>"$work/tar.err" ;;
	zstd) zstd -qdc "$out" | tar tf - >"$work/list" 2>"$work/tar.err" ;;
	none) tar tf "$out" >"$work/list" 2>"$work/tar.err" ;;
	esac || fail "$comp: GNU tar: $(cat "$work/tar.err")"
	[ -s "$work/tar.err" ] && fail "$comp: GNU tar complained: $(cat "$work/tar.err")"
	first=$(head -n1 "$work/list")
	case $first in */manifest.json) ;; *) fail "$comp: first entry $first" ;; esac
	[ "$(cut -d/ -f1 "$work/list" | sort -u | wc -l)" = 1 ] || fail "$comp: several top folders"
	grep -q '/sys/fs/cgroup/kubepods.slice/memory.stat$' "$work/list" || fail "$comp: v2 cgroup files missing"
	if command -v python3 >/dev/null; then
		python3 - "$out" "$comp" <<-'PY' || fail "$comp: Python's tarfile disagrees"
		import json, sys, tarfile
		path, comp = sys.argv[1], sys.argv[2]
		if comp == "zstd":
		    sys.exit(0)   # tarfile has no zstd before Python 3.14
		with tarfile.open(path) as t:
		    members = t.getmembers()
		    assert members[0].name.endswith("/manifest.json"), members[0].name
		    assert all(m.isreg() and m.mode == 0o444 for m in members)
		    m = json.load(t.extractfile(members[0]))
		    assert m["cgroup"]["mode"] == "v2", m["cgroup"]
		    assert m["complete"] is True
		    assert m["counts"]["files"] == len(members) - 1, (m["counts"]["files"], len(members))
		PY
	fi
done
# The same entries whatever the compression.
for comp in zstd none; do
	case $comp in
	zstd) zstd -qdc "$work/c.zstd" | tar tf - ;;
	none) tar tf "$work/c.none" ;;
	esac | sed 's|^[^/]*/||' >"$work/l.$comp"
done
tar tzf "$work/c.gzip" | sed 's|^[^/]*/||' >"$work/l.gzip"
cmp -s "$work/l.gzip" "$work/l.zstd" && cmp -s "$work/l.gzip" "$work/l.none" ||
	fail "entry lists differ between compressions"
echo "ok: $size bytes, $(wc -l <"$work/l.gzip") entries"
