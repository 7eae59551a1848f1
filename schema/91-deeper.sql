-- Issue 16's deeper questions: dying cgroups, which tmpfs holds the shmem,
-- heap limits of the JVM and Node.js (capture.md 2.3, 2.8; /proc/cgroups).
-- The loader's tables (analyze/load/deeper.c), then the public views; their
-- findings are arms of findings_now (90-findings.sql).

-- proc/cgroups: one row per controller.
CREATE TABLE cgroup_subsys (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    subsys      TEXT NOT NULL,
    hierarchy   INTEGER,     -- 0: not on a v1 hierarchy
    num_cgroups INTEGER,     -- dying ones included
    enabled     INTEGER,
    PRIMARY KEY (capture_id, subsys)
) WITHOUT ROWID;

-- collector/tmpfs.txt: one row per tmpfs mount.
CREATE TABLE tmpfs_mount (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    kind        TEXT,        -- 'emptydir', 'dev-shm'
    pid         INTEGER,     -- dev-shm: a process of that mount namespace; 0
    fstype      TEXT,
    size_bytes  INTEGER,
    used_bytes  INTEGER,
    mount_point TEXT,
    pod_uid     TEXT,        -- emptydir: from the path
    volume      TEXT         -- emptydir: from the path
);

-- collector/heap/<pid>.json: the heap settings that take effect (the last
-- of JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS / NODE_OPTIONS, the command line,
-- _JAVA_OPTIONS), in bytes; NULL: not set.
CREATE TABLE proc_heap (
    capture_id    INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    pid           INTEGER NOT NULL,
    runtime       TEXT,      -- 'java', 'node'
    xmx           INTEGER,   -- -Xmx
    max_ram       INTEGER,   -- -XX:MaxRAM=
    max_ram_pct   REAL,      -- -XX:MaxRAMPercentage=
    max_old_space INTEGER,   -- --max-old-space-size= (MiB, as bytes)
    PRIMARY KEY (capture_id, pid)
) WITHOUT ROWID;

-- Dying cgroups: removed cgroups the kernel still holds because pages
-- (page cache, slab) are still charged to them.
-- cgroup v2, one row per cgroup with dying cgroups directly below it:
--   nr_dying           its cgroup.stat nr_dying_descendants minus those of
--                      its live children (the dying ones below it that no
--                      live child holds)
--   nr_descendants     its cgroup.stat nr_descendants (live ones)
--   unaccounted_bytes  an approximation of the memory the dying cgroups
--                      pin: its usage minus its live children's usage minus
--                      the RSS of its own processes (RSS stands for their
--                      charge; their page cache and kernel memory are not
--                      known apart, so this is an upper bound), at least 0
--                      (a cgroup without live children: its usage minus
--                      its processes' RSS)
-- cgroup v1 (memory on a v1 hierarchy), one node-level row, cgroup '/':
--   nr_dying           /proc/cgroups num_cgroups of memory minus the live
--                      memory cgroups in the capture (a cgroup the
--                      collector could not read counts as dying)
--   nr_descendants     the live cgroups below the root in the capture
--   unaccounted_bytes  the sum, over the live cgroups that have live
--                      children and no processes of their own (where the
--                      kernel does not know the dying ones apart), of their
--                      usage minus their children's: the pages charged to
--                      dying children below them
--   additions: usage_bytes (the cgroup's usage), cgroup_version
CREATE VIEW dying_cgroup_parts AS
WITH own AS (SELECT capture_id, cgroup, rss_sum AS rss, processes AS n
             FROM cgroup_process_count_data),   -- processes' sums (95-report.sql)
st AS (SELECT capture_id, cgroup,
              max(CASE key WHEN 'nr_dying_descendants' THEN value END) AS dd,
              max(CASE key WHEN 'nr_descendants' THEN value END) AS d
       FROM cgroup_event WHERE file = 'cgroup.stat'
       GROUP BY capture_id, cgroup),
kids AS (SELECT c.capture_id, c.parent AS cgroup, sum(c.usage_bytes) AS usage,
                sum(coalesce(st.dd, 0)) AS dd
         FROM cgroups c LEFT JOIN st USING (capture_id, cgroup)
         WHERE c.parent IS NOT NULL AND c.parent != c.cgroup
         GROUP BY c.capture_id, c.parent),
-- per cgroup with live children: what neither they nor its processes hold
gap AS (SELECT c.capture_id, c.cgroup, c.usage_bytes, c.cgroup_version,
               coalesce(o.n, 0) AS procs,
               max(0, c.usage_bytes - k.usage - coalesce(o.rss, 0)) AS bytes
        FROM cgroups c
        JOIN kids k USING (capture_id, cgroup)
        LEFT JOIN own o USING (capture_id, cgroup))
SELECT c.capture_id, c.cgroup, c.usage_bytes, c.cgroup_version,
       st.dd - coalesce(k.dd, 0) AS nr_dying, st.d AS nr_descendants,
       coalesce(g.bytes, max(0, c.usage_bytes - coalesce(o.rss, 0)))
         AS unaccounted_bytes
FROM st
JOIN cgroups c USING (capture_id, cgroup)
LEFT JOIN kids k USING (capture_id, cgroup)
LEFT JOIN gap g USING (capture_id, cgroup)
LEFT JOIN own o USING (capture_id, cgroup)
WHERE st.dd IS NOT NULL
UNION ALL
SELECT s.capture_id, '/', c.usage_bytes, 1,
       s.num_cgroups - (SELECT count(*) FROM cgroup_node n
                        WHERE n.capture_id = s.capture_id),
       (SELECT count(*) FROM cgroup_node n
        WHERE n.capture_id = s.capture_id AND n.cgroup != '/'),
       (SELECT coalesce(sum(g.bytes), 0) FROM gap g
        WHERE g.capture_id = s.capture_id AND g.procs = 0)
FROM cgroup_subsys s
JOIN cgroups c ON c.capture_id = s.capture_id AND c.cgroup = '/'
WHERE s.subsys = 'memory' AND s.hierarchy > 0;

CREATE VIEW dying_cgroups AS
SELECT capture_id, cgroup, nr_dying, nr_descendants, unaccounted_bytes,
       usage_bytes, cgroup_version
FROM dying_cgroup_parts WHERE nr_dying > 0;

-- One row per tmpfs mount the collector measured (statfs: size and use,
-- never the files):
--   pod_uid, namespace, pod   emptyDir: the pod of the path; /dev/shm: the
--                      pod of the container its process is in
--   container          /dev/shm: the container of the process the
--                      collector found in that mount namespace (its memory
--                      cgroup, as containers names it); NULL for emptyDir
--                      (the volume is the pod's: the container that writes
--                      is charged)
--   volume             emptyDir: the volume's name; /dev/shm: NULL
--   kind               'emptydir', 'dev-shm'
--   mount_point        as the node (emptydir) or the process (dev-shm) sees it
--   used_bytes, size_bytes   statfs: used blocks, the size= limit
--   additions: cgroup (the container's, /dev/shm; else the pod's cgroup)
CREATE VIEW tmpfs_usage AS
SELECT t.capture_id, coalesce(t.pod_uid, c.pod_uid) AS pod_uid,
       coalesce(pn.namespace, c.namespace) AS namespace,
       coalesce(pn.pod, c.pod) AS pod, c.container, t.volume, t.kind,
       t.mount_point, t.used_bytes, t.size_bytes,
       coalesce(t.process_cgroup, (SELECT n.cgroup FROM cgroup_node n
                                   WHERE n.capture_id = t.capture_id AND n.pod_uid = t.pod_uid
                                     AND n.k8s_level = 'pod' LIMIT 1)) AS cgroup
-- the process's cgroup looked up by pid: processes on the right of a LEFT
-- JOIN was worked out for every process of the capture
FROM (SELECT m.*, CASE WHEN m.kind = 'dev-shm'
                       THEN (SELECT p.cgroup FROM processes p
                             WHERE p.capture_id = m.capture_id AND p.pid = m.pid) END
                    AS process_cgroup
      FROM tmpfs_mount m) t
LEFT JOIN containers c ON c.capture_id = t.capture_id AND c.cgroup = t.process_cgroup
LEFT JOIN k8s_pod_names pn ON pn.capture_id = t.capture_id AND pn.pod_uid = t.pod_uid;

-- One row per JVM or Node.js process the collector found (capture.md 2.3):
--   heap_limit_bytes   the largest heap it may grow to: JVM -Xmx, else
--                      MaxRAMPercentage (default 25 since JDK 10, which
--                      reads the container limit, UseContainerSupport) of
--                      MaxRAM, else of container_limit_bytes; Node.js
--                      --max-old-space-size (its old generation); NULL:
--                      no flag and nothing to compute it from
--   heap_limit_source  '-Xmx', '-XX:MaxRAM', '-XX:MaxRAMPercentage',
--                      'jvm default 25%', '--max-old-space-size', or NULL
--   container_limit_bytes  as go_processes: the container's limit or its
--                      pod's, elsewhere the effective limit; NULL: none
--   additions: name (cgroup_names)
CREATE VIEW runtime_heaps AS
SELECT h.capture_id, h.pid, p.comm, h.runtime, p.cgroup,
       CASE WHEN h.runtime = 'java' THEN
              coalesce(h.xmx, CAST(coalesce(h.max_ram, l.limit_bytes)
                                   * coalesce(h.max_ram_pct, 25) / 100 AS INTEGER))
            ELSE h.max_old_space END AS heap_limit_bytes,
       CASE WHEN h.runtime = 'java' THEN
              CASE WHEN h.xmx IS NOT NULL THEN '-Xmx'
                   WHEN h.max_ram IS NOT NULL THEN '-XX:MaxRAM'
                   WHEN l.limit_bytes IS NULL THEN NULL
                   WHEN h.max_ram_pct IS NOT NULL THEN '-XX:MaxRAMPercentage'
                   ELSE 'jvm default 25%' END
            WHEN h.max_old_space IS NOT NULL THEN '--max-old-space-size' END
         AS heap_limit_source,
       l.limit_bytes AS container_limit_bytes,
       n.name
FROM proc_heap h
LEFT JOIN processes p ON p.capture_id = h.capture_id AND p.pid = h.pid
LEFT JOIN finding_go_limits l ON l.capture_id = p.capture_id AND l.cgroup = p.cgroup
LEFT JOIN cgroup_names n ON n.capture_id = p.capture_id AND n.cgroup = p.cgroup;

-- The findings of this file (dying_cgroups, heap_over_limit, heap_no_limit)
-- are arms of findings_now (90-findings.sql).

