-- BPF maps ------------------------------------------------------------------------
-- From two sources: the fdinfo of every BPF map fd a process holds (always
-- captured) and `bpftool map -j` (when bpftool was there).  Public view:
-- `bpf_maps` (70-views.sql).

-- proc/<pid>/fdinfo/<fd> of a BPF map fd.
CREATE TABLE bpf_fdinfo (
    capture_id   INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    pid          INTEGER NOT NULL,
    fd           INTEGER NOT NULL,
    map_id       INTEGER,          -- 4.14+
    map_type     INTEGER,          -- enum bpf_map_type
    type_name    TEXT,             -- 'hash', 'array', ...
    key_size     INTEGER,          -- bytes
    value_size   INTEGER,          -- bytes
    max_entries  INTEGER,
    map_flags    INTEGER,
    memlock      INTEGER,          -- bytes: an estimate before 6.4, the real usage after
    frozen       INTEGER,
    PRIMARY KEY (capture_id, pid, fd)
) WITHOUT ROWID;

-- collector/bpftool-map.json
CREATE TABLE bpftool_map (
    capture_id     INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    map_id         INTEGER NOT NULL,
    type           TEXT,
    name           TEXT,
    flags          INTEGER,
    bytes_key      INTEGER,
    bytes_value    INTEGER,
    max_entries    INTEGER,
    bytes_memlock  INTEGER,        -- NULL when bpftool did not print it
    frozen         INTEGER,
    btf_id         INTEGER,
    loaded_at      TEXT,
    PRIMARY KEY (capture_id, map_id)
) WITHOUT ROWID;

-- bpftool's "pids": processes holding a map (bpftool built with skeletons).
CREATE TABLE bpftool_map_pid (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    map_id      INTEGER NOT NULL,
    pid         INTEGER NOT NULL,
    comm        TEXT,
    PRIMARY KEY (capture_id, map_id, pid)
) WITHOUT ROWID;
