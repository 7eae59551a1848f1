-- OOM reports from the kernel log ----------------------------------------------
-- Filled by oom_store() (analyze/oom/store.c) from a capture's
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
--                         (started_monotonic - kernel_time)) when the kernel time is not
--                         later than the capture's own (else the log is from another
--                         boot: no date is derived); otherwise the log's own timestamp
--                         (oom_event.log_wall_time); NULL when neither is sound
--   trigger_comm, trigger_pid   the task whose allocation failed
--   constraint            CONSTRAINT_MEMCG, CONSTRAINT_NONE, ... (4.19+)
--   oom_memcg             the cgroup whose limit was hit, as printed; NULL on a global OOM
--   task_memcg            the victim's cgroup, as printed
--   killed_pid, killed_comm   the victim, from the kill line; NULL: no kill line in the
--                         report (see outcome, chosen_pid)
--   uid                   the victim's; without a kill line, the chosen task's (the
--                         oom-kill: line's uid=)
--   total_vm_bytes, anon_rss_bytes, file_rss_bytes, shmem_rss_bytes, pgtables_bytes  the
--                         victim's memory when killed (bytes)
--   oom_score_adj         the victim's
--   memcg_usage_bytes, memcg_limit_bytes   the "memory:" line of the OOM memcg (bytes)
--   namespace, pod, container   the capture's Kubernetes names for the pod uid and
--                         container id in the memcg path (NULL without names)
--   complete              1: the whole report is in the log; 0: cut short
--   chosen_pid, chosen_comm   the task the OOM killer chose: the oom-kill: line's task=
--                         and pid= (4.19+), else "Kill process N (x) score S or sacrifice
--                         child" (before 5.1), else (5.1+) the victim; NULL when the log
--                         does not say
--   chosen_is_victim      1: the chosen task is the one killed (always since Linux 5.1,
--                         which no longer kills a child instead); 0: a child of it was
--                         killed instead (before 5.1); NULL: the log ends before the kill
--                         on a kernel before 5.1 or of unknown version
--   kernel_release        the report's CPU line, else the capture's kernel release
--   kind                  'memcg' (a memory cgroup's limit) or 'global' (the node ran out)
--   pod_uid, container_id from the memcg path (task_memcg, else oom_memcg), also without
--                         a capture
--   outcome               'killed' (a kill line names the victim), 'no_killable_process'
--                         ("Out of memory and no killable processes"), 'victim_exiting'
--                         (the chosen task was already exiting: the kernel killed
--                         nobody), 'unknown_log_cut' (the log holds no line that tells:
--                         it was cut, or grepped, before the kill)
--   wall_time_source      'capture' (the capture's clock), 'log' (the log's timestamp),
--                         NULL when wall_time is
--   wall_time_unknown     when wall_time is NULL, why, in words; else NULL
CREATE VIEW oom_kills AS
WITH t AS (
    SELECT e.*, c.started_at, c.started_monotonic,
           coalesce(e.kernel_release, c.kernel_release) AS release
    FROM oom_event e
    JOIN capture c ON c.capture_id = e.capture_id
), v AS (
    SELECT t.*,
           -- major * 1000 + minor; NULL when unknown.  A "sacrifice child" line is
           -- only printed before 5.1.
           CASE WHEN release GLOB '[0-9]*.[0-9]*'
                THEN CAST(release AS INTEGER) * 1000
                     + CAST(substr(release, instr(release, '.') + 1) AS INTEGER)
                WHEN chosen_pid IS NOT NULL THEN 4999 END AS kver,
           kernel_time IS NOT NULL AND started_at IS NOT NULL
               AND started_monotonic IS NOT NULL
               AND kernel_time <= started_monotonic AS clock_sound
    FROM t
)
SELECT
    e.capture_id,
    e.event,
    e.kernel_time,
    CASE WHEN e.clock_sound
         THEN strftime('%Y-%m-%dT%H:%M:%fZ', julianday(e.started_at)
                       - (e.started_monotonic - e.kernel_time) / 86400.0)
         ELSE e.log_wall_time END AS wall_time,
    e.trigger_comm,
    e.trigger_pid,
    e.oom_constraint AS "constraint",
    e.oom_memcg,
    e.task_memcg,
    e.killed_pid,
    e.killed_comm,
    coalesce(e.killed_uid, CASE WHEN e.killed_pid IS NULL THEN e.oomkill_uid END) AS uid,
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
    e.complete,
    coalesce(e.oomkill_pid, e.chosen_pid,
             CASE WHEN e.kver >= 5001 THEN e.killed_pid END) AS chosen_pid,
    CASE WHEN e.oomkill_pid IS NOT NULL THEN e.oomkill_task
         WHEN e.chosen_pid IS NOT NULL THEN e.chosen_comm
         WHEN e.kver >= 5001 THEN e.killed_comm END AS chosen_comm,
    CASE WHEN e.killed_pid IS NOT NULL AND coalesce(e.oomkill_pid, e.chosen_pid) IS NOT NULL
         THEN e.killed_pid = coalesce(e.oomkill_pid, e.chosen_pid)
         WHEN e.kver >= 5001 AND coalesce(e.oomkill_pid, e.killed_pid) IS NOT NULL THEN 1
         END AS chosen_is_victim,
    e.release AS kernel_release,
    e.kind,
    e.pod_uid,
    e.container_id,
    CASE WHEN e.killed_pid IS NOT NULL THEN 'killed'
         WHEN e.no_killable THEN 'no_killable_process'
         WHEN e.victim_exiting THEN 'victim_exiting'
         ELSE 'unknown_log_cut' END AS outcome,
    CASE WHEN e.clock_sound THEN 'capture'
         WHEN e.log_wall_time IS NOT NULL THEN 'log' END AS wall_time_source,
    CASE WHEN e.clock_sound OR e.log_wall_time IS NOT NULL THEN NULL
         WHEN e.kernel_time IS NOT NULL AND e.started_monotonic IS NOT NULL
              AND e.kernel_time > e.started_monotonic
         THEN 'the kernel time is later than the capture''s clock: the log is from another boot'
         WHEN e.kernel_time IS NULL THEN 'the log has no kernel time and no date'
         ELSE 'the log has no date and there is no capture clock' END
        AS wall_time_unknown
FROM v e
LEFT JOIN oom_memcg_counter m
       ON m.capture_id = e.capture_id AND m.event = e.event AND m.counter = 'memory';

-- PUBLIC VIEW: what the memory of an OOM report was made of, one row per
-- report and source (the one definition: `memsnap oom` and `memsnap report`
-- both show it).  Sizes in bytes; NULL when the report did not print them.
--   source       'memcg_stats': the "Memory cgroup stats for X" block(s) of the
--                OOM memcg (memcg OOMs); 'meminfo': the report's Mem-Info, the
--                whole node (global OOMs, and memcg OOMs on 2.6.32)
--   cgroup       the first stats block's cgroup, as printed (memcg_stats)
--   cgroups      stats blocks summed: v1 before 4.19 prints one line of local
--                values per cgroup of the hierarchy (their sum is its total)
--   anon_bytes   v2 anon; v1 6.x total_rss; v1 rss; Mem-Info active+inactive
--                anon - shmem (shmem pages sit on the anon LRU lists)
--   file_bytes   the page cache without shmem: v2 file - shmem; v1 6.x
--                total_cache - total_shmem; v1 cache - shmem; Mem-Info
--                active+inactive file.  Kept signed: negative only when the
--                kernel's counters moved between reads, and shown as such
--   shmem_bytes  v2/v1 shmem, v1 6.x total_shmem, Mem-Info shmem
--   kernel_bytes v2 kernel (5.18+) or the sum of kernel_stack, pagetables,
--                sec_pagetables, percpu, slab, vmalloc; v1 the kmem counter's
--                usage; Mem-Info slab, kernel stacks and page tables
--   sock_bytes   v2 sock (socket buffers, not in kernel_bytes)
--   swap_bytes   v1 swap / total_swap (swapped out)
--   free_bytes   Mem-Info free
--   total_bytes  memcg_stats: anon + file + shmem + kernel + sock (the parts
--                printed), to set against the memory counter's usage
--   kernel_keys  what kernel_bytes sums, in words: 'kernel' (v2, 5.18+), the
--                non-zero keys of its parts ('kernel_stack, pagetables, slab'),
--                'kmem' (v1's counter), Mem-Info's slab/stack/page-table keys
CREATE VIEW oom_made_of AS
WITH s AS (
    -- the keys w reads, and no other: a v2 block has 40 keys and more, and
    -- each row that reached w went through its 17 aggregates (20 M
    -- instructions for the 32 OOM events of a 1,400-process node); an
    -- event with none of them keeps its row (stats reads b first)
    SELECT capture_id, event, key, sum(value) AS v
    FROM oom_memcg_stat
    WHERE key IN ('anon', 'file', 'shmem', 'kernel', 'kernel_stack', 'pagetables',
                  'sec_pagetables', 'percpu', 'slab', 'vmalloc', 'sock', 'total_rss',
                  'total_cache', 'total_shmem', 'total_swap', 'rss', 'cache', 'swap')
    GROUP BY capture_id, event, key
), b AS (
    SELECT capture_id, event, count(DISTINCT block) AS cgroups,
           (SELECT cgroup FROM oom_memcg_stat f WHERE f.capture_id = o.capture_id
              AND f.event = o.event ORDER BY block LIMIT 1) AS cgroup
    FROM oom_memcg_stat o GROUP BY capture_id, event
), w AS (
    SELECT capture_id, event,
           max(CASE key WHEN 'anon' THEN v END) AS anon,
           max(CASE key WHEN 'file' THEN v END) AS file,
           max(CASE key WHEN 'shmem' THEN v END) AS shmem,
           max(CASE key WHEN 'kernel' THEN v END) AS kernel,
           sum(CASE WHEN key IN ('kernel_stack', 'pagetables', 'sec_pagetables', 'percpu',
                                 'slab', 'vmalloc') THEN v END) AS kernel_parts,
           group_concat(CASE WHEN key IN ('kernel_stack', 'pagetables', 'sec_pagetables',
                                          'percpu', 'slab', 'vmalloc') AND v <> 0
                             THEN key END, ', ') AS kernel_part_keys,
           max(CASE key WHEN 'sock' THEN v END) AS sock,
           max(CASE key WHEN 'total_rss' THEN v END) AS total_rss,
           max(CASE key WHEN 'total_cache' THEN v END) AS total_cache,
           max(CASE key WHEN 'total_shmem' THEN v END) AS total_shmem,
           max(CASE key WHEN 'total_swap' THEN v END) AS total_swap,
           max(CASE key WHEN 'rss' THEN v END) AS rss,
           max(CASE key WHEN 'cache' THEN v END) AS cache,
           max(CASE key WHEN 'swap' THEN v END) AS swap
    FROM s GROUP BY capture_id, event
), stats AS (
    SELECT b.capture_id, b.event, b.cgroup, b.cgroups,
           CASE WHEN w.anon IS NOT NULL THEN w.anon
                WHEN w.total_rss IS NOT NULL THEN w.total_rss ELSE w.rss END AS anon_bytes,
           CASE WHEN w.anon IS NOT NULL THEN w.file - coalesce(w.shmem, 0)
                WHEN w.total_rss IS NOT NULL THEN w.total_cache - coalesce(w.total_shmem, 0)
                ELSE w.cache - coalesce(w.shmem, 0) END AS file_bytes,
           CASE WHEN w.anon IS NULL AND w.total_rss IS NOT NULL THEN w.total_shmem
                ELSE w.shmem END AS shmem_bytes,
           CASE WHEN w.anon IS NOT NULL THEN coalesce(w.kernel, w.kernel_parts)
                ELSE (SELECT usage_bytes FROM oom_memcg_counter k
                      WHERE k.capture_id = b.capture_id AND k.event = b.event
                        AND k.counter = 'kmem') END AS kernel_bytes,
           CASE WHEN w.kernel IS NOT NULL THEN 'kernel'
                WHEN w.anon IS NOT NULL THEN w.kernel_part_keys
                ELSE 'kmem' END AS kernel_keys,
           CASE WHEN w.anon IS NOT NULL THEN w.sock END AS sock_bytes,
           CASE WHEN w.anon IS NOT NULL THEN NULL
                WHEN w.total_rss IS NOT NULL THEN w.total_swap ELSE w.swap END AS swap_bytes
    -- every event with stats (b), those without any key w reads too
    FROM b LEFT JOIN w ON w.capture_id = b.capture_id AND w.event = b.event
), mi AS (
    SELECT capture_id, event,
           sum(CASE WHEN key IN ('active_anon', 'inactive_anon') THEN bytes END) AS anon,
           sum(CASE WHEN key IN ('active_file', 'inactive_file') THEN bytes END) AS file,
           max(CASE key WHEN 'shmem' THEN bytes END) AS shmem,
           sum(CASE WHEN key IN ('slab_reclaimable', 'slab_unreclaimable', 'kernel_stack',
                                 'pagetables', 'sec_pagetables') THEN bytes END) AS kernel,
           group_concat(CASE WHEN key IN ('slab_reclaimable', 'slab_unreclaimable',
                                          'kernel_stack', 'pagetables', 'sec_pagetables')
                                  AND bytes <> 0 THEN key END, ', ') AS kernel_keys,
           max(CASE key WHEN 'free' THEN bytes END) AS free
    FROM oom_meminfo GROUP BY capture_id, event
)
SELECT capture_id, event, 'memcg_stats' AS source, cgroup, cgroups,
       anon_bytes, file_bytes, shmem_bytes, kernel_bytes, sock_bytes, swap_bytes,
       NULL AS free_bytes,
       CASE WHEN coalesce(anon_bytes, file_bytes, shmem_bytes, kernel_bytes, sock_bytes)
                 IS NOT NULL
            THEN coalesce(anon_bytes, 0) + coalesce(file_bytes, 0) + coalesce(shmem_bytes, 0)
                 + coalesce(kernel_bytes, 0) + coalesce(sock_bytes, 0) END AS total_bytes,
       CASE WHEN kernel_bytes IS NOT NULL THEN kernel_keys END AS kernel_keys
FROM stats
UNION ALL
SELECT capture_id, event, 'meminfo', NULL, NULL,
       anon - coalesce(shmem, 0), file, shmem, kernel, NULL, NULL, free, NULL, kernel_keys
FROM mi
WHERE anon IS NOT NULL OR file IS NOT NULL OR kernel IS NOT NULL;
