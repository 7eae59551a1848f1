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
--               with another id is a restart, never a growth or a shrink.
--               Where a side has no container names (a later sample:
--               Kubernetes names are read in sample 1 only; a capture
--               without the kubelet's log names), a container gone from
--               a pod and one new in it are a restart when they run the
--               same program (the name, status Name, of the lowest pid
--               of its cgroup in its sample: its first process, the one
--               the runtime started) and no other container gone from
--               the pod or new in it runs that program; else they stay
--               removed and added, and their note says why
--   processes   by pid and name (comm): the capture holds no process start
--               time, so a pid reused by a process of the same name within
--               the interval is taken for the same process.  Only on the
--               same boot (same boot_id): pids mean nothing across boots,
--               and diff_processes is empty for such a pair
-- Rates (bytes_per_hour) are the change over interval_s, scaled to an
-- hour; NULL when the interval is not positive.
--
-- Two samples of one capture: the cgroups' working sets and components
-- are those every sample has (cgroup_parts_data, cgroup_components_at:
-- the same SQL as the capture's instant).  A later sample re-reads the
-- processes' status only, so the processes of two samples (series 1) are
-- read from process_samples in both (VmRSS, RssAnon, RssFile, RssShmem,
-- even in sample 1, which also has smaps_rollup: like with like).  On
-- cgroup v1 a later sample has no kmem counter, so its unexplained holds
-- the kernel memory: kernel_other and unexplained are compared only where
-- both samples have kernel_other.  Cgroup names, pod and container names
-- and a process's cgroup are those of the first sample.  A pod or container
-- cgroup made after it is read from its path (k8s_cgroup(), the loader's
-- reading: its pod uid and container id; no name), so it is an added pod
-- or container, or a restart (see containers above); any other cgroup made
-- after it is an added cgroup of no kind.

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

-- Internal: the Kubernetes pod and container cgroups of a later sample that
-- sample 1 has not (made after it: no cgroup_node row), read from their
-- paths by the loader's reading (k8s_cgroup()): no names.  A pod level
-- cgroup below another (CRI-O's conmon) is no pod.
--   kind   k8s-pod or k8s-container, as cgroup_names
CREATE VIEW diff_new_k8s AS
SELECT capture_id, sample, cgroup, parent, ws, kind, pod_uid,
       iif(kind = 'k8s-container', k8s_cgroup(cgroup, 'container_id'), NULL) AS container_id
FROM (SELECT s.capture_id, s.sample, s.cgroup, s.parent, s.ws,
             CASE k8s_cgroup(s.cgroup, 'level')
               WHEN 'container' THEN 'k8s-container'
               WHEN 'pod' THEN iif(k8s_cgroup(s.parent, 'level') = 'pod', NULL, 'k8s-pod')
             END AS kind,
             k8s_cgroup(s.cgroup, 'pod_uid') AS pod_uid
      FROM cgroup_parts_data s
      WHERE s.sample > 1
        AND NOT EXISTS (SELECT 1 FROM cgroup_node n WHERE n.capture_id = s.capture_id
                        AND n.cgroup = s.cgroup))
WHERE kind IS NOT NULL;

-- Per cgroup path: its working set in a and b.
--   change           same (in both), added (only in b), removed (only in a)
--   kind, name       as cgroup_names says (of b, else of a); for a cgroup
--                    made after a sampled capture's first sample,
--                    diff_new_k8s's kind, else NULL
--   working_set_a, working_set_b   cgroups.working_set_bytes (of each
--                    sample: cgroup_samples.working_set_bytes)
--   delta_bytes      working_set_b - working_set_a (same only)
--   bytes_per_hour   delta_bytes over the pair's interval
--   additions: sample_a, sample_b (diff_pairs')
CREATE VIEW diff_cgroups AS
SELECT p.a, p.b, 'same' AS change, x.cgroup, coalesce(n.kind, k.kind) AS kind, n.name,
       x.ws AS working_set_a, y.ws AS working_set_b, y.ws - x.ws AS delta_bytes,
       CASE WHEN p.interval_s > 0
            THEN CAST(round((y.ws - x.ws) * 3600.0 / p.interval_s) AS INTEGER) END
         AS bytes_per_hour,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN cgroup_parts_data x ON x.capture_id = p.a AND x.sample = p.sample_a
JOIN cgroup_parts_data y ON y.capture_id = p.b AND y.sample = p.sample_b
                        AND y.cgroup = x.cgroup
LEFT JOIN cgroup_names n ON n.capture_id = p.b AND n.cgroup = x.cgroup
LEFT JOIN diff_new_k8s k ON k.capture_id = p.b AND k.sample = p.sample_b AND k.cgroup = x.cgroup
UNION ALL
SELECT p.a, p.b, 'removed', x.cgroup, coalesce(n.kind, k.kind), n.name, x.ws, NULL, NULL, NULL,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN cgroup_parts_data x ON x.capture_id = p.a AND x.sample = p.sample_a
LEFT JOIN cgroup_parts_data y ON y.capture_id = p.b AND y.sample = p.sample_b
                             AND y.cgroup = x.cgroup
LEFT JOIN cgroup_names n ON n.capture_id = p.a AND n.cgroup = x.cgroup
LEFT JOIN diff_new_k8s k ON k.capture_id = p.a AND k.sample = p.sample_a AND k.cgroup = x.cgroup
WHERE y.cgroup IS NULL
UNION ALL
SELECT p.a, p.b, 'added', y.cgroup, coalesce(n.kind, k.kind), n.name, NULL, y.ws, NULL, NULL,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN cgroup_parts_data y ON y.capture_id = p.b AND y.sample = p.sample_b
LEFT JOIN cgroup_parts_data x ON x.capture_id = p.a AND x.sample = p.sample_a
                             AND x.cgroup = y.cgroup
LEFT JOIN cgroup_names n ON n.capture_id = p.b AND n.cgroup = y.cgroup
LEFT JOIN diff_new_k8s k ON k.capture_id = p.b AND k.sample = p.sample_b AND k.cgroup = y.cgroup
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
JOIN cgroup_components_at x ON x.capture_id = p.a AND x.sample = p.sample_a
JOIN cgroup_components_at y ON y.capture_id = p.b AND y.sample = p.sample_b
                           AND y.cgroup = x.cgroup AND y.component = x.component
WHERE (x.bytes IS NOT NULL OR y.bytes IS NOT NULL)
  AND NOT (p.series AND x.component IN ('kernel_other', 'unexplained')
           AND (SELECT k.kernel_other IS NULL FROM cgroup_parts_data k
                WHERE k.capture_id = p.a AND k.sample = p.sample_a AND k.cgroup = x.cgroup)
               IS NOT (SELECT k.kernel_other IS NULL FROM cgroup_parts_data k
                       WHERE k.capture_id = p.b AND k.sample = p.sample_b
                         AND k.cgroup = x.cgroup));

-- Internal: the pods of every sample: those of the capture (its first
-- sample) whose cgroup the sample holds, with that sample's working set
-- (through samples, so that cgroup_parts_data is read by its whole key),
-- and those made after it (diff_new_k8s: no names).
CREATE VIEW diff_pod_side AS
SELECT x.capture_id, s.sample, x.cgroup, x.namespace, x.pod, x.pod_uid,
       s.ws AS working_set_bytes
FROM pods x
JOIN samples m ON m.capture_id = x.capture_id
JOIN cgroup_parts_data s ON s.capture_id = x.capture_id AND s.sample = m.sample
                        AND s.cgroup = x.cgroup
UNION ALL
SELECT capture_id, sample, cgroup, NULL, NULL, pod_uid, ws
FROM diff_new_k8s WHERE kind = 'k8s-pod';

-- Per Kubernetes pod, matched by uid.
--   change   same, added, removed
--   additions: sample_a, sample_b (diff_pairs')
CREATE VIEW diff_pods AS
-- diff_pod_side once per query, as diff_containers' c
WITH s AS MATERIALIZED (SELECT * FROM diff_pod_side)
SELECT p.a, p.b, 'same' AS change, coalesce(y.namespace, x.namespace) AS namespace,
       coalesce(y.pod, x.pod) AS pod, x.pod_uid, x.cgroup AS cgroup_a, y.cgroup AS cgroup_b,
       x.working_set_bytes AS working_set_a, y.working_set_bytes AS working_set_b,
       y.working_set_bytes - x.working_set_bytes AS delta_bytes,
       p.sample_a, p.sample_b
FROM diff_pairs p
JOIN s x ON x.capture_id = p.a AND x.sample = p.sample_a
JOIN s y ON y.capture_id = p.b AND y.sample = p.sample_b AND y.pod_uid = x.pod_uid
UNION ALL
SELECT p.a, p.b, 'removed', x.namespace, x.pod, x.pod_uid, x.cgroup, NULL,
       x.working_set_bytes, NULL, NULL, p.sample_a, p.sample_b
FROM diff_pairs p
JOIN s x ON x.capture_id = p.a AND x.sample = p.sample_a
WHERE NOT EXISTS (SELECT 1 FROM s y WHERE y.capture_id = p.b
                  AND y.sample = p.sample_b AND y.pod_uid = x.pod_uid)
UNION ALL
SELECT p.a, p.b, 'added', y.namespace, y.pod, y.pod_uid, NULL, y.cgroup,
       NULL, y.working_set_bytes, NULL, p.sample_a, p.sample_b
FROM diff_pairs p
JOIN s y ON y.capture_id = p.b AND y.sample = p.sample_b
WHERE NOT EXISTS (SELECT 1 FROM s x WHERE x.capture_id = p.a
                  AND x.sample = p.sample_a AND x.pod_uid = y.pod_uid);

-- Internal (may change): containers with the name a restart is matched
-- by: the log name, '(sandbox)' for the pod sandbox, NULL when the capture
-- has no names; in every sample, as diff_pod_side (those made after the
-- first sample from diff_new_k8s: no names, the pod's names by its uid).
CREATE VIEW diff_container_names AS
SELECT c.capture_id, s.sample, c.cgroup, c.namespace, c.pod, c.pod_uid, c.container_id,
       s.ws AS working_set_bytes,
       coalesce(c.container, CASE WHEN c.sandbox = 1 THEN '(sandbox)' END) AS container
FROM containers c
JOIN samples m ON m.capture_id = c.capture_id
JOIN cgroup_parts_data s ON s.capture_id = c.capture_id AND s.sample = m.sample
                        AND s.cgroup = c.cgroup
UNION ALL
SELECT k.capture_id, k.sample, k.cgroup, d.namespace, d.pod, k.pod_uid, k.container_id, k.ws,
       NULL
FROM diff_new_k8s k
LEFT JOIN k8s_pod_names d ON d.capture_id = k.capture_id AND d.pod_uid = k.pod_uid
WHERE k.kind = 'k8s-container';

-- Internal (may change): the processes of each memory cgroup in each
-- sample of every capture (cgroup_proc_at holds the sampled ones).
CREATE VIEW diff_cgroup_proc AS
SELECT capture_id, 1 AS sample, cgroup, pid FROM cgroup_proc
UNION ALL
SELECT capture_id, sample, cgroup, pid FROM cgroup_proc_at WHERE sample > 1;

-- Internal (may change): the program a restart without names is matched
-- by, of each cgroup with processes in each sample: the name (status Name,
-- process_samples) of its lowest pid, its first process (the one the
-- runtime started; the one finding_restarts names too).
CREATE VIEW diff_cgroup_program AS
SELECT x.capture_id, x.sample, x.cgroup, s.comm AS program
FROM (SELECT capture_id, sample, cgroup, min(pid) AS pid FROM diff_cgroup_proc
      GROUP BY capture_id, sample, cgroup) x
JOIN process_samples s ON s.capture_id = x.capture_id AND s.sample = x.sample AND s.pid = x.pid;

-- Per Kubernetes container, matched by container id.
--   change          same (the same id in both), restarted (the old id is
--                   gone from b, the new one was not in a, both of the same
--                   pod uid: of the same container name, or where a side
--                   has no names, the only ones gone from and new in the
--                   pod that run the same program; see the top), added,
--                   removed
--   container       its name ('(sandbox)' for the pod sandbox; NULL for one
--                   made after a sample 1)
--   container_id_a, container_id_b, cgroup_a, cgroup_b   each side's
--   working_set_a, working_set_b   containers.working_set_bytes
--                   (of the samples: cgroup_samples.working_set_bytes)
--   delta_bytes, bytes_per_hour    same only: a restart starts again from
--                   nothing, it is neither a growth nor a shrink
--   additions: sample_a, sample_b (diff_pairs'); program_a, program_b (of
--   a container restarted, added or removed: each side's program,
--   diff_cgroup_program); note: how a restart without names was matched
--   ('by program'), or why a container gone from a pod or new in it is not
--   a restart although a side has no names ('unmatched': no container new
--   in the pod or gone from it on the other side runs its program;
--   'ambiguous': several of one side do)
CREATE VIEW diff_containers AS
-- diff_container_names once per query: probed row by row, SQLite would
-- work the containers view out again for each probe
WITH n AS MATERIALIZED (SELECT * FROM diff_container_names),
-- how many samples each capture has, and in how many each container is
k AS MATERIALIZED (
  SELECT n.capture_id, n.container_id, count(*) AS samples_in,
         (SELECT count(*) FROM samples s WHERE s.capture_id = n.capture_id) AS samples
  FROM n GROUP BY n.capture_id, n.container_id),
-- with the program of those that may be gone or new in a pair: of a
-- capture of one sample, or not in every sample of theirs (looked up in
-- one place, so diff_cgroup_program is worked out once, and only then)
c AS MATERIALIZED (
  SELECT n.*,
         CASE WHEN k.samples > 1 AND k.samples_in = k.samples THEN NULL
              ELSE (SELECT q.program FROM diff_cgroup_program q
                    WHERE q.capture_id = n.capture_id AND q.sample = n.sample
                      AND q.cgroup = n.cgroup) END AS program
  FROM n
  JOIN k ON k.capture_id = n.capture_id AND k.container_id IS n.container_id),
-- o: x on side a whose id b lacks (gone), or on side b whose id a lacks
-- (new; added = 1); the other side is capture oc, sample os
o AS NOT MATERIALIZED (
  SELECT p.a, p.b, p.sample_a, p.sample_b, d.added, x.*,
         iif(d.added, p.a, p.b) AS oc, iif(d.added, p.sample_a, p.sample_b) AS os
  FROM diff_pairs p
  CROSS JOIN (SELECT 0 AS added UNION ALL SELECT 1) d
  JOIN c x ON x.capture_id = iif(d.added, p.b, p.a)
          AND x.sample = iif(d.added, p.sample_b, p.sample_a)
  WHERE NOT EXISTS (SELECT 1 FROM c y
                    WHERE y.capture_id = iif(d.added, p.a, p.b)
                      AND y.sample = iif(d.added, p.sample_a, p.sample_b)
                      AND y.container_id = x.container_id)
),
-- g: o with what x's pod has of x's program: gone or new on x's side
-- (here) and on the other (there), and how many on the other side a
-- program may pair with (one of the two without a name)
g AS NOT MATERIALIZED (
  SELECT x.*,
         (SELECT count(*) FROM c z
          WHERE z.capture_id = x.capture_id AND z.sample = x.sample AND z.pod_uid = x.pod_uid
            AND NOT EXISTS (SELECT 1 FROM c w WHERE w.capture_id = x.oc AND w.sample = x.os
                            AND w.container_id = z.container_id)
            AND z.program = x.program)
           AS same_program_here,
         (SELECT count(*) FROM c z
          WHERE z.capture_id = x.oc AND z.sample = x.os AND z.pod_uid = x.pod_uid
            AND NOT EXISTS (SELECT 1 FROM c w WHERE w.capture_id = x.capture_id
                            AND w.sample = x.sample AND w.container_id = z.container_id)
            AND z.program = x.program)
           AS same_program_there,
         (SELECT count(*) FROM c z
          WHERE z.capture_id = x.oc AND z.sample = x.os AND z.pod_uid = x.pod_uid
            AND (z.container IS NULL OR x.container IS NULL)
            AND NOT EXISTS (SELECT 1 FROM c w WHERE w.capture_id = x.capture_id
                            AND w.sample = x.sample AND w.container_id = z.container_id))
           AS unnamed_there
  FROM o x
),
-- the restarts: a gone x and a new y of one pod, of the same name, or
-- (a side without names) the only two of the same program
r AS NOT MATERIALIZED (
  SELECT x.a, x.b, x.sample_a, x.sample_b, x.namespace AS namespace_a,
         y.namespace AS namespace_b, x.pod AS pod_a, y.pod AS pod_b, x.pod_uid,
         x.container AS container_a, y.container AS container_b,
         x.container_id AS container_id_a, y.container_id AS container_id_b,
         x.cgroup AS cgroup_a, y.cgroup AS cgroup_b,
         x.working_set_bytes AS working_set_a, y.working_set_bytes AS working_set_b,
         x.program AS program_a, y.program AS program_b,
         iif(x.container = y.container, NULL, 'by program') AS note
  FROM g x
  JOIN o y ON y.a = x.a AND y.b = x.b AND y.sample_a = x.sample_a AND y.sample_b = x.sample_b
          AND y.added AND y.pod_uid = x.pod_uid
  WHERE NOT x.added
    AND (x.container = y.container
         OR ((x.container IS NULL OR y.container IS NULL) AND x.program = y.program
             AND x.same_program_here = 1 AND x.same_program_there = 1))
)
SELECT p.a, p.b, 'same' AS change, coalesce(y.namespace, x.namespace) AS namespace,
       coalesce(y.pod, x.pod) AS pod, x.pod_uid, coalesce(y.container, x.container) AS container,
       x.container_id AS container_id_a, y.container_id AS container_id_b,
       x.cgroup AS cgroup_a, y.cgroup AS cgroup_b,
       x.working_set_bytes AS working_set_a, y.working_set_bytes AS working_set_b,
       y.working_set_bytes - x.working_set_bytes AS delta_bytes,
       CASE WHEN p.interval_s > 0
            THEN CAST(round((y.working_set_bytes - x.working_set_bytes) * 3600.0
                            / p.interval_s) AS INTEGER) END AS bytes_per_hour,
       p.sample_a, p.sample_b, NULL AS program_a, NULL AS program_b, NULL AS note
FROM diff_pairs p
JOIN c x ON x.capture_id = p.a AND x.sample = p.sample_a
JOIN c y ON y.capture_id = p.b AND y.sample = p.sample_b AND y.container_id = x.container_id
UNION ALL
SELECT a, b, 'restarted', coalesce(namespace_b, namespace_a), coalesce(pod_b, pod_a), pod_uid,
       coalesce(container_b, container_a), container_id_a, container_id_b, cgroup_a, cgroup_b,
       working_set_a, working_set_b, NULL, NULL, sample_a, sample_b, program_a, program_b, note
FROM r
UNION ALL
-- removed (gone from a, not restarted) and added (new in b, not restarted)
SELECT x.a, x.b, iif(x.added, 'added', 'removed'), x.namespace, x.pod, x.pod_uid, x.container,
       iif(x.added, NULL, x.container_id), iif(x.added, x.container_id, NULL),
       iif(x.added, NULL, x.cgroup), iif(x.added, x.cgroup, NULL),
       iif(x.added, NULL, x.working_set_bytes), iif(x.added, x.working_set_bytes, NULL),
       NULL, NULL, x.sample_a, x.sample_b,
       iif(x.added, NULL, x.program), iif(x.added, x.program, NULL),
       CASE WHEN x.unnamed_there = 0 OR x.program IS NULL THEN NULL
            WHEN x.same_program_there = 0 THEN 'unmatched'
            WHEN x.same_program_here > 1 OR x.same_program_there > 1 THEN 'ambiguous' END
FROM g x
WHERE NOT EXISTS (SELECT 1 FROM r
                  WHERE r.a = x.a AND r.b = x.b AND r.sample_a = x.sample_a
                    AND r.sample_b = x.sample_b
                    AND iif(x.added, r.container_id_b, r.container_id_a) = x.container_id);

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
