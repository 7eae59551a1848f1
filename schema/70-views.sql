-- Public views ---------------------------------------------------------------------
-- These are the stable interface: columns are only ever added.  Sizes are
-- INTEGER bytes, NULL means unknown or absent (never 0 for "unknown").

-- One row per loaded capture.
CREATE VIEW captures AS
SELECT capture_id,
       hostname,
       kernel_release,
       cgroup_mode,           -- v1, v2, hybrid, none
       started_at,            -- UTC, ISO 8601
       finished_at,           -- UTC, ISO 8601
       collector_version,
       -- additions
       boot_id,
       complete,              -- 0 when the collector was interrupted
       interrupted,
       source,                -- file or folder it was loaded from
       name,                  -- memsnap-<host>-<time>
       capture_uid            -- the same capture in every database
FROM capture;

-- One row per memory cgroup (cgroup_memory's columns under their public
-- names; schema/working-set.md says what each holds on each version).
--   usage_bytes        v1 memory.usage_in_bytes, v2 memory.current
--                      (v2 root: anon + file, as cAdvisor's library does)
--   limit_bytes        v1 memory.limit_in_bytes, v2 memory.max; NULL = unlimited
--   working_set_bytes  what cAdvisor and `kubectl top` show: usage -
--                      inactive_file, floored at 0; NULL when memory.stat
--                      is missing (load_problems says so)
--   inactive_file_bytes, active_file_bytes   page cache on the LRU lists
--   anon_bytes         v1 total_rss, v2 anon
--   file_bytes         v1 total_cache, v2 file (page cache, including shmem)
--   shmem_bytes        v1 total_shmem (4.15+), v2 shmem (tmpfs, shm, memfd)
--   kernel_bytes       every kernel allocation charged to the cgroup, socket
--                      buffers included: v1 memory.kmem.usage_in_bytes, v2
--                      kernel + sock (before 5.18, which has no kernel key:
--                      the itemised parts + sock, a lower bound).  Not part
--                      of a root cgroup's usage_bytes
--   swap_bytes         v1 total_swap, v2 memory.swap.current
--   oom_kill_count     v1 memory.oom_control oom_kill, v2 memory.events oom_kill
--   additions:
--   vanished           1: the cgroup was removed while it was read; its
--                      working set and parts are NULL (its files are not
--                      of one moment), load_problems says so
--   high_bytes         v2 memory.high, where the kernel throttles the cgroup
--                      by reclaim; NULL when 'max' and on v1
--
-- The loader stores cgroups_calc once per capture in cgroups_data, which
-- cgroups reads: the report's views read cgroups a dozen times (a fifth of
-- a report on a node of 230 cgroups).  See cgroup_parts_data.
CREATE TABLE cgroups_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup TEXT NOT NULL, parent TEXT, usage_bytes INTEGER, limit_bytes INTEGER,
    working_set_bytes INTEGER, inactive_file_bytes INTEGER,
    active_file_bytes INTEGER, anon_bytes INTEGER, file_bytes INTEGER,
    shmem_bytes INTEGER, kernel_bytes INTEGER, swap_bytes INTEGER,
    oom_kill_count INTEGER, cgroup_version INTEGER, depth INTEGER,
    vanished INTEGER, high_bytes INTEGER,
    -- not in cgroups: cgroup_memory's memory_stat (1 when its memory.stat
    -- was loaded), which load_problems reads here rather than work the
    -- mapping out again for every cgroup
    memory_stat INTEGER,
    PRIMARY KEY (capture_id, cgroup)
) WITHOUT ROWID;
CREATE VIEW cgroups AS
SELECT capture_id, cgroup, parent, usage_bytes, limit_bytes,
       working_set_bytes, inactive_file_bytes, active_file_bytes, anon_bytes,
       file_bytes, shmem_bytes, kernel_bytes, swap_bytes, oom_kill_count,
       cgroup_version, depth, vanished, high_bytes
FROM cgroups_data;
-- The capture being loaded (cgroup_memory_load: cgroup_memory_at's rows of
-- it, in 80-working-set.sql), sample 1.
CREATE VIEW cgroups_calc AS
SELECT capture_id, cgroup, parent, usage AS usage_bytes, limit_bytes,
       working_set AS working_set_bytes, inactive_file AS inactive_file_bytes,
       active_file AS active_file_bytes, anon AS anon_bytes, file AS file_bytes,
       shmem AS shmem_bytes, kernel AS kernel_bytes, swap AS swap_bytes,
       oom_kill_count, version AS cgroup_version, depth, vanished, high_bytes,
       memory_stat
FROM cgroup_memory_load
WHERE sample = 1;

-- One row per user process (kernel threads and the collector left out).
--   cgroup          memory cgroup: from the hierarchy's cgroup.procs, else
--                   from proc/<pid>/cgroup.  A process that moved while the
--                   capture ran is in several cgroup.procs: the one its
--                   proc/<pid>/cgroup names wins, else the deepest
--   rss_bytes       Rss from smaps_rollup (exact), else VmRSS from status
--                   (resident: anon + file + shmem, shared pages counted in
--                   full in every process)
--   pss_bytes       Pss from smaps_rollup (shared pages divided among sharers)
--   pss_anon_bytes, pss_file_bytes, pss_shmem_bytes   5.3+
--   anon_bytes      Anonymous from smaps_rollup, else RssAnon (4.5+)
--   swap_bytes      Swap from smaps_rollup, else VmSwap
CREATE VIEW processes AS
SELECT s.capture_id, s.pid, s.comm,
       -- TEXT as the cgroup columns it is joined with: without an affinity
       -- a view that stores these rows (a CTE, a LEFT JOIN) cannot index
       -- them by cgroup and compares every row with every other
       CAST(coalesce(mc.cgroup,
                (SELECT cp.cgroup FROM cgroup_proc cp
                  WHERE cp.capture_id = s.capture_id AND cp.pid = s.pid
                  ORDER BY CASE cp.cgroup WHEN '/' THEN 0 ELSE length(cp.cgroup)
                                - length(replace(cp.cgroup, '/', '')) END DESC,
                           cp.cgroup
                  LIMIT 1),
                m.memcg) AS TEXT) AS cgroup,
       -- smaps_rollup first: it walks the page tables and is exact;
       -- status's VmRSS, RssAnon and VmSwap are per-task counters the
       -- kernel folds in lazily before Linux 6.2 (proc.rst: "inaccurate"):
       -- t57 saw VmRSS 4 KiB on 5.10 for a process with 692 KiB resident
       coalesce(r.rss, s.vm_rss) AS rss_bytes,
       r.pss AS pss_bytes,
       r.pss_anon AS pss_anon_bytes,
       r.pss_file AS pss_file_bytes,
       r.pss_shmem AS pss_shmem_bytes,
       coalesce(r.anonymous, s.rss_anon) AS anon_bytes,
       coalesce(r.swap, s.vm_swap) AS swap_bytes,
       m.oom_score_adj,
       -- additions
       s.rss_file AS rss_file_bytes,
       s.rss_shmem AS rss_shmem_bytes,
       s.vm_size AS vm_size_bytes,
       s.vm_hwm AS rss_peak_bytes,
       s.vm_pte AS pagetables_bytes,
       s.ppid, s.uid, s.threads
FROM proc_status s
JOIN capture c ON c.capture_id = s.capture_id
LEFT JOIN proc_smaps r ON r.capture_id = s.capture_id AND r.pid = s.pid
LEFT JOIN proc_misc m ON m.capture_id = s.capture_id AND m.pid = s.pid
-- its memory cgroup's line of cgroup_proc, when there is one: a join, not a
-- subquery that every use of the column (a sort key, a group) runs again.
-- By its key (capture_id, pid, cgroup), the index SQLite makes for it: a
-- lookup by a whole key is one row, and a query that reads no cgroup (the
-- report's top processes) leaves the join out (with cgroup_proc_cgroup,
-- an index of the same columns in another order, SQLite did the lookup
-- for every process: a third of finding the top 20 of 1,400)
LEFT JOIN cgroup_proc mc INDEXED BY sqlite_autoindex_cgroup_proc_1
     ON mc.capture_id = s.capture_id AND mc.pid = s.pid AND mc.cgroup = m.memcg
WHERE s.pid IS NOT c.collector_pid AND s.pid IS NOT c.reader_pid
  AND coalesce(s.kthread, s.vm_size IS NULL) = 0;

-- One row per BPF map and holding process: from the fdinfo of the map fds
-- each process holds and from bpftool's "pids".  A map nobody holds (pinned,
-- or only used by programs) has pid NULL.
--   memlock_bytes  the kernel's figure: an estimate from the map's
--                  geometry before Linux 6.4, the real usage from 6.4 on
--   cgroup         the holder's memory cgroup
CREATE VIEW bpf_maps AS
WITH holder AS (
    SELECT capture_id, map_id, pid FROM bpf_fdinfo WHERE map_id IS NOT NULL
    UNION
    SELECT capture_id, map_id, pid FROM bpftool_map_pid
), map AS (
    SELECT capture_id, map_id FROM holder
    UNION
    SELECT capture_id, map_id FROM bpftool_map
), fdi AS (
    SELECT capture_id, map_id, max(type_name) AS type, max(max_entries) AS max_entries,
           max(memlock) AS memlock
    FROM bpf_fdinfo WHERE map_id IS NOT NULL GROUP BY capture_id, map_id
)
SELECT m.capture_id, m.map_id, b.name,
       coalesce(b.type, f.type) AS type,
       coalesce(b.max_entries, f.max_entries) AS max_entries,
       coalesce(f.memlock, b.bytes_memlock) AS memlock_bytes,
       h.pid,
       -- looked up by pid: a LEFT JOIN of the processes view made SQLite
       -- work out every process of the capture first
       (SELECT p.cgroup FROM processes p
        WHERE p.capture_id = m.capture_id AND p.pid = h.pid) AS cgroup
FROM map m
LEFT JOIN holder h ON h.capture_id = m.capture_id AND h.map_id = m.map_id
LEFT JOIN bpftool_map b ON b.capture_id = m.capture_id AND b.map_id = m.map_id
LEFT JOIN fdi f ON f.capture_id = m.capture_id AND f.map_id = m.map_id;

-- What the loader could not use: which file and why.  Also every memory
-- cgroup with a usage but no memory.stat (missing, unreadable or not
-- parsed) or removed while it was read (vanished): its working set is
-- unknown, not its usage all unexplained.
CREATE VIEW load_problems AS
SELECT capture_id, path, problem FROM load_problem
UNION ALL
SELECT m.capture_id,
       coalesce(c.memory_root, '') || CASE m.cgroup WHEN '/' THEN '' ELSE m.cgroup END
         || CASE WHEN m.vanished THEN '' ELSE '/memory.stat' END,
       CASE WHEN m.vanished
            THEN 'the cgroup was removed while it was read (vanished): its files are not '
                 || 'of one moment, its working set and parts are unknown (NULL)'
            ELSE 'no memory.stat: the working set and its parts are unknown (NULL)' END
-- cgroup_memory as the loader stored it (cgroups_data): the view works the
-- v1/v2 mapping out for every cgroup of every capture (5.6 M instructions
-- of a report on a node of 230 cgroups, for no row)
FROM (SELECT capture_id, cgroup, vanished FROM cgroups_data
      WHERE NOT memory_stat AND usage_bytes IS NOT NULL) m
JOIN capture c ON c.capture_id = m.capture_id;

-- What the collector could not read (from the manifest).
CREATE VIEW collect_problems AS
SELECT capture_id, path, kind, errno, error, action FROM collect_problem;
