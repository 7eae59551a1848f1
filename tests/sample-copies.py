#!/usr/bin/env python3
"""Find copies of the real samples in the repository's tracked files.

The real kernel output in $SAMPLES_DIR (../shared/samples) is third-party
text: the repository must hold neither a copy of a sample nor three or more
consecutive lines of one (issue 18).  Tests read the samples in place and
build their variants at test time.

    tests/sample-copies.py SAMPLES_DIR [REPO]

Prints one line per finding and exits 1 if there is any, 0 if none.

How lines are compared: a line is normalised (CR dropped, runs of blanks
made one, ends stripped); lines shorter than MIN_LEN after that are
ignored on both sides ("Call Trace:", "}", "active_anon 0"), as are lines
that the kernel prints the same on every machine (a line found in no
sample counts as the project's own).  A tracked line matches a sample line
when it equals it or ends with it after a blank or a bracket: the prefixes
that dmesg, journalctl, syslog, /dev/kmsg and mail quoting put in front of
a kernel line do not hide a copy.  A run is MIN_RUN or more consecutive
(non-ignored) tracked lines that match consecutive (non-ignored) lines of
one sample.
"""
import hashlib
import os
import re
import subprocess
import sys

MIN_LEN = 16
MIN_RUN = 3
VERBOSE = bool(os.environ.get("VERBOSE"))


def norm(line):
    return re.sub(r"[ \t]+", " ", line.replace("\r", "")).strip()


def suffixes(line):
    """The line and every tail of it that starts after a blank, ']', ';'
    or '>' (a prefix some tool put in front of a kernel line)."""
    yield line
    for m in re.finditer(r"[ \];>:]", line):
        tail = line[m.end():].lstrip()
        if len(tail) >= MIN_LEN:
            yield tail


# A key whose value is nothing but zeros ("SigBlk: 0000000000000000",
# "FilePmdMapped: 0 kB", "workingset_nodereclaim 0") reads the same on
# every machine: it is the kernel's wording, not one source's text.
ZERO_VALUE = re.compile(r"^[\w()]+:? [0 ]+(kB)?$")


def significant(text):
    """[(line number, normalised line)] of the lines that can tell a copy."""
    out = []
    for i, raw in enumerate(text.split("\n"), 1):
        n = norm(raw)
        if len(n) >= MIN_LEN and not ZERO_VALUE.match(n):
            out.append((i, n))
    return out


def read_text(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None, None
    if b"\0" in data[:8192]:
        return data, None                # binary: compared whole only
    return data, data.decode("utf-8", "replace")


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: sample-copies.py SAMPLES_DIR [REPO]\n")
        return 2
    samples_dir = sys.argv[1]
    repo = sys.argv[2] if len(sys.argv) > 2 else os.getcwd()

    sample_files = []
    for root, dirs, files in os.walk(samples_dir):
        dirs.sort()
        for name in sorted(files):
            if name == "SOURCES.md":
                continue
            sample_files.append(os.path.join(root, name))

    whole = {}                           # digest of the normalised text -> sample
    index = {}                           # normalised line -> [(sample, position)]
    for path in sample_files:
        rel = os.path.relpath(path, samples_dir)
        data, text = read_text(path)
        if data is None:
            continue
        if text is None:
            whole[hashlib.sha256(data).hexdigest()] = rel
            continue
        if significant(text):            # not a one-value file like "max"
            whole[hashlib.sha256(data).hexdigest()] = rel
            whole[hashlib.sha256(norm(text).encode()).hexdigest()] = rel
        for pos, (_, n) in enumerate(significant(text)):
            index.setdefault(n, []).append((rel, pos))

    tracked = subprocess.run(["git", "-C", repo, "ls-files", "-z"], check=True,
                             stdout=subprocess.PIPE).stdout.split(b"\0")
    findings = 0
    for name in tracked:
        if not name:
            continue
        rel = name.decode("utf-8", "surrogateescape")
        path = os.path.join(repo, rel)
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        data, text = read_text(path)
        if data is None:
            continue
        for digest in (hashlib.sha256(data).hexdigest(),
                       text is not None and hashlib.sha256(norm(text).encode()).hexdigest()):
            if digest in whole:
                print("%s: a copy of sample '%s'" % (rel, whole[digest]))
                findings += 1
                break
        if text is None:
            continue
        # runs[(sample, pos)] = (length, first line) of the run ending there
        runs = {}
        reported = set()
        for lineno, n in significant(text):
            hits = set()
            for tail in suffixes(n):
                hits.update(index.get(tail, ()))
            new = {}
            for sample, pos in hits:
                length, first = runs.get((sample, pos - 1), (0, lineno))
                new[(sample, pos)] = (length + 1, first)
                if length + 1 >= MIN_RUN and (sample, first) not in reported:
                    reported.add((sample, first))
                    print("%s:%d: %d or more consecutive lines of sample '%s'"
                          % (rel, first, MIN_RUN, sample))
                    if VERBOSE:
                        print("    " + n)
                    findings += 1
            runs = new
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
