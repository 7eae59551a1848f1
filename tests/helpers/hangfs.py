#!/usr/bin/env python3
"""A FUSE filesystem that stops answering: the hung sshfs/s3fs of issue 17.

    hangfs.py MOUNTPOINT FILE

Mounts (as root, speaking the /dev/fuse protocol itself: no libfuse needed)
a read-only filesystem holding one executable, /exe, whose bytes are FILE's.
It answers every request until it gets SIGUSR1; from then on it reads each
request and never answers it.  A process that waits for such a request (it
was read, so the kernel waits for the answer in request_wait_answer()) sleeps
uninterruptibly: not even SIGKILL ends it until the daemon dies, which
aborts the connection.  Attributes are never cached, so every stat() of
/exe reaches the daemon.  Prints "ready" once mounted; runs until killed.
"""
import ctypes
import os
import signal
import struct
import sys

FUSE_LOOKUP, FUSE_FORGET, FUSE_GETATTR = 1, 2, 3
FUSE_OPEN, FUSE_READ, FUSE_RELEASE = 14, 15, 18
FUSE_FLUSH, FUSE_INIT, FUSE_INTERRUPT = 25, 26, 36
FUSE_DESTROY, FUSE_BATCH_FORGET = 38, 42
NO_REPLY = (FUSE_FORGET, FUSE_BATCH_FORGET, FUSE_INTERRUPT)

IN_HDR = struct.Struct("<IIQQIIIHH")      # fuse_in_header, 40 bytes
OUT_HDR = struct.Struct("<IiQ")           # fuse_out_header, 16 bytes
ATTR = struct.Struct("<QQQQQQIIIIIIIIII")  # fuse_attr, 88 bytes
ROOT, EXE = 1, 2

hung = False


def on_usr1(_sig, _frame):
    global hung
    hung = True


def attr(ino, size):
    if ino == ROOT:
        return ATTR.pack(ROOT, 0, 0, 0, 0, 0, 0, 0, 0, 0o40555, 2, 0, 0, 0, 4096, 0)
    return ATTR.pack(EXE, size, (size + 511) // 512, 0, 0, 0, 0, 0, 0,
                     0o100555, 1, 0, 0, 0, 4096, 0)


def main():
    mnt, src = sys.argv[1], sys.argv[2]
    data = open(src, "rb").read()
    signal.signal(signal.SIGUSR1, on_usr1)
    fd = os.open("/dev/fuse", os.O_RDWR)
    libc = ctypes.CDLL(None, use_errno=True)
    opts = "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other" % fd
    MS_NOSUID, MS_NODEV = 2, 4
    if libc.mount(b"hangfs", mnt.encode(), b"fuse.hangfs", MS_NOSUID | MS_NODEV,
                  opts.encode()) != 0:
        e = ctypes.get_errno()
        sys.exit("hangfs: cannot mount '%s': %s" % (mnt, os.strerror(e)))

    def reply(unique, err=0, body=b""):
        os.write(fd, OUT_HDR.pack(OUT_HDR.size + len(body), -err, unique) + body)

    said_ready = False
    while True:
        try:
            req = os.read(fd, 1 << 20)
        except InterruptedError:
            continue
        except OSError:
            return      # unmounted: ENODEV
        _, op, unique, node, *_ = IN_HDR.unpack_from(req)
        arg = req[IN_HDR.size:]
        if op in NO_REPLY:
            continue
        if hung:
            continue    # read, never answered
        if op == FUSE_INIT:
            major, minor = struct.unpack_from("<II", arg)
            # fuse_init_out of protocol 7.31: 64 bytes
            reply(unique, 0, struct.pack("<IIIIHHIIHHI7I", 7, min(minor, 31),
                                         0, 0, 16, 12, 1 << 17, 1, 0, 0, 0,
                                         *([0] * 7)))
            if not said_ready:
                said_ready = True
                print("ready", flush=True)
        elif op == FUSE_LOOKUP:
            name = arg.split(b"\0", 1)[0]
            if node == ROOT and name == b"exe":
                # nodeid, generation, entry and attr valid 0 s: no caching
                reply(unique, 0, struct.pack("<QQQQII", EXE, 0, 0, 0, 0, 0) +
                      attr(EXE, len(data)))
            else:
                reply(unique, 2)
        elif op == FUSE_GETATTR:
            reply(unique, 0, struct.pack("<QII", 0, 0, 0) + attr(node, len(data)))
        elif op == FUSE_OPEN:
            reply(unique, 0, struct.pack("<QII", 0, 0, 0))
        elif op == FUSE_READ:
            _, off, size = struct.unpack_from("<QQI", arg)
            reply(unique, 0, data[off:off + size])
        elif op in (FUSE_RELEASE, FUSE_FLUSH):
            reply(unique)
        elif op == FUSE_DESTROY:
            reply(unique)
            return
        else:
            reply(unique, 38)   # ENOSYS


if __name__ == "__main__":
    main()
