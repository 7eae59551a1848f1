-- Processes ---------------------------------------------------------------------
-- One row per file kind and process, as the capture held them.  The public
-- view is `processes` (70-views.sql).

-- proc/<pid>/status: sizes in bytes (the kernel prints kB).
CREATE TABLE proc_status (
    capture_id     INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    pid            INTEGER NOT NULL,
    comm           TEXT,      -- Name:, as printed (may hold any bytes)
    state          TEXT,
    ppid           INTEGER,
    uid            INTEGER,   -- real uid
    euid           INTEGER,   -- effective uid
    threads        INTEGER,
    kthread        INTEGER,   -- 1 kernel thread, 0 not, NULL unknown (< 6.x)
    nspid          INTEGER,   -- pid inside its own pid namespace
    vm_peak        INTEGER,
    vm_size        INTEGER,   -- NULL for kernel threads
    vm_lck         INTEGER,
    vm_pin         INTEGER,
    vm_hwm         INTEGER,   -- peak RSS
    vm_rss         INTEGER,   -- RSS = rss_anon + rss_file + rss_shmem
    rss_anon       INTEGER,   -- 4.5+
    rss_file       INTEGER,
    rss_shmem      INTEGER,
    vm_data        INTEGER,
    vm_stk         INTEGER,
    vm_exe         INTEGER,
    vm_lib         INTEGER,
    vm_pte         INTEGER,   -- page tables
    vm_pmd         INTEGER,   -- 4.0-4.14
    vm_swap        INTEGER,
    hugetlb        INTEGER,
    PRIMARY KEY (capture_id, pid)
) WITHOUT ROWID;

-- proc/<pid>/smaps_rollup (4.14+): sizes in bytes.  PSS (proportional set
-- size) divides each shared page among the processes mapping it, so PSS
-- sums over processes count shared memory once.
CREATE TABLE proc_smaps (
    capture_id       INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    pid              INTEGER NOT NULL,
    rss              INTEGER,
    pss              INTEGER,
    pss_dirty        INTEGER,   -- 6.0+
    pss_anon         INTEGER,   -- 5.3+
    pss_file         INTEGER,
    pss_shmem        INTEGER,
    shared_clean     INTEGER,
    shared_dirty     INTEGER,
    private_clean    INTEGER,
    private_dirty    INTEGER,
    referenced       INTEGER,
    anonymous        INTEGER,
    ksm              INTEGER,   -- 6.6+
    lazyfree         INTEGER,
    anon_huge        INTEGER,
    shmem_pmd        INTEGER,
    file_pmd         INTEGER,
    shared_hugetlb   INTEGER,
    private_hugetlb  INTEGER,
    swap             INTEGER,
    swap_pss         INTEGER,
    locked           INTEGER,
    PRIMARY KEY (capture_id, pid)
) WITHOUT ROWID;

-- Keys of status and smaps_rollup that have no column here (Cap*, Sig*,
-- Cpus_allowed, ...; keys of newer kernels): one JSON object per process
-- and file, {"key": "value", ...} in the file's order
-- (invalid UTF-8 becomes U+FFFD; the capture has the raw file).
-- One row per process rather than one per key: a node of 10,000
-- processes has ~340,000 such keys, a third of all rows, and loading them
-- one by one took a third of `memsnap load`.  Read them as rows through
-- the proc_kv view.
CREATE TABLE proc_extra (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    pid         INTEGER NOT NULL,
    file        TEXT NOT NULL,   -- 'status' or 'smaps_rollup'
    keys        TEXT NOT NULL    -- a JSON object of strings
);
-- (A rowid table: a WITHOUT ROWID row of 1 KB spills to an overflow page
-- of its own, four times the space.)
CREATE INDEX proc_extra_pid ON proc_extra(capture_id, pid);

-- proc_extra as rows: one per key.
CREATE VIEW proc_kv(capture_id, pid, file, key, value) AS
SELECT e.capture_id, e.pid, e.file, j.key, j.value
FROM proc_extra e, json_each(e.keys) j;

-- proc/<pid>/cgroup: one JSON array a process, a [hierarchy, controllers,
-- path] array a line in the file's order; the path's bytes as printed
-- (json_each gives them back unchanged).  A row a line (50,000 on a v1
-- node of 10,000 processes) was a seventh of `memsnap load`'s inserts.
-- Read it through the proc_cgroup view.
CREATE TABLE proc_cgroup_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    pid         INTEGER NOT NULL,
    lines       TEXT NOT NULL
);
CREATE INDEX proc_cgroup_pid ON proc_cgroup_data(capture_id, pid);

-- proc/<pid>/cgroup as rows: one per line.
CREATE VIEW proc_cgroup(capture_id, pid, hierarchy, controllers, path) AS
SELECT d.capture_id, d.pid,
       json_extract(j.value, '$[0]'),  -- 0 for the cgroup v2 line
       json_extract(j.value, '$[1]'),  -- 'memory', 'cpu,cpuacct', '' (v2)
       json_extract(j.value, '$[2]')   -- as printed
FROM proc_cgroup_data d, json_each(d.lines) j;

-- The rest of a process: oom_score_adj, cmdline (only with --cmdline), and
-- the memory cgroup from its cgroup file (the v1 line naming memory, else
-- the v2 line).
CREATE TABLE proc_misc (
    capture_id     INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    pid            INTEGER NOT NULL,
    oom_score_adj  INTEGER,
    cmdline        TEXT,      -- NUL separators shown as spaces
    memcg          TEXT,      -- memory cgroup path from proc/<pid>/cgroup
    PRIMARY KEY (capture_id, pid)
) WITHOUT ROWID;

-- Go programs (collector/go/<pid>.json): version and the GC settings.
CREATE TABLE proc_go (
    capture_id   INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    pid          INTEGER NOT NULL,
    go_version   TEXT,
    gogc         TEXT,      -- GOGC as set ('off', '100', ...), NULL when unset
    gomemlimit   TEXT,      -- GOMEMLIMIT as set ('900MiB'), NULL when unset
    gomemlimit_bytes INTEGER, -- GOMEMLIMIT parsed to bytes, NULL when unset/invalid
    gomaxprocs   TEXT,
    godebug      TEXT,
    env_known    INTEGER NOT NULL DEFAULT 1,
                            -- 1 when the collector read the environment ("env"
                            -- an object), 0 when it could not ("env": null,
                            -- e.g. environ denied): then unset is unknown
    PRIMARY KEY (capture_id, pid)
) WITHOUT ROWID;
