-- Findings ------------------------------------------------------------------------------
-- What deserves attention, each with the numbers that support it and the SQL
-- that shows them.  One SELECT per finding code; thresholds are written in
-- the SELECT and in memsnap-views(7) (schema/man/).  Sizes are spelled by
-- human_bytes() (the C formatter, registered by analyze/db/db.c): an
-- unknown size reads 'unknown', as does an unknown percentage or time,
-- never 0 (SQLite's printf('%.1f', NULL) says 0.0).
--   cgroup     the cgroup it is about, NULL for the node
--   severity   critical, warning, info
--   code       stable identifier (near_limit, oom_kill, ...)
--   title      one line
--   evidence   the numbers, in words
--   query      SQL that shows the numbers: memsnap sql SOURCE "<query>"

-- The severities a finding has, most severe first: the one order findings
-- are listed in (the report's findings query sorts by rank, and
-- reports/model.c merges its two halves by the rank it read;
-- report_fleet_findings' severity_rank).
--   severity   critical, warning, info: what the findings below say
--   rank       0 for the most severe
CREATE TABLE finding_severities (
    severity TEXT PRIMARY KEY, rank INTEGER NOT NULL UNIQUE
) WITHOUT ROWID;
INSERT INTO finding_severities VALUES ('critical', 0), ('warning', 1), ('info', 2);

-- The internal views below (finding_*, findings_now, report_no_limit) read
-- cgroup_headroom_data, cgroup_names_data and cgroups_data, the tables the
-- public views cgroup_headroom, cgroup_names and cgroups are a plain SELECT
-- of (the same rows: one definition): each use of a view is another copy
-- of it for SQLite to prepare, and preparing the findings is most of what
-- a report costs (tests/bench/README.md, rstm).

-- Internal: each cgroup's headroom with its readable name.
CREATE VIEW finding_cgroups AS
SELECT h.capture_id, h.cgroup, n.name, n.kind, h.working_set_bytes,
       h.reclaimable_bytes, h.unreclaimable_bytes, h.limit_bytes,
       h.effective_limit_bytes, h.working_set_pct, h.unreclaimable_pct
FROM cgroup_headroom_data h
JOIN cgroup_names_data n ON n.capture_id = h.capture_id AND n.cgroup = h.cgroup;

-- Internal: the limit a Go program's GOMEMLIMIT is compared with, for the
-- cgroup of each Go program: the smallest limit on the path from its
-- cgroup to the root, leaving out kubepods and the QoS cgroups (the same
-- notion as no_limit: those bound all pods together, the node's
-- allocatable, not this container).  For a Kubernetes container: its own
-- limit or its pod's; elsewhere the effective limit.  NULL: none.
CREATE VIEW finding_go_limits AS
WITH RECURSIVE up(capture_id, cgroup, at, limit_bytes) AS (
    SELECT DISTINCT p.capture_id, p.cgroup, p.cgroup,
           CASE WHEN n.kind IN ('k8s-root', 'k8s-qos') THEN NULL ELSE h.limit_bytes END
    FROM (SELECT capture_id, pid FROM proc_go
          UNION SELECT capture_id, pid FROM proc_heap) g  -- runtime_heaps too
    JOIN processes p ON p.capture_id = g.capture_id AND p.pid = g.pid
    JOIN cgroup_headroom_data h ON h.capture_id = p.capture_id AND h.cgroup = p.cgroup
    LEFT JOIN cgroup_names_data n ON n.capture_id = p.capture_id AND n.cgroup = p.cgroup
    UNION ALL
    SELECT u.capture_id, u.cgroup, n.parent, ph.limit_bytes
    FROM up u
    JOIN cgroup_node n ON n.capture_id = u.capture_id AND n.cgroup = u.at
    JOIN cgroup_names_data pn ON pn.capture_id = n.capture_id AND pn.cgroup = n.parent
    JOIN cgroup_headroom_data ph ON ph.capture_id = n.capture_id AND ph.cgroup = n.parent
    WHERE pn.kind NOT IN ('k8s-root', 'k8s-qos')
)
SELECT capture_id, cgroup, min(limit_bytes) AS limit_bytes
FROM up GROUP BY capture_id, cgroup;

-- Internal: proc_go with old_go, 1 for a Go before 1.19 (no GOMEMLIMIT):
-- go_version is the toolchain's "go1.N[.P]" (rc and beta suffixes too);
-- a version of another shape (devel builds, unknown) is taken as current.
CREATE VIEW finding_go AS
SELECT g.*, coalesce(g.go_version LIKE 'go1.%'
                     AND CAST(substr(g.go_version, 5) AS INTEGER) < 19, 0) AS old_go
FROM proc_go g;

-- One row per cgroup v2 memory cgroup below the root (the root has no
-- memory.high): memory.high, the soft limit where the kernel throttles
-- by reclaim instead of killing (Kubernetes MemoryQoS), next to
-- memory.max, with memory.events and the cgroup's own memory PSI.
--   name                 cgroup_names' name; namespace, pod, container
--                        where the cgroup is a Kubernetes container
--   usage_bytes, high_bytes   cgroups' (memory.current; memory.high, NULL
--                        for 'max': no throttling)
--   max_bytes            cgroups' limit_bytes: memory.max, NULL for 'max'
--   high_pct             usage_bytes against high_bytes, in percent
--   events_high, events_max, events_oom, events_oom_kill   memory.events
--                        (hierarchical: this cgroup and its descendants):
--                        times usage went over memory.high (throttled),
--                        hit memory.max, an OOM, processes OOM-killed
--   psi_some_avg10, psi_some_avg60, psi_full_avg10, psi_full_avg60
--                        memory.pressure: percent of time some (full: all)
--                        of its tasks stalled on memory
--   psi_some_total_us, psi_full_total_us   microseconds stalled in total
--   events_high_growth, events_max_growth   in a capture of several
--                        samples, how much events_high and events_max grew
--                        from the first sample to the last (NULL with one
--                        sample): throttled during the capture, not only once
--                        (a cgroup gone by the last sample: NULL)
--   samples_seconds      the time between those two samples
CREATE VIEW cgroup_throttling AS
SELECT g.capture_id, g.cgroup, nm.name, k.namespace, k.pod, k.container,
       g.usage_bytes, g.high_bytes, g.limit_bytes AS max_bytes,
       round(100.0 * g.usage_bytes / nullif(g.high_bytes, 0), 1) AS high_pct,
       ev.high AS events_high, ev.max AS events_max, ev.oom AS events_oom,
       ev.oom_kill AS events_oom_kill,
       ps.avg10 AS psi_some_avg10, ps.avg60 AS psi_some_avg60,
       pf.avg10 AS psi_full_avg10, pf.avg60 AS psi_full_avg60,
       ps.total_us AS psi_some_total_us, pf.total_us AS psi_full_total_us,
       el.high - ev.high AS events_high_growth, el.max - ev.max AS events_max_growth,
       el.seconds AS samples_seconds
FROM cgroups g
LEFT JOIN cgroup_names nm ON nm.capture_id = g.capture_id AND nm.cgroup = g.cgroup
LEFT JOIN containers k ON k.capture_id = g.capture_id AND k.cgroup = g.cgroup
LEFT JOIN (SELECT capture_id, cgroup, max(CASE key WHEN 'high' THEN value END) AS high,
                  max(CASE key WHEN 'max' THEN value END) AS max,
                  max(CASE key WHEN 'oom' THEN value END) AS oom,
                  max(CASE key WHEN 'oom_kill' THEN value END) AS oom_kill
           FROM cgroup_event WHERE file = 'memory.events' GROUP BY capture_id, cgroup) ev
       ON ev.capture_id = g.capture_id AND ev.cgroup = g.cgroup
-- the last sample's memory.events, and how long after sample 1 it was taken
LEFT JOIN (SELECT e.capture_id, e.cgroup,
                  max(CASE e.key WHEN 'high' THEN e.value END) AS high,
                  max(CASE e.key WHEN 'max' THEN e.value END) AS max,
                  max(l.seconds) AS seconds
           FROM (SELECT i.capture_id, max(i.sample) AS sample,
                        (max(i.mono_ns) - min(i.mono_ns)) / 1e9 AS seconds
                 FROM sample_index i GROUP BY i.capture_id HAVING count(*) > 1) l
           JOIN cgroup_event_sample e ON e.capture_id = l.capture_id AND e.sample = l.sample
           GROUP BY e.capture_id, e.cgroup) el
       ON el.capture_id = g.capture_id AND el.cgroup = g.cgroup
LEFT JOIN cgroup_pressure ps ON ps.capture_id = g.capture_id AND ps.cgroup = g.cgroup
     AND ps.kind = 'some'
LEFT JOIN cgroup_pressure pf ON pf.capture_id = g.capture_id AND pf.cgroup = g.cgroup
     AND pf.kind = 'full'
WHERE g.cgroup_version = 2 AND g.parent IS NOT NULL AND g.usage_bytes IS NOT NULL;

-- Internal: the finding no_limit, which findings lists and report_findings
-- groups by namespace (without working out every other finding again): a
-- Kubernetes container with processes and no memory limit of
-- its own nor on its pod (BestEffort, or Burstable without limits).  The
-- limits above the pods (kubepods: the node's allocatable memory; the QoS
-- cgroups) do not count: they bound all pods together.
CREATE VIEW finding_no_limit AS
SELECT f.capture_id, f.cgroup, 'info' AS severity, 'no_limit' AS code,
       f.name || ' has no memory limit' AS title,
       printf('working set %s, no limit on the container nor on its pod: it can '
              || 'grow until %s, and under node pressure the kubelet evicts pods '
              || 'that use more than they request first',
              human_bytes(f.working_set_bytes),
              CASE WHEN f.effective_limit_bytes IS NULL THEN 'the node runs out'
                   ELSE 'all pods together reach ' || human_bytes(f.effective_limit_bytes)
                        || ' (the limit above the pods)' END) AS evidence,
       'SELECT * FROM cgroup_headroom WHERE capture_id = ' || f.capture_id
         || ' AND cgroup = ' || quote(f.cgroup) AS query
FROM finding_cgroups f
JOIN cgroup_node cn ON cn.capture_id = f.capture_id AND cn.cgroup = f.cgroup
JOIN cgroup_node pn ON pn.capture_id = cn.capture_id AND pn.cgroup = cn.parent
WHERE f.kind = 'k8s-container' AND pn.k8s_level = 'pod'
  AND f.limit_bytes IS NULL
  -- the pod has no limit of its own: a lookup of its files, where a LEFT
  -- JOIN of cgroup_file had SQLite expand every cgroup's files of every
  -- capture first (a report of one capture of 20: 7.8x the instructions
  -- of the same capture alone)
  AND NOT EXISTS (SELECT 1 FROM cgroup_file pl
                  WHERE pl.capture_id = pn.capture_id AND pl.cgroup = pn.cgroup
                    AND pl.file IN ('memory.max', 'memory.limit_in_bytes')
                    AND NOT pl.unlimited AND pl.value IS NOT NULL)
  AND EXISTS (SELECT 1 FROM cgroup_proc cp WHERE cp.capture_id = f.capture_id
              AND cp.cgroup = f.cgroup)
  -- not the pod sandbox ("pause": no log name while others have one)
  AND NOT (EXISTS (SELECT 1 FROM k8s_container_log x WHERE x.capture_id = f.capture_id)
           AND NOT EXISTS (SELECT 1 FROM k8s_container_log x
                           WHERE x.capture_id = f.capture_id
                             AND x.container_id = cn.container_id));

-- Internal: the findings of one instant, every finding but those that
-- compare samples (findings_over_samples), in two halves: findings_now_1
-- (near_limit to large_shmem) and findings_now_2 (no_limit to heap_limit),
-- each finding code in one.  findings_now is both, findings both with
-- findings_over_samples; the report reads them apart (report_findings,
-- report_findings_now_2 below), and the text report of one sample reads the
-- two halves on its two connections at once (reports/model.c): preparing
-- the findings is most of what a report costs, about even between the
-- halves.
CREATE VIEW findings_now_1 AS
-- near_limit: working set at 90% or more of the effective limit.  Critical
-- when what the kernel cannot reclaim is at 90% too (on cgroup v1 the
-- reclaimable slab is inside the unsplit kmem and counts as unreclaimable).
-- Reported for the deepest cgroup: not for one whose child has the same
-- effective limit and is at 90% too (a pod and its only container); a
-- parent with a smaller limit of its own than its children's is reported.
SELECT capture_id, cgroup,
       CASE WHEN unreclaimable_pct >= 90 THEN 'critical' ELSE 'warning' END AS severity,
       'near_limit' AS code,
       name || ' is at ' || working_set_pct || '% of its memory limit' AS title,
       printf('working set %s of a %s limit (%.1f%%); %s of it is '
              || 'reclaimable page cache, slab or swap cache, so %s (%s) '
              || 'cannot be reclaimed without swap',
              human_bytes(working_set_bytes), human_bytes(effective_limit_bytes),
              working_set_pct, human_bytes(reclaimable_bytes),
              human_bytes(unreclaimable_bytes),
              CASE WHEN unreclaimable_pct IS NULL THEN 'unknown share'
                   ELSE printf('%.1f%%', unreclaimable_pct) END) AS evidence,
       'SELECT * FROM cgroup_headroom WHERE capture_id = ' || capture_id
         || ' AND cgroup = ' || quote(cgroup) AS query
FROM finding_cgroups
WHERE working_set_pct >= 90 AND kind != 'node'
  AND NOT EXISTS (SELECT 1 FROM cgroup_node c
                  JOIN cgroup_headroom_data ch ON ch.capture_id = c.capture_id
                   AND ch.cgroup = c.cgroup
                  WHERE c.capture_id = finding_cgroups.capture_id
                    AND c.parent = finding_cgroups.cgroup
                    AND ch.effective_limit_bytes = finding_cgroups.effective_limit_bytes
                    AND ch.working_set_pct >= 90)

UNION ALL
-- eviction_near: the kubelet's memory.available is within 10% of the
-- node's capacity, or within twice the hard threshold, of the threshold
-- (node_eviction, schema/88-kubelet.sql).
SELECT capture_id, NULL, 'warning', 'eviction_near',
       'the kubelet is ' || human_bytes(max(eviction_distance_bytes, 0))
         || ' from evicting pods',
       printf('memory.available as the kubelet computes it (MemTotal %s less the '
              || 'node working set) is %s against a hard threshold of %s (%s): '
              || '%s to go; MemAvailable is %s; first to act: %s',
              human_bytes(mem_total_bytes), human_bytes(kubelet_memory_available_bytes),
              human_bytes(eviction_threshold_bytes), eviction_threshold_source,
              human_bytes(eviction_distance_bytes), human_bytes(mem_available_bytes),
              first_to_act),
       'SELECT * FROM node_eviction WHERE capture_id = ' || capture_id
FROM node_eviction
WHERE eviction_distance_bytes IS NOT NULL
  AND (eviction_distance_bytes * 10 < mem_total_bytes
       OR eviction_distance_bytes < 2 * eviction_threshold_bytes)

UNION ALL
-- cache_inflated: 25%+ of the working set (and 64 MiB+) is active page
-- cache or reclaimable slab: kubectl top looks worse than it is.
SELECT capture_id, cgroup, 'info', 'cache_inflated',
       name || ': ' || human_bytes(reclaimable_bytes)
         || ' of its working set is reclaimable cache',
       printf('working set %s, of which %s (%.0f%%) is active page cache '
              || 'and reclaimable slab the kernel drops under pressure; what it '
              || 'cannot reclaim is %s',
              human_bytes(working_set_bytes), human_bytes(reclaimable_bytes),
              100.0 * reclaimable_bytes / working_set_bytes,
              human_bytes(unreclaimable_bytes)),
       'SELECT * FROM working_set_breakdown WHERE capture_id = ' || capture_id
         || ' AND cgroup = ' || quote(cgroup)
FROM finding_cgroups
WHERE reclaimable_bytes >= 64 * 1048576
  AND reclaimable_bytes * 4 >= working_set_bytes AND kind != 'node'
  -- the counters are hierarchical: report the deepest cgroups it is true of
  AND NOT EXISTS (SELECT 1 FROM cgroup_node c
                  JOIN cgroup_headroom_data ch ON ch.capture_id = c.capture_id
                   AND ch.cgroup = c.cgroup
                  WHERE c.capture_id = finding_cgroups.capture_id
                    AND c.parent = finding_cgroups.cgroup
                    AND ch.reclaimable_bytes >= 64 * 1048576
                    AND ch.reclaimable_bytes * 4 >= ch.working_set_bytes)

UNION ALL
-- oom_kill: every OOM kill in the kernel log.
SELECT o.capture_id, o.task_memcg, 'critical', 'oom_kill',
       'OOM kill: ' || coalesce(o.killed_comm, '?') || ' (pid '
         || coalesce(o.killed_pid, '?') || ') in '
         || coalesce(o.namespace || '/' || o.pod, o.task_memcg, o.oom_memcg, '?'),
       printf('at %s; %s; memory cgroup usage %s of limit %s; victim anon-rss %s, '
              || 'file-rss %s, shmem-rss %s%s',
              coalesce(o.wall_time, CASE WHEN o.kernel_time IS NOT NULL
                                         THEN printf('%.3f s after boot', o.kernel_time) END,
                       'unknown time'),
              CASE WHEN o."constraint" IS NOT NULL THEN 'constraint ' || o."constraint"
                   ELSE 'constraint unknown' END,
              human_bytes(o.memcg_usage_bytes), human_bytes(o.memcg_limit_bytes),
              human_bytes(o.anon_rss_bytes), human_bytes(o.file_rss_bytes),
              human_bytes(o.shmem_rss_bytes),
              CASE WHEN o.complete THEN '' ELSE ' (report incomplete in the log)' END),
       'SELECT * FROM oom_kills WHERE capture_id = ' || o.capture_id
         || ' AND event = ' || o.event
FROM oom_kills o

UNION ALL
-- oom_kill_counter: the cgroup's own counter (memory.events or
-- memory.oom_control) says it OOM-killed: this survives a wrapped log.
SELECT g.capture_id, g.cgroup, 'warning', 'oom_kill_counter',
       n.name || ': the kernel OOM-killed ' || g.oom_kill_count || ' process'
         || CASE WHEN g.oom_kill_count > 1 THEN 'es' ELSE '' END || ' in this cgroup',
       'oom_kill = ' || g.oom_kill_count || ' in '
         || CASE g.cgroup_version WHEN 2 THEN 'memory.events' ELSE 'memory.oom_control' END
         || ' (counted since the cgroup was created; '
         || CASE g.cgroup_version WHEN 2 THEN 'on cgroup v2 it includes kills in child '
                 || 'cgroups, and is reported in the deepest cgroup that has them)'
              ELSE 'on cgroup v1 it counts this cgroup''s own kills only)' END,
       'SELECT * FROM cgroup_event WHERE capture_id = ' || g.capture_id
         || ' AND cgroup = ' || quote(g.cgroup)
FROM cgroups_data g
JOIN cgroup_names_data n ON n.capture_id = g.capture_id AND n.cgroup = g.cgroup
WHERE g.oom_kill_count > 0 AND n.kind != 'node'
  -- v2's counter is hierarchical (v1's is not: tests/t52): report it where
  -- it starts, not again in every ancestor whose kills all happened in one
  -- child
  AND NOT EXISTS (SELECT 1 FROM cgroup_node c
                  JOIN cgroups_data cc ON cc.capture_id = c.capture_id AND cc.cgroup = c.cgroup
                  WHERE c.capture_id = g.capture_id AND c.parent = g.cgroup
                    AND cc.oom_kill_count = g.oom_kill_count)

UNION ALL
-- bpf_heavy: a cgroup whose processes hold 64 MiB+ of BPF maps, or 8 MiB+
-- charged to it that are half its working set or more (a small container
-- made mostly of maps: 51 of 59 MiB, tests/t58; tests/t54's cilium-agent,
-- 16 of 20 MiB).
SELECT b.capture_id, b.cgroup, 'warning', 'bpf_heavy',
       coalesce(b.name, b.cgroup) || ' holds ' || human_bytes(b.memlock_bytes)
         || ' of BPF maps',
       CASE WHEN h.working_set_bytes > 0
            THEN printf('%.0f%% of its working set of %s; ',
                        100.0 * b.memlock_bytes / h.working_set_bytes,
                        human_bytes(h.working_set_bytes))
            ELSE '' END
         || b.maps || ' maps held by ' || b.holders || ' process'
         || CASE WHEN b.holders > 1 THEN 'es' ELSE '' END || '; largest: '
         || b.largest_maps
         || CASE b.charged
              WHEN 1 THEN printf('; charged to the memory cgroup of the process that '
                                 || 'created each map, as kernel memory (Linux 5.11+); '
                                 || 'this cgroup''s kernel memory is %s',
                                 human_bytes(b.kernel_bytes))
              WHEN 0 THEN '; charged to no memory cgroup (Linux before 5.11): outside '
                          || 'every limit'
              ELSE '' END
         || CASE WHEN b.memlock_exact = 0
                 THEN '; memlock is an estimate before Linux 6.4 (hash maps use more)'
                 ELSE '' END,
       'SELECT * FROM bpf_maps WHERE capture_id = ' || b.capture_id
         || ' AND cgroup = ' || quote(b.cgroup) || ' ORDER BY memlock_bytes DESC'
FROM bpf_by_cgroup b
LEFT JOIN cgroup_headroom_data h ON h.capture_id = b.capture_id AND h.cgroup = b.cgroup
WHERE b.memlock_bytes >= 64 * 1048576
   -- relative only where the maps are in the working set (charged, 5.11+);
   -- uncharged ones are bpf_unaccounted's
   OR (b.charged = 1 AND b.memlock_bytes >= 8 * 1048576
       AND b.memlock_bytes * 2 >= h.working_set_bytes)

UNION ALL
-- bpf_unaccounted: before Linux 5.11 BPF map memory is charged to no memory
-- cgroup (only to RLIMIT_MEMLOCK), on cgroup v1 and v2 alike.  From 5.11 on
-- it is charged to the creator's cgroup on v1 too (memory.kmem), as the
-- host test tests/t50 shows on a v1 6.18 kernel.
SELECT m.capture_id, NULL, 'info', 'bpf_unaccounted',
       human_bytes(sum(m.memlock_bytes)) || ' of BPF maps are outside every memory limit',
       count(*) || ' BPF maps hold ' || human_bytes(sum(m.memlock_bytes))
         || ' (memlock); Linux ' || k.kernel_release || ' charges BPF map memory to no '
         || 'memory cgroup (memcg accounting of maps came with 5.11), so it counts '
         || 'against the node but no container limit',
       'SELECT * FROM bpf_maps WHERE capture_id = ' || m.capture_id
         || ' ORDER BY memlock_bytes DESC'
FROM (SELECT capture_id, map_id, max(memlock_bytes) AS memlock_bytes FROM bpf_maps
      GROUP BY capture_id, map_id) m
JOIN kernel_features k ON k.capture_id = m.capture_id
WHERE k.bpf_maps_charged = 0
GROUP BY m.capture_id
HAVING sum(m.memlock_bytes) > 0

UNION ALL
-- large_shmem: 64 MiB+ and a quarter of the working set is shmem (tmpfs,
-- emptyDir medium: Memory, /dev/shm, memfd): not reclaimable without swap.
SELECT p.capture_id, p.cgroup, 'warning', 'large_shmem',
       n.name || ' holds ' || human_bytes(p.shmem) || ' of shmem/tmpfs'
         -- the tmpfs that holds most of it, when one does (tmpfs_usage)
         || coalesce((SELECT ', most in ' || coalesce('volume ' || u.volume, u.mount_point)
                             || ' (' || human_bytes(u.used_bytes) || ')'
                      FROM tmpfs_usage u
                      WHERE u.capture_id = p.capture_id AND u.used_bytes * 2 > p.shmem
                        AND (u.cgroup = p.cgroup
                             OR (u.kind = 'emptydir' AND u.pod_uid =
                                   (SELECT c.pod_uid FROM cgroup_node c
                                    WHERE c.capture_id = p.capture_id
                                      AND c.cgroup = p.cgroup)))
                      ORDER BY u.used_bytes DESC LIMIT 1), ''),
       printf('shmem %s = %.0f%% of the working set %s: tmpfs, emptyDir with '
              || 'medium Memory, /dev/shm, memfd or SysV shm; it counts against the '
              || 'limit and cannot be reclaimed without swap',
              human_bytes(p.shmem), 100.0 * p.shmem / p.ws, human_bytes(p.ws)),
       'SELECT * FROM working_set_breakdown WHERE capture_id = ' || p.capture_id
         || ' AND cgroup = ' || quote(p.cgroup)
FROM cgroup_parts p
JOIN cgroup_names_data n ON n.capture_id = p.capture_id AND n.cgroup = p.cgroup
WHERE p.shmem >= 64 * 1048576 AND p.shmem * 4 >= p.ws AND n.kind != 'node'
  AND NOT EXISTS (SELECT 1 FROM cgroup_node c
                  JOIN cgroup_parts cp ON cp.capture_id = c.capture_id
                   AND cp.cgroup = c.cgroup
                  WHERE c.capture_id = p.capture_id AND c.parent = p.cgroup
                    AND cp.shmem >= 64 * 1048576 AND cp.shmem * 4 >= cp.ws);

-- Internal: the second half of findings_now (above).
CREATE VIEW findings_now_2 AS
-- no_limit (finding_no_limit)
SELECT capture_id, cgroup, severity, code, title, evidence, query
FROM finding_no_limit

UNION ALL
-- kernel_unreclaimable: 64 MiB+ and a quarter of the working set is kernel
-- memory the kernel cannot reclaim (on cgroup v1: kernel memory, whose
-- reclaimable slab cannot be told apart).
SELECT p.capture_id, p.cgroup, 'warning', 'kernel_unreclaimable',
       n.name || ': ' || human_bytes(k)
         || CASE p.version WHEN 1 THEN ' of kernel memory' ELSE ' of unreclaimable kernel memory' END,
       printf('kernel memory that cannot be reclaimed is %s = %.0f%% of the working '
              || 'set (%s)', human_bytes(k), 100.0 * k / p.ws,
              CASE p.version WHEN 1 THEN 'memory.kmem.usage_in_bytes: cgroup v1 gives no '
                   || 'split, so reclaimable slab (dentries, inodes) is in this figure too'
              -- the unreclaimable kernel components, as working_set_components lists them
              ELSE (SELECT group_concat(component || ' ' || human_bytes(bytes), ', ')
                    FROM (SELECT c.component, c.bytes FROM cgroup_components c
                          WHERE c.capture_id = p.capture_id AND c.cgroup = p.cgroup
                            AND c.category = 'kernel' AND NOT c.reclaimable
                          ORDER BY c.ord)) END),
       'SELECT * FROM working_set_breakdown WHERE capture_id = ' || p.capture_id
         || ' AND cgroup = ' || quote(p.cgroup)
FROM (SELECT *, kernel_unreclaimable AS k FROM cgroup_parts) p
JOIN cgroup_names_data n ON n.capture_id = p.capture_id AND n.cgroup = p.cgroup
WHERE p.k >= 64 * 1048576 AND p.k * 4 >= p.ws AND n.kind != 'node'
  AND NOT EXISTS (SELECT 1 FROM cgroup_node c
                  JOIN cgroup_parts cp ON cp.capture_id = c.capture_id
                   AND cp.cgroup = c.cgroup
                  WHERE c.capture_id = p.capture_id AND c.parent = p.cgroup
                    AND cp.kernel_unreclaimable >= 64 * 1048576
                    AND cp.kernel_unreclaimable * 4 >= cp.ws)

UNION ALL
-- memory_pressure (node): PSI some avg10 >= 10% or full avg10 >= 5%.
SELECT capture_id, NULL,
       CASE WHEN full_avg10 >= 5 THEN 'critical' ELSE 'warning' END,
       'memory_pressure',
       'the node is under memory pressure',
       printf('PSI memory: some avg10 %s, full avg10 %s (tasks stalled waiting '
              || 'for memory; full = all runnable tasks stalled at once)',
              CASE WHEN some_avg10 IS NULL THEN 'unknown' ELSE printf('%.2f%%', some_avg10) END,
              CASE WHEN full_avg10 IS NULL THEN 'unknown' ELSE printf('%.2f%%', full_avg10) END),
       'SELECT * FROM node_pressure WHERE capture_id = ' || capture_id
FROM (SELECT capture_id,
             max(CASE kind WHEN 'some' THEN avg10 END) AS some_avg10,
             max(CASE kind WHEN 'full' THEN avg10 END) AS full_avg10
      FROM node_pressure GROUP BY capture_id)
WHERE some_avg10 >= 10 OR full_avg10 >= 5

UNION ALL
-- memory_pressure (cgroup)
SELECT p.capture_id, p.cgroup,
       CASE WHEN full_avg10 >= 5 THEN 'critical' ELSE 'warning' END,
       'memory_pressure',
       n.name || ' is under memory pressure',
       printf('PSI memory of the cgroup: some avg10 %s, full avg10 %s',
              CASE WHEN some_avg10 IS NULL THEN 'unknown' ELSE printf('%.2f%%', some_avg10) END,
              CASE WHEN full_avg10 IS NULL THEN 'unknown' ELSE printf('%.2f%%', full_avg10) END),
       'SELECT * FROM cgroup_pressure WHERE capture_id = ' || p.capture_id
         || ' AND cgroup = ' || quote(p.cgroup)
FROM (SELECT capture_id, cgroup,
             max(CASE kind WHEN 'some' THEN avg10 END) AS some_avg10,
             max(CASE kind WHEN 'full' THEN avg10 END) AS full_avg10
      FROM cgroup_pressure GROUP BY capture_id, cgroup) p
JOIN cgroup_names_data n ON n.capture_id = p.capture_id AND n.cgroup = p.cgroup
WHERE (some_avg10 >= 10 OR full_avg10 >= 5) AND n.kind != 'node'
  -- PSI of a cgroup counts the stalls of its descendants: report the
  -- deepest cgroups under pressure, not every ancestor again
  AND NOT EXISTS (SELECT 1 FROM cgroup_node c
                  JOIN cgroup_pressure cs ON cs.capture_id = c.capture_id
                   AND cs.cgroup = c.cgroup
                  WHERE c.capture_id = p.capture_id AND c.parent = p.cgroup
                    AND ((cs.kind = 'some' AND cs.avg10 >= 10)
                         OR (cs.kind = 'full' AND cs.avg10 >= 5)))

UNION ALL
-- swap (node)
SELECT capture_id, NULL, 'info', 'swap',
       'the node has ' || human_bytes(swap_used_bytes) || ' in swap',
       printf('swap used %s of %s; swapped memory is outside the working '
              || 'set but comes back on access (slowly)',
              human_bytes(swap_used_bytes), human_bytes(swap_total_bytes)),
       'SELECT * FROM node WHERE capture_id = ' || capture_id
FROM node WHERE swap_used_bytes > 0

UNION ALL
-- swap (cgroup)
SELECT g.capture_id, g.cgroup, 'info', 'swap',
       n.name || ' has ' || human_bytes(g.swap_bytes) || ' in swap',
       human_bytes(g.swap_bytes) || ' of this cgroup''s memory is in swap (not in its working set)',
       'SELECT cgroup, swap_bytes FROM cgroups WHERE capture_id = ' || g.capture_id
         || ' AND cgroup = ' || quote(g.cgroup)
FROM cgroups_data g
JOIN cgroup_names_data n ON n.capture_id = g.capture_id AND n.cgroup = g.cgroup
LEFT JOIN (SELECT c.capture_id, c.parent, sum(cc.swap_bytes) AS children_swap
           FROM cgroup_node c
           JOIN cgroups_data cc ON cc.capture_id = c.capture_id AND cc.cgroup = c.cgroup
           WHERE cc.swap_bytes > 0 GROUP BY c.capture_id, c.parent) cs
       ON cs.capture_id = g.capture_id AND cs.parent = g.cgroup
WHERE g.swap_bytes > 0 AND n.kind NOT IN ('node', 'k8s-root', 'slice')
  -- swap counters are hierarchical: report where the swap is, not again
  -- in every ancestor whose children hold it (1 MiB of slack: the files
  -- are read one after the other)
  AND g.swap_bytes - coalesce(cs.children_swap, 0)
      >= CASE WHEN coalesce(cs.children_swap, 0) = 0 THEN 1 ELSE 1048576 END

UNION ALL
-- go_no_memlimit: a Go program in a limited cgroup without GOMEMLIMIT; the
-- Go GC guide advises a soft limit 5-10% under the container's limit.  The
-- limit is the container's or its pod's (finding_go_limits), not kubepods'.
-- GOMEMLIMIT=off (or empty) is no limit, as unset; before Go 1.19 there is
-- no GOMEMLIMIT, whatever the environment says.  Only the environment is
-- seen: a limit the program sets itself (debug.SetMemoryLimit, as the
-- automemlimit package does) is not, and the evidence says so.  When the
-- environment could not be read (env_known 0) nothing is said: an unset
-- GOMEMLIMIT cannot be told from an unread one.
-- go_memlimit_high: GOMEMLIMIT at or above 95% of the container's limit
-- (or its pod's: finding_go_limits).
SELECT g.capture_id, p.cgroup, 'warning',
       CASE WHEN k.high THEN 'go_memlimit_high' ELSE 'go_no_memlimit' END,
       CASE WHEN k.high
       THEN 'Go program ' || p.comm || ' (pid ' || p.pid || ') has GOMEMLIMIT at or above its limit'
       ELSE
       'Go program ' || p.comm || ' (pid ' || p.pid || ') '
         || CASE WHEN g.old_go THEN 'has no GOMEMLIMIT (Go before 1.19)'
                 WHEN coalesce(trim(g.gomemlimit), '') = '' THEN 'has no GOMEMLIMIT'
                 ELSE 'has GOMEMLIMIT=' || g.gomemlimit END END,
       CASE WHEN k.high
       THEN printf('GOMEMLIMIT=%s (%s) but the cgroup limit is %s: the GC starts '
                   || 'working hard only after the kernel would OOM-kill; set it 5-10%% under',
                   g.gomemlimit, human_bytes(g.gomemlimit_bytes), human_bytes(l.limit_bytes))
       ELSE
       CASE WHEN g.old_go
            THEN printf('%s, GOGC=%s, in a cgroup limited to %s: GOMEMLIMIT does not '
                        || 'exist before Go 1.19%s, so the GC does not know the limit and may '
                        || 'let the heap grow into an OOM kill; upgrade to Go 1.19 or later '
                        || 'and set GOMEMLIMIT to about %.0f MiB (5-10%% under the limit)',
                        g.go_version, coalesce(g.gogc, '100 (default)'),
                        human_bytes(l.limit_bytes),
                        CASE WHEN coalesce(trim(g.gomemlimit), '') != ''
                             THEN ' (GOMEMLIMIT=' || g.gomemlimit || ' in its environment has '
                                  || 'no effect)' ELSE '' END,
                        l.limit_bytes * 0.92 / 1048576.0)
            ELSE printf('%s, GOGC=%s, %s, in a cgroup limited to %s: the GC does '
                        || 'not know the limit and may let the heap grow into an OOM kill; set '
                        || 'GOMEMLIMIT to about %.0f MiB (5-10%% under the limit); a limit set '
                        || 'at run time (debug.SetMemoryLimit, e.g. by automemlimit) is not in '
                        || 'the environment and cannot be seen here',
                        coalesce(g.go_version, 'Go'), coalesce(g.gogc, '100 (default)'),
                        CASE WHEN coalesce(trim(g.gomemlimit), '') = '' THEN 'no GOMEMLIMIT'
                             ELSE 'GOMEMLIMIT=' || g.gomemlimit || ' (no limit)' END,
                        human_bytes(l.limit_bytes), l.limit_bytes * 0.92 / 1048576.0) END END,
       'SELECT * FROM go_processes WHERE capture_id = ' || g.capture_id
         || ' AND pid = ' || p.pid
FROM finding_go g
JOIN processes p ON p.capture_id = g.capture_id AND p.pid = g.pid
JOIN finding_go_limits l ON l.capture_id = g.capture_id AND l.cgroup = p.cgroup
-- both findings in one SELECT (k.high 0: go_no_memlimit, 1: go_memlimit_high):
-- each read of these views is another copy for SQLite to prepare
JOIN (SELECT 0 AS high UNION ALL SELECT 1) k
WHERE l.limit_bytes IS NOT NULL
  AND CASE WHEN k.high
           THEN NOT g.old_go AND g.gomemlimit_bytes IS NOT NULL
                AND g.gomemlimit_bytes * 100 > l.limit_bytes * 95
           ELSE g.old_go OR (g.env_known AND (g.gomemlimit IS NULL
                                               OR trim(g.gomemlimit) IN ('', 'off'))) END

UNION ALL
-- rss_double_count: summing RSS over a cgroup's processes overstates its
-- memory by 64 MiB+ and 20%+, because shared pages count once per process.
-- Over the processes whose PSS is known (both sums over the same ones), and
-- two of them at least: one process's RSS over its PSS is pages it shares
-- with processes elsewhere, not a sum that counts them twice.
SELECT t.capture_id, t.cgroup, 'info', 'rss_double_count',
       n.name || ': summing RSS overstates memory by '
         || human_bytes(t.rss_double_count_bytes),
       printf('%d processes: RSS sum %s, PSS sum %s; shared pages (libraries, '
              || 'shared memory, forked copy-on-write) count once per process in RSS '
              || 'and once in total in PSS: use PSS',
              t.pss_processes, human_bytes(t.rss_pss_known_sum_bytes),
              human_bytes(t.pss_sum_bytes))
         || CASE WHEN t.processes > t.pss_processes
                 THEN printf(' (%d more process%s without a known PSS left out of both sums)',
                             t.processes - t.pss_processes,
                             CASE WHEN t.processes - t.pss_processes > 1 THEN 'es' ELSE '' END)
                 ELSE '' END,
       'SELECT * FROM process_shares WHERE capture_id = ' || t.capture_id
         || ' AND cgroup = ' || quote(t.cgroup) || ' ORDER BY pss_bytes DESC'
FROM cgroup_process_totals t
JOIN cgroup_names_data n ON n.capture_id = t.capture_id AND n.cgroup = t.cgroup
WHERE t.pss_processes >= 2 AND t.rss_double_count_bytes >= 64 * 1048576
  AND t.rss_pss_known_sum_bytes * 5 >= t.pss_sum_bytes * 6

UNION ALL
-- memory_high_throttled: a cgroup v2 memory cgroup at 98% or more of its
-- memory.high, or that went over it (memory.events high) and stalls on
-- memory (PSI some avg10 or avg60 at 1% or more): the kernel slows it by
-- reclaim instead of killing it.  A warning when it stalls, else info.
SELECT capture_id, cgroup,
       CASE WHEN max(coalesce(psi_some_avg10, 0), coalesce(psi_some_avg60, 0)) >= 1
            THEN 'warning' ELSE 'info' END,
       'memory_high_throttled',
       coalesce(name, cgroup) || ' is throttled by memory.high',
       printf('usage %s against memory.high %s (%s) and memory.max %s; memory.events: '
              || 'high %s, max %s, oom %s, oom_kill %s; memory stalls (PSI): some avg10 %s, '
              || 'avg60 %s, full avg10 %s, avg60 %s; %s s stalled in total',
              human_bytes(usage_bytes), human_bytes(high_bytes),
              coalesce(high_pct || '%', 'unknown'),
              CASE WHEN max_bytes IS NULL THEN 'max' ELSE human_bytes(max_bytes) END,
              coalesce(events_high, 'unknown'), coalesce(events_max, 'unknown'),
              coalesce(events_oom, 'unknown'), coalesce(events_oom_kill, 'unknown'),
              coalesce(psi_some_avg10 || '%', 'unknown'),
              coalesce(psi_some_avg60 || '%', 'unknown'),
              coalesce(psi_full_avg10 || '%', 'unknown'),
              coalesce(psi_full_avg60 || '%', 'unknown'),
              CASE WHEN psi_some_total_us IS NULL THEN 'unknown'
                   ELSE printf('%.1f', psi_some_total_us / 1e6) END)
         || CASE WHEN events_high_growth IS NULL THEN ''
                 ELSE printf('; during the capture''s %.0f s: high +%d, max +%d',
                             samples_seconds, events_high_growth,
                             coalesce(events_max_growth, 0)) END,
       'SELECT * FROM cgroup_throttling WHERE capture_id = ' || capture_id
         || ' AND cgroup = ' || quote(cgroup)
FROM cgroup_throttling
WHERE high_bytes IS NOT NULL
  AND (high_pct >= 98
       OR (events_high > 0
           AND max(coalesce(psi_some_avg10, 0), coalesce(psi_some_avg60, 0)) >= 1))

UNION ALL
-- capture_incomplete
SELECT capture_id, NULL, 'warning', 'capture_incomplete',
       'the capture is incomplete',
       'the collector stopped early (' || coalesce(interrupted, 'reason unknown')
         || '): numbers may be missing',
       'SELECT * FROM collect_problems WHERE capture_id = ' || capture_id
FROM capture WHERE complete = 0

UNION ALL
-- dying_cgroups, heap_over_limit, heap_no_limit: the views of 91-deeper.sql,
-- their arms here rather than a view of their own (a level of views more
-- for SQLite to prepare)
-- dying_cgroups: 100+ dying cgroups, or 256 MiB+ that no live cgroup
-- accounts for and 10% of the parent's usage.
SELECT d.capture_id, d.cgroup, 'warning' AS severity, 'dying_cgroups' AS code,
       coalesce(n.name, d.cgroup) || ' holds ' || d.nr_dying
         || ' dying (removed) cgroups' AS title,
       CASE WHEN d.unaccounted_bytes >= 256 * 1048576
              AND d.unaccounted_bytes * 10 >= d.usage_bytes
       THEN printf('%d removed cgroups below it are still held by the kernel; %s of its '
              || 'usage %s is charged to no live child nor to its own processes '
              || '(page cache or slab left by exited containers): it looks like a '
              || 'leak and is only freed when the kernel reclaims it',
              d.nr_dying, human_bytes(d.unaccounted_bytes), human_bytes(d.usage_bytes))
       ELSE printf('%d removed cgroups below it are still held by the kernel; only %s of '
              || 'its usage %s is charged to no live child nor to its own processes, '
              || 'but each dying cgroup keeps its kernel structures (per-CPU '
              || 'statistics) until its last charged page is reclaimed; many of them '
              || 'slow down reading memory.stat and reclaim',
              d.nr_dying, human_bytes(d.unaccounted_bytes), human_bytes(d.usage_bytes))
       END AS evidence,
       'SELECT * FROM dying_cgroups WHERE capture_id = ' || d.capture_id
         || ' AND cgroup = ' || quote(d.cgroup) AS query
FROM dying_cgroups d
LEFT JOIN cgroup_names_data n ON n.capture_id = d.capture_id AND n.cgroup = d.cgroup
WHERE d.nr_dying >= 100
   OR (d.unaccounted_bytes >= 256 * 1048576 AND d.unaccounted_bytes * 10 >= d.usage_bytes)
UNION ALL
-- heap_over_limit: a JVM or Node.js heap limit at or above the container's.
-- heap_no_limit: Node.js without --max-old-space-size in a limited
-- container.  V8 sizes its default heap from the memory it sees: the
-- host's before Node 12, the cgroup's after (nodejs/node#25576), and on
-- cgroup v2 only where libuv reads memory.max; the capture does not hold
-- the version, so this is an info.  Not for the JVM: since JDK 10 its
-- default follows the container (UseContainerSupport; the capture does not
-- keep -XX:-UseContainerSupport).
-- One SELECT for both (a heap limit is either known or not): each read of
-- runtime_heaps is another copy of it for SQLite to prepare.
SELECT r.capture_id, r.cgroup, CASE WHEN r.over THEN 'warning' ELSE 'info' END,
       CASE WHEN r.over THEN 'heap_over_limit' ELSE 'heap_no_limit' END,
       CASE WHEN r.over
            THEN r.comm || ' (pid ' || r.pid || ') may grow its heap past its container''s limit'
            ELSE r.comm || ' (pid ' || r.pid || ') runs Node.js without a heap limit' END,
       CASE WHEN r.over
            THEN printf('%s heap limit %s (%s) >= the container limit %s: the heap alone can '
                        || 'reach the limit and the kernel kills the process before the '
                        || 'garbage collector has to run; set it to about 75%% of the limit',
                        r.runtime, human_bytes(r.heap_limit_bytes), r.heap_limit_source,
                        human_bytes(r.container_limit_bytes))
            ELSE printf('no --max-old-space-size (command line or NODE_OPTIONS) in a container '
                        || 'limited to %s: Node.js before 12, and on cgroup v2 versions whose '
                        || 'libuv does not read memory.max, size the heap from the host''s '
                        || 'memory and may let it grow into an OOM kill',
                        human_bytes(r.container_limit_bytes)) END,
       'SELECT * FROM runtime_heaps WHERE capture_id = ' || r.capture_id
         || ' AND pid = ' || r.pid
FROM (SELECT *, coalesce(heap_limit_bytes >= container_limit_bytes, 0) AS over
      FROM runtime_heaps) r
WHERE r.over
   OR (r.runtime = 'node' AND r.heap_limit_bytes IS NULL
       AND r.container_limit_bytes IS NOT NULL);

-- Internal: findings_now_1 and findings_now_2, the findings of one instant.
CREATE VIEW findings_now AS
SELECT capture_id, cgroup, severity, code, title, evidence, query FROM findings_now_1
UNION ALL
SELECT capture_id, cgroup, severity, code, title, evidence, query FROM findings_now_2;

-- Internal: the findings that compare the samples of a capture of two
-- samples or more (88-samples.sql's series); none for one sample.
CREATE VIEW findings_over_samples AS
-- growth_anon, growth_shmem, growth_page_cache, growth_kernel: a component
-- that grew across every interval of a multi-sample capture, 1 MiB or more
-- at 16 MiB/h or more (finding_growth, 88-samples.sql: the deepest cgroup).
-- anon is a leak suspect (warning); the others are info.
SELECT capture_id, cgroup,
       CASE component WHEN 'anon' THEN 'warning' ELSE 'info' END AS severity,
       'growth_' || component AS code,
       name || ': ' || CASE component WHEN 'anon' THEN 'anonymous memory'
                                      WHEN 'shmem' THEN 'shmem/tmpfs'
                                      WHEN 'page_cache' THEN 'page cache'
                                      ELSE 'kernel memory' END
         || ' grew in every sample'
         || CASE component WHEN 'anon' THEN ' (leak suspect)' ELSE '' END AS title,
       printf('%s grew from %s to %s in %.1f s, %s/min (%s/h), in each of the %d intervals',
              component, human_bytes(bytes_first), human_bytes(bytes_last), seconds,
              human_bytes(bytes_per_hour / 60), human_bytes(bytes_per_hour), samples - 1)
         AS evidence,
       'SELECT * FROM cgroup_samples WHERE capture_id = ' || capture_id
         || ' AND cgroup = ' || quote(cgroup) || ' ORDER BY sample' AS query
FROM finding_growth

UNION ALL
-- growth_before_oom_kill: the flight recorder's growth before its kill
-- (finding_growth_before_kill, 88-samples.sql), a warning in the killed
-- task's cgroup.  Formatted here, not in a view of its own: each level of
-- views is another copy of the series views for SQLite to prepare.
SELECT capture_id, cgroup, 'warning', 'growth_before_oom_kill',
       printf('%s: %s grew %s/min for %s, then the kill', name, component,
              human_bytes(bytes_per_hour / 60),
              CASE WHEN seconds < 120 THEN printf('%.1f s', seconds)
                   WHEN seconds < 7200 THEN printf('%.1f min', seconds / 60)
                   ELSE printf('%.1f h', seconds / 3600) END),
       printf('%s grew from %s to %s between samples %d and %d (%.1f s, in each of the %d '
              || 'intervals), %s/min (%s/h); then OOM kill %d at %.3f s killed %s (pid %s); '
              || 'sample %d was taken after it', component, human_bytes(bytes_first),
              human_bytes(bytes_last), sample_first, sample_last, seconds, intervals,
              human_bytes(bytes_per_hour / 60), human_bytes(bytes_per_hour), event,
              kernel_time, coalesce(killed_comm, '?'), coalesce(killed_pid, '?'), kill_sample),
       'SELECT * FROM cgroup_samples WHERE capture_id = ' || capture_id
         || ' AND cgroup = ' || quote(cgroup) || ' ORDER BY sample'
FROM finding_growth_before_kill

UNION ALL
-- process_restarted: a restart between two samples (finding_restarts)
SELECT capture_id, cgroup, 'info', 'process_restarted',
       CASE kind WHEN 'pid_reused'
         THEN 'process ' || pid || ' was restarted between samples ' || sample_before
              || ' and ' || sample_after
         ELSE 'the processes were restarted between samples ' || sample_before
              || ' and ' || sample_after END,
       CASE kind
         WHEN 'pid_reused' THEN
           printf('pid %d was %s in sample %d and %s in sample %d: a new process, '
                  || 'not a growth or a shrink', pid, quote(comm_before), sample_before,
                  quote(comm_after), sample_after)
         WHEN 'replaced' THEN
           printf('none of the processes of sample %d (%s) is in sample %d, which has '
                  || 'new ones (%s, pid %d): a restart, not a growth or a shrink',
                  sample_before, coalesce(quote(comm_before), 'unknown'), sample_after,
                  coalesce(quote(comm_after), 'unknown'), pid)
         ELSE
           printf('cgroup %s (%s) is gone in sample %d and this one (%s, pid %d) is new '
                  || 'next to it: a restarted container, not a growth or a shrink',
                  cgroup_before, coalesce(quote(comm_before), 'unknown'), sample_after,
                  coalesce(quote(comm_after), 'unknown'), pid) END,
       'SELECT * FROM process_samples WHERE capture_id = ' || capture_id
         || ' AND pid = ' || pid || ' ORDER BY sample'
FROM finding_restarts;

CREATE VIEW findings AS
SELECT capture_id, cgroup, severity, code, title, evidence, query FROM findings_now
UNION ALL
SELECT capture_id, cgroup, severity, code, title, evidence, query FROM findings_over_samples;

-- Go programs: version and GC settings next to their cgroup's limit.
--   go_version, gogc, gomemlimit, gomaxprocs   as the program was started
--                     (GOGC NULL: the default 100; GOMEMLIMIT NULL: none)
--   limit_bytes, effective_limit_bytes   the cgroup's, as in cgroup_headroom
--   additions: name (cgroup_names: namespace/pod/container for Kubernetes),
--   gomemlimit_pct (GOMEMLIMIT as a percentage of container_limit_bytes;
--   the Go GC guide advises 90-95), working_set_bytes of the cgroup,
--   container_limit_bytes (the limit the Go findings compare with: the
--   effective limit leaving out kubepods and the QoS cgroups, so for a
--   Kubernetes container its own or its pod's; NULL: none)
CREATE VIEW go_processes AS
SELECT g.capture_id, g.pid, p.comm, p.cgroup, g.go_version, g.gogc, g.gomemlimit,
       g.gomemlimit_bytes, g.gomaxprocs, h.limit_bytes, h.effective_limit_bytes,
       p.rss_bytes, p.pss_bytes,
       n.name,
       round(100.0 * g.gomemlimit_bytes / l.limit_bytes, 1) AS gomemlimit_pct,
       h.working_set_bytes, l.limit_bytes AS container_limit_bytes, g.env_known
FROM proc_go g
LEFT JOIN processes p ON p.capture_id = g.capture_id AND p.pid = g.pid
LEFT JOIN cgroup_headroom h ON h.capture_id = g.capture_id AND h.cgroup = p.cgroup
LEFT JOIN finding_go_limits l ON l.capture_id = g.capture_id AND l.cgroup = p.cgroup
LEFT JOIN cgroup_names n ON n.capture_id = g.capture_id AND n.cgroup = p.cgroup;

-- Internal: no_limit as the report lists it (report_findings): one
-- finding per namespace that has several, listing its containers by
-- working set, largest first.
CREATE VIEW report_no_limit AS
SELECT capture_id, CASE WHEN n = 1 THEN cgroup END AS cgroup, 'info' AS severity,
       'no_limit' AS code,
       CASE WHEN n = 1 THEN title
            ELSE n || ' containers of namespace ' || coalesce(namespace, '?')
                 || ' have no memory limit' END AS title,
       CASE WHEN n = 1 THEN evidence
            ELSE 'no limit on these containers nor on their pods: each can grow until the '
                 || 'node (or the limit above the pods) runs out, and under node pressure '
                 || 'the kubelet evicts pods that use more than they request first; working '
                 || 'sets: ' || list END AS evidence,
       CASE WHEN n = 1 THEN query
            ELSE 'SELECT c.namespace, c.pod, c.container, f.* FROM findings f JOIN containers c '
                 || 'USING (capture_id, cgroup) WHERE f.capture_id = ' || capture_id
                 || ' AND f.code = ''no_limit'' AND c.namespace '
                 || CASE WHEN namespace IS NULL THEN 'IS NULL' ELSE '= ' || quote(namespace) END
                 || ' ORDER BY c.working_set_bytes DESC' END AS query
FROM (SELECT capture_id, namespace, count(*) AS n, max(cgroup) AS cgroup,
             max(title) AS title, max(evidence) AS evidence, max(query) AS query,
             group_concat(who || ' ' || human_bytes(ws), ', ') AS list
      FROM (SELECT f.capture_id, f.cgroup, f.title, f.evidence, f.query, c.namespace,
                   coalesce(c.pod, 'pod-' || c.pod_uid) || '/'
                     || coalesce(c.container, substr(c.container_id, 1, 12)) AS who,
                   c.working_set_bytes AS ws
            FROM finding_no_limit f
            JOIN containers c ON c.capture_id = f.capture_id AND c.cgroup = f.cgroup
            ORDER BY f.capture_id, c.namespace, c.working_set_bytes DESC, who)
      GROUP BY capture_id, namespace);

-- The findings as the report lists them.  no_limit, which a node of pods
-- without limits has for nearly every container (68 lines on a node of
-- 100 pods drowned its one OOM kill), is one finding per namespace that
-- has several (report_no_limit); every other finding is as in findings,
-- which keeps one row per cgroup.  Read from findings' three parts, not
-- from findings: SQLite prepares a view's body once more for each level of
-- views above it (to learn its columns), and the findings are most of what
-- a report prepares.
CREATE VIEW report_findings AS
SELECT capture_id, cgroup, severity, code, title, evidence, query FROM findings_now_1
UNION ALL
SELECT capture_id, cgroup, severity, code, title, evidence, query FROM report_findings_now_2
UNION ALL
SELECT capture_id, cgroup, severity, code, title, evidence, query FROM findings_over_samples;

-- Internal: findings_now_2 as the report lists it (no_limit of
-- report_no_limit).  The text report of a capture of one sample, whose
-- findings_over_samples are none, reads findings_now_1 and this, one on
-- each connection (reports/model.c; HTML and JSON show the query they ran,
-- so they read report_findings).
CREATE VIEW report_findings_now_2 AS
SELECT capture_id, cgroup, severity, code, title, evidence, query
FROM findings_now_2 WHERE code != 'no_limit'
UNION ALL
SELECT capture_id, cgroup, severity, code, title, evidence, query FROM report_no_limit;

