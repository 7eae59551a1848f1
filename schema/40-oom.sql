-- OOM reports from the kernel log ----------------------------------------------
-- Filled by oom_store() (analyze/oom_store.c) from a capture's
-- collector/kmsg.txt (or kmsg-syslog.txt), and by `memsnap oom FILE` from a
-- pasted log.  One report of the kernel's OOM killer is one event; a report
-- cut short (it begins mid-way, or ends before the kill) is still an event,
-- with complete = 0.  Values are as the kernel printed them, converted to
-- bytes (kB * 1024, pages * page_size); NULL means the report did not say.

-- One row per OOM report.
CREATE TABLE oom_event (
    capture_id      INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    event           INTEGER NOT NULL,  -- 1, 2, ... in log order within the capture
    first_line      INTEGER,  -- first and last line (1-based) of the report in the log
    last_line       INTEGER,
    kernel_time     REAL,     -- seconds since boot (the log's "[ 12.345678]" or kmsg usec) of the first line
    log_time        TEXT,     -- wall-clock text of the first line as the log printed it (syslog, dmesg -T, ISO)
    log_wall_time   TEXT,     -- log_time as ISO 8601: node local time, or UTC ("Z") when the log gave an offset; as printed when it has no year (BSD syslog)
    trigger_comm    TEXT,     -- the task that asked for memory ("<comm> invoked oom-killer"), else the CPU line's Comm
    trigger_pid     INTEGER,  -- its PID from the CPU line (a thread id)
    trigger_uid     INTEGER,  -- its UID from the CPU line (6.x kernels)
    gfp_mask        TEXT,     -- "0x24000c0"
    gfp_flags       TEXT,     -- "GFP_KERNEL|__GFP_COMP" (4.x+)
    alloc_order     INTEGER,  -- order= of the failed allocation (pages = 2^order)
    trigger_oom_score_adj INTEGER, -- oom_score_adj= of the trigger line
    trigger_oom_adj INTEGER,  -- oom_adj= (2.6.32)
    nodemask        TEXT,     -- nodemask= of the trigger (4.x) or oom-kill line
    cpuset          TEXT,     -- the trigger's cpuset (cpuset line before 4.19, else the oom-kill line)
    mems_allowed    TEXT,
    kernel_release  TEXT,     -- from the CPU line
    kind            TEXT,     -- 'memcg' (a memory cgroup's limit) or 'global' (the node ran out); NULL when the report does not tell
    oom_constraint  TEXT,     -- constraint= of the oom-kill line: CONSTRAINT_NONE, _CPUSET, _MEMORY_POLICY, _MEMCG; NULL when absent or printed empty
    global_oom      INTEGER,  -- 1 when the oom-kill line said global_oom
    oom_memcg       TEXT,     -- the cgroup whose limit was hit, as printed (oom-kill line, "Task in .. limit of Y", else the stats block's cgroup)
    task_memcg      TEXT,     -- the victim's cgroup, as printed
    oom_group_memcg TEXT,     -- "Tasks in X are going to be killed due to memory.oom.group set"
    pod_uid         TEXT,     -- Kubernetes pod uid from task_memcg (else oom_memcg), with dashes
    container_id    TEXT,     -- container id from task_memcg (else oom_memcg)
    oomkill_task    TEXT,     -- task= of the oom-kill line (4.19+): the victim chosen,
    oomkill_pid     INTEGER,  --   pid= of it; a kill line may not follow (victim_exiting, a cut log)
    oomkill_uid     INTEGER,  -- uid= of the oom-kill line
    chosen_pid      INTEGER,  -- "Kill process N (x) score S or sacrifice child" (before 5.1): selected,
    chosen_comm     TEXT,     --   its child may be killed instead
    chosen_score    INTEGER,  -- S, the oom badness score (0..1000 on 3.x+)
    no_killable     INTEGER,  -- 1: "Out of memory and no killable processes..."
    -- The victim, resolved: the task the kill line says was killed; where
    -- that line is silent, from the oom-kill line and the victim's
    -- task-table row.  NULL when no kill line names one (nothing killed, or
    -- the log ends first), also when an oom-kill line names the task chosen.
    killed_pid      INTEGER,
    killed_comm     TEXT,
    killed_uid      INTEGER,
    killed_total_vm_bytes INTEGER,   -- total-vm: (virtual size)
    killed_anon_rss_bytes INTEGER,   -- anon-rss:
    killed_file_rss_bytes INTEGER,   -- file-rss:
    killed_shmem_rss_bytes INTEGER,  -- shmem-rss:
    killed_pgtables_bytes INTEGER,   -- pgtables: (or the row's pgtables_bytes, (nr_ptes + nr_pmds) pages)
    killed_oom_score_adj INTEGER,
    victim_exiting  INTEGER,  -- 1: "OOM victim N (x) is already exiting. Skip killing the task": nobody killed
    page_size       INTEGER,  -- bytes per page used for this report's page counts
    page_size_source TEXT,    -- 'given' (capture, --page-size), 'inferred' (victim's kill line / task row), 'default' (4096)
    complete        INTEGER NOT NULL,  -- 1: from the trigger line to the kill line, task table with the victim
    missing         TEXT,     -- what an incomplete report lacks, in words
    PRIMARY KEY (capture_id, event)
) WITHOUT ROWID;

-- The memcg counter lines of a report: "memory: usage 20480kB, limit 20480kB,
-- failcnt 1204" and memory+swap, kmem, swap.
CREATE TABLE oom_memcg_counter (
    capture_id  INTEGER NOT NULL,
    event       INTEGER NOT NULL,
    counter     TEXT NOT NULL,  -- 'memory', 'memory+swap', 'kmem', 'swap' as printed
    usage_bytes INTEGER,
    limit_bytes INTEGER,        -- NULL when unlimited (too large for a 64-bit integer)
    unlimited   INTEGER,        -- 1 when the limit is >= 2^52 kB (the kernel's "no limit")
    failcnt     INTEGER,        -- times the limit was hit
    PRIMARY KEY (capture_id, event, counter),
    FOREIGN KEY (capture_id, event) REFERENCES oom_event(capture_id, event) ON DELETE CASCADE
) WITHOUT ROWID;

-- "Memory cgroup stats for X:" blocks: v1 prints one line per cgroup of the
-- hierarchy below the OOM memcg (local values), v2 (and v1 on 6.x) one block
-- for the OOM memcg (hierarchical values, v1's total_* keys).
CREATE TABLE oom_memcg_stat (
    capture_id  INTEGER NOT NULL,
    event       INTEGER NOT NULL,
    block       INTEGER NOT NULL,  -- 0, 1, ... in printed order (0 is the OOM memcg)
    cgroup      TEXT,              -- as printed
    key         TEXT NOT NULL,     -- memory.stat key: anon, file, rss, cache, ...
    value       INTEGER,           -- bytes for sizes (v1's "KB" scaled), counts for events (pgfault, ...)
    PRIMARY KEY (capture_id, event, block, key),
    FOREIGN KEY (capture_id, event) REFERENCES oom_event(capture_id, event) ON DELETE CASCADE
) WITHOUT ROWID;

-- Mem-Info of the report (show_mem(): global OOMs, and memcg OOMs on
-- 2.6.32): the page counters ("active_anon:405991 ...", "free:12929 ..."),
-- kernel_stack summed over the "Node N" lines, and the one-number lines
-- ("204 total pagecache pages" -> total_pagecache, "Free swap = 0kB" ->
-- free_swap, "445340 pages RAM" -> ram, reserved, ...).
CREATE TABLE oom_meminfo (
    capture_id  INTEGER NOT NULL,
    event       INTEGER NOT NULL,
    key         TEXT NOT NULL,
    pages       INTEGER,   -- as printed, when printed in pages
    bytes       INTEGER,   -- pages * page_size, or kB * 1024
    PRIMARY KEY (capture_id, event, key),
    FOREIGN KEY (capture_id, event) REFERENCES oom_event(capture_id, event) ON DELETE CASCADE
) WITHOUT ROWID;

-- The task table of a report: every candidate the kernel considered (the
-- memcg's tasks, or all on a global OOM), whatever its layout (2.6.32's
-- cpu/oom_adj, 3.x nr_ptes, 4.x nr_pmds, 4.15+ pgtables_bytes, 6.x
-- rss_anon/rss_file/rss_shmem).  Page counts converted with page_size.
CREATE TABLE oom_task (
    capture_id      INTEGER NOT NULL,
    event           INTEGER NOT NULL,
    line            INTEGER,   -- line in the log
    pid             INTEGER,
    uid             INTEGER,
    tgid            INTEGER,
    total_vm_bytes  INTEGER,   -- total_vm
    rss_bytes       INTEGER,   -- rss (anon + file + shmem resident)
    rss_anon_bytes  INTEGER,   -- 6.x
    rss_file_bytes  INTEGER,   -- 6.x
    rss_shmem_bytes INTEGER,   -- 6.x
    pgtables_bytes  INTEGER,   -- pgtables_bytes, or (nr_ptes + nr_pmds) pages
    swap_bytes      INTEGER,   -- swapents
    oom_score_adj   INTEGER,
    oom_adj         INTEGER,   -- 2.6.32
    cpu             INTEGER,   -- 2.6.32
    name            TEXT,      -- comm, as printed
    FOREIGN KEY (capture_id, event) REFERENCES oom_event(capture_id, event) ON DELETE CASCADE
);
CREATE INDEX oom_task_event ON oom_task(capture_id, event);

-- Every "Killed process" line of a report as printed: the victim (seq 0),
-- the other members of a memory.oom.group, and the oom_reaper's result.
CREATE TABLE oom_kill (
    capture_id      INTEGER NOT NULL,
    event           INTEGER NOT NULL,
    seq             INTEGER NOT NULL,  -- 0, 1, ... in printed order
    reason          TEXT,      -- 'victim', 'oom_group' (killed with it), 'reaped_only' (only the oom_reaper line is in the log)
    line            INTEGER,   -- line in the log
    pid             INTEGER,
    comm            TEXT,
    uid             INTEGER,
    total_vm_bytes  INTEGER,
    anon_rss_bytes  INTEGER,
    file_rss_bytes  INTEGER,
    shmem_rss_bytes INTEGER,
    pgtables_bytes  INTEGER,
    oom_score_adj   INTEGER,
    memcg           INTEGER,   -- 1: printed as "Memory cgroup out of memory: Killed process"
    reaped          INTEGER,   -- 1: an "oom_reaper: reaped process" line followed
    reaped_anon_rss_bytes  INTEGER,  -- what the reaper left ("now anon-rss:0kB")
    reaped_file_rss_bytes  INTEGER,
    reaped_shmem_rss_bytes INTEGER,
    PRIMARY KEY (capture_id, event, seq),
    FOREIGN KEY (capture_id, event) REFERENCES oom_event(capture_id, event) ON DELETE CASCADE
) WITHOUT ROWID;

-- PUBLIC VIEW: one row per OOM report, who was killed and why.
--   capture_id, event     the report (oom_event)
--   kernel_time           seconds since boot (REAL), NULL when the log had no kernel time
--   wall_time             UTC ISO 8601 from the capture's clock (capture.started_at -
--                         (started_monotonic - kernel_time)); without a capture clock, the
--                         log's own timestamp (oom_event.log_wall_time)
--   trigger_comm, trigger_pid   the task whose allocation failed
--   constraint            CONSTRAINT_MEMCG, CONSTRAINT_NONE, ... (4.19+)
--   oom_memcg             the cgroup whose limit was hit, as printed; NULL on a global OOM
--   task_memcg            the victim's cgroup, as printed
--   killed_pid, killed_comm, uid   the victim, from the kill line; NULL killed_pid: no
--                         kill in the report (oom_event.oomkill_pid may name the task chosen)
--   total_vm_bytes, anon_rss_bytes, file_rss_bytes, shmem_rss_bytes, pgtables_bytes  the
--                         victim's memory when killed (bytes)
--   oom_score_adj         the victim's
--   memcg_usage_bytes, memcg_limit_bytes   the "memory:" line of the OOM memcg (bytes)
--   namespace, pod, container   the capture's Kubernetes names for the pod uid and
--                         container id in the memcg path (NULL without names)
--   complete              1: the whole report is in the log; 0: cut short
CREATE VIEW oom_kills AS
SELECT
    e.capture_id,
    e.event,
    e.kernel_time,
    CASE WHEN e.kernel_time IS NOT NULL AND c.started_at IS NOT NULL
              AND c.started_monotonic IS NOT NULL
         THEN strftime('%Y-%m-%dT%H:%M:%fZ', julianday(c.started_at)
                       - (c.started_monotonic - e.kernel_time) / 86400.0)
         ELSE e.log_wall_time END AS wall_time,
    e.trigger_comm,
    e.trigger_pid,
    e.oom_constraint AS "constraint",
    e.oom_memcg,
    e.task_memcg,
    e.killed_pid,
    e.killed_comm,
    e.killed_uid AS uid,
    e.killed_total_vm_bytes AS total_vm_bytes,
    e.killed_anon_rss_bytes AS anon_rss_bytes,
    e.killed_file_rss_bytes AS file_rss_bytes,
    e.killed_shmem_rss_bytes AS shmem_rss_bytes,
    e.killed_pgtables_bytes AS pgtables_bytes,
    e.killed_oom_score_adj AS oom_score_adj,
    m.usage_bytes AS memcg_usage_bytes,
    m.limit_bytes AS memcg_limit_bytes,
    COALESCE((SELECT p.namespace FROM k8s_pod_log p
              WHERE p.capture_id = e.capture_id AND p.pod_uid = e.pod_uid
              ORDER BY p.container LIMIT 1),
             (SELECT l.namespace FROM k8s_container_log l
              WHERE l.capture_id = e.capture_id AND l.container_id = e.container_id)) AS namespace,
    COALESCE((SELECT p.pod FROM k8s_pod_log p
              WHERE p.capture_id = e.capture_id AND p.pod_uid = e.pod_uid
              ORDER BY p.container LIMIT 1),
             (SELECT l.pod FROM k8s_container_log l
              WHERE l.capture_id = e.capture_id AND l.container_id = e.container_id)) AS pod,
    (SELECT l.container FROM k8s_container_log l
     WHERE l.capture_id = e.capture_id AND l.container_id = e.container_id) AS container,
    e.complete
FROM oom_event e
JOIN capture c ON c.capture_id = e.capture_id
LEFT JOIN oom_memcg_counter m
       ON m.capture_id = e.capture_id AND m.event = e.event AND m.counter = 'memory';
