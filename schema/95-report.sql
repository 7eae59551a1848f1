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

-- Processes per cgroup (the processes view's cgroup) and their sizes'
-- sums, stored once per capture by the loader: the processes view works
-- out each process's cgroup with a subquery, and the cgroups listed below
-- are those with processes and no descendant with any, a range of cgroup
-- paths per cgroup that only an index answers without a scan of every one;
-- cgroup_process_totals and dying_cgroup_parts read the sums (a report
-- worked the processes out three times for them).  cgroup NULL: the
-- processes whose cgroup is unknown.  The loader counts the processes
-- view's rows of the capture it loads by cgroup, and sums their sizes as
-- SQL's GROUP BY with count() and sum() would (rss_pss_known_sum: the
-- rss_bytes of those with a pss_bytes), grouping them itself:
-- analyze/load/counts.c (SQL's temporary b-tree for the group was a third
-- of the work; tests/t43d compares the two).
CREATE TABLE cgroup_process_count_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup TEXT, processes INTEGER NOT NULL,
    rss_sum INTEGER, pss_sum INTEGER, pss_anon_sum INTEGER, pss_file_sum INTEGER,
    pss_shmem_sum INTEGER, pss_processes INTEGER NOT NULL, rss_pss_known_sum INTEGER,
    UNIQUE (capture_id, cgroup)
);

-- report_container_cgroups, report_containers and report_node_rest read
-- cgroup_names_data, cgroups_data and cgroup_headroom_data, the tables the
-- public views cgroup_names, cgroups and cgroup_headroom are a plain SELECT
-- of (90-findings.sql says why).

-- Internal: the cgroups the report lists as containers (report_containers
-- has one row for each): the Kubernetes container cgroups when the capture
-- has any, else every cgroup below the root that holds a process itself
-- and has no descendant that does (systemd services and scopes, docker
-- containers, anything else).
CREATE VIEW report_container_cgroups AS
WITH k8s AS (
    SELECT DISTINCT capture_id FROM cgroup_names_data WHERE kind = 'k8s-container'
)
SELECT n.capture_id, n.cgroup, n.kind, n.name
FROM cgroup_names_data n
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
-- row.  Their working set in the report's parts (working_set_parts), a
-- column <part>_bytes for each: working_set_breakdown's components summed
-- by their part, and the BPF maps' part taken out of the kernel's.
--   anon_bytes, shmem_bytes   the anon, shmem components
--   page_cache_bytes          active_file, file_other and the swap cache
--                             (inactive_file is not in the working set)
--   kernel_not_bpf_bytes      the kernel components less bpf_bytes
--   bpf_bytes                 Linux 5.11+ (kernel_features.bpf_maps_charged):
--                             the memlock of the BPF maps its processes
--                             hold, at most its kernel memory (maps are
--                             charged to the memcg of the process that
--                             created them, as kernel memory: the holder
--                             stands in for the creator); NULL before 5.11,
--                             when map memory is charged to no cgroup
--   unexplained_bytes         the signed remainder
-- anon + shmem + page_cache + kernel_not_bpf + bpf + unexplained =
-- working_set_bytes; NULL: the kernel does not give it for this cgroup.
--   kernel_bytes    cgroups.kernel_bytes (= kernel_not_bpf + bpf)
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
    SELECT b.capture_id, b.cgroup,
           sum(CASE b.part WHEN 'anon' THEN b.bytes END) AS anon,
           sum(CASE b.part WHEN 'shmem' THEN b.bytes END) AS shmem,
           sum(CASE b.part WHEN 'page_cache' THEN b.bytes END) AS page_cache,
           sum(CASE b.part WHEN 'kernel_not_bpf' THEN b.bytes END) AS kernel,
           sum(CASE b.part WHEN 'unexplained' THEN b.bytes END) AS unexplained
    FROM listed l
    JOIN cgroup_components b ON b.capture_id = l.capture_id AND b.cgroup = l.cgroup
    GROUP BY b.capture_id, b.cgroup
), bpf AS (
    SELECT capture_id, cgroup, count(*) AS maps, sum(memlock_bytes) AS held
    FROM (SELECT DISTINCT capture_id, cgroup, map_id, memlock_bytes FROM bpf_maps
          WHERE cgroup IS NOT NULL)
    GROUP BY capture_id, cgroup
), kf AS MATERIALIZED (
    -- once a capture: joined as a view, kernel_features' subqueries ran
    -- again for every listed cgroup
    SELECT capture_id, bpf_maps_charged FROM kernel_features
), r AS (
    -- a listed cgroup's row, with its kernel part before the BPF maps' is
    -- taken out (kernel): bpf_bytes is a column of the row, where a CTE of
    -- its own joined back stored the listed cgroups once more (3 M
    -- instructions of the statement's 30 M on 221 containers)
    SELECT l.capture_id, l.cgroup, l.kind, l.name,
           CASE WHEN l.kind = 'k8s-container' THEN coalesce(k.qos_class, '?')
                ELSE l.kind END AS group_name,
           CASE WHEN l.kind = 'k8s-container'
                THEN coalesce(k.namespace, '?') || '/' || coalesce(k.pod, 'pod-' || k.pod_uid)
                ELSE coalesce((SELECT pn.name FROM cgroup_names_data pn
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
           g.kernel_bytes,
           CASE WHEN kf.bpf_maps_charged = 1 AND p.kernel IS NOT NULL
                THEN min(max(coalesce(b.held, 0), 0), max(p.kernel, 0)) END AS bpf_bytes,
           p.unexplained AS unexplained_bytes,
           b.maps AS bpf_maps,
           b.held AS bpf_held_bytes,
           g.swap_bytes, g.oom_kill_count,
           coalesce(pc.n, 0) AS processes, p.kernel AS kernel, g.high_bytes
    FROM listed l
    JOIN cgroups_data g ON g.capture_id = l.capture_id AND g.cgroup = l.cgroup
    LEFT JOIN cgroup_headroom_data h ON h.capture_id = l.capture_id AND h.cgroup = l.cgroup
    LEFT JOIN cgroup_headroom_data hp ON hp.capture_id = l.capture_id AND hp.cgroup = g.parent
    LEFT JOIN containers k ON k.capture_id = l.capture_id AND k.cgroup = l.cgroup
    LEFT JOIN parts p ON p.capture_id = l.capture_id AND p.cgroup = l.cgroup
    LEFT JOIN bpf b ON b.capture_id = l.capture_id AND b.cgroup = l.cgroup
    LEFT JOIN kf ON kf.capture_id = l.capture_id
    LEFT JOIN pcount pc ON pc.capture_id = l.capture_id AND pc.cgroup = l.cgroup
)
SELECT capture_id, cgroup, kind, name, group_name, subgroup_name, namespace, pod,
       container, qos_class, working_set_bytes, limit_bytes, effective_limit_bytes,
       working_set_pct, reclaimable_bytes, unreclaimable_bytes, unreclaimable_pct,
       limit_scope, anon_bytes, shmem_bytes, page_cache_bytes, kernel_bytes, bpf_bytes,
       unexplained_bytes, bpf_maps, bpf_held_bytes, swap_bytes, oom_kill_count,
       processes,
       -- additions
       kernel - coalesce(bpf_bytes, 0) AS kernel_not_bpf_bytes, high_bytes
FROM r;

-- The node's working set against the listed containers'.  The node's
-- (the root cgroup's, as the kubelet and cAdvisor compute it) counts
-- anon + page cache only: a root cgroup's usage holds no kernel memory and
-- no swap cache (working_set_components.in_root), while each container's
-- working set holds both.  So the containers' can add up to more than the
-- node's.
--   containers_bytes     the listed containers' working sets summed
--   left_out_bytes       what of it the node's working set leaves out:
--                        their components with in_root = 0 (kernel
--                        memory, the swap cache)
--   rest_bytes           node_working_set_bytes - (containers_bytes -
--                        left_out_bytes): the node's working set outside
--                        the containers, counted as the node's is.
--                        Signed, never clamped: a small negative value is
--                        pages the containers' counters hold that are
--                        neither anon nor page cache of the root, such as
--                        per-CPU charge stocks (their unexplained)
--   left_out_reason      the sentence every format prints about it
CREATE VIEW report_node_rest AS
SELECT n.capture_id, n.node_working_set_bytes, lo.containers_bytes,
       lo.left_out_bytes,
       n.node_working_set_bytes - coalesce(lo.containers_bytes, 0)
         + coalesce(lo.left_out_bytes, 0) AS rest_bytes,
       CASE WHEN lo.left_out_bytes > 0 THEN
         'the kubelet and cAdvisor take the root cgroup''s working set for the node''s, '
         || 'and a root cgroup''s usage counts anon and page cache only' END
         AS left_out_reason
-- The listed containers read once for both sums: each reading of
-- report_container_cgroups works out its subqueries again.
FROM node n
LEFT JOIN (SELECT l.capture_id, sum(g.working_set_bytes) AS containers_bytes,
                  sum((SELECT sum(b.bytes) FROM cgroup_components b
                       WHERE b.capture_id = l.capture_id AND b.cgroup = l.cgroup
                         AND NOT b.in_root)) AS left_out_bytes
           FROM report_container_cgroups l
           LEFT JOIN cgroups_data g ON g.capture_id = l.capture_id AND g.cgroup = l.cgroup
           GROUP BY l.capture_id) lo
       ON lo.capture_id = n.capture_id
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
    FROM load_problems p JOIN capture c ON c.capture_id = p.capture_id
)
SELECT capture_id, 'collect' AS source, kind, kind IN ('absent', 'vanished') AS normal,
       what, count(*) AS files, min(path) AS example, error AS example_error
FROM cp GROUP BY capture_id, kind, what, error
UNION ALL
SELECT capture_id, 'load', 'load', 0, what, count(*), min(path), problem
FROM lp GROUP BY capture_id, what;
