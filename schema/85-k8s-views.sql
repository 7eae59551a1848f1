-- Kubernetes, containers and the node ---------------------------------------------------
-- Names come from the capture alone: the cgroup path (both kubelet cgroup
-- drivers, see analyze/k8s.c) and the names of /var/log/pods and
-- /var/log/containers entries.  No API server is asked.

-- A readable name and a kind for every memory cgroup.
--   kind   node (the root), k8s-root, k8s-qos, k8s-pod, k8s-container,
--          container (docker/containerd outside Kubernetes), service
--          (systemd .service/.scope), slice, other
--   name   namespace/pod/container for Kubernetes containers,
--          namespace/pod for pods, docker:<12 hex> for other containers,
--          the last path element otherwise
CREATE VIEW cgroup_names AS
SELECT n.capture_id, n.cgroup,
       CASE
         WHEN n.parent IS NULL THEN 'node'
         WHEN n.k8s_level = 'root' THEN 'k8s-root'
         WHEN n.k8s_level = 'qos' THEN 'k8s-qos'
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
         WHEN n.k8s_level = 'qos' THEN 'kubepods/' || n.qos_class
         WHEN n.k8s_level = 'root' THEN 'kubepods'
         WHEN n.container_id IS NOT NULL THEN
           coalesce(n.runtime, 'container') || ':' || substr(n.container_id, 1, 12)
         ELSE replace(n.cgroup, rtrim(n.cgroup, replace(n.cgroup, '/', '')), '')
       END AS name
FROM cgroup_node n
LEFT JOIN k8s_container_log cl
       ON cl.capture_id = n.capture_id AND cl.container_id = n.container_id
LEFT JOIN (SELECT capture_id, pod_uid, min(namespace) AS namespace, min(pod) AS pod
           FROM k8s_pod_log GROUP BY capture_id, pod_uid) pl
       ON pl.capture_id = n.capture_id AND pl.pod_uid = n.pod_uid;

-- One row per Kubernetes container cgroup.
--   namespace, pod, container  from the log names; NULL when the capture
--                holds none for it (the pod sandbox, "pause", has no log)
--   qos_class    guaranteed, burstable, besteffort
--   runtime      containerd, cri-o, docker
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
       g.usage_bytes, g.working_set_bytes, g.limit_bytes,
       h.unreclaimable_bytes, h.effective_limit_bytes
FROM cgroup_node n
LEFT JOIN k8s_container_log cl
       ON cl.capture_id = n.capture_id AND cl.container_id = n.container_id
LEFT JOIN (SELECT capture_id, pod_uid, min(namespace) AS namespace, min(pod) AS pod
           FROM k8s_pod_log GROUP BY capture_id, pod_uid) pl
       ON pl.capture_id = n.capture_id AND pl.pod_uid = n.pod_uid
LEFT JOIN cgroups g ON g.capture_id = n.capture_id AND g.cgroup = n.cgroup
LEFT JOIN cgroup_headroom h ON h.capture_id = n.capture_id AND h.cgroup = n.cgroup
WHERE n.k8s_level = 'container';

-- One row per pod cgroup, with its memory (the pod cgroup's counters are
-- hierarchical: they hold every container of the pod and the sandbox).
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
LEFT JOIN (SELECT capture_id, pod_uid, min(namespace) AS namespace, min(pod) AS pod
           FROM k8s_pod_log GROUP BY capture_id, pod_uid) pl
       ON pl.capture_id = n.capture_id AND pl.pod_uid = n.pod_uid
LEFT JOIN cgroups g ON g.capture_id = n.capture_id AND g.cgroup = n.cgroup
LEFT JOIN cgroup_headroom h ON h.capture_id = n.capture_id AND h.cgroup = n.cgroup
WHERE n.k8s_level = 'pod';

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
SELECT c.capture_id, 'container', cn.name, c.cgroup, c.usage_bytes,
       c.working_set_bytes, c.limit_bytes
FROM containers c
JOIN cgroup_names cn ON cn.capture_id = c.capture_id AND cn.cgroup = c.cgroup;

-- The node: one row per capture.
--   mem_total_bytes, mem_available_bytes, mem_free_bytes   /proc/meminfo
--   node_working_set_bytes   the root cgroup's working set (what the
--                            kubelet and cAdvisor use for the node)
--   kubelet_memory_available_bytes   MemTotal - node working set: the
--                            kubelet's memory.available eviction signal
--   swap_total_bytes, swap_used_bytes
--   psi_some_avg10, psi_full_avg10, psi_some_avg60, psi_full_avg60   percent
--   bpf_maps_bytes           memlock of every BPF map on the node
CREATE VIEW node AS
SELECT c.capture_id, c.hostname, c.kernel_release, c.cgroup_mode,
       (SELECT value FROM node_meminfo m WHERE m.capture_id = c.capture_id
          AND m.key = 'MemTotal') AS mem_total_bytes,
       (SELECT value FROM node_meminfo m WHERE m.capture_id = c.capture_id
          AND m.key = 'MemAvailable') AS mem_available_bytes,
       (SELECT value FROM node_meminfo m WHERE m.capture_id = c.capture_id
          AND m.key = 'MemFree') AS mem_free_bytes,
       (SELECT working_set_bytes FROM cgroups g WHERE g.capture_id = c.capture_id
          AND g.parent IS NULL) AS node_working_set_bytes,
       (SELECT value FROM node_meminfo m WHERE m.capture_id = c.capture_id
          AND m.key = 'MemTotal')
         - (SELECT working_set_bytes FROM cgroups g WHERE g.capture_id = c.capture_id
              AND g.parent IS NULL) AS kubelet_memory_available_bytes,
       (SELECT value FROM node_meminfo m WHERE m.capture_id = c.capture_id
          AND m.key = 'SwapTotal') AS swap_total_bytes,
       (SELECT value FROM node_meminfo m WHERE m.capture_id = c.capture_id
          AND m.key = 'SwapTotal')
         - (SELECT value FROM node_meminfo m WHERE m.capture_id = c.capture_id
              AND m.key = 'SwapFree') AS swap_used_bytes,
       (SELECT avg10 FROM node_pressure p WHERE p.capture_id = c.capture_id
          AND p.kind = 'some') AS psi_some_avg10,
       (SELECT avg10 FROM node_pressure p WHERE p.capture_id = c.capture_id
          AND p.kind = 'full') AS psi_full_avg10,
       (SELECT avg60 FROM node_pressure p WHERE p.capture_id = c.capture_id
          AND p.kind = 'some') AS psi_some_avg60,
       (SELECT avg60 FROM node_pressure p WHERE p.capture_id = c.capture_id
          AND p.kind = 'full') AS psi_full_avg60,
       (SELECT sum(memlock_bytes) FROM (SELECT DISTINCT map_id, memlock_bytes
          FROM bpf_maps b WHERE b.capture_id = c.capture_id)) AS bpf_maps_bytes
FROM capture c;
