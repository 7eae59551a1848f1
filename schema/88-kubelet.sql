-- Who acts first, the kubelet or the kernel; kills the kernel log does not
-- show (issue 16 items 4 and 5).  Before 90-findings.sql, whose
-- eviction_near reads node_eviction.

-- collector/kubelet.txt (capture.md 2.9), after the kubelet's precedence
-- (a flag beats the config file; env files and drop-ins only when neither
-- says): one row per kept setting.
CREATE TABLE kubelet_setting (
    capture_id   INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    key          TEXT NOT NULL,   -- evictionHard, evictionSoft, evictionSoftGracePeriod,
                                  -- systemReserved, kubeReserved, enforceNodeAllocatable
    source       TEXT,            -- cmdline, config, env-file, drop-in
    value        TEXT,            -- as captured
    memory_bytes INTEGER,         -- its memory.available (eviction*) or memory
                                  -- (*Reserved) entry, when a quantity
    memory_pct   REAL,            -- the same entry, when a percentage of capacity
    PRIMARY KEY (capture_id, key)
) WITHOUT ROWID;

-- collector/journal-kills.txt (capture.md 2.7): one row per systemd-oomd
-- kill line and kubelet eviction-manager line.
CREATE TABLE journal_kill (
    capture_id      INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,  -- the line in the file
    kind            TEXT NOT NULL,     -- oomd-killed, oomd-unit, kubelet-threshold,
                                       -- kubelet-evicting, kubelet-evicted
    time            TEXT,              -- the journal's time as printed
    time_us         INTEGER,           -- epoch microseconds (short-unix)
    glog_time       TEXT,              -- the kubelet's own "0902 15:20:12.963548"
    unit            TEXT,
    cgroup          TEXT,              -- oomd: the killed cgroup or unit
    pod             TEXT,              -- kubelet: the pod as printed ("ns/name")
    resource        TEXT,              -- kubelet: "memory", ...
    container       TEXT,              -- kubelet: "Container x was using"
    reason          TEXT,
    processes       INTEGER,           -- oomd unit line: processes killed
    threshold_bytes INTEGER,
    available_bytes INTEGER,
    usage_bytes     INTEGER,
    request_bytes   INTEGER,
    pressure_pct    REAL,
    limit_pct       REAL,
    PRIMARY KEY (capture_id, seq)
) WITHOUT ROWID;

-- PUBLIC VIEW: how far the node is from a kubelet eviction and from a node
-- OOM, and which comes first (one row per capture; memsnap-views(7)).
CREATE VIEW node_eviction AS
WITH s AS (
    SELECT capture_id,
           max(CASE key WHEN 'evictionHard' THEN memory_bytes END) AS hard_bytes,
           max(CASE key WHEN 'evictionHard' THEN memory_pct END) AS hard_pct,
           max(CASE WHEN key = 'evictionHard' AND (memory_bytes IS NOT NULL
                                                   OR memory_pct IS NOT NULL)
                    THEN 'evictionHard (' || source || ')' END) AS hard_source,
           max(CASE key WHEN 'systemReserved' THEN memory_bytes END) AS system_reserved,
           max(CASE key WHEN 'kubeReserved' THEN memory_bytes END) AS kube_reserved
    FROM kubelet_setting GROUP BY capture_id
), n AS (
    SELECT n.capture_id, n.mem_total_bytes, n.mem_available_bytes,
           n.kubelet_memory_available_bytes, s.hard_source, s.system_reserved,
           s.kube_reserved,
           CASE WHEN s.hard_bytes IS NOT NULL THEN s.hard_bytes
                WHEN s.hard_pct IS NOT NULL
                THEN CAST(round(s.hard_pct * n.mem_total_bytes / 100.0) AS INTEGER)
                WHEN s.capture_id IS NOT NULL
                  OR EXISTS (SELECT 1 FROM cgroup_names k WHERE k.capture_id = n.capture_id
                             AND k.kind = 'k8s-root')
                  OR EXISTS (SELECT 1 FROM proc_status p WHERE p.capture_id = n.capture_id
                             AND p.comm = 'kubelet')
                THEN 100 * 1048576 END AS threshold,
           (SELECT min(g.limit_bytes) FROM cgroup_names k
            JOIN cgroups g ON g.capture_id = k.capture_id AND g.cgroup = k.cgroup
            WHERE k.capture_id = n.capture_id AND k.kind = 'k8s-root') AS allocatable
    FROM node n
    LEFT JOIN s ON s.capture_id = n.capture_id
)
SELECT capture_id, mem_total_bytes, mem_available_bytes,
       kubelet_memory_available_bytes,
       threshold AS eviction_threshold_bytes,
       CASE WHEN threshold IS NULL THEN NULL
            WHEN hard_source IS NOT NULL THEN hard_source
            ELSE 'kubelet default (memory.available<100Mi)' END AS eviction_threshold_source,
       kubelet_memory_available_bytes - threshold AS eviction_distance_bytes,
       mem_available_bytes AS oom_distance_bytes,
       CASE WHEN mem_available_bytes IS NULL THEN NULL
            WHEN threshold IS NULL OR kubelet_memory_available_bytes IS NULL
            THEN 'kernel OOM killer'
            WHEN kubelet_memory_available_bytes - threshold <= mem_available_bytes
            THEN 'kubelet eviction'
            ELSE 'kernel OOM killer' END AS first_to_act,
       allocatable AS node_allocatable_bytes,
       system_reserved AS system_reserved_bytes,
       kube_reserved AS kube_reserved_bytes
FROM n;

-- Internal: each kernel OOM kill with whether Kubernetes can see it.
CREATE VIEW oom_kills_k8s AS
SELECT o.*,
       CASE WHEN o.pod_uid IS NULL AND o.container_id IS NULL THEN NULL
            WHEN o.killed_pid IS NULL THEN NULL
            WHEN EXISTS (SELECT 1 FROM oom_kill k WHERE k.capture_id = o.capture_id
                         AND k.event = o.event AND k.reason = 'oom_group') THEN 1
            WHEN NOT EXISTS (SELECT 1 FROM proc_misc p WHERE p.capture_id = o.capture_id)
            THEN NULL
            WHEN EXISTS (SELECT 1 FROM proc_misc p WHERE p.capture_id = o.capture_id
                         AND p.memcg = o.task_memcg AND p.pid != o.killed_pid) THEN 0
            ELSE 1 END AS k8s_visible
FROM oom_kills o;

-- PUBLIC VIEW: every kill and eviction the capture knows of, from the
-- kernel log, systemd-oomd and the kubelet (memsnap-views(7)).
CREATE VIEW kill_ledger AS
SELECT capture_id, wall_time AS time, 'kernel' AS source,
       task_memcg AS cgroup, namespace, pod, container,
       killed_pid AS pid, killed_comm AS comm,
       CASE kind WHEN 'memcg' THEN 'memory cgroup limit' ELSE 'node out of memory' END
         AS reason,
       -- NULL when the log gives none of the three (unknown, not 0)
       CASE WHEN coalesce(anon_rss_bytes, file_rss_bytes, shmem_rss_bytes) IS NOT NULL
            THEN coalesce(anon_rss_bytes, 0) + coalesce(file_rss_bytes, 0)
                 + coalesce(shmem_rss_bytes, 0) END AS bytes,
       k8s_visible
FROM oom_kills_k8s WHERE outcome = 'killed'
UNION ALL
SELECT capture_id,
       coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', time_us / 1e6, 'unixepoch'), time, glog_time),
       CASE WHEN kind LIKE 'oomd-%' THEN 'systemd-oomd' ELSE 'kubelet-eviction' END,
       cgroup,
       CASE WHEN instr(pod, '/') THEN substr(pod, 1, instr(pod, '/') - 1)
            WHEN instr(pod, '_') AND instr(pod, '(')
            THEN substr(pod, instr(pod, '_') + 1, instr(pod, '(') - instr(pod, '_') - 1) END,
       CASE WHEN instr(pod, '/') THEN substr(pod, instr(pod, '/') + 1)
            WHEN instr(pod, '_') THEN substr(pod, 1, instr(pod, '_') - 1)
            ELSE pod END,
       container, NULL, NULL,
       CASE WHEN kind = 'oomd-unit' THEN 'systemd-oomd killed '
                                         || coalesce(processes, '?') || ' process(es)'
            ELSE reason END,
       usage_bytes,
       CASE WHEN kind LIKE 'kubelet-%' THEN 1 END
FROM journal_kill j
WHERE kind IN ('oomd-killed', 'kubelet-evicted')
   -- systemd's unit line only when no systemd-oomd line says the kill
   OR (kind = 'oomd-unit' AND NOT EXISTS (SELECT 1 FROM journal_kill o
       WHERE o.capture_id = j.capture_id AND o.kind = 'oomd-killed'))
   -- a pod ranked for eviction only when no line says it was evicted
   OR (kind = 'kubelet-evicting' AND pod IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM journal_kill e WHERE e.capture_id = j.capture_id
       AND e.kind = 'kubelet-evicted' AND e.pod = j.pod));
