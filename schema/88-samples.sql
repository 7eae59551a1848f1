-- Samples over time (capture.md section 6) --------------------------------------
-- A multi-sample capture's series: sample 1 is the capture's instant (the
-- tables every other view reads), samples 2..N are schema/36-samples.sql's.
-- A capture of one sample has one row in samples and its instant in the
-- series views; growth needs two samples.

-- One row per sample: samples/index.tsv, or for a one-sample capture
-- sample 1 from the manifest's clock.
--   mono_s     CLOCK_MONOTONIC at the sample's start, seconds
--   wall_time  CLOCK_REALTIME at its start, UTC, ISO 8601
--   kind       full, changes, changes+smaps_rollup
--   trigger    start, interval, oom-kill
--   status     complete, or why its walk stopped (SIGTERM, timeout, ...)
CREATE VIEW samples AS
SELECT capture_id, sample, mono_ns / 1e9 AS mono_s,
       strftime('%Y-%m-%dT%H:%M:%fZ', CAST(realtime AS REAL), 'unixepoch') AS wall_time,
       kind, trigger, status
FROM sample_index
UNION ALL
SELECT capture_id, 1, started_monotonic, started_at, 'full', 'start',
       CASE WHEN complete OR complete IS NULL THEN 'complete'
            ELSE coalesce(interrupted, 'interrupted') END
FROM capture c
WHERE NOT EXISTS (SELECT 1 FROM sample_index i WHERE i.capture_id = c.capture_id);

-- Every memory cgroup in every sample, with the working set and its parts
-- as cgroups shows them (the same v1/v2 mapping: cgroup_memory_at).  A
-- later sample re-reads memory.stat and the usage, not the limits nor v1's
-- memory.kmem.usage_in_bytes: kernel_bytes is NULL there on cgroup v1.
--   mono_s             the sample's start (samples.mono_s)
--   page_cache_bytes   file_bytes - shmem_bytes
--   slab_bytes         v2 slab_reclaimable + slab_unreclaimable
--   percpu_bytes, pagetables_bytes   v2 only
CREATE VIEW cgroup_samples AS
SELECT m.capture_id, m.sample, m.cgroup,
       coalesce((SELECT i.mono_ns / 1e9 FROM sample_index i
                 WHERE i.capture_id = m.capture_id AND i.sample = m.sample),
                (SELECT c.started_monotonic FROM capture c
                 WHERE c.capture_id = m.capture_id AND m.sample = 1)) AS mono_s,
       m.usage AS usage_bytes, m.working_set AS working_set_bytes,
       m.anon AS anon_bytes, m.file AS file_bytes, m.shmem AS shmem_bytes,
       m.file - m.shmem AS page_cache_bytes,
       m.active_file AS active_file_bytes, m.inactive_file AS inactive_file_bytes,
       m.kernel AS kernel_bytes,
       m.slab_reclaimable + m.slab_unreclaimable AS slab_bytes,
       m.percpu AS percpu_bytes, m.pagetables AS pagetables_bytes,
       m.swap AS swap_bytes
FROM cgroup_memory_at m;

-- Every process in every sample: proc/<pid>/status (sample 1's cgroup,
-- cmdline etc. are the processes view's).  A pid whose comm changes from
-- one sample to the next was reused: a restart (finding process_restarted).
CREATE VIEW process_samples AS
SELECT capture_id, 1 AS sample, pid, comm, vm_rss AS rss_bytes,
       rss_anon AS anon_bytes, rss_file AS file_bytes, rss_shmem AS shmem_bytes,
       vm_swap AS swap_bytes
FROM proc_status
UNION ALL
SELECT capture_id, sample, pid, comm, vm_rss, rss_anon, rss_file, rss_shmem, vm_swap
FROM proc_status_sample;

-- Internal: cgroup_samples one component a row, for the captures of two
-- samples or more.
CREATE VIEW cgroup_sample_parts AS
WITH s AS (SELECT * FROM cgroup_samples
           WHERE capture_id IN (SELECT capture_id FROM sample_index
                                GROUP BY capture_id HAVING count(*) > 1))
SELECT capture_id, cgroup, sample, mono_s, 'usage' AS component, usage_bytes AS bytes FROM s
UNION ALL SELECT capture_id, cgroup, sample, mono_s, 'working_set', working_set_bytes FROM s
UNION ALL SELECT capture_id, cgroup, sample, mono_s, 'anon', anon_bytes FROM s
UNION ALL SELECT capture_id, cgroup, sample, mono_s, 'shmem', shmem_bytes FROM s
UNION ALL SELECT capture_id, cgroup, sample, mono_s, 'page_cache', page_cache_bytes FROM s
UNION ALL SELECT capture_id, cgroup, sample, mono_s, 'kernel', kernel_bytes FROM s
UNION ALL SELECT capture_id, cgroup, sample, mono_s, 'slab', slab_bytes FROM s
UNION ALL SELECT capture_id, cgroup, sample, mono_s, 'percpu', percpu_bytes FROM s
UNION ALL SELECT capture_id, cgroup, sample, mono_s, 'pagetables', pagetables_bytes FROM s
UNION ALL SELECT capture_id, cgroup, sample, mono_s, 'swap', swap_bytes FROM s;

-- How each component of each cgroup changed from its first sample to its
-- last (the samples where it is known; two at least).
--   component        usage, working_set, anon, shmem, page_cache, kernel,
--                    slab, percpu, pagetables, swap (cgroup_samples' *_bytes)
--   bytes_per_hour   (bytes_last - bytes_first) over the time between them
--   steady           1: it grew by a page (4 KiB) or more across every
--                    interval: a one-off allocation is not a leak
--   additions: samples (how many), seconds (first to last), min_step_bytes
--   (the smallest growth of one interval)
CREATE VIEW growth AS
WITH d AS (
  SELECT capture_id, cgroup, component, sample, mono_s, bytes,
         bytes - lag(bytes) OVER w AS step,
         row_number() OVER w AS i,
         count(*) OVER (PARTITION BY capture_id, cgroup, component) AS n
  FROM cgroup_sample_parts WHERE bytes IS NOT NULL
  WINDOW w AS (PARTITION BY capture_id, cgroup, component ORDER BY sample))
SELECT capture_id, cgroup, component, bytes_first, bytes_last,
       CAST(round((bytes_last - bytes_first) * 3600.0 / nullif(seconds, 0)) AS INTEGER)
         AS bytes_per_hour,
       min_step_bytes >= 4096 AS steady,
       samples, seconds, min_step_bytes
FROM (SELECT capture_id, cgroup, component,
             max(CASE WHEN i = 1 THEN bytes END) AS bytes_first,
             max(CASE WHEN i = n THEN bytes END) AS bytes_last,
             max(CASE WHEN i = n THEN mono_s END)
               - max(CASE WHEN i = 1 THEN mono_s END) AS seconds,
             min(step) AS min_step_bytes, count(*) AS samples
      FROM d GROUP BY capture_id, cgroup, component HAVING count(*) >= 2);

-- Internal: the growth findings' rows (90-findings.sql): a steady growth of
-- anon, shmem, page cache or kernel memory of 1 MiB or more at 16 MiB/h or
-- more, in the deepest cgroup that shows it (not in a parent whose child
-- grows as fast, half its rate or more, in the same component).
CREATE VIEW finding_growth AS
SELECT g.capture_id, g.cgroup, g.component, g.bytes_first, g.bytes_last,
       g.bytes_per_hour, g.samples, g.seconds,
       coalesce(n.name, g.cgroup) AS name
FROM growth g
LEFT JOIN cgroup_names n ON n.capture_id = g.capture_id AND n.cgroup = g.cgroup
WHERE g.steady AND g.component IN ('anon', 'shmem', 'page_cache', 'kernel')
  AND g.bytes_last - g.bytes_first >= 1048576
  AND g.bytes_per_hour >= 16777216
  AND NOT EXISTS (SELECT 1 FROM cgroup_node c
                  JOIN growth k ON k.capture_id = c.capture_id AND k.cgroup = c.cgroup
                   AND k.component = g.component
                  WHERE c.capture_id = g.capture_id AND c.parent = g.cgroup
                    AND k.steady AND k.bytes_per_hour * 2 >= g.bytes_per_hour);

-- Internal: a pid whose comm changed between two samples (a restart: the
-- pid was reused), with sample 1's cgroup.  Kernel threads, which rename
-- themselves (kworker/0:1-events), have no RSS and are left out.
CREATE VIEW finding_restarts AS
SELECT a.capture_id, a.pid, a.comm AS comm_before, b.comm AS comm_after,
       a.sample AS sample_before, b.sample AS sample_after,
       (SELECT p.cgroup FROM processes p
        WHERE p.capture_id = a.capture_id AND p.pid = a.pid) AS cgroup
FROM process_samples a
JOIN process_samples b ON b.capture_id = a.capture_id AND b.pid = a.pid
 AND b.sample = (SELECT min(c.sample) FROM process_samples c
                 WHERE c.capture_id = a.capture_id AND c.pid = a.pid
                   AND c.sample > a.sample)
WHERE a.comm IS NOT b.comm AND a.rss_bytes IS NOT NULL AND b.rss_bytes IS NOT NULL
  AND a.capture_id IN (SELECT capture_id FROM sample_index
                       GROUP BY capture_id HAVING count(*) > 1);
