-- Diff: what changed between two captures, or two samples of one ---------------------
-- `memsnap diff` reads these views with a = the earlier capture and b =
-- the later one.  Every view holds all ordered pairs of captures of the
-- database (a <> b), compared at their first sample (the capture's
-- instant, which every other view shows), and every ordered pair of two
-- samples of a capture of several samples (a = b; capture.md section 6).
-- A query names its pair (WHERE a = ? AND b = ?, and sample_a = ? AND
-- sample_b = ? for two samples of one capture) and SQLite pushes that
-- into the joins.  The working set's components are those of
-- working_set_components (cgroups) and working_set_parts (processes):
-- nothing is redefined here.
--
-- What is matched, and how:
--   cgroups     by path (the same on two boots: a path names a place)
--   pods        by pod uid
--   containers  by container id; a container of the same pod uid and name
--               with another id is a restart, never a growth or a shrink
--   processes   by pid and name (comm): the capture holds no process start
--               time, so a pid reused by a process of the same name within
--               the interval is taken for the same process.  Only on the
--               same boot (same boot_id): pids mean nothing across boots,
--               and diff_processes is empty for such a pair
-- Rates (bytes_per_hour) are the change over interval_s, scaled to an
-- hour; NULL when the interval is not positive.
--
-- Two samples of one capture: the cgroups' working sets and components
-- are those every sample has (cgroup_parts_data, cgroup_components_span:
-- the same SQL as the capture's instant, a row a span of samples).  A later sample re-reads the
-- processes' status only, so the processes of two samples (series 1) are
-- read from process_samples in both (VmRSS, RssAnon, RssFile, RssShmem,
-- even in sample 1, which also has smaps_rollup: like with like).  On
-- cgroup v1 a later sample has no kmem counter, so its unexplained holds
-- the kernel memory: kernel_other and unexplained are compared only where
-- both samples have kernel_other.  Cgroup kinds and names, pods,
-- containers and a process's cgroup are those of the first sample, so a
-- cgroup made after it is an added cgroup of no kind (a container started
-- after it too: its old id is removed, not restarted).

-- Internal: the captures of two samples or more.
CREATE VIEW diff_sampled AS
SELECT capture_id FROM sample_index GROUP BY capture_id HAVING count(*) > 1;

-- Every ordered pair of captures, and of samples of one capture.
--   same_boot   1 when both have the same boot_id (the same node, never
--               rebooted in between); 1 for two samples of one capture
--   same_host   1 when both have the same hostname
--   interval_s  seconds from a's start to b's: CLOCK_MONOTONIC on the same
--               boot, else the wall clocks (started_at); between two
--               samples, from one's start to the other's (samples.mono_s)
--   additions:
--   sample_a, sample_b   the samples compared: 1 and 1 for two captures
--   series      1 for two samples of one capture (a = b): both sides'
--               processes are read from process_samples, see above
CREATE VIEW diff_pairs AS
SELECT x.capture_id AS a, y.capture_id AS b,
       coalesce(x.boot_id = y.boot_id, 0) AS same_boot,
       coalesce(x.hostname = y.hostname, 0) AS same_host,
       CASE WHEN x.boot_id = y.boot_id
            THEN y.started_monotonic - x.started_monotonic
            ELSE (julianday(y.started_at) - julianday(x.started_at)) * 86400.0 END
         AS interval_s,
       1 AS sample_a, 1 AS sample_b, 0 AS series
FROM capture x JOIN capture y ON y.capture_id <> x.capture_id
UNION ALL
SELECT x.capture_id, y.capture_id, 1, 1, y.mono_s - x.mono_s, x.sample, y.sample, 1
FROM samples x JOIN samples y ON y.capture_id = x.capture_id AND y.sample <> x.sample
WHERE x.capture_id IN (SELECT capture_id FROM diff_sampled);

-- Per cgroup path: its working set in a and b.
--   change           same (in both), added (only in b), removed (only in a)
--   kind, name       as cgroup_names says (of b, else of a); NULL for a
--                    cgroup made after a sampled capture's first sample
--   working_set_a, working_set_b   cgroups.working_set_bytes (of each
--                    sample: cgroup_samples.working_set_bytes)
--   delta_bytes      working_set_b - working_set_a (same only)
--   bytes_per_hour   delta_bytes over the pair's interval
--   additions: sample_a, sample_b (diff_pairs')
CREATE VIEW diff_cgroups AS
SELECT p.a, p.b, 'same' AS change, x.cgroup, n.kind, n.name,
       x.ws AS working_set_a, y.ws AS working_set_b, y.ws - x.ws AS delta_bytes,
       CASE WHEN p.interval_s > 0
            THEN CAST(round((y.ws - x.ws) * 3600.0 / p.interval_s) AS INTEGER) END
         AS bytes_per_hour,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN cgroup_parts_data x ON x.capture_id = p.a AND p.sample_a BETWEEN x.sample AND x.sample_last
JOIN cgroup_parts_data y ON y.capture_id = p.b AND p.sample_b BETWEEN y.sample AND y.sample_last
                        AND y.cgroup = x.cgroup
LEFT JOIN cgroup_names n ON n.capture_id = p.b AND n.cgroup = x.cgroup
UNION ALL
SELECT p.a, p.b, 'removed', x.cgroup, n.kind, n.name, x.ws, NULL, NULL, NULL,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN cgroup_parts_data x ON x.capture_id = p.a AND p.sample_a BETWEEN x.sample AND x.sample_last
LEFT JOIN cgroup_parts_data y ON y.capture_id = p.b AND p.sample_b BETWEEN y.sample AND y.sample_last
                             AND y.cgroup = x.cgroup
LEFT JOIN cgroup_names n ON n.capture_id = p.a AND n.cgroup = x.cgroup
WHERE y.cgroup IS NULL
UNION ALL
SELECT p.a, p.b, 'added', y.cgroup, n.kind, n.name, NULL, y.ws, NULL, NULL,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN cgroup_parts_data y ON y.capture_id = p.b AND p.sample_b BETWEEN y.sample AND y.sample_last
LEFT JOIN cgroup_parts_data x ON x.capture_id = p.a AND p.sample_a BETWEEN x.sample AND x.sample_last
                             AND x.cgroup = y.cgroup
LEFT JOIN cgroup_names n ON n.capture_id = p.b AND n.cgroup = y.cgroup
WHERE x.cgroup IS NULL;

-- Per cgroup path in both sides and working-set component
-- (working_set_components): its bytes in a and b.  A component the kernel
-- prints in neither is left out; so are kernel_other and unexplained of
-- two samples when only one has kernel_other (cgroup v1: see above).
--   ord, part        the component's order and report part
--   delta_bytes      bytes_b - bytes_a (a component missing on one side
--                    counts as 0 there)
--   bytes_per_hour   delta_bytes over the pair's interval
--   additions: sample_a, sample_b (diff_pairs')
CREATE VIEW diff_cgroup_components AS
SELECT p.a, p.b, x.cgroup, x.ord, x.component, x.part, x.bytes AS bytes_a, y.bytes AS bytes_b,
       coalesce(y.bytes, 0) - coalesce(x.bytes, 0) AS delta_bytes,
       CASE WHEN p.interval_s > 0
            THEN CAST(round((coalesce(y.bytes, 0) - coalesce(x.bytes, 0)) * 3600.0
                            / p.interval_s) AS INTEGER) END AS bytes_per_hour,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN cgroup_components_span x ON x.capture_id = p.a AND p.sample_a BETWEEN x.sample AND x.sample_last
JOIN cgroup_components_span y ON y.capture_id = p.b AND p.sample_b BETWEEN y.sample AND y.sample_last
                           AND y.cgroup = x.cgroup AND y.component = x.component
WHERE (x.bytes IS NOT NULL OR y.bytes IS NOT NULL)
  AND NOT (p.series AND x.component IN ('kernel_other', 'unexplained')
           AND (SELECT k.kernel_other IS NULL FROM cgroup_parts_data k
                WHERE k.capture_id = p.a AND p.sample_a BETWEEN k.sample AND k.sample_last AND k.cgroup = x.cgroup)
               IS NOT (SELECT k.kernel_other IS NULL FROM cgroup_parts_data k
                       WHERE k.capture_id = p.b AND p.sample_b BETWEEN k.sample AND k.sample_last
                         AND k.cgroup = x.cgroup));

-- Internal: the pods of every sample: those of the capture (its first
-- sample) whose cgroup the sample holds, with that sample's working set
-- (through samples, so that cgroup_parts_data is read by its key: the
-- cgroup, then the span that holds the sample).
CREATE VIEW diff_pod_side AS
SELECT x.capture_id, m.sample, x.cgroup, x.namespace, x.pod, x.pod_uid,
       s.ws AS working_set_bytes
FROM pods x
JOIN samples m ON m.capture_id = x.capture_id
JOIN cgroup_parts_data s ON s.capture_id = x.capture_id AND m.sample BETWEEN s.sample AND s.sample_last
                        AND s.cgroup = x.cgroup;

-- Per Kubernetes pod, matched by uid.
--   change   same, added, removed
--   additions: sample_a, sample_b (diff_pairs')
CREATE VIEW diff_pods AS
SELECT p.a, p.b, 'same' AS change, coalesce(y.namespace, x.namespace) AS namespace,
       coalesce(y.pod, x.pod) AS pod, x.pod_uid, x.cgroup AS cgroup_a, y.cgroup AS cgroup_b,
       x.working_set_bytes AS working_set_a, y.working_set_bytes AS working_set_b,
       y.working_set_bytes - x.working_set_bytes AS delta_bytes,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN diff_pod_side x ON x.capture_id = p.a AND x.sample = p.sample_a
JOIN diff_pod_side y ON y.capture_id = p.b AND y.sample = p.sample_b
                    AND y.pod_uid = x.pod_uid
UNION ALL
SELECT p.a, p.b, 'removed', x.namespace, x.pod, x.pod_uid, x.cgroup, NULL,
       x.working_set_bytes, NULL, NULL, p.sample_a, p.sample_b
FROM diff_pairs p
JOIN diff_pod_side x ON x.capture_id = p.a AND x.sample = p.sample_a
WHERE NOT EXISTS (SELECT 1 FROM diff_pod_side y WHERE y.capture_id = p.b
                  AND y.sample = p.sample_b AND y.pod_uid = x.pod_uid)
UNION ALL
SELECT p.a, p.b, 'added', y.namespace, y.pod, y.pod_uid, NULL, y.cgroup,
       NULL, y.working_set_bytes, NULL, p.sample_a, p.sample_b
FROM diff_pairs p
JOIN diff_pod_side y ON y.capture_id = p.b AND y.sample = p.sample_b
WHERE NOT EXISTS (SELECT 1 FROM diff_pod_side x WHERE x.capture_id = p.a
                  AND x.sample = p.sample_a AND x.pod_uid = y.pod_uid);

-- Internal (may change): containers with the name a restart is matched
-- by: the log name, '(sandbox)' for the pod sandbox, NULL when the capture
-- has no names (then a new id is an added container, not a restart); in
-- every sample, as diff_pod_side.
CREATE VIEW diff_container_names AS
SELECT c.capture_id, m.sample, c.cgroup, c.namespace, c.pod, c.pod_uid, c.container_id,
       s.ws AS working_set_bytes,
       coalesce(c.container, CASE WHEN c.sandbox = 1 THEN '(sandbox)' END) AS container
FROM containers c
JOIN samples m ON m.capture_id = c.capture_id
JOIN cgroup_parts_data s ON s.capture_id = c.capture_id AND m.sample BETWEEN s.sample AND s.sample_last
                        AND s.cgroup = c.cgroup;

-- Per Kubernetes container, matched by container id.
--   change          same (the same id in both), restarted (the same pod uid
--                   and container name, another id: the old id is gone from
--                   b, the new one was not in a), added, removed
--   container       its name ('(sandbox)' for the pod sandbox)
--   container_id_a, container_id_b, cgroup_a, cgroup_b   each side's
--   working_set_a, working_set_b   containers.working_set_bytes
--                   (of the samples: cgroup_samples.working_set_bytes)
--   delta_bytes, bytes_per_hour    same only: a restart starts again from
--                   nothing, it is neither a growth nor a shrink
--   additions: sample_a, sample_b (diff_pairs')
CREATE VIEW diff_containers AS
-- diff_container_names once per query: probed row by row, SQLite would
-- work the containers view out again for each probe
WITH c AS MATERIALIZED (SELECT * FROM diff_container_names)
SELECT p.a, p.b, 'same' AS change, coalesce(y.namespace, x.namespace) AS namespace,
       coalesce(y.pod, x.pod) AS pod, x.pod_uid, coalesce(y.container, x.container) AS container,
       x.container_id AS container_id_a, y.container_id AS container_id_b,
       x.cgroup AS cgroup_a, y.cgroup AS cgroup_b,
       x.working_set_bytes AS working_set_a, y.working_set_bytes AS working_set_b,
       y.working_set_bytes - x.working_set_bytes AS delta_bytes,
       CASE WHEN p.interval_s > 0
            THEN CAST(round((y.working_set_bytes - x.working_set_bytes) * 3600.0
                            / p.interval_s) AS INTEGER) END AS bytes_per_hour,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN c x ON x.capture_id = p.a AND x.sample = p.sample_a
JOIN c y ON y.capture_id = p.b AND y.sample = p.sample_b AND y.container_id = x.container_id
UNION ALL
SELECT p.a, p.b, 'restarted', coalesce(y.namespace, x.namespace), coalesce(y.pod, x.pod),
       x.pod_uid, x.container, x.container_id, y.container_id, x.cgroup, y.cgroup,
       x.working_set_bytes, y.working_set_bytes, NULL, NULL, p.sample_a, p.sample_b
FROM diff_pairs p
JOIN c x ON x.capture_id = p.a AND x.sample = p.sample_a
JOIN c y ON y.capture_id = p.b AND y.sample = p.sample_b AND y.pod_uid = x.pod_uid
                           AND y.container = x.container AND y.container_id <> x.container_id
WHERE NOT EXISTS (SELECT 1 FROM c z
                  WHERE z.capture_id = p.b AND z.sample = p.sample_b
                    AND z.container_id = x.container_id)
  AND NOT EXISTS (SELECT 1 FROM c z
                  WHERE z.capture_id = p.a AND z.sample = p.sample_a
                    AND z.container_id = y.container_id)
UNION ALL
-- removed (x on side a, not matched in b) and added (x on side b, not
-- matched in a): one query, run from each side
SELECT p.a, p.b, iif(d.added, 'added', 'removed'), x.namespace, x.pod, x.pod_uid, x.container,
       iif(d.added, NULL, x.container_id), iif(d.added, x.container_id, NULL),
       iif(d.added, NULL, x.cgroup), iif(d.added, x.cgroup, NULL),
       iif(d.added, NULL, x.working_set_bytes), iif(d.added, x.working_set_bytes, NULL),
       NULL, NULL, p.sample_a, p.sample_b
FROM diff_pairs p
CROSS JOIN (SELECT 0 AS added UNION ALL SELECT 1) d
JOIN c x ON x.capture_id = iif(d.added, p.b, p.a)
                           AND x.sample = iif(d.added, p.sample_b, p.sample_a)
WHERE NOT EXISTS (SELECT 1 FROM c y
                  WHERE y.capture_id = iif(d.added, p.a, p.b)
                    AND y.sample = iif(d.added, p.sample_a, p.sample_b)
                    AND (y.container_id = x.container_id
                         OR (y.pod_uid = x.pod_uid AND y.container = x.container
                             AND NOT EXISTS (SELECT 1 FROM c z
                                             WHERE z.capture_id = x.capture_id
                                               AND z.sample = x.sample
                                               AND z.container_id = y.container_id))));

-- Internal: a side's processes: a capture's instant (processes), or a
-- sample of a sampled capture (process_samples: status's sizes, no page
-- tables; the cgroup of the first sample's process of that pid and name,
-- NULL for one started after it; kernel threads, which have no VmRSS, and
-- the collector left out, as processes does).
CREATE VIEW diff_process_side AS
SELECT capture_id, 1 AS sample, 0 AS series, pid, comm, cgroup, rss_bytes, anon_bytes,
       rss_shmem_bytes, rss_file_bytes, pagetables_bytes
FROM processes
UNION ALL
SELECT s.capture_id, s.sample, 1, s.pid, s.comm,
       (SELECT x.cgroup FROM processes x WHERE x.capture_id = s.capture_id
          AND x.pid = s.pid AND x.comm IS s.comm),
       s.rss_bytes, s.anon_bytes, s.shmem_bytes, s.file_bytes, NULL
FROM process_samples s
JOIN capture c ON c.capture_id = s.capture_id
WHERE s.capture_id IN (SELECT capture_id FROM diff_sampled) AND s.rss_bytes IS NOT NULL
  AND s.pid IS NOT c.collector_pid AND s.pid IS NOT c.reader_pid;

-- Per process, matched by pid and name on the same boot (see above).
--   change          same, restarted (the pid is in both with another name:
--                   a new process), added, removed
--   comm_a, comm_b, cgroup_a, cgroup_b, rss_a, rss_b   processes' comm,
--                   cgroup and rss_bytes on each side (of the samples:
--                   process_samples')
--   delta_bytes, bytes_per_hour   of rss_bytes, same only
--   additions: sample_a, sample_b (diff_pairs')
CREATE VIEW diff_processes AS
SELECT p.a, p.b, CASE WHEN x.comm IS y.comm THEN 'same' ELSE 'restarted' END AS change,
       x.pid, x.comm AS comm_a, y.comm AS comm_b, x.cgroup AS cgroup_a, y.cgroup AS cgroup_b,
       x.rss_bytes AS rss_a, y.rss_bytes AS rss_b,
       CASE WHEN x.comm IS y.comm THEN y.rss_bytes - x.rss_bytes END AS delta_bytes,
       CASE WHEN x.comm IS y.comm AND p.interval_s > 0
            THEN CAST(round((y.rss_bytes - x.rss_bytes) * 3600.0 / p.interval_s) AS INTEGER)
       END AS bytes_per_hour,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN diff_process_side x ON x.capture_id = p.a AND x.sample = p.sample_a
                        AND x.series = p.series
JOIN diff_process_side y ON y.capture_id = p.b AND y.sample = p.sample_b
                        AND y.series = p.series AND y.pid = x.pid
WHERE p.same_boot
UNION ALL
SELECT p.a, p.b, 'removed', x.pid, x.comm, NULL, x.cgroup, NULL, x.rss_bytes, NULL, NULL, NULL,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN diff_process_side x ON x.capture_id = p.a AND x.sample = p.sample_a
                        AND x.series = p.series
WHERE p.same_boot
  AND NOT EXISTS (SELECT 1 FROM process_samples y WHERE y.capture_id = p.b
                  AND y.sample = p.sample_b AND y.pid = x.pid)
UNION ALL
SELECT p.a, p.b, 'added', y.pid, NULL, y.comm, NULL, y.cgroup, NULL, y.rss_bytes, NULL, NULL,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN diff_process_side y ON y.capture_id = p.b AND y.sample = p.sample_b
                        AND y.series = p.series
WHERE p.same_boot
  AND NOT EXISTS (SELECT 1 FROM process_samples x WHERE x.capture_id = p.a
                  AND x.sample = p.sample_a AND x.pid = y.pid);

-- Per process matched as the same (diff_processes change 'same') and
-- report part (working_set_parts) a process's own counters show: anon
-- (anon_bytes), shmem (rss_shmem_bytes), page_cache (rss_file_bytes: the
-- file pages it maps), kernel_not_bpf (pagetables_bytes; not of two
-- samples: a later one has no page tables).  The parts a process has no
-- counter for are left out.
--   ord, part, label   working_set_parts'
--   bytes_a, bytes_b, delta_bytes, bytes_per_hour   as diff_cgroup_components
--   additions: sample_a, sample_b (diff_pairs')
CREATE VIEW diff_process_parts AS
SELECT a, b, pid, comm, ord, part, label, bytes_a, bytes_b,
       coalesce(bytes_b, 0) - coalesce(bytes_a, 0) AS delta_bytes,
       CASE WHEN interval_s > 0
            THEN CAST(round((coalesce(bytes_b, 0) - coalesce(bytes_a, 0)) * 3600.0
                            / interval_s) AS INTEGER) END AS bytes_per_hour,
       sample_a, sample_b
FROM (
  SELECT p.a, p.b, p.sample_a, p.sample_b, p.interval_s, x.pid, x.comm, w.ord, w.part, w.label,
         CASE w.part WHEN 'anon' THEN x.anon_bytes WHEN 'shmem' THEN x.rss_shmem_bytes
              WHEN 'page_cache' THEN x.rss_file_bytes
              WHEN 'kernel_not_bpf' THEN x.pagetables_bytes END AS bytes_a,
         CASE w.part WHEN 'anon' THEN y.anon_bytes WHEN 'shmem' THEN y.rss_shmem_bytes
              WHEN 'page_cache' THEN y.rss_file_bytes
              WHEN 'kernel_not_bpf' THEN y.pagetables_bytes END AS bytes_b
  FROM diff_pairs p
  JOIN diff_process_side x ON x.capture_id = p.a AND x.sample = p.sample_a
                          AND x.series = p.series
  JOIN diff_process_side y ON y.capture_id = p.b AND y.sample = p.sample_b
                          AND y.series = p.series AND y.pid = x.pid AND y.comm IS x.comm
  CROSS JOIN working_set_parts w
  WHERE p.same_boot AND w.part IN ('anon', 'shmem', 'page_cache', 'kernel_not_bpf')
)
WHERE bytes_a IS NOT NULL OR bytes_b IS NOT NULL;
