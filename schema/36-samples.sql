-- Samples 2..N of a multi-sample capture (capture.md section 6): what the
-- loader stores of samples/.  Sample 1 is in the tables above; the public
-- views are in 88-samples.sql.

-- samples/index.tsv, one row per sample line.
CREATE TABLE sample_index (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample      INTEGER NOT NULL,
    mono_ns     INTEGER, mono_end_ns INTEGER,
    realtime    TEXT,                 -- "seconds.nanoseconds" since the epoch
    kind TEXT, trigger TEXT, status TEXT,
    PRIMARY KEY (capture_id, sample)
) WITHOUT ROWID;

-- Samples 2..N in spans (capture.md 6.1; analyze/load/samples.c): a process
-- (its status) or a cgroup (all its files below, as one) whose bytes did
-- not change from one sample to the next is stored once, with the samples
-- it holds for: from `sample` to `sample_last`, every sample of the
-- capture in between (sample_index; a sample missing from the archive, or
-- one without the file, ends a span).  A cgroup's rows share its spans,
-- but cgroup_proc_span's: cgroup.procs has spans of its own (processes
-- come and go seldom; the sizes change often).  The *_sample views below
-- give one row a sample.

-- A later sample's memory.stat keys: cgroup_memstat's columns (the one list
-- of them), after the span's samples.
CREATE TABLE cgroup_memstat_span AS
SELECT CAST(0 AS INTEGER) AS sample, CAST(0 AS INTEGER) AS sample_last, *
FROM cgroup_memstat WHERE 0;
CREATE INDEX cgroup_memstat_span_key ON cgroup_memstat_span(capture_id, sample, cgroup);

-- A later sample's one-value files (memory.current, memory.usage_in_bytes,
-- memory.kmem.usage_in_bytes, memory.swap.current), a row a file.
CREATE TABLE cgroup_value_span (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL, sample_last INTEGER NOT NULL,
    cgroup TEXT NOT NULL, file TEXT NOT NULL,
    value INTEGER, unlimited INTEGER,
    PRIMARY KEY (capture_id, sample, cgroup, file)
) WITHOUT ROWID;

-- Every cgroup of a later sample with its one-value files as one JSON
-- object, cgroup_file_data's form (the loader fills it after the last file).
CREATE TABLE cgroup_file_span (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL, sample_last INTEGER NOT NULL,
    cgroup TEXT NOT NULL, files TEXT,
    PRIMARY KEY (capture_id, cgroup, sample)
) WITHOUT ROWID;

-- A later sample's proc/<pid>/status.
CREATE TABLE proc_status_span (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL, sample_last INTEGER NOT NULL,
    pid INTEGER NOT NULL, comm TEXT,
    vm_rss INTEGER, rss_anon INTEGER, rss_file INTEGER, rss_shmem INTEGER,
    vm_swap INTEGER,
    PRIMARY KEY (capture_id, pid, sample)
) WITHOUT ROWID;

-- A later sample's memory.events (cgroup v2), key by key (sample 1's are
-- cgroup_event's).
CREATE TABLE cgroup_event_span (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL, sample_last INTEGER NOT NULL,
    cgroup TEXT NOT NULL, key TEXT NOT NULL, value INTEGER,
    PRIMARY KEY (capture_id, cgroup, key, sample)
) WITHOUT ROWID;

-- A later sample's cgroup.procs: the processes of each memory cgroup
-- (sample 1's are cgroup_proc).
CREATE TABLE cgroup_proc_span (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL, sample_last INTEGER NOT NULL,
    cgroup TEXT NOT NULL, pid INTEGER NOT NULL,
    PRIMARY KEY (capture_id, sample, cgroup, pid)
) WITHOUT ROWID;

-- cgroup_memstat_span is made from cgroup_memstat's columns, without its
-- foreign key: removed with its capture here.
CREATE TRIGGER cgroup_memstat_span_cascade AFTER DELETE ON capture
BEGIN
  DELETE FROM cgroup_memstat_span WHERE capture_id = old.capture_id;
END;

-- Internal: the spans a row a sample, as the loader stored them before
-- spans (a capture cut before its samples/index.tsv has each span at its
-- first sample only).  cgroup_memory_src reads cgroup_file_span and
-- cgroup_memstat_span as spans.
CREATE VIEW cgroup_file_sample AS
SELECT s.capture_id, coalesce(i.sample, s.sample) AS sample, s.cgroup, s.files
FROM cgroup_file_span s
LEFT JOIN sample_index i ON i.capture_id = s.capture_id
 AND i.sample BETWEEN s.sample AND s.sample_last;
CREATE VIEW proc_status_sample AS
SELECT s.capture_id, coalesce(i.sample, s.sample) AS sample, s.pid, s.comm, s.vm_rss,
       s.rss_anon, s.rss_file, s.rss_shmem, s.vm_swap
FROM proc_status_span s
LEFT JOIN sample_index i ON i.capture_id = s.capture_id
 AND i.sample BETWEEN s.sample AND s.sample_last;
CREATE VIEW cgroup_event_sample AS
SELECT s.capture_id, coalesce(i.sample, s.sample) AS sample, s.cgroup, s.key, s.value
FROM cgroup_event_span s
LEFT JOIN sample_index i ON i.capture_id = s.capture_id
 AND i.sample BETWEEN s.sample AND s.sample_last;
CREATE VIEW cgroup_proc_sample AS
SELECT s.capture_id, coalesce(i.sample, s.sample) AS sample, s.cgroup, s.pid
FROM cgroup_proc_span s
LEFT JOIN sample_index i ON i.capture_id = s.capture_id
 AND i.sample BETWEEN s.sample AND s.sample_last;
