-- Kubernetes, containers and the node ---------------------------------------------------
-- Names come from the capture alone: the cgroup path (both kubelet cgroup
-- drivers, see analyze/k8s.c) and the names of /var/log/pods and
-- /var/log/containers entries.  No API server is asked.

-- Internal: one name per pod uid (a pod's log folders all carry the same
-- namespace and name).
CREATE VIEW k8s_pod_names AS
SELECT capture_id, pod_uid, min(namespace) AS namespace, min(pod) AS pod
FROM k8s_pod_log GROUP BY capture_id, pod_uid;

-- A readable name and a kind for every memory cgroup.
--   kind   node (the root), k8s-root, k8s-qos, k8s-pod, k8s-container,
--          k8s-conmon (CRI-O's container monitor: pod overhead, below the
--          pod), container (docker/containerd outside Kubernetes),
--          service (systemd .service/.scope), slice, other
--   name   namespace/pod/container for Kubernetes containers,
--          namespace/pod for pods, docker:<12 hex> for other containers,
--          the last path element otherwise
-- Stored once per capture by the loader (cgroup_names_calc below, as
-- cgroups_data): findings, containers and the report join it a dozen times.
CREATE TABLE cgroup_names_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup TEXT NOT NULL, kind TEXT NOT NULL, name TEXT,
    PRIMARY KEY (capture_id, cgroup)
) WITHOUT ROWID;
CREATE VIEW cgroup_names AS
SELECT capture_id, cgroup, kind, name FROM cgroup_names_data;
-- Only the captures being loaded (capture_loading, 10-tables.sql).
CREATE VIEW cgroup_names_calc AS
SELECT n.capture_id, n.cgroup,
       CASE
         WHEN n.parent IS NULL THEN 'node'
         WHEN n.k8s_level = 'root' THEN 'k8s-root'
         WHEN n.k8s_level = 'qos' THEN 'k8s-qos'
         WHEN n.k8s_level = 'pod' AND pn.k8s_level = 'pod' THEN 'k8s-conmon'
         WHEN n.k8s_level = 'pod' THEN 'k8s-pod'
         WHEN n.k8s_level = 'container' THEN 'k8s-container'
         WHEN n.container_id IS NOT NULL THEN 'container'
         WHEN n.cgroup LIKE '%.service' OR n.cgroup LIKE '%.scope' THEN 'service'
         WHEN n.cgroup LIKE '%.slice' THEN 'slice'
         ELSE 'other' END AS kind,
       CASE
         WHEN n.parent IS NULL THEN '(node)'
         WHEN n.k8s_level = 'container' THEN
           coalesce(cl.namespace, pl.namespace, '?') || '/' ||
           coalesce(cl.pod, pl.pod, 'pod-' || n.pod_uid) || '/' ||
           coalesce(cl.container, substr(n.container_id, 1, 12))
         WHEN n.k8s_level = 'pod' THEN
           coalesce(pl.namespace, '?') || '/' || coalesce(pl.pod, 'pod-' || n.pod_uid)
           || CASE WHEN pn.k8s_level = 'pod' THEN '/(conmon)' ELSE '' END
         WHEN n.k8s_level = 'qos' THEN 'kubepods/' || n.qos_class
         WHEN n.k8s_level = 'root' THEN 'kubepods'
         WHEN n.container_id IS NOT NULL THEN
           coalesce(n.runtime, 'container') || ':' || substr(n.container_id, 1, 12)
         ELSE replace(n.cgroup, rtrim(n.cgroup, replace(n.cgroup, '/', '')), '')
       END AS name
FROM cgroup_node n
LEFT JOIN cgroup_node pn ON pn.capture_id = n.capture_id AND pn.cgroup = n.parent
LEFT JOIN k8s_container_log cl
       ON cl.capture_id = n.capture_id AND cl.container_id = n.container_id
-- k8s_pod_names of the captures being loaded only, each found by key
-- (through the view, every capture's pod log was grouped for each load)
LEFT JOIN (SELECT capture_id, pod_uid, min(namespace) AS namespace, min(pod) AS pod
           FROM k8s_pod_log
           WHERE capture_id IN (SELECT capture_id FROM capture
                                WHERE load_complete IS NULL)
           GROUP BY capture_id, pod_uid) pl
       ON pl.capture_id = n.capture_id AND pl.pod_uid = n.pod_uid
WHERE n.capture_id IN (SELECT capture_id FROM capture WHERE load_complete IS NULL);

-- One row per Kubernetes container cgroup.
--   namespace, pod, container  from the log names; NULL when the capture
--                holds none for it (the pod sandbox, "pause", has no log)
--   qos_class    guaranteed, burstable, besteffort
--   runtime      containerd, cri-o, docker (NULL for the bare ids of the
--                cgroupfs driver: containerd or dockershim)
--   additions: the cgroup's numbers (cgroup_headroom), processes (its own),
--   sandbox: 1 for the pod sandbox ("pause"), which has no log name while
--   the capture has log names for other containers; 0 when it has a log
--   name; NULL when the capture has no log names at all
CREATE VIEW containers AS
SELECT n.capture_id, n.cgroup,
       coalesce(cl.namespace, pl.namespace) AS namespace,
       coalesce(cl.pod, pl.pod) AS pod,
       n.pod_uid,
       cl.container,
       n.container_id,
       n.qos_class,
       n.runtime,
       -- additions: the cgroup's numbers
       h.usage_bytes, h.working_set_bytes, h.limit_bytes,
       h.unreclaimable_bytes, h.effective_limit_bytes,
       h.reclaimable_bytes, h.anon_bytes, h.shmem_bytes, h.kernel_bytes,
       (SELECT count(*) FROM cgroup_proc cp WHERE cp.capture_id = n.capture_id
          AND cp.cgroup = n.cgroup) AS processes,
       CASE WHEN cl.container IS NOT NULL THEN 0
            WHEN EXISTS (SELECT 1 FROM k8s_container_log x
                         WHERE x.capture_id = n.capture_id) THEN 1 END AS sandbox
FROM cgroup_node n
LEFT JOIN k8s_container_log cl
       ON cl.capture_id = n.capture_id AND cl.container_id = n.container_id
LEFT JOIN k8s_pod_names pl
       ON pl.capture_id = n.capture_id AND pl.pod_uid = n.pod_uid
LEFT JOIN cgroup_headroom h ON h.capture_id = n.capture_id AND h.cgroup = n.cgroup
WHERE n.k8s_level = 'container';

-- One row per pod cgroup, with its memory (the pod cgroup's counters are
-- hierarchical: they hold every container of the pod, the sandbox and
-- CRI-O's conmon).
--   container_cgroups   container cgroups below it, the sandbox included
CREATE VIEW pods AS
SELECT n.capture_id, n.cgroup,
       pl.namespace, pl.pod, n.pod_uid, n.qos_class,
       (SELECT count(*) FROM cgroup_node c WHERE c.capture_id = n.capture_id
          AND c.parent = n.cgroup AND c.k8s_level = 'container') AS container_cgroups,
       g.usage_bytes, g.working_set_bytes, g.limit_bytes,
       h.reclaimable_bytes, h.unreclaimable_bytes, h.effective_limit_bytes,
       g.anon_bytes, g.file_bytes, g.shmem_bytes, g.kernel_bytes, g.swap_bytes,
       g.oom_kill_count
FROM cgroup_node n
LEFT JOIN k8s_pod_names pl
       ON pl.capture_id = n.capture_id AND pl.pod_uid = n.pod_uid
LEFT JOIN cgroup_headroom h ON h.capture_id = n.capture_id AND h.cgroup = n.cgroup
LEFT JOIN cgroups g ON g.capture_id = n.capture_id AND g.cgroup = n.cgroup
WHERE n.k8s_level = 'pod'
  -- CRI-O's conmon cgroups are pod level too, but below the pod
  AND NOT EXISTS (SELECT 1 FROM cgroup_node pn WHERE pn.capture_id = n.capture_id
                  AND pn.cgroup = n.parent AND pn.k8s_level = 'pod');

-- Rollups: the node, each QoS class, each pod, each container.
--   level   node, qos, pod, container
--   name    (node), guaranteed/burstable/besteffort, namespace/pod,
--           namespace/pod/container
-- Guaranteed pods sit directly under kubepods: their QoS row sums the pod
-- rows (there is no guaranteed cgroup); the others are the QoS cgroups.
CREATE VIEW k8s_rollup AS
SELECT g.capture_id, 'node' AS level, '(node)' AS name, g.cgroup,
       g.usage_bytes, g.working_set_bytes, g.limit_bytes
FROM cgroups g WHERE g.parent IS NULL
UNION ALL
SELECT n.capture_id, 'qos', n.qos_class, n.cgroup, g.usage_bytes,
       g.working_set_bytes, g.limit_bytes
FROM cgroup_node n JOIN cgroups g ON g.capture_id = n.capture_id AND g.cgroup = n.cgroup
WHERE n.k8s_level = 'qos'
UNION ALL
SELECT p.capture_id, 'qos', 'guaranteed', NULL, sum(p.usage_bytes),
       sum(p.working_set_bytes), NULL
FROM pods p WHERE p.qos_class = 'guaranteed'
GROUP BY p.capture_id
UNION ALL
SELECT p.capture_id, 'pod', coalesce(p.namespace, '?') || '/' ||
       coalesce(p.pod, 'pod-' || p.pod_uid), p.cgroup, p.usage_bytes,
       p.working_set_bytes, p.limit_bytes
FROM pods p
UNION ALL
SELECT cn.capture_id, 'container', cn.name, cn.cgroup, g.usage_bytes,
       g.working_set_bytes, g.limit_bytes
FROM cgroup_names cn
JOIN cgroups g ON g.capture_id = cn.capture_id AND g.cgroup = cn.cgroup
WHERE cn.kind = 'k8s-container';

-- The node: one row per capture.
--   mem_total_bytes, mem_available_bytes, mem_free_bytes   /proc/meminfo
--   node_working_set_bytes   the root cgroup's working set (what the
--                            kubelet and cAdvisor use for the node): usage
--                            less inactive_file, where the root's usage is
--                            anon + file (page cache): no kernel memory
--   kubelet_memory_available_bytes   MemTotal - node working set: the
--                            kubelet's memory.available eviction signal
--   swap_total_bytes, swap_used_bytes
--   psi_some_avg10, psi_full_avg10, psi_some_avg60, psi_full_avg60   percent
--   bpf_maps_bytes           memlock of every BPF map on the node
--   additions: kernel_bytes (the node's kernel memory from meminfo: Slab +
--   KernelStack + PageTables + SecPageTables + Percpu + VmallocUsed; no
--   socket buffers, which meminfo lacks; outside the node working set) and
--   shmem_bytes (meminfo Shmem)
CREATE VIEW node AS
SELECT c.capture_id, c.hostname, c.kernel_release, c.cgroup_mode,
       m.mem_total AS mem_total_bytes, m.mem_available AS mem_available_bytes,
       m.mem_free AS mem_free_bytes,
       r.working_set_bytes AS node_working_set_bytes,
       m.mem_total - r.working_set_bytes AS kubelet_memory_available_bytes,
       m.swap_total AS swap_total_bytes,
       m.swap_total - m.swap_free AS swap_used_bytes,
       ps.some10 AS psi_some_avg10, ps.full10 AS psi_full_avg10,
       ps.some60 AS psi_some_avg60, ps.full60 AS psi_full_avg60,
       (SELECT sum(memlock_bytes) FROM (SELECT DISTINCT map_id, memlock_bytes
          FROM bpf_maps b WHERE b.capture_id = c.capture_id)) AS bpf_maps_bytes,
       m.kernel AS kernel_bytes, m.shmem AS shmem_bytes
FROM capture c
LEFT JOIN (SELECT capture_id,
                  max(CASE key WHEN 'MemTotal' THEN value END) AS mem_total,
                  max(CASE key WHEN 'MemAvailable' THEN value END) AS mem_available,
                  max(CASE key WHEN 'MemFree' THEN value END) AS mem_free,
                  max(CASE key WHEN 'SwapTotal' THEN value END) AS swap_total,
                  max(CASE key WHEN 'SwapFree' THEN value END) AS swap_free,
                  max(CASE key WHEN 'Shmem' THEN value END) AS shmem,
                  sum(CASE WHEN key IN ('Slab', 'KernelStack', 'PageTables',
                                        'SecPageTables', 'Percpu', 'VmallocUsed')
                           THEN value END) AS kernel
           FROM node_meminfo GROUP BY capture_id) m ON m.capture_id = c.capture_id
LEFT JOIN cgroups r ON r.capture_id = c.capture_id AND r.parent IS NULL
LEFT JOIN (SELECT capture_id,
                  max(CASE kind WHEN 'some' THEN avg10 END) AS some10,
                  max(CASE kind WHEN 'full' THEN avg10 END) AS full10,
                  max(CASE kind WHEN 'some' THEN avg60 END) AS some60,
                  max(CASE kind WHEN 'full' THEN avg60 END) AS full60
           FROM node_pressure GROUP BY capture_id) ps ON ps.capture_id = c.capture_id;

-- BPF and the kernel ----------------------------------------------------------

-- Per capture: the kernel version and what it means for BPF map memory.
--   kernel_release     the node's: proc/sys/kernel/osrelease, else the
--                      manifest's
--   kernel_major, kernel_minor   from it ("6.1.0-18-amd64": 6, 1)
--   bpf_maps_charged   1 when map memory is charged to the memory cgroup
--                      of the process that created the map (Linux 5.11+,
--                      cgroup v1 and v2 alike: on v1 it lands in
--                      memory.kmem.usage_in_bytes, shown by tests/t50 on
--                      6.18), 0 before 5.11 (counted against the
--                      creator's RLIMIT_MEMLOCK only: outside every memory
--                      limit), NULL when the version is unknown
--   bpf_memlock_exact  1 from Linux 6.4 on (fdinfo memlock is the map's
--                      real usage), 0 before (an estimate from its
--                      geometry: hash maps use more)
CREATE VIEW kernel_features AS
SELECT capture_id, kernel_release, cgroup_mode, kernel_major, kernel_minor,
       CASE WHEN kernel_major IS NULL THEN NULL
            WHEN kernel_major > 5 OR (kernel_major = 5 AND kernel_minor >= 11) THEN 1
            ELSE 0 END AS bpf_maps_charged,
       CASE WHEN kernel_major IS NULL THEN NULL
            WHEN kernel_major > 6 OR (kernel_major = 6 AND kernel_minor >= 4) THEN 1
            ELSE 0 END AS bpf_memlock_exact
FROM (SELECT capture_id, kernel_release, cgroup_mode,
             CASE WHEN kernel_release GLOB '[0-9]*.[0-9]*'
                  THEN CAST(kernel_release AS INTEGER) END AS kernel_major,
             CASE WHEN kernel_release GLOB '[0-9]*.[0-9]*'
                  THEN CAST(substr(kernel_release, instr(kernel_release, '.') + 1)
                            AS INTEGER) END AS kernel_minor
      -- the node's kernel: proc/sys/kernel/osrelease as captured (with
      -- --root it is the captured node's, the manifest's uname the
      -- collector's own), else the manifest's
      FROM (SELECT c.capture_id, c.cgroup_mode,
                   coalesce((SELECT value FROM node_setting s
                             WHERE s.capture_id = c.capture_id
                               AND s.path = 'proc/sys/kernel/osrelease'),
                            c.kernel_release) AS kernel_release
            FROM capture c
            -- one row a capture already (its key): grouped so that SQLite
            -- keeps this SELECT apart, and looks osrelease up once a
            -- capture; merged into the ones above, the lookup was copied
            -- into each use of kernel_release (24 copies to prepare and
            -- run, 1 M instructions a use of this view)
            GROUP BY c.capture_id));

-- BPF map memory per holding cgroup: the maps its processes hold (a map
-- held by processes of two cgroups counts in both).
--   name, kind          cgroup_names
--   namespace, pod, container   when it is a Kubernetes container
--   maps, holders       maps and holding processes
--   memlock_bytes       sum of the maps' memlock
--   largest_maps        the three largest: "name 12.0 MiB, ..."
--   charged             1: charged as kernel memory to the memory cgroup of
--                       the process that created each map (Linux 5.11+;
--                       the holder usually is the creator); 0: charged to
--                       no cgroup (before 5.11)
--   memlock_exact       0 before Linux 6.4: memlock is an estimate
--   kernel_bytes        the cgroup's kernel memory, which holds the maps'
--                       memory when charged
CREATE VIEW bpf_by_cgroup AS
-- bpf_maps worked out once for both uses (maps per cgroup, holders)
WITH held AS MATERIALIZED (
    SELECT capture_id, cgroup, map_id, name, memlock_bytes, pid
    FROM bpf_maps WHERE cgroup IS NOT NULL
), per_map AS (
    SELECT capture_id, cgroup, map_id, max(name) AS name,
           max(memlock_bytes) AS memlock_bytes
    FROM held
    GROUP BY capture_id, cgroup, map_id
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY capture_id, cgroup
                                 ORDER BY memlock_bytes DESC, map_id) AS rn
    FROM per_map
), by_cgroup AS (
    SELECT capture_id, cgroup, count(*) AS maps, sum(memlock_bytes) AS memlock_bytes,
           group_concat(CASE WHEN rn <= 3 THEN coalesce(name, 'id ' || map_id) || ' '
                             || human_bytes(memlock_bytes) END,
                        ', ') AS largest_maps
    FROM (SELECT * FROM ranked ORDER BY capture_id, cgroup, rn)
    GROUP BY capture_id, cgroup
)
SELECT b.capture_id, b.cgroup, n.name, n.kind,
       coalesce(cl.namespace, pl.namespace) AS namespace,
       coalesce(cl.pod, pl.pod) AS pod, cl.container,
       b.maps, h.holders, b.memlock_bytes, b.largest_maps,
       k.bpf_maps_charged AS charged, k.bpf_memlock_exact AS memlock_exact,
       hr.kernel_bytes
FROM by_cgroup b
JOIN (SELECT capture_id, cgroup, count(DISTINCT pid) AS holders FROM held
      GROUP BY capture_id, cgroup) h
  ON h.capture_id = b.capture_id AND h.cgroup = b.cgroup
LEFT JOIN kernel_features k ON k.capture_id = b.capture_id
LEFT JOIN cgroup_names n ON n.capture_id = b.capture_id AND n.cgroup = b.cgroup
LEFT JOIN cgroup_node cn ON cn.capture_id = b.capture_id AND cn.cgroup = b.cgroup
LEFT JOIN k8s_container_log cl
       ON cl.capture_id = cn.capture_id AND cl.container_id = cn.container_id
       AND cn.k8s_level = 'container'
LEFT JOIN k8s_pod_names pl ON pl.capture_id = cn.capture_id AND pl.pod_uid = cn.pod_uid
LEFT JOIN cgroup_headroom hr ON hr.capture_id = b.capture_id AND hr.cgroup = b.cgroup;

-- BPF map memory per pod: the maps held by processes of its containers
-- (each map once per pod).
CREATE VIEW bpf_by_pod AS
SELECT p.capture_id, p.cgroup, p.namespace, p.pod, p.pod_uid,
       count(*) AS maps, sum(m.memlock_bytes) AS memlock_bytes
FROM pods p
JOIN (SELECT DISTINCT b.capture_id, n.pod_uid, b.map_id, b.memlock_bytes
      FROM bpf_maps b
      JOIN cgroup_node n ON n.capture_id = b.capture_id AND n.cgroup = b.cgroup
      WHERE n.k8s_level = 'container') m
  ON m.capture_id = p.capture_id AND m.pod_uid = p.pod_uid
GROUP BY p.capture_id, p.cgroup;
