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
SELECT m.capture_id, coalesce(i.sample, m.sample) AS sample, m.cgroup,
       coalesce(i.mono_ns / 1e9,
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
-- a span of samples (cgroup_memory_at) a row a sample
FROM cgroup_memory_at m
LEFT JOIN sample_index i ON i.capture_id = m.capture_id
 AND i.sample BETWEEN m.sample AND m.sample_last;

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
-- samples or more.  One SELECT over the components, not one per component:
-- every view that reads it (growth, the findings) would work out
-- cgroup_samples ten times over when its statement is prepared.
CREATE VIEW cgroup_sample_parts AS
WITH multi AS (SELECT capture_id FROM sample_index GROUP BY capture_id HAVING count(*) > 1),
c(component) AS (VALUES ('usage'), ('working_set'), ('anon'), ('shmem'), ('page_cache'),
                        ('kernel'), ('slab'), ('percpu'), ('pagetables'), ('swap'))
SELECT s.capture_id, s.cgroup, s.sample, s.mono_s, c.component,
       CASE c.component WHEN 'usage' THEN s.usage_bytes
                        WHEN 'working_set' THEN s.working_set_bytes
                        WHEN 'anon' THEN s.anon_bytes WHEN 'shmem' THEN s.shmem_bytes
                        WHEN 'page_cache' THEN s.page_cache_bytes
                        WHEN 'kernel' THEN s.kernel_bytes WHEN 'slab' THEN s.slab_bytes
                        WHEN 'percpu' THEN s.percpu_bytes
                        WHEN 'pagetables' THEN s.pagetables_bytes
                        ELSE s.swap_bytes END AS bytes
FROM multi m CROSS JOIN cgroup_samples s ON s.capture_id = m.capture_id CROSS JOIN c;

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

-- Internal: the components the growth findings look at (finding_growth,
-- finding_growth_before_kill) and the report's "What grew" draws
-- (growth_report_parts).
CREATE VIEW growth_components(component) AS
VALUES ('anon'), ('shmem'), ('page_cache'), ('kernel');

-- Internal: the growth findings' rows (90-findings.sql): a steady growth of
-- anon, shmem, page cache or kernel memory of 1 MiB or more at 16 MiB/h or
-- more, in the deepest cgroup that shows it (not in a parent whose child
-- grows as fast, half its rate or more, in the same component).  growth is
-- read once: each growth row counts as its own cgroup's (own 1) and as a
-- child of its parent's (own 0), grouped by that cgroup; a second reference
-- to growth (a NOT EXISTS over the children) was another copy of the
-- series views for SQLite to prepare in every statement that reads the
-- findings (6.3 M instructions against 3.4 M).
CREATE VIEW finding_growth AS
SELECT g.capture_id, g.cgroup, g.component, g.bytes_first, g.bytes_last,
       g.bytes_per_hour, g.samples, g.seconds,
       coalesce(n.name, g.cgroup) AS name
FROM (SELECT w.capture_id, CASE WHEN o.own THEN w.cgroup ELSE c.parent END AS cgroup,
             w.component, max(o.own) AS own,
             max(CASE WHEN o.own THEN w.steady END) AS steady,
             max(CASE WHEN o.own THEN w.bytes_first END) AS bytes_first,
             max(CASE WHEN o.own THEN w.bytes_last END) AS bytes_last,
             max(CASE WHEN o.own THEN w.bytes_per_hour END) AS bytes_per_hour,
             max(CASE WHEN o.own THEN w.samples END) AS samples,
             max(CASE WHEN o.own THEN w.seconds END) AS seconds,
             -- the fastest steady child (a child is a cgroup_node row)
             max(CASE WHEN NOT o.own AND w.steady THEN w.bytes_per_hour END) AS child_rate
      FROM growth w
      JOIN (SELECT 1 AS own UNION ALL SELECT 0) o
      LEFT JOIN cgroup_node c ON c.capture_id = w.capture_id AND c.cgroup = w.cgroup
      WHERE w.component IN (SELECT component FROM growth_components)
      GROUP BY 1, 2, 3) g
LEFT JOIN cgroup_names n ON n.capture_id = g.capture_id AND n.cgroup = g.cgroup
WHERE g.own AND g.steady
  AND g.bytes_last - g.bytes_first >= 1048576
  AND g.bytes_per_hour >= 16777216
  AND NOT coalesce(g.child_rate * 2 >= g.bytes_per_hour, 0);

-- Internal: the processes of each memory cgroup in each sample of a capture
-- of two samples or more (sample 1: cgroup_proc; later ones: their
-- cgroup.procs).
CREATE VIEW cgroup_proc_at AS
SELECT capture_id, 1 AS sample, cgroup, pid FROM cgroup_proc
WHERE capture_id IN (SELECT capture_id FROM sample_index
                     GROUP BY capture_id HAVING count(*) > 1)
UNION ALL
SELECT capture_id, sample, cgroup, pid FROM cgroup_proc_sample;

-- Internal: the restarts seen between two samples, each a new process,
-- never a growth or a shrink:
--   pid_reused   a pid whose comm changed (the pid was reused), with
--                sample 1's cgroup; kernel threads, which rename themselves
--                (kworker/0:1-events), have no RSS and are left out
--   replaced     a cgroup with processes in two samples in a row and none
--                in common: every process exited and others started (a
--                restarted container or service); pid is the lowest new one
--   cgroup_replaced  a cgroup with processes that is gone in the next
--                sample while a sibling with processes appears (Kubernetes
--                restarts a container in a new cgroup); cgroup is the new
--                one, cgroup_before the old one, pid the new one's lowest
-- sample_before, sample_after: the two samples (the ring of --until-oom
-- may have dropped some in between).
CREATE VIEW finding_restarts AS
WITH multi AS (
  SELECT capture_id FROM sample_index GROUP BY capture_id HAVING count(*) > 1
), pairs AS (
  SELECT i.capture_id, i.sample AS s0,
         (SELECT min(j.sample) FROM sample_index j
          WHERE j.capture_id = i.capture_id AND j.sample > i.sample) AS s1
  FROM sample_index i WHERE i.capture_id IN (SELECT capture_id FROM multi)
), cg AS (
  -- each cgroup with processes in both samples of a pair, or in one only
  SELECT p.capture_id, p.s0, p.s1, x.cgroup,
         max(x.sample = p.s0) AS in0, max(x.sample = p.s1) AS in1,
         min(CASE WHEN x.sample = p.s1 THEN x.pid END) AS pid1,
         min(CASE WHEN x.sample = p.s0 THEN x.pid END) AS pid0,
         rtrim(rtrim(x.cgroup, replace(x.cgroup, '/', '')), '/') AS parent
  FROM pairs p
  JOIN cgroup_proc_at x ON x.capture_id = p.capture_id AND x.sample IN (p.s0, p.s1)
  WHERE p.s1 IS NOT NULL
  GROUP BY p.capture_id, p.s0, p.s1, x.cgroup
)
SELECT a.capture_id, a.pid, a.comm AS comm_before, b.comm AS comm_after,
       a.sample AS sample_before, b.sample AS sample_after,
       (SELECT p.cgroup FROM processes p
        WHERE p.capture_id = a.capture_id AND p.pid = a.pid) AS cgroup,
       'pid_reused' AS kind, NULL AS cgroup_before
FROM process_samples a
JOIN process_samples b ON b.capture_id = a.capture_id AND b.pid = a.pid
 AND b.sample = (SELECT min(c.sample) FROM process_samples c
                 WHERE c.capture_id = a.capture_id AND c.pid = a.pid
                   AND c.sample > a.sample)
WHERE a.comm IS NOT b.comm AND a.rss_bytes IS NOT NULL AND b.rss_bytes IS NOT NULL
  AND a.capture_id IN (SELECT capture_id FROM multi)
UNION ALL
SELECT c.capture_id, c.pid1,
       (SELECT s.comm FROM process_samples s WHERE s.capture_id = c.capture_id
           AND s.sample = c.s0 AND s.pid = c.pid0),
       (SELECT s.comm FROM process_samples s WHERE s.capture_id = c.capture_id
           AND s.sample = c.s1 AND s.pid = c.pid1),
       c.s0, c.s1, c.cgroup, 'replaced', NULL
FROM cg c
WHERE c.in0 AND c.in1 AND c.cgroup != '/'
  AND NOT EXISTS (SELECT 1 FROM cgroup_proc_at x
                  JOIN cgroup_proc_at y ON y.capture_id = x.capture_id
                   AND y.sample = c.s1 AND y.cgroup = x.cgroup AND y.pid = x.pid
                  WHERE x.capture_id = c.capture_id AND x.sample = c.s0
                    AND x.cgroup = c.cgroup)
UNION ALL
SELECT n.capture_id, n.pid1,
       (SELECT s.comm FROM process_samples s WHERE s.capture_id = o.capture_id
           AND s.sample = o.s0 AND s.pid = o.pid0),
       (SELECT s.comm FROM process_samples s WHERE s.capture_id = n.capture_id
           AND s.sample = n.s1 AND s.pid = n.pid1),
       n.s0, n.s1, n.cgroup, 'cgroup_replaced', o.cgroup
FROM cg n
JOIN cg o ON o.capture_id = n.capture_id AND o.s0 = n.s0 AND o.parent = n.parent
 AND o.in0 AND NOT o.in1 AND o.cgroup != n.cgroup
WHERE n.in1 AND NOT n.in0
  -- gone, not only emptied: no file of the old cgroup in the later sample
  AND NOT EXISTS (SELECT 1 FROM cgroup_file_sample f WHERE f.capture_id = o.capture_id
                  AND f.sample = o.s1 AND f.cgroup = o.cgroup)
  -- new, not only filled: no file of it in the earlier sample
  AND NOT EXISTS (SELECT 1 FROM cgroup_file_sample f WHERE f.capture_id = n.capture_id
                  AND f.sample = n.s0 AND f.cgroup = n.cgroup)
  AND (n.s0 > 1 OR NOT EXISTS (SELECT 1 FROM cgroup_node k
                               WHERE k.capture_id = n.capture_id AND k.cgroup = n.cgroup));

-- Internal: the flight recorder's finding (capture.md 6.2; 90-findings.sql,
-- growth_before_oom_kill): in a capture of `memsnap-collect --until-oom`
-- that ends with its oom-kill sample, the kill it stopped for (the last
-- kill of the log in manifest.samples.cgroup or below: the recorder writes
-- right after it) and, in the killed task's cgroup, each component that grew
-- across every interval of the samples before the kill sample, back from
-- the last of them that grew (at most two flat intervals after it: at its
-- limit a cgroup stops growing while the kernel reclaims) as far as it grew
-- (a page or more an interval; not
-- across samples the ring dropped, whose intervals are unknown: sample 1,
-- then 7, 8, ...): "anon grew 48 MiB/min for 3 min, then the kill".  1 MiB or more at 16 MiB/h
-- or more, as finding_growth.  The samples before the kill: before the
-- oom-kill sample and ended before the kill's kernel_time (the recorder
-- reads the log between samples, so an interval sample may be taken
-- during or after the kill: tests/t18u saw both).  The log's clock (local_clock) is not
-- CLOCK_MONOTONIC but keeps within a fraction of a second of it for days;
-- where it is ahead of the oom-kill sample, which cannot be, the order
-- of the samples alone decides.
--   sample_first, sample_last   where the growth starts and ends (the last
--                               sample that grew, before the kill)
--   intervals                   sample_last's row number less sample_first's
CREATE VIEW finding_growth_before_kill AS
WITH rec AS (
  SELECT c.capture_id, coalesce(json_extract(c.manifest, '$.samples.cgroup'), '/') AS path,
         i.sample AS kill_sample, i.mono_ns / 1e9 AS kill_sample_s
  FROM capture c
  JOIN sample_index i ON i.capture_id = c.capture_id AND i.trigger = 'oom-kill'
  WHERE json_extract(c.manifest, '$.samples.mode') = 'until-oom'
), kills AS (
  -- oom_kills read once (a row an event): each one in the recorder's
  -- cgroup, the last first
  SELECT r.capture_id, r.kill_sample, r.kill_sample_s, o.event, o.kernel_time, o.killed_pid,
         o.killed_comm,
         coalesce(o.task_memcg, o.oom_memcg) AS cgroup,
         row_number() OVER (PARTITION BY r.capture_id, r.kill_sample
                            ORDER BY o.event DESC) AS back
  FROM rec r
  JOIN oom_kills o ON o.capture_id = r.capture_id
   AND (r.path = '/' OR o.oom_memcg = r.path OR o.task_memcg = r.path
        OR substr(o.oom_memcg, 1, length(r.path) + 1) = r.path || '/'
        OR substr(o.task_memcg, 1, length(r.path) + 1) = r.path || '/')
), kill AS (
  SELECT capture_id, kill_sample, kill_sample_s, event, kernel_time, killed_pid,
         killed_comm, cgroup
  FROM kills WHERE back = 1
), d AS (
  SELECT k.*, p.component, p.sample, p.mono_s, p.bytes,
         p.bytes - lag(p.bytes) OVER w AS step,
         p.sample - lag(p.sample) OVER w AS gap,
         row_number() OVER w AS i,
         count(*) OVER (PARTITION BY k.capture_id, p.component) AS n
  FROM kill k
  JOIN cgroup_sample_parts p ON p.capture_id = k.capture_id AND p.cgroup = k.cgroup
   AND p.sample < k.kill_sample AND p.bytes IS NOT NULL
  JOIN sample_index i ON i.capture_id = p.capture_id AND i.sample = p.sample
   AND (k.kernel_time IS NULL OR k.kernel_time > k.kill_sample_s
        OR i.mono_end_ns / 1e9 <= k.kernel_time)
  WHERE p.component IN (SELECT component FROM growth_components)
  WINDOW w AS (PARTITION BY k.capture_id, p.component ORDER BY p.sample)
), ends AS (
  -- where the growth ends: the last interval that grew; at most two flat
  -- intervals after it (at its limit the cgroup stops growing while the
  -- kernel reclaims, before it kills).  Windows over d, which is read once:
  -- each reference to d is another copy of cgroup_sample_parts to prepare
  SELECT d.*, max(CASE WHEN step >= 4096 AND gap = 1 THEN i END)
                OVER (PARTITION BY capture_id, component) AS end_i
  FROM d
), run AS (
  -- where it starts: the last row at or before end_i that did not grow
  SELECT e.*, max(CASE WHEN e.i <= e.end_i AND (e.i = 1 OR e.step < 4096 OR e.gap > 1)
                       THEN e.i END)
                OVER (PARTITION BY e.capture_id, e.component) AS start_i
  FROM ends e
), g AS (
  SELECT r.capture_id, r.cgroup, r.component, r.event, r.kernel_time, r.killed_pid,
         r.killed_comm, r.kill_sample,
         max(CASE WHEN r.i = r.start_i THEN r.sample END) AS sample_first,
         max(CASE WHEN r.i = r.end_i THEN r.sample END) AS sample_last,
         max(CASE WHEN r.i = r.start_i THEN r.bytes END) AS bytes_first,
         max(CASE WHEN r.i = r.end_i THEN r.bytes END) AS bytes_last,
         max(CASE WHEN r.i = r.end_i THEN r.mono_s END)
           - max(CASE WHEN r.i = r.start_i THEN r.mono_s END) AS seconds,
         r.end_i - r.start_i AS intervals
  FROM run r
  WHERE r.end_i IS NOT NULL AND r.n - r.end_i <= 2 AND r.end_i > r.start_i
  GROUP BY r.capture_id, r.component
)
SELECT g.capture_id, g.cgroup, coalesce(n.name, g.cgroup) AS name, g.component,
       g.event, g.kernel_time, g.killed_pid, g.killed_comm, g.kill_sample,
       g.sample_first, g.sample_last, g.bytes_first, g.bytes_last, g.seconds, g.intervals,
       CAST(round((g.bytes_last - g.bytes_first) * 3600.0 / nullif(g.seconds, 0)) AS INTEGER)
         AS bytes_per_hour
FROM g
LEFT JOIN cgroup_names n ON n.capture_id = g.capture_id AND n.cgroup = g.cgroup
WHERE g.bytes_last - g.bytes_first >= 1048576
  AND (g.bytes_last - g.bytes_first) * 3600.0 >= 16777216 * g.seconds;

-- Internal: the report's "What grew" (reports/growth.c): each part of
-- working_set_parts (the one list the report draws) with the growth
-- component that follows it over the samples: anon, shmem and page_cache
-- are the components of the same names (page cache as memory.stat counts
-- it, file - shmem), kernel_not_bpf is kernel (the BPF maps are read in
-- sample 1 only, so later samples cannot take them out); the parts bpf
-- and unexplained have no series.
CREATE VIEW growth_report_parts AS
SELECT p.ord, p.part, g.component
FROM working_set_parts p
JOIN growth_components g
  ON g.component = CASE p.part WHEN 'kernel_not_bpf' THEN 'kernel' ELSE p.part END;
