#!/bin/bash
# memsnap reads the tar stream itself (analyze/capture/tar.c): every tar
# that GNU tar (gnu, posix, ustar), bsdtar (pax, ustar, gnutar) and
# Python's tarfile (pax, gnu, ustar) write of one capture folder, plain or
# gzip, zstd, xz, bzip2, loads exactly as the folder does: the same files,
# bytes and processes, a path over 100 bytes included.  A file whose
# header declares 9 GiB (base-256 in GNU format, a pax size in pax) is
# skipped by --max-file-size with its exact size; links, devices and
# folders are what they were before; a sparse file is named and skipped
# (libarchive expanded it); noise and a cut archive say so.
set -u
. "$(dirname "$0")/lib/check.sh"

command -v tar >/dev/null && tar --version | grep -q GNU || skip "GNU tar missing"
command -v python3 >/dev/null || skip "python3 missing"

top=memsnap-node-b-20260301T120000Z
cp -r "$T/fixtures/captures/k8s-systemd-v2/$top" "$work/$top"
long=junk/$(printf 'd%.0s' $(seq 90))/$(printf 'n%.0s' $(seq 60))
mkdir -p "$work/$top/${long%/*}"
echo "a path of $((${#top} + 1 + ${#long})) bytes" > "$work/$top/$long"
mkdir "$work/u" && cp -r "$work/$top" "$work/u/$top"
# manifest.json first, as the collector writes it; a folder entry too
(cd "$work" && { echo "$top/manifest.json"; echo "$top/proc";
	find "$top" -type f ! -name manifest.json | LC_ALL=C sort; }) > "$work/list"

# ustar cannot store a name over 100 bytes that no '/' splits into 155 and
# 100 (some cgroup paths): its writers leave those out, and so does the
# folder its archives are compared with.
python3 - "$work" <<'EOF' || fail "python3 could not split the names"
import os, sys
work = sys.argv[1]
def fits(n):
    b = n.encode()
    return len(b) <= 100 or any(b[i] == 47 and i <= 155 and len(b) - i - 1 <= 100
                                for i in range(len(b)))
with open(os.path.join(work, "list-ustar"), "w") as f:
    for n in (l.rstrip("\n") for l in open(os.path.join(work, "list"))):
        if fits(n):
            f.write(n + "\n")
        elif os.path.isfile(os.path.join(work, "u", n)):
            os.unlink(os.path.join(work, "u", n))
EOF

# What a load shows: the files and their sizes, the processes, the problems.
shows() { # db
	sqlite3 "$1" "SELECT path, bytes FROM capture_file ORDER BY path;
		      SELECT * FROM processes ORDER BY pid;
		      SELECT path, problem FROM load_problems ORDER BY 1, 2"
}
"$M" load -q --raw -o "$work/folder.db" "$work/$top" || fail "the folder does not load"
shows "$work/folder.db" > "$work/want"
"$M" load -q --raw -o "$work/folder-u.db" "$work/u/$top" || fail "the ustar folder does not load"
shows "$work/folder-u.db" > "$work/want-ustar"
grep -q "^$top/$long|\|^$long|" "$work/want" || fail "the long path is not in the folder's load"

check() { # name archive
	rm -f "$work/a.db"
	if ! "$M" load -q --raw -o "$work/a.db" "$2" 2> "$work/err"; then
		fail "$1: exit $?: $(head -3 "$work/err")"
		return
	fi
	shows "$work/a.db" > "$work/got"
	case $1 in *ustar*) want=$work/want-ustar ;; *) want=$work/want ;; esac
	if cmp -s "$want" "$work/got"; then
		ok "$1: loads as the folder does"
	else
		fail "$1: differs from the folder"; diff "$want" "$work/got" | head -5 | sed 's/^/  | /'
	fi
}

for fmt in gnu posix ustar; do
	list=$work/list; [ $fmt = ustar ] && list=$work/list-ustar
	tar -C "$work" --format=$fmt --no-recursion -T "$list" -cf "$work/g-$fmt.tar"
	check "GNU tar --format=$fmt" "$work/g-$fmt.tar"
done
tar -C "$work" --format=oldgnu --no-recursion -T "$work/list" -cf "$work/g-oldgnu.tar" 2>/dev/null
check "GNU tar --format=oldgnu" "$work/g-oldgnu.tar"
gzip -c "$work/g-posix.tar" > "$work/g.tar.gz" && check "posix, gzip" "$work/g.tar.gz"
command -v zstd >/dev/null && zstd -q -c "$work/g-posix.tar" > "$work/g.tar.zst" && check "posix, zstd" "$work/g.tar.zst"
command -v xz >/dev/null && xz -c "$work/g-gnu.tar" > "$work/g.tar.xz" && check "gnu, xz" "$work/g.tar.xz"
command -v bzip2 >/dev/null && bzip2 -c "$work/g-ustar.tar" > "$work/g.tar.bz2" && check "ustar, bzip2" "$work/g.tar.bz2"

if command -v bsdtar >/dev/null; then
	for fmt in pax ustar gnutar; do
		list=$work/list; [ $fmt = ustar ] && list=$work/list-ustar
		bsdtar -C "$work" --format $fmt -n -T "$list" -cf "$work/b-$fmt.tar"
		check "bsdtar --format $fmt" "$work/b-$fmt.tar"
	done
	bsdtar -C "$work" --format pax -n -T "$work/list" -czf "$work/b.tar.gz" 2>/dev/null
	check "bsdtar --format pax, gzip" "$work/b.tar.gz"
else
	echo "note: bsdtar missing (libarchive-tools): its archives are not read"
fi

# --max-file-size: the same files skipped, in a plain tar (passed over with
# lseek) and a compressed one (inflated) as in the folder.
"$M" load -q --raw --max-file-size 1000 -o "$work/folder-1k.db" "$work/$top"
shows "$work/folder-1k.db" > "$work/want-1k"
grep -q "exceeds the limit of 1000 bytes" "$work/want-1k" || fail "--max-file-size 1000 skipped nothing"
for a in g-posix.tar g.tar.gz; do
	rm -f "$work/a.db"
	"$M" load -q --raw --max-file-size 1000 -o "$work/a.db" "$work/$a"
	shows "$work/a.db" > "$work/got"
	cmp -s "$work/want-1k" "$work/got" && ok "$a, --max-file-size 1000: as the folder" ||
		{ fail "$a, --max-file-size 1000"; diff "$work/want-1k" "$work/got" | head -5 | sed 's/^/  | /'; }
done

# Python's tarfile; then a last entry whose header declares 9 GiB, without
# its data: skipped by --max-file-size with its size, then the archive ends
# early (plain: read, not sought) or is bounded by --max-total (gzip).
python3 - "$work" "$top" <<'EOF' || fail "python3 could not write the archives"
import gzip, io, os, sys, tarfile
work, top = sys.argv[1], sys.argv[2]
for fmt, tag in ((tarfile.PAX_FORMAT, "pax"), (tarfile.GNU_FORMAT, "gnu"),
                 (tarfile.USTAR_FORMAT, "ustar")):
    names = [l.rstrip("\n") for l in
             open(os.path.join(work, "list-ustar" if tag == "ustar" else "list"))]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for n in names:
            t.add(os.path.join(work, n), arcname=n, recursive=False)
    data = buf.getvalue()
    open(os.path.join(work, f"p-{tag}.tar"), "wb").write(data)
    if fmt == tarfile.USTAR_FORMAT:
        continue
    while data.endswith(bytes(512)):
        data = data[:-512]
    ti = tarfile.TarInfo(f"{top}/proc/big")
    ti.size = 9 << 30
    data += ti.tobuf(format=fmt)
    open(os.path.join(work, f"big-{tag}.tar"), "wb").write(data + bytes(4096))
EOF
for fmt in pax gnu ustar; do
	check "Python tarfile, $fmt" "$work/p-$fmt.tar"
done
for fmt in pax gnu; do
	rm -f "$work/a.db"
	"$M" load -q --raw -o "$work/a.db" "$work/big-$fmt.tar" 2> "$work/err"; rc=$?
	p=$(sqlite3 "$work/a.db" "SELECT problem FROM load_problems WHERE path = 'proc/big'")
	n=$(sqlite3 "$work/a.db" "SELECT count(*) FROM capture_file")
	if [ $rc = 1 ] && echo "$p" | grep -q "file of 9663676416 bytes exceeds the limit" &&
	   grep -q "truncated tar archive" "$work/err" &&
	   [ "$n" = "$(sqlite3 "$work/folder.db" "SELECT count(*) FROM capture_file")" ]; then
		ok "9 GiB declared ($fmt): skipped with its size, the archive's end named, $n files kept"
	else
		fail "9 GiB declared ($fmt): exit $rc, problem '$p', $n files, $(head -2 "$work/err")"
	fi
done

# Entries that are not regular files: the same problems as before.
python3 - "$work" "$top" <<'EOF' || fail "python3 could not write the specials"
import io, os, sys, tarfile
work, top = sys.argv[1], sys.argv[2]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
    t.add(os.path.join(work, top, "manifest.json"), arcname=f"{top}/manifest.json")
    for name, kind, kw in (("s", tarfile.SYMTYPE, {"linkname": "/etc/passwd"}),
                           ("h", tarfile.LNKTYPE, {"linkname": f"{top}/manifest.json"}),
                           ("c", tarfile.CHRTYPE, {}), ("b", tarfile.BLKTYPE, {}),
                           ("f", tarfile.FIFOTYPE, {}), ("d", tarfile.DIRTYPE, {})):
        ti = tarfile.TarInfo(f"{top}/{name}")
        ti.type = kind
        for k, v in kw.items():
            setattr(ti, k, v)
        t.addfile(ti)
open(os.path.join(work, "specials.tar"), "wb").write(buf.getvalue())
EOF
rm -f "$work/a.db"
"$M" load -q --raw -o "$work/a.db" "$work/specials.tar" 2>/dev/null
sqlite3 "$work/a.db" "SELECT path, problem FROM load_problems WHERE problem LIKE 'not a regular%' ORDER BY 1" > "$work/got"
cat > "$work/want-specials" <<EOF
b|not a regular file (block device), skipping
c|not a regular file (character device), skipping
f|not a regular file (FIFO), skipping
h|not a regular file (hard link to '$top/manifest.json'), skipping
s|not a regular file (symbolic link), skipping
EOF
cmp -s "$work/want-specials" "$work/got" && ok "links, devices, FIFOs: named and skipped; folders silent" ||
	{ fail "specials"; diff "$work/want-specials" "$work/got" | sed 's/^/  | /'; }

# GNU sparse files ('S' in gnu format, GNU.sparse.* pax records in posix)
# are named and skipped, not expanded: no collector writes one.
mkdir -p "$work/sp/$top/proc" && cp "$work/$top/manifest.json" "$work/sp/$top/"
truncate -s 1M "$work/sp/$top/proc/sparse" && echo x >> "$work/sp/$top/proc/sparse"
for fmt in gnu posix; do
	tar -C "$work/sp" --format=$fmt --sparse -cf "$work/sparse-$fmt.tar" "$top/manifest.json" "$top/proc/sparse"
	rm -f "$work/a.db"
	"$M" load -q --raw -o "$work/a.db" "$work/sparse-$fmt.tar" 2>/dev/null
	p=$(sqlite3 "$work/a.db" "SELECT problem FROM load_problems WHERE path = 'proc/sparse'")
	[ "$p" = "not a regular file (sparse file), skipping" ] && ok "a sparse file ($fmt): named and skipped" ||
		fail "a sparse file ($fmt): '$p'"
done

# Not a tar at all, and a tar cut inside a header.
head -c 3000 /dev/urandom | gzip > "$work/noise.tar.gz"
"$M" load -q -o "$work/n.db" "$work/noise.tar.gz" 2> "$work/err"; rc=$?
[ $rc = 1 ] && grep -q "noise.tar.gz': not a tar archive" "$work/err" &&
	ok "noise: exit 1, 'not a tar archive', the file named" || fail "noise: exit $rc: $(cat "$work/err")"
head -c 1300 "$work/g-posix.tar" > "$work/cut.tar"
"$M" load -q -o "$work/c.db" "$work/cut.tar" 2> "$work/err"; rc=$?
grep -q "cut.tar.*truncated tar archive" "$work/err" &&
	ok "cut in a header: exit $rc, 'truncated tar archive', the file named" || fail "cut: exit $rc: $(cat "$work/err")"

check_end
