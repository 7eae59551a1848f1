#!/usr/bin/env python3
"""unpack-samples.py IN.tar.gz OUT.tar.gz: a capture of packed later samples
(schema/capture.md 6.1, samples layout 2: samples/<k>/pack-<n>) rewritten
in the layout of earlier collectors (layout 1: an entry a file,
samples/<k>/<path>), entries in the same order, manifest.samples without
`layout`.  Exits 1 on a pack that is not one."""
import io
import json
import re
import sys
import tarfile

PACK = re.compile(r"^([^/]+/samples/[0-9]+/)pack-[1-9][0-9]*$")


def records(data):
    pos = 0
    while pos < len(data):
        nl = data.index(b"\n", pos)
        plen, dlen = (int(x) for x in data[pos:nl].split(b" "))
        path = data[nl + 1:nl + 1 + plen]
        body = data[nl + 1 + plen:nl + 1 + plen + dlen]
        if data[nl + 1 + plen + dlen:nl + 2 + plen + dlen] != b"\n":
            sys.exit("error: '%s' is not a pack at byte %d" % (sys.argv[1], pos))
        pos = nl + 2 + plen + dlen
        yield path.decode("utf-8", "surrogateescape"), body


def add(out, m, data):
    m = tarfile.TarInfo(m.name) if not isinstance(m, tarfile.TarInfo) else m
    m.size = len(data)
    out.addfile(m, io.BytesIO(data))


with tarfile.open(sys.argv[1]) as tin, tarfile.open(sys.argv[2], "w:gz") as tout:
    for m in tin:
        data = tin.extractfile(m).read() if m.isfile() else None
        p = PACK.match(m.name)
        if p:
            for path, body in records(data):
                i = tarfile.TarInfo(p.group(1) + path)
                i.mtime, i.mode = m.mtime, 0o444
                add(tout, i, body)
        elif m.name.endswith("/manifest.json") and m.name.count("/") == 1:
            man = json.loads(data)
            man.get("samples", {}).pop("layout", None)
            add(tout, m, json.dumps(man, indent=1).encode())
        elif data is not None:
            add(tout, m, data)
        else:
            tout.addfile(m)
