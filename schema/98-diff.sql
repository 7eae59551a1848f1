-- Diff: what changed between two captures -----------------------------------------------
-- `memsnap diff` reads these views with a = the earlier capture and b =
-- the later one.  Every view holds all ordered pairs of captures of the
-- database (a <> b); a query names its pair (WHERE a = ? AND b = ?) and
-- SQLite pushes that into the joins.  The working set's components are
-- those of working_set_components (cgroups) and working_set_parts
-- (processes): nothing is redefined here.
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

-- Every ordered pair of captures.
--   same_boot   1 when both have the same boot_id (the same node, never
--               rebooted in between)
--   same_host   1 when both have the same hostname
--   interval_s  seconds from a's start to b's: CLOCK_MONOTONIC on the same
--               boot, else the wall clocks (started_at)
CREATE VIEW diff_pairs AS
SELECT x.capture_id AS a, y.capture_id AS b,
       coalesce(x.boot_id = y.boot_id, 0) AS same_boot,
       coalesce(x.hostname = y.hostname, 0) AS same_host,
       CASE WHEN x.boot_id = y.boot_id
            THEN y.started_monotonic - x.started_monotonic
            ELSE (julianday(y.started_at) - julianday(x.started_at)) * 86400.0 END
         AS interval_s
FROM capture x JOIN capture y ON y.capture_id <> x.capture_id;

-- Per cgroup path: its working set in a and b.
--   change           same (in both), added (only in b), removed (only in a)
--   kind, name       as cgroup_names says (of b, else of a)
--   working_set_a, working_set_b   cgroups.working_set_bytes
--   delta_bytes      working_set_b - working_set_a (same only)
--   bytes_per_hour   delta_bytes over the pair's interval
CREATE VIEW diff_cgroups AS
SELECT p.a, p.b, 'same' AS change, x.cgroup, n.kind, n.name,
       x.ws AS working_set_a, y.ws AS working_set_b, y.ws - x.ws AS delta_bytes,
       CASE WHEN p.interval_s > 0
            THEN CAST(round((y.ws - x.ws) * 3600.0 / p.interval_s) AS INTEGER) END
         AS bytes_per_hour
FROM diff_pairs p
JOIN cgroup_parts x ON x.capture_id = p.a
JOIN cgroup_parts y ON y.capture_id = p.b AND y.cgroup = x.cgroup
LEFT JOIN cgroup_names n ON n.capture_id = p.b AND n.cgroup = x.cgroup
UNION ALL
SELECT p.a, p.b, 'removed', x.cgroup, n.kind, n.name, x.ws, NULL, NULL, NULL
FROM diff_pairs p
JOIN cgroup_parts x ON x.capture_id = p.a
LEFT JOIN cgroup_names n ON n.capture_id = p.a AND n.cgroup = x.cgroup
WHERE NOT EXISTS (SELECT 1 FROM cgroup_parts y WHERE y.capture_id = p.b AND y.cgroup = x.cgroup)
UNION ALL
SELECT p.a, p.b, 'added', y.cgroup, n.kind, n.name, NULL, y.ws, NULL, NULL
FROM diff_pairs p
JOIN cgroup_parts y ON y.capture_id = p.b
LEFT JOIN cgroup_names n ON n.capture_id = p.b AND n.cgroup = y.cgroup
WHERE NOT EXISTS (SELECT 1 FROM cgroup_parts x WHERE x.capture_id = p.a AND x.cgroup = y.cgroup);

-- Per cgroup path in both captures and working-set component
-- (working_set_components): its bytes in a and b.  A component the kernel
-- prints in neither is left out.
--   ord, part        the component's order and report part
--   delta_bytes      bytes_b - bytes_a (a component missing on one side
--                    counts as 0 there)
--   bytes_per_hour   delta_bytes over the pair's interval
CREATE VIEW diff_cgroup_components AS
SELECT p.a, p.b, x.cgroup, x.ord, x.component, x.part, x.bytes AS bytes_a, y.bytes AS bytes_b,
       coalesce(y.bytes, 0) - coalesce(x.bytes, 0) AS delta_bytes,
       CASE WHEN p.interval_s > 0
            THEN CAST(round((coalesce(y.bytes, 0) - coalesce(x.bytes, 0)) * 3600.0
                            / p.interval_s) AS INTEGER) END AS bytes_per_hour
FROM diff_pairs p
JOIN cgroup_components x ON x.capture_id = p.a
JOIN cgroup_components y ON y.capture_id = p.b AND y.cgroup = x.cgroup
                        AND y.component = x.component
WHERE x.bytes IS NOT NULL OR y.bytes IS NOT NULL;

-- Per Kubernetes pod, matched by uid.
--   change   same, added, removed
CREATE VIEW diff_pods AS
SELECT p.a, p.b, 'same' AS change, coalesce(y.namespace, x.namespace) AS namespace,
       coalesce(y.pod, x.pod) AS pod, x.pod_uid, x.cgroup AS cgroup_a, y.cgroup AS cgroup_b,
       x.working_set_bytes AS working_set_a, y.working_set_bytes AS working_set_b,
       y.working_set_bytes - x.working_set_bytes AS delta_bytes
FROM diff_pairs p
JOIN pods x ON x.capture_id = p.a
JOIN pods y ON y.capture_id = p.b AND y.pod_uid = x.pod_uid
UNION ALL
SELECT p.a, p.b, 'removed', x.namespace, x.pod, x.pod_uid, x.cgroup, NULL,
       x.working_set_bytes, NULL, NULL
FROM diff_pairs p JOIN pods x ON x.capture_id = p.a
WHERE NOT EXISTS (SELECT 1 FROM pods y WHERE y.capture_id = p.b AND y.pod_uid = x.pod_uid)
UNION ALL
SELECT p.a, p.b, 'added', y.namespace, y.pod, y.pod_uid, NULL, y.cgroup,
       NULL, y.working_set_bytes, NULL
FROM diff_pairs p JOIN pods y ON y.capture_id = p.b
WHERE NOT EXISTS (SELECT 1 FROM pods x WHERE x.capture_id = p.a AND x.pod_uid = y.pod_uid);

-- Internal (may change): containers with the name a restart is matched
-- by: the log name, '(sandbox)' for the pod sandbox, NULL when the capture
-- has no names (then a new id is an added container, not a restart).
CREATE VIEW diff_container_names AS
SELECT capture_id, cgroup, namespace, pod, pod_uid, container_id, working_set_bytes,
       coalesce(container, CASE WHEN sandbox = 1 THEN '(sandbox)' END) AS container
FROM containers;

-- Per Kubernetes container, matched by container id.
--   change          same (the same id in both), restarted (the same pod uid
--                   and container name, another id: the old id is gone from
--                   b, the new one was not in a), added, removed
--   container       its name ('(sandbox)' for the pod sandbox)
--   container_id_a, container_id_b, cgroup_a, cgroup_b   each side's
--   working_set_a, working_set_b   containers.working_set_bytes
--   delta_bytes, bytes_per_hour    same only: a restart starts again from
--                   nothing, it is neither a growth nor a shrink
CREATE VIEW diff_containers AS
SELECT p.a, p.b, 'same' AS change, coalesce(y.namespace, x.namespace) AS namespace,
       coalesce(y.pod, x.pod) AS pod, x.pod_uid, coalesce(y.container, x.container) AS container,
       x.container_id AS container_id_a, y.container_id AS container_id_b,
       x.cgroup AS cgroup_a, y.cgroup AS cgroup_b,
       x.working_set_bytes AS working_set_a, y.working_set_bytes AS working_set_b,
       y.working_set_bytes - x.working_set_bytes AS delta_bytes,
       CASE WHEN p.interval_s > 0
            THEN CAST(round((y.working_set_bytes - x.working_set_bytes) * 3600.0
                            / p.interval_s) AS INTEGER) END AS bytes_per_hour
FROM diff_pairs p
JOIN diff_container_names x ON x.capture_id = p.a
JOIN diff_container_names y ON y.capture_id = p.b AND y.container_id = x.container_id
UNION ALL
SELECT p.a, p.b, 'restarted', coalesce(y.namespace, x.namespace), coalesce(y.pod, x.pod),
       x.pod_uid, x.container, x.container_id, y.container_id, x.cgroup, y.cgroup,
       x.working_set_bytes, y.working_set_bytes, NULL, NULL
FROM diff_pairs p
JOIN diff_container_names x ON x.capture_id = p.a
JOIN diff_container_names y ON y.capture_id = p.b AND y.pod_uid = x.pod_uid
                           AND y.container = x.container AND y.container_id <> x.container_id
WHERE NOT EXISTS (SELECT 1 FROM diff_container_names z
                  WHERE z.capture_id = p.b AND z.container_id = x.container_id)
  AND NOT EXISTS (SELECT 1 FROM diff_container_names z
                  WHERE z.capture_id = p.a AND z.container_id = y.container_id)
UNION ALL
SELECT p.a, p.b, 'removed', x.namespace, x.pod, x.pod_uid, x.container, x.container_id, NULL,
       x.cgroup, NULL, x.working_set_bytes, NULL, NULL, NULL
FROM diff_pairs p
JOIN diff_container_names x ON x.capture_id = p.a
WHERE NOT EXISTS (SELECT 1 FROM diff_container_names y
                  WHERE y.capture_id = p.b AND (y.container_id = x.container_id
                        OR (y.pod_uid = x.pod_uid AND y.container = x.container
                            AND NOT EXISTS (SELECT 1 FROM diff_container_names z
                                            WHERE z.capture_id = p.a
                                              AND z.container_id = y.container_id))))
UNION ALL
SELECT p.a, p.b, 'added', y.namespace, y.pod, y.pod_uid, y.container, NULL, y.container_id,
       NULL, y.cgroup, NULL, y.working_set_bytes, NULL, NULL
FROM diff_pairs p
JOIN diff_container_names y ON y.capture_id = p.b
WHERE NOT EXISTS (SELECT 1 FROM diff_container_names x
                  WHERE x.capture_id = p.a AND (x.container_id = y.container_id
                        OR (x.pod_uid = y.pod_uid AND x.container = y.container
                            AND NOT EXISTS (SELECT 1 FROM diff_container_names z
                                            WHERE z.capture_id = p.b
                                              AND z.container_id = x.container_id))));

-- Per process, matched by pid and name on the same boot (see above).
--   change          same, restarted (the pid is in both with another name:
--                   a new process), added, removed
--   comm_a, comm_b, cgroup_a, cgroup_b, rss_a, rss_b   processes' comm,
--                   cgroup and rss_bytes on each side
--   delta_bytes, bytes_per_hour   of rss_bytes, same only
CREATE VIEW diff_processes AS
SELECT p.a, p.b, CASE WHEN x.comm IS y.comm THEN 'same' ELSE 'restarted' END AS change,
       x.pid, x.comm AS comm_a, y.comm AS comm_b, x.cgroup AS cgroup_a, y.cgroup AS cgroup_b,
       x.rss_bytes AS rss_a, y.rss_bytes AS rss_b,
       CASE WHEN x.comm IS y.comm THEN y.rss_bytes - x.rss_bytes END AS delta_bytes,
       CASE WHEN x.comm IS y.comm AND p.interval_s > 0
            THEN CAST(round((y.rss_bytes - x.rss_bytes) * 3600.0 / p.interval_s) AS INTEGER)
       END AS bytes_per_hour
FROM diff_pairs p
JOIN processes x ON x.capture_id = p.a
JOIN processes y ON y.capture_id = p.b AND y.pid = x.pid
WHERE p.same_boot
UNION ALL
SELECT p.a, p.b, 'removed', x.pid, x.comm, NULL, x.cgroup, NULL, x.rss_bytes, NULL, NULL, NULL
FROM diff_pairs p JOIN processes x ON x.capture_id = p.a
WHERE p.same_boot
  AND NOT EXISTS (SELECT 1 FROM proc_status y WHERE y.capture_id = p.b AND y.pid = x.pid)
UNION ALL
SELECT p.a, p.b, 'added', y.pid, NULL, y.comm, NULL, y.cgroup, NULL, y.rss_bytes, NULL, NULL
FROM diff_pairs p JOIN processes y ON y.capture_id = p.b
WHERE p.same_boot
  AND NOT EXISTS (SELECT 1 FROM proc_status x WHERE x.capture_id = p.a AND x.pid = y.pid);

-- Per process matched as the same (diff_processes change 'same') and
-- report part (working_set_parts) a process's own counters show: anon
-- (anon_bytes), shmem (rss_shmem_bytes), page_cache (rss_file_bytes: the
-- file pages it maps), kernel_not_bpf (pagetables_bytes).  The parts a
-- process has no counter for are left out.
--   ord, part, label   working_set_parts'
--   bytes_a, bytes_b, delta_bytes, bytes_per_hour   as diff_cgroup_components
CREATE VIEW diff_process_parts AS
SELECT a, b, pid, comm, ord, part, label, bytes_a, bytes_b,
       coalesce(bytes_b, 0) - coalesce(bytes_a, 0) AS delta_bytes,
       CASE WHEN interval_s > 0
            THEN CAST(round((coalesce(bytes_b, 0) - coalesce(bytes_a, 0)) * 3600.0
                            / interval_s) AS INTEGER) END AS bytes_per_hour
FROM (
  SELECT p.a, p.b, p.interval_s, x.pid, x.comm, w.ord, w.part, w.label,
         CASE w.part WHEN 'anon' THEN x.anon_bytes WHEN 'shmem' THEN x.rss_shmem_bytes
              WHEN 'page_cache' THEN x.rss_file_bytes
              WHEN 'kernel_not_bpf' THEN x.pagetables_bytes END AS bytes_a,
         CASE w.part WHEN 'anon' THEN y.anon_bytes WHEN 'shmem' THEN y.rss_shmem_bytes
              WHEN 'page_cache' THEN y.rss_file_bytes
              WHEN 'kernel_not_bpf' THEN y.pagetables_bytes END AS bytes_b
  FROM diff_pairs p
  JOIN processes x ON x.capture_id = p.a
  JOIN processes y ON y.capture_id = p.b AND y.pid = x.pid AND y.comm IS x.comm
  CROSS JOIN working_set_parts w
  WHERE p.same_boot AND w.part IN ('anon', 'shmem', 'page_cache', 'kernel_not_bpf')
)
WHERE bytes_a IS NOT NULL OR bytes_b IS NOT NULL;
