#!/usr/bin/env python3
"""Make every number of a memsnap database unknown (NULL), but what names a
row (ids, pids, lines, versions, flags): tests/t58 then checks that no report
and no finding shows an unknown as 0.  Usage: null-numbers.py DB"""
import sqlite3, sys

KEEP = {"capture_id", "pid", "ppid", "uid", "euid", "tgid", "nspid", "event", "map_id",
        "line", "first_line", "last_line", "seq", "fd", "depth", "version", "cgroup_version",
        "format_version", "collector_pid", "reader_pid", "complete", "load_complete", "is_root", "kthread",
        "global_oom", "memcg", "reaped", "unlimited", "env_known", "frozen", "btf_id", "block",
        "map_type", "flags", "map_flags", "no_killable", "victim_exiting", "trigger_pid",
        "oomkill_pid", "chosen_pid", "killed_pid", "trigger_uid", "oomkill_uid", "killed_uid",
        "errno", "cpu"}
db = sqlite3.connect(sys.argv[1])
n = 0
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall():
    for c in db.execute(f'PRAGMA table_info("{t}")').fetchall():
        name, typ, notnull, pk = c[1], c[2], c[3], c[5]
        if pk or notnull or name in KEEP or typ not in ("INTEGER", "REAL", ""):
            continue
        if typ == "" and db.execute(f'SELECT count(*) FROM "{t}" WHERE typeof("{name}") IN (\'integer\', \'real\')').fetchone()[0] == 0:
            continue
        db.execute(f'UPDATE "{t}" SET "{name}" = NULL')
        n += 1
db.commit()
print(f"{n} columns made NULL")
