-- What `memsnap report` reads ------------------------------------------------------------
-- The report (reports/model.c) fills its data model from the public views
-- above and from these, which only regroup them: a figure in a report is a
-- row of one of these queries, and its HTML shows the query.

-- One row per capture: what the captures view says, plus the capture's own
-- clock (for the OOM timeline) and page size.
--   started_monotonic   seconds since boot when the capture started
--   bpf_maps_charged    kernel_features': 1 when BPF maps are charged to a
--                       memory cgroup (Linux 5.11+), 0 before, NULL unknown
--   bpf_memlock_exact   kernel_features': 1 when fdinfo memlock is the map's
--                       real usage (Linux 6.4+), 0 an estimate, NULL unknown
CREATE VIEW report_capture AS
SELECT c.capture_id, c.name, c.hostname, c.kernel_release, c.kernel_version, c.machine,
       c.cgroup_mode, c.started_at, c.finished_at, c.started_monotonic,
       c.collector_version, c.complete, c.interrupted, c.page_size,
       k.bpf_maps_charged, k.bpf_memlock_exact
FROM capture c
LEFT JOIN kernel_features k ON k.capture_id = c.capture_id;

-- Processes per cgroup (the processes view's cgroup), stored once per
-- capture by the loader: the processes view works out each process's
-- cgroup with a subquery, and the cgroups listed below are those with
-- processes and no descendant with any, a range of cgroup paths per
-- cgroup that only an index answers without a scan of every one.  Only
-- the captures not yet in cgroup_process_count_data.
CREATE TABLE cgroup_process_count_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup TEXT NOT NULL, processes INTEGER NOT NULL,
    PRIMARY KEY (capture_id, cgroup)
) WITHOUT ROWID;
CREATE VIEW cgroup_process_count_calc AS
-- each process's cgroup worked out once (the WHERE, GROUP BY and SELECT
-- would each repeat the view's subquery)
WITH p AS MATERIALIZED (
    SELECT capture_id, cgroup FROM processes
    WHERE capture_id NOT IN (SELECT capture_id FROM cgroup_process_count_data)
)
SELECT capture_id, cgroup, count(*) AS processes
FROM p
WHERE cgroup IS NOT NULL
GROUP BY capture_id, cgroup;

-- Internal: the cgroups the report lists as containers (report_containers
-- has one row for each): the Kubernetes container cgroups when the capture
-- has any, else every cgroup below the root that holds a process itself
-- and has no descendant that does (systemd services and scopes, docker
-- containers, anything else).
CREATE VIEW report_container_cgroups AS
WITH k8s AS (
    SELECT DISTINCT capture_id FROM cgroup_names WHERE kind = 'k8s-container'
)
SELECT n.capture_id, n.cgroup, n.kind, n.name
FROM cgroup_names n
WHERE n.kind = 'k8s-container'
   OR (n.kind NOT IN ('node', 'k8s-root', 'k8s-qos', 'k8s-pod')
       AND n.capture_id NOT IN (SELECT capture_id FROM k8s)
       AND EXISTS (SELECT 1 FROM cgroup_process_count_data p
                   WHERE p.capture_id = n.capture_id AND p.cgroup = n.cgroup)
       -- leaves only: on cgroup v1 a parent may hold processes too, and
       -- its counters hold its children's
       AND NOT EXISTS (SELECT 1 FROM cgroup_process_count_data p
                       WHERE p.capture_id = n.capture_id
                         -- below n: after 'n/' and before 'n0' ('0' follows '/')
                         AND p.cgroup > n.cgroup || '/' AND p.cgroup < n.cgroup || '0'));

-- The containers the report lists, one row per report_container_cgroups
-- row.  Their working set split into the report's five parts:
--   anon_bytes, shmem_bytes   working_set_breakdown's anon, shmem
--   page_cache_bytes          the page_cache category: active_file and
--                             file_other (inactive_file is not in the
--                             working set)
--   kernel_bytes              the kernel category (slab, stacks, page
--                             tables, percpu, sock, vmalloc, other) less
--                             bpf_bytes
--   bpf_bytes                 Linux 5.11+ (kernel_features.bpf_maps_charged):
--                             the memlock of the BPF maps its processes
--                             hold, at most its kernel memory (maps are
--                             charged to the memcg of the process that
--                             created them, as kernel memory: the holder
--                             stands in for the creator); NULL before 5.11,
--                             when map memory is charged to no cgroup
--   unexplained_bytes         the signed remainder
-- anon + shmem + page_cache + kernel + bpf + unexplained = working_set_bytes.
--   group_name      QoS class (Kubernetes) or cgroup_names.kind
--   subgroup_name   namespace/pod (Kubernetes) or the parent cgroup's name
--   bpf_maps, bpf_held_bytes   maps its processes hold and their memlock
--   processes       processes in the cgroup itself
--   limit_scope     whose limit effective_limit_bytes is: 'own', 'parent'
--                   (a Kubernetes container's pod), 'above' (a cgroup
--                   further up: for a Kubernetes container, the limit of all
--                   pods together), NULL when there is none
CREATE VIEW report_containers AS
WITH pcount AS (
    SELECT capture_id, cgroup, processes AS n FROM cgroup_process_count_data
), listed AS (
    SELECT capture_id, cgroup, kind, name FROM report_container_cgroups
), parts AS (
    SELECT capture_id, cgroup,
           sum(CASE component WHEN 'anon' THEN bytes END) AS anon,
           sum(CASE component WHEN 'shmem' THEN bytes END) AS shmem,
           sum(CASE category WHEN 'page_cache' THEN bytes END) AS page_cache,
           sum(CASE category WHEN 'kernel' THEN bytes END) AS kernel,
           sum(CASE category WHEN 'unexplained' THEN bytes END) AS unexplained
    FROM working_set_breakdown GROUP BY capture_id, cgroup
), bpf AS (
    SELECT capture_id, cgroup, count(*) AS maps, sum(memlock_bytes) AS held
    FROM (SELECT DISTINCT capture_id, cgroup, map_id, memlock_bytes FROM bpf_maps
          WHERE cgroup IS NOT NULL)
    GROUP BY capture_id, cgroup
), charged AS (
    SELECT l.capture_id, l.cgroup,
           CASE WHEN kf.bpf_maps_charged = 1 AND p.kernel IS NOT NULL
                THEN min(max(coalesce(b.held, 0), 0), max(p.kernel, 0)) END AS bpf
    FROM listed l
    JOIN kernel_features kf ON kf.capture_id = l.capture_id
    LEFT JOIN parts p ON p.capture_id = l.capture_id AND p.cgroup = l.cgroup
    LEFT JOIN bpf b ON b.capture_id = l.capture_id AND b.cgroup = l.cgroup
)
SELECT l.capture_id, l.cgroup, l.kind, l.name,
       CASE WHEN l.kind = 'k8s-container' THEN coalesce(k.qos_class, '?')
            ELSE l.kind END AS group_name,
       CASE WHEN l.kind = 'k8s-container'
            THEN coalesce(k.namespace, '?') || '/' || coalesce(k.pod, 'pod-' || k.pod_uid)
            ELSE coalesce((SELECT pn.name FROM cgroup_names pn
                           WHERE pn.capture_id = l.capture_id AND pn.cgroup = g.parent),
                          '?') END AS subgroup_name,
       k.namespace, k.pod, k.container, k.qos_class,
       g.working_set_bytes, g.limit_bytes, h.effective_limit_bytes,
       h.working_set_pct, h.reclaimable_bytes, h.unreclaimable_bytes,
       h.unreclaimable_pct,
       CASE WHEN h.effective_limit_bytes IS NULL THEN NULL
            WHEN g.limit_bytes = h.effective_limit_bytes THEN 'own'
            WHEN hp.limit_bytes = h.effective_limit_bytes THEN 'parent'
            ELSE 'above' END AS limit_scope,
       p.anon AS anon_bytes,
       p.shmem AS shmem_bytes,
       p.page_cache AS page_cache_bytes,
       p.kernel - coalesce(ch.bpf, 0) AS kernel_bytes,
       ch.bpf AS bpf_bytes,
       p.unexplained AS unexplained_bytes,
       b.maps AS bpf_maps,
       b.held AS bpf_held_bytes,
       g.swap_bytes, g.oom_kill_count,
       coalesce(pc.n, 0) AS processes
FROM listed l
JOIN cgroups g ON g.capture_id = l.capture_id AND g.cgroup = l.cgroup
LEFT JOIN cgroup_headroom h ON h.capture_id = l.capture_id AND h.cgroup = l.cgroup
LEFT JOIN cgroup_headroom hp ON hp.capture_id = l.capture_id AND hp.cgroup = g.parent
LEFT JOIN containers k ON k.capture_id = l.capture_id AND k.cgroup = l.cgroup
LEFT JOIN parts p ON p.capture_id = l.capture_id AND p.cgroup = l.cgroup
LEFT JOIN bpf b ON b.capture_id = l.capture_id AND b.cgroup = l.cgroup
LEFT JOIN charged ch ON ch.capture_id = l.capture_id AND ch.cgroup = l.cgroup
LEFT JOIN pcount pc ON pc.capture_id = l.capture_id AND pc.cgroup = l.cgroup;

-- What the node's working set holds outside the listed containers: the
-- root cgroup's working set less theirs (floored at 0).  On cgroup v2 the
-- root's working set has no kernel memory (see working-set.md) while the
-- containers' has: the floor keeps that from going negative.
CREATE VIEW report_node_rest AS
SELECT n.capture_id, n.node_working_set_bytes, c.containers_bytes,
       max(n.node_working_set_bytes - coalesce(c.containers_bytes, 0), 0) AS rest_bytes
FROM node n
-- report_containers' working sets summed: its rows are those of
-- report_container_cgroups with their cgroups row (the rest of it, worked
-- out again here, was a third of the report's queries)
LEFT JOIN (SELECT l.capture_id, sum(g.working_set_bytes) AS containers_bytes
           FROM report_container_cgroups l
           JOIN cgroups g ON g.capture_id = l.capture_id AND g.cgroup = l.cgroup
           GROUP BY l.capture_id) c
       ON c.capture_id = n.capture_id
WHERE n.node_working_set_bytes IS NOT NULL;

-- What the capture could not read, summarised: one row per source, kind,
-- file pattern and message.
--   source    'collect' (manifest.json problems) or 'load' (load_problems)
--   kind      the collector's kind (absent, vanished, denied, timeout,
--             too_large, error) or 'load'
--   normal    1 for absent and vanished: files this kernel lacks and
--             processes that exited while being read
--   what      the path with pids as <pid>, fds as <fd> and memory cgroups
--             as <cgroup> (a cgroup directory itself is <cgroup>)
--   files     how many
--   example   the first path (in byte order) and its message
CREATE VIEW report_problems AS
WITH cp AS (
    SELECT p.capture_id, p.kind, p.path, p.error,
           CASE WHEN p.path GLOB 'proc/[0-9]*/fdinfo/*' THEN 'proc/<pid>/fdinfo/<fd>'
                WHEN p.path GLOB 'proc/[0-9]*/*'
                THEN 'proc/<pid>/' || substr(substr(p.path, 6), instr(substr(p.path, 6), '/') + 1)
                WHEN c.memory_root IS NOT NULL AND (p.path = c.memory_root
                     OR substr(p.path, 1, length(c.memory_root) + 1) = c.memory_root || '/')
                THEN CASE WHEN base GLOB 'memory.*' OR base GLOB 'cgroup.*'
                          THEN '<cgroup>/' || base ELSE '<cgroup>' END
                ELSE p.path END AS what
    FROM (SELECT *, replace(path, rtrim(path, replace(path, '/', '')), '') AS base
          FROM collect_problem) p JOIN capture c ON c.capture_id = p.capture_id
), lp AS (
    SELECT p.capture_id, p.path, p.problem,
           CASE WHEN p.path GLOB 'proc/[0-9]*/fdinfo/*' THEN 'proc/<pid>/fdinfo/<fd>'
                WHEN p.path GLOB 'proc/[0-9]*/*'
                THEN 'proc/<pid>/' || substr(substr(p.path, 6), instr(substr(p.path, 6), '/') + 1)
                WHEN c.memory_root IS NOT NULL
                     AND substr(p.path, 1, length(c.memory_root) + 1) = c.memory_root || '/'
                THEN '<cgroup>/' || replace(p.path, rtrim(p.path, replace(p.path, '/', '')), '')
                ELSE coalesce(p.path, '') END AS what
    FROM load_problem p JOIN capture c ON c.capture_id = p.capture_id
)
SELECT capture_id, 'collect' AS source, kind, kind IN ('absent', 'vanished') AS normal,
       what, count(*) AS files, min(path) AS example, error AS example_error
FROM cp GROUP BY capture_id, kind, what, error
UNION ALL
SELECT capture_id, 'load', 'load', 0, what, count(*), min(path), problem
FROM lp GROUP BY capture_id, what;
