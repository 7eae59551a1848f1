-- Memory cgroups ----------------------------------------------------------------
-- `cgroup` is the path below the memory hierarchy's root, '/' for the root,
-- e.g. '/kubepods/burstable/pod<uid>/<id>'.  The public view is `cgroups`
-- (70-views.sql).

-- One row per cgroup directory found in the capture.
CREATE TABLE cgroup_node (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup      TEXT NOT NULL,
    parent      TEXT,           -- NULL for the root
    depth       INTEGER NOT NULL, -- 0 for the root
    -- Kubernetes/container identity recognised in the path (k8s.h)
    k8s_level   TEXT,           -- 'root', 'qos', 'pod', 'container' or NULL
    qos_class   TEXT,           -- 'guaranteed', 'burstable', 'besteffort'
    pod_uid     TEXT,
    container_id TEXT,
    runtime     TEXT,           -- 'containerd', 'cri-o', 'docker'
    PRIMARY KEY (capture_id, cgroup)
) WITHOUT ROWID;

-- One-value files: memory.current, memory.max, memory.usage_in_bytes,
-- memory.limit_in_bytes, memory.oom.group, ...: one JSON object a cgroup,
-- {"memory.max": [value, unlimited], ...}.  `value` in bytes for sizes,
-- null past 2^63 - 1; `unlimited` is 1 for v2's 'max' (value null) and for
-- v1's huge "no limit" number.  A row a file (32,000 on a node of 2,000
-- v1 cgroups) was a tenth of `memsnap load`'s inserts.  Read it as rows
-- through the cgroup_file view; the working-set views read the object
-- with json_extract().
CREATE TABLE cgroup_file_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup      TEXT NOT NULL,
    files       TEXT NOT NULL,
    UNIQUE (capture_id, cgroup)
);

-- The one-value files as rows: one per file.
CREATE VIEW cgroup_file(capture_id, cgroup, file, value, unlimited) AS
SELECT d.capture_id, d.cgroup, j.key,
       json_extract(j.value, '$[0]'),
       json_extract(j.value, '$[1]')
FROM cgroup_file_data d, json_each(d.files) j;

-- memory.stat, every key as printed (v1: bytes and counts, with total_*
-- hierarchy sums when use_hierarchy=1; v2: bytes and event counts): one
-- JSON object a cgroup, {"key": value, ...} in the file's order, a value
-- past 2^63 - 1 as null.  80,000 rows of one key each (40 keys, 2,000
-- cgroups) were a fifth of `memsnap load`'s inserts.  Read it as rows
-- through the cgroup_stat view.  (A rowid table: a WITHOUT ROWID row of a
-- few KB spills to an overflow page of its own.)
CREATE TABLE cgroup_stat_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup      TEXT NOT NULL,
    keys        TEXT NOT NULL,
    UNIQUE (capture_id, cgroup)
);

-- memory.stat as rows: one per key.
CREATE VIEW cgroup_stat(capture_id, cgroup, key, value) AS
SELECT d.capture_id, d.cgroup, j.key, j.value
FROM cgroup_stat_data d, json_each(d.keys) j;

-- memory.stat's keys the working-set formulas read (cgroup_memory_at in
-- 80-working-set.sql), one row per cgroup, stored by the
-- loader with cgroup_stat_data (which keeps every key): pivoting memory.stat
-- in SQL (80,000 keys on a node of 2,000 cgroups) took a tenth of a load.
-- NULL: not in the file.
-- This table is the list of those keys: every column after cgroup is the
-- memory.stat key of the same name, and the loader fills the columns it
-- finds here (analyze/load/cgroup.c reads them from the schema).  Adding a
-- key is adding its column.
CREATE TABLE cgroup_memstat (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup      TEXT NOT NULL,
    anon INTEGER, file INTEGER, kernel INTEGER, shmem INTEGER,
    active_file INTEGER, inactive_file INTEGER, swapcached INTEGER,
    slab_reclaimable INTEGER, slab_unreclaimable INTEGER, kernel_stack INTEGER,
    pagetables INTEGER, sec_pagetables INTEGER, percpu INTEGER, sock INTEGER,
    vmalloc INTEGER, slab INTEGER, zswap INTEGER, hugetlb INTEGER,
    -- cgroup v1 (hierarchical totals)
    total_rss INTEGER, total_cache INTEGER, total_shmem INTEGER,
    total_active_file INTEGER, total_inactive_file INTEGER,
    total_swapcached INTEGER, total_swap INTEGER,
    hierarchical_memory_limit INTEGER,
    PRIMARY KEY (capture_id, cgroup)
) WITHOUT ROWID;

-- Flat-keyed files: memory.events, memory.events.local, memory.swap.events,
-- cgroup.stat, memory.oom_control (v1).
CREATE TABLE cgroup_event (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup      TEXT NOT NULL,
    file        TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       INTEGER,
    PRIMARY KEY (capture_id, cgroup, file, key)
) WITHOUT ROWID;

-- memory.pressure (PSI): share of time tasks stalled on memory.
CREATE TABLE cgroup_pressure (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup      TEXT NOT NULL,
    kind        TEXT NOT NULL,   -- 'some' or 'full'
    avg10       REAL,            -- percent
    avg60       REAL,
    avg300      REAL,
    total_us    INTEGER,         -- microseconds stalled since creation
    PRIMARY KEY (capture_id, cgroup, kind)
) WITHOUT ROWID;

-- cgroup.procs: which process is in which cgroup, as the hierarchy says.
CREATE TABLE cgroup_proc (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup      TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    PRIMARY KEY (capture_id, pid, cgroup)
) WITHOUT ROWID;
