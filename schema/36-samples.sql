-- Samples 2..N of a multi-sample capture (capture.md section 6): what the
-- loader stores of samples/.  Sample 1 is in the tables above; the public
-- views are in 99-samples.sql.

-- samples/index.tsv, one row per sample line.
CREATE TABLE sample_index (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample      INTEGER NOT NULL,
    mono_ns     INTEGER, mono_end_ns INTEGER,
    realtime    TEXT,                 -- "seconds.nanoseconds" since the epoch
    kind TEXT, trigger TEXT, status TEXT,
    PRIMARY KEY (capture_id, sample)
) WITHOUT ROWID;

-- A later sample's memory.stat keys: cgroup_memstat's columns (the one list
-- of them), after the sample's number.
CREATE TABLE cgroup_memstat_sample AS
SELECT CAST(0 AS INTEGER) AS sample, * FROM cgroup_memstat WHERE 0;
CREATE INDEX cgroup_memstat_sample_key ON cgroup_memstat_sample(capture_id, sample, cgroup);

-- A later sample's one-value files (memory.current, memory.usage_in_bytes,
-- memory.swap.current), a row a file.
CREATE TABLE cgroup_value_sample (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL, cgroup TEXT NOT NULL, file TEXT NOT NULL,
    value INTEGER, unlimited INTEGER,
    PRIMARY KEY (capture_id, sample, cgroup, file)
) WITHOUT ROWID;

-- Every cgroup of a later sample with its one-value files as one JSON
-- object, cgroup_file_data's form (the loader fills it after the last file).
CREATE TABLE cgroup_file_sample (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL, cgroup TEXT NOT NULL, files TEXT,
    PRIMARY KEY (capture_id, sample, cgroup)
) WITHOUT ROWID;

-- A later sample's proc/<pid>/status.
CREATE TABLE proc_status_sample (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL, pid INTEGER NOT NULL, comm TEXT,
    vm_rss INTEGER, rss_anon INTEGER, rss_file INTEGER, rss_shmem INTEGER,
    vm_swap INTEGER,
    PRIMARY KEY (capture_id, sample, pid)
) WITHOUT ROWID;

-- A later sample's memory.events (cgroup v2), key by key (sample 1's are
-- cgroup_event's).
CREATE TABLE cgroup_event_sample (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL, cgroup TEXT NOT NULL, key TEXT NOT NULL, value INTEGER,
    PRIMARY KEY (capture_id, sample, cgroup, key)
) WITHOUT ROWID;

-- A later sample's cgroup.procs: the processes of each memory cgroup
-- (sample 1's are cgroup_proc).
CREATE TABLE cgroup_proc_sample (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL, cgroup TEXT NOT NULL, pid INTEGER NOT NULL,
    PRIMARY KEY (capture_id, sample, cgroup, pid)
) WITHOUT ROWID;

-- cgroup_memstat_sample is made from cgroup_memstat's columns, without its
-- foreign key: removed with its capture here.
CREATE TRIGGER cgroup_memstat_sample_cascade AFTER DELETE ON capture
BEGIN
  DELETE FROM cgroup_memstat_sample WHERE capture_id = old.capture_id;
END;
