-- memsnap SQL schema
--
-- The tables below hold what the captures say, parsed; the views in the
-- later files (70-views.sql onwards) are the public, stable interface.
-- Conventions: every table has capture_id; sizes are INTEGER bytes; NULL
-- means absent or unknown, never zero; times are ISO 8601 UTC text.
-- Views use only SQLite's built-in functions, so any sqlite3 shell can
-- query a memsnap database, but for two that memsnap registers on its own
-- connections: human_bytes() (findings, report_findings,
-- report_fleet_findings, bpf_by_cgroup) and k8s_cgroup() (the diff_*
-- views); query those with `memsnap sql`.

-- memsnap turns foreign keys on for every connection (PRAGMA foreign_keys
-- is a connection setting); do the same in your own shell to have
-- DELETE FROM capture cascade.

-- One row per loaded capture (from its manifest.json).
CREATE TABLE capture (
    capture_id          INTEGER PRIMARY KEY,
    capture_key         TEXT NOT NULL UNIQUE, -- boot_id + start (no manifest: name + hash of the files): loading twice is a no-op
    source              TEXT,      -- the file or folder it was loaded from
    name                TEXT,      -- top-level folder: memsnap-<host>-<time>
    format_version      INTEGER,
    collector_version   TEXT,
    collector_pid       INTEGER,   -- left out of process views
    reader_pid          INTEGER,   -- the collector's reading child: left out too
    hostname            TEXT,
    kernel_release      TEXT,
    kernel_version      TEXT,
    machine             TEXT,
    boot_id             TEXT,
    page_size           INTEGER,   -- bytes
    started_at          TEXT,      -- UTC
    finished_at         TEXT,      -- UTC
    started_monotonic   REAL,      -- seconds since boot (CLOCK_MONOTONIC)
    finished_monotonic  REAL,
    started_boottime    REAL,      -- seconds since boot (CLOCK_BOOTTIME)
    finished_boottime   REAL,
    cgroup_mode         TEXT,      -- v1, v2, hybrid, none
    memory_root         TEXT,      -- archive path of the memory hierarchy
    complete            INTEGER,   -- 0 when the collector was interrupted
    interrupted         TEXT,      -- SIGTERM, timeout, ... or NULL
    manifest            TEXT,      -- manifest.json as read
    load_complete       INTEGER,   -- 1: every file was read; 0: a limit (--max-*) or a broken archive cut the load, and loading it again replaces it
    capture_uid         TEXT       -- the capture's identity across databases (capture_uid() in analyze/load/load.h), set with capture_key
);
-- The captures being loaded: load_complete is NULL until a load ends (in
-- one transaction with the capture's rows).  The loader's derived tables
-- are worked out for these (the *_calc views): found by key, where
-- "every capture not yet in the derived table" read every capture of the
-- database for each load.
CREATE INDEX capture_loading ON capture(capture_id) WHERE load_complete IS NULL;

-- What the collector could not read (manifest.json "problems").
CREATE TABLE collect_problem (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    path        TEXT,      -- archive path or source name
    kind        TEXT,      -- vanished, absent, denied, timeout, too_large, error
    errno       INTEGER,
    error       TEXT,
    action      TEXT
);
-- by capture (the report's problems, a capture deleted); and the vanished
-- ones by path too: whether a cgroup vanished is a lookup of its path
-- (cgroup_memory_src), where the capture's 500 problems were read for each
-- of its 500 cgroups (a load of the smem bench's node 1.2 -> 2.3 G
-- instructions).  Only those: an index of every problem's path cost a
-- capture of an earlier collector (10,000 problems, a cgroup's file named
-- again at each sample) 65 M instructions of its 1.1 G load.
CREATE INDEX collect_problem_capture ON collect_problem(capture_id);
CREATE INDEX collect_problem_vanished ON collect_problem(capture_id, path)
    WHERE kind = 'vanished';

-- What the loader could not use: a file that did not parse, an archive
-- entry that was not a regular file, a limit that was hit.
CREATE TABLE load_problem (
    capture_id  INTEGER REFERENCES capture(capture_id) ON DELETE CASCADE,
    path        TEXT,      -- path inside the capture
    problem     TEXT       -- why, in one line
);
CREATE INDEX load_problem_capture ON load_problem(capture_id);
