-- Where the working set goes ---------------------------------------------------------
-- The formulas, with the kernel facts behind them, are in
-- schema/working-set.md.  In short: the components below are disjoint and
-- add up exactly to cgroups.working_set_bytes; `unexplained` is the signed
-- remainder, which the tests (tests/t50, t51) find to be the pages the
-- kernel holds pre-charged in per-CPU stocks.

-- Children of a cgroup (pods' containers, "where does it start" in the
-- findings) are found through their parent.
CREATE INDEX cgroup_node_parent ON cgroup_node(capture_id, parent);
-- A cgroup's own processes (containers, findings).
CREATE INDEX cgroup_proc_cgroup ON cgroup_proc(capture_id, cgroup);

-- The components, in the order working_set_breakdown lists them.
--   component    its name in working_set_breakdown
--   category     user (what processes allocate: anon, shmem), page_cache
--                (active_file, file_other, and swapcached: the swap cache
--                is the page cache of swap), kernel, unexplained
--   reclaimable  1 when the kernel takes it back under pressure without swap
--   meaning      one line
CREATE VIEW working_set_components(ord, component, category, reclaimable, meaning) AS
VALUES
  (1, 'anon', 'user', 0, 'anonymous memory: heaps, stacks, private mappings (v1 total_rss, v2 anon)'),
  (2, 'shmem', 'user', 0, 'tmpfs, emptyDir medium Memory, /dev/shm, memfd, SysV shm: swap-backed'),
  (3, 'active_file', 'page_cache', 1, 'page cache on the active list: dropped under pressure'),
  (4, 'file_other', 'page_cache', 0, 'page cache on no file LRU list: mlocked, ramfs, in transit'),
  (5, 'swapcached', 'page_cache', 1, 'swap cache (the page cache of swap): anon and shmem pages in memory that have a copy in swap'),
  (6, 'slab_unreclaimable', 'kernel', 0, 'kernel objects the kernel cannot shrink (v2)'),
  (7, 'slab_reclaimable', 'kernel', 1, 'dentries, inodes and other shrinkable caches (v2)'),
  (8, 'kernel_stack', 'kernel', 0, 'kernel stacks of the threads (v2)'),
  (9, 'pagetables', 'kernel', 0, 'page tables of the processes (v2)'),
  (10, 'percpu', 'kernel', 0, 'per-CPU kernel data (v2, 5.7+)'),
  (11, 'sock', 'kernel', 0, 'socket buffers (v2; on v1 not in the usage)'),
  (12, 'vmalloc', 'kernel', 0, 'vmalloc''ed kernel memory, e.g. large BPF maps (v2, 5.19+)'),
  (13, 'kernel_other', 'kernel', 0, 'v2: the kernel key less the parts above (BPF maps, pipes, zswap); v1: all of memory.kmem.usage_in_bytes'),
  (14, 'unexplained', 'unexplained', 0, 'the signed remainder: per-CPU charge stocks; negative by the swap cache pages that are also mapped (counted in anon too)');

-- Internal (may change): every component's value per cgroup; NULL where
-- the kernel does not print it or it is not part of that cgroup's usage.
-- kernel_unreclaimable: the kernel parts but reclaimable slab (on v1 all of
-- kmem, which has no split).
-- file_other is the page cache on no file LRU list:
--     file - active_file - inactive_file - shmem
-- (shmem sits on the anon LRU lists).  The swap cache is in neither anon
-- nor file of memory.stat (the kernel counts it in NR_FILE_PAGES of the
-- node only, not of the memcg: tests/t53 shows file 8 KiB next to 760 KiB
-- of swapcached), but it is charged: its own component.
--
-- It reads memory.stat (cgroup_memstat, a row per cgroup) and the
-- one-value files (one aggregate per cgroup) once each, and computes usage
-- and working set with the same formulas as the cgroups view (tests/t59
-- checks that they agree for every cgroup).  It computes only the captures
-- not yet in cgroup_parts_data: the loader stores them there once a
-- capture is in, and every other view reads that table (cgroup_parts).
CREATE VIEW cgroup_parts_calc AS
WITH st AS (
    SELECT * FROM cgroup_memstat
    WHERE capture_id NOT IN (SELECT capture_id FROM cgroup_parts_data)
), fi AS (
    SELECT capture_id, cgroup,
           json_extract(files, '$."memory.current"[0]') AS current,
           CASE WHEN json_extract(files, '$."memory.max"[1]') THEN NULL
                ELSE json_extract(files, '$."memory.max"[0]') END AS max_,
           json_extract(files, '$."memory.usage_in_bytes"[0]') AS usage_in_bytes,
           CASE WHEN json_extract(files, '$."memory.limit_in_bytes"[1]') THEN NULL
                ELSE json_extract(files, '$."memory.limit_in_bytes"[0]') END AS limit_in_bytes,
           json_extract(files, '$."memory.kmem.usage_in_bytes"[0]') AS kmem_usage
    FROM cgroup_file_data
    WHERE capture_id NOT IN (SELECT capture_id FROM cgroup_parts_data)
), v AS (
    -- one cgroup version's numbers under common names
    SELECT n.capture_id, n.cgroup, n.parent, n.parent IS NULL AS is_root,
           CASE c.cgroup_mode WHEN 'v2' THEN 2 ELSE 1 END AS version,
           CASE WHEN c.cgroup_mode = 'v2'
                THEN coalesce(fi.current, CASE WHEN n.parent IS NULL THEN st.anon + st.file END)
                ELSE fi.usage_in_bytes END AS usage,
           CASE c.cgroup_mode WHEN 'v2' THEN fi.max_ ELSE fi.limit_in_bytes END AS limit_bytes,
           CASE c.cgroup_mode WHEN 'v2' THEN st.anon ELSE st.total_rss END AS anon,
           CASE c.cgroup_mode WHEN 'v2' THEN st.file ELSE st.total_cache END AS file,
           CASE c.cgroup_mode WHEN 'v2' THEN st.shmem ELSE st.total_shmem END AS shmem,
           CASE c.cgroup_mode WHEN 'v2' THEN st.active_file ELSE st.total_active_file END
             AS active_file,
           CASE c.cgroup_mode WHEN 'v2' THEN st.inactive_file ELSE st.total_inactive_file END
             AS inactive_file,
           CASE c.cgroup_mode WHEN 'v2' THEN st.swapcached ELSE st.total_swapcached END
             AS swapcached,
           st.kernel, st.slab_reclaimable, st.slab_unreclaimable, st.kernel_stack,
           st.pagetables, st.sec_pagetables, st.percpu, st.sock, st.vmalloc, fi.kmem_usage
    FROM cgroup_node n
    JOIN capture c ON c.capture_id = n.capture_id
    LEFT JOIN st ON st.capture_id = n.capture_id AND st.cgroup = n.cgroup
    LEFT JOIN fi ON fi.capture_id = n.capture_id AND fi.cgroup = n.cgroup
    WHERE n.capture_id NOT IN (SELECT capture_id FROM cgroup_parts_data)
), parts AS (
    SELECT capture_id, cgroup, parent, is_root, version, usage, limit_bytes,
           CASE WHEN usage - coalesce(inactive_file, 0) < 0 THEN 0
                ELSE usage - coalesce(inactive_file, 0) END AS ws,
           anon, shmem, active_file,
           file - coalesce(active_file, 0) - coalesce(inactive_file, 0)
                - coalesce(shmem, 0) AS file_other,
           -- charged below the root only: the root's usage is anon + file
           CASE WHEN is_root THEN NULL ELSE swapcached END AS swapcached,
           -- kernel memory is part of usage only below the root; v1 has no split
           CASE WHEN is_root OR version != 2 THEN NULL ELSE slab_reclaimable END
             AS slab_reclaimable,
           CASE WHEN is_root OR version != 2 THEN NULL ELSE slab_unreclaimable END
             AS slab_unreclaimable,
           CASE WHEN is_root OR version != 2 THEN NULL ELSE kernel_stack END AS kernel_stack,
           CASE WHEN is_root OR version != 2 THEN NULL
                WHEN pagetables IS NULL AND sec_pagetables IS NULL THEN NULL
                ELSE coalesce(pagetables, 0) + coalesce(sec_pagetables, 0) END AS pagetables,
           CASE WHEN is_root OR version != 2 THEN NULL ELSE percpu END AS percpu,
           CASE WHEN is_root OR version != 2 THEN NULL ELSE sock END AS sock,
           CASE WHEN is_root OR version != 2 THEN NULL ELSE vmalloc END AS vmalloc,
           CASE WHEN is_root THEN NULL
                WHEN version != 2 THEN kmem_usage
                WHEN kernel IS NULL THEN NULL
                ELSE kernel - coalesce(slab_reclaimable, 0) - coalesce(slab_unreclaimable, 0)
                     - coalesce(kernel_stack, 0) - coalesce(pagetables, 0)
                     - coalesce(sec_pagetables, 0) - coalesce(percpu, 0)
                     - coalesce(vmalloc, 0) END AS kernel_other
    FROM v WHERE usage IS NOT NULL
)
SELECT capture_id, cgroup, parent, ws, usage, limit_bytes, version, is_root,
       anon, shmem, active_file, file_other, swapcached, slab_unreclaimable,
       slab_reclaimable, kernel_stack, pagetables, percpu, sock, vmalloc,
       kernel_other,
       ws - coalesce(anon, 0) - coalesce(shmem, 0) - coalesce(active_file, 0)
          - coalesce(file_other, 0) - coalesce(swapcached, 0)
          - coalesce(slab_unreclaimable, 0)
          - coalesce(slab_reclaimable, 0) - coalesce(kernel_stack, 0)
          - coalesce(pagetables, 0) - coalesce(percpu, 0) - coalesce(sock, 0)
          - coalesce(vmalloc, 0) - coalesce(kernel_other, 0) AS unexplained,
       CASE WHEN is_root THEN NULL
            ELSE coalesce(slab_unreclaimable, 0) + coalesce(kernel_stack, 0)
                 + coalesce(pagetables, 0) + coalesce(percpu, 0) + coalesce(sock, 0)
                 + coalesce(vmalloc, 0) + coalesce(kernel_other, 0) END
         AS kernel_unreclaimable
FROM parts;

-- cgroup_parts_calc and cgroup_headroom_calc (below) are computed once per
-- capture, by the loader when the capture is in, and kept in these
-- tables: most views read them, and SQLite works a view out again at every
-- use (a report read cgroup_parts a dozen times: 0.5 s on a node of 450
-- cgroups).  cgroup_parts and cgroup_headroom read the tables.
CREATE TABLE cgroup_parts_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup TEXT NOT NULL, parent TEXT, ws INTEGER, usage INTEGER,
    limit_bytes INTEGER, version INTEGER, is_root INTEGER, anon INTEGER,
    shmem INTEGER, active_file INTEGER, file_other INTEGER, swapcached INTEGER,
    slab_unreclaimable INTEGER, slab_reclaimable INTEGER, kernel_stack INTEGER,
    pagetables INTEGER, percpu INTEGER, sock INTEGER, vmalloc INTEGER,
    kernel_other INTEGER, unexplained INTEGER, kernel_unreclaimable INTEGER,
    PRIMARY KEY (capture_id, cgroup)
) WITHOUT ROWID;
CREATE VIEW cgroup_parts AS
SELECT capture_id, cgroup, parent, ws, usage, limit_bytes, version, is_root,
       anon, shmem, active_file, file_other, swapcached, slab_unreclaimable,
       slab_reclaimable, kernel_stack, pagetables, percpu, sock, vmalloc,
       kernel_other, unexplained, kernel_unreclaimable
FROM cgroup_parts_data;

-- One row per cgroup and component: disjoint parts that add up exactly to
-- cgroups.working_set_bytes.
--   component    anon, shmem, active_file, file_other, swapcached,
--                slab_unreclaimable,
--                slab_reclaimable, kernel_stack, pagetables, percpu, sock,
--                vmalloc, kernel_other, unexplained (working_set_components
--                says what each is)
--   bytes        INTEGER bytes (unexplained may be negative)
--   reclaimable  1 when the kernel can take it back under pressure without
--                writing to swap (active_file, slab_reclaimable, swapcached),
--                else 0
--   category     addition: user, page_cache, kernel, unexplained (see
--                working_set_components)
-- Components the kernel does not report for that cgroup are left out
-- (v1 has no slab split; roots have no kernel memory in their usage).
CREATE VIEW working_set_breakdown AS
SELECT capture_id, cgroup, component, bytes, reclaimable, category
FROM (
  SELECT p.capture_id, p.cgroup, c.ord, c.component, c.reclaimable, c.category,
         CASE c.ord WHEN 1 THEN p.anon WHEN 2 THEN p.shmem WHEN 3 THEN p.active_file
                    WHEN 4 THEN p.file_other WHEN 5 THEN p.swapcached
                    WHEN 6 THEN p.slab_unreclaimable
                    WHEN 7 THEN p.slab_reclaimable WHEN 8 THEN p.kernel_stack
                    WHEN 9 THEN p.pagetables WHEN 10 THEN p.percpu WHEN 11 THEN p.sock
                    WHEN 12 THEN p.vmalloc WHEN 13 THEN p.kernel_other
                    ELSE p.unexplained END AS bytes
  -- CROSS JOIN keeps cgroup_parts the outer loop: it is computed once per
  -- cgroup, not once per component.
  FROM cgroup_parts p CROSS JOIN working_set_components c
)
WHERE bytes IS NOT NULL
ORDER BY capture_id, cgroup, ord;

-- A cgroup's own limit (memory.max on v2, memory.limit_in_bytes on v1),
-- NULL when unlimited or not captured.
CREATE VIEW cgroup_own_limit(capture_id, cgroup, limit_bytes) AS
SELECT f.capture_id, f.cgroup,
       CASE WHEN c.cgroup_mode = 'v2'
            THEN CASE WHEN json_extract(f.files, '$."memory.max"[1]') THEN NULL
                      ELSE json_extract(f.files, '$."memory.max"[0]') END
            ELSE CASE WHEN json_extract(f.files, '$."memory.limit_in_bytes"[1]') THEN NULL
                      ELSE json_extract(f.files, '$."memory.limit_in_bytes"[0]') END
       END
FROM cgroup_file_data f
JOIN capture c ON c.capture_id = f.capture_id;

-- Per cgroup: "am I really near my limit?"
--   working_set_bytes      the cAdvisor number
--   reclaimable_bytes      active_file + slab_reclaimable + swapcached: the
--                          kernel drops these before it OOM-kills (swap
--                          cache pages already have their copy in swap;
--                          on v1, reclaimable
--                          slab is inside the kmem lump and counted as
--                          unreclaimable: an upper bound there)
--   unreclaimable_bytes    working_set_bytes - reclaimable_bytes: what stays
--                          without swap
--   limit_bytes            own limit, NULL = unlimited
--   effective_limit_bytes  the smallest limit on the path to the root (the
--                          one the kernel enforces first)
--   working_set_pct, unreclaimable_pct   of the effective limit (NULL
--                          when unlimited)
--   anon_bytes, shmem_bytes, kernel_bytes, usage_bytes   additions: the
--                          working set's user and kernel parts (kernel:
--                          every kernel component), the usage
CREATE VIEW cgroup_headroom_calc AS
-- The smallest limit on the path from the root, worked out from the root
-- down, once per cgroup (and from any cgroup whose parent the capture
-- lacks: the path is known up to there).  Only the captures not yet in
-- cgroup_headroom_data: the loader stores them there once a capture is in.
WITH RECURSIVE eff(capture_id, cgroup, limit_bytes) AS (
    SELECT n.capture_id, n.cgroup,
           (SELECT o.limit_bytes FROM cgroup_own_limit o
            WHERE o.capture_id = n.capture_id AND o.cgroup = n.cgroup)
    FROM cgroup_node n
    WHERE n.capture_id NOT IN (SELECT capture_id FROM cgroup_headroom_data)
      AND (n.parent IS NULL
           OR NOT EXISTS (SELECT 1 FROM cgroup_node x
                          WHERE x.capture_id = n.capture_id AND x.cgroup = n.parent))
    UNION ALL
    -- min(coalesce(own, up), coalesce(up, own)): the smaller of the two
    -- limits, either one when the other is unlimited, NULL when both are
    SELECT n.capture_id, n.cgroup,
           min(coalesce((SELECT o.limit_bytes FROM cgroup_own_limit o
                         WHERE o.capture_id = n.capture_id AND o.cgroup = n.cgroup),
                        e.limit_bytes),
               coalesce(e.limit_bytes,
                        (SELECT o.limit_bytes FROM cgroup_own_limit o
                         WHERE o.capture_id = n.capture_id AND o.cgroup = n.cgroup)))
    FROM eff e
    JOIN cgroup_node n ON n.capture_id = e.capture_id AND n.parent = e.cgroup
)
SELECT capture_id, cgroup, working_set_bytes, reclaimable_bytes,
       working_set_bytes - reclaimable_bytes AS unreclaimable_bytes,
       limit_bytes, effective_limit_bytes,
       round(100.0 * working_set_bytes / effective_limit_bytes, 1) AS working_set_pct,
       round(100.0 * (working_set_bytes - reclaimable_bytes) / effective_limit_bytes, 1)
           AS unreclaimable_pct,
       anon_bytes, shmem_bytes, kernel_bytes, usage_bytes
FROM (
  SELECT p.capture_id, p.cgroup, p.ws AS working_set_bytes, p.usage AS usage_bytes,
         coalesce(p.active_file, 0) + coalesce(p.slab_reclaimable, 0)
           + coalesce(p.swapcached, 0) AS reclaimable_bytes,
         p.limit_bytes,
         e.limit_bytes AS effective_limit_bytes,
         p.anon AS anon_bytes, p.shmem AS shmem_bytes,
         CASE WHEN p.is_root THEN NULL
              ELSE coalesce(p.slab_unreclaimable, 0) + coalesce(p.slab_reclaimable, 0)
                   + coalesce(p.kernel_stack, 0) + coalesce(p.pagetables, 0)
                   + coalesce(p.percpu, 0) + coalesce(p.sock, 0)
                   + coalesce(p.vmalloc, 0) + coalesce(p.kernel_other, 0) END AS kernel_bytes
  FROM cgroup_parts p
  LEFT JOIN eff e ON e.capture_id = p.capture_id AND e.cgroup = p.cgroup
  WHERE p.capture_id NOT IN (SELECT capture_id FROM cgroup_headroom_data)
);

-- cgroup_headroom_calc, computed once per capture by the loader (see
-- cgroup_parts_data).
CREATE TABLE cgroup_headroom_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    cgroup TEXT NOT NULL, working_set_bytes INTEGER, reclaimable_bytes INTEGER,
    unreclaimable_bytes INTEGER, limit_bytes INTEGER,
    effective_limit_bytes INTEGER, working_set_pct REAL,
    unreclaimable_pct REAL, anon_bytes INTEGER, shmem_bytes INTEGER,
    kernel_bytes INTEGER, usage_bytes INTEGER,
    PRIMARY KEY (capture_id, cgroup)
) WITHOUT ROWID;
CREATE VIEW cgroup_headroom AS
SELECT capture_id, cgroup, working_set_bytes, reclaimable_bytes,
       unreclaimable_bytes, limit_bytes, effective_limit_bytes,
       working_set_pct, unreclaimable_pct, anon_bytes, shmem_bytes,
       kernel_bytes, usage_bytes
FROM cgroup_headroom_data;

-- Processes' shares of their cgroup, by PSS (shared pages divided among
-- the processes mapping them, so shares add up to what they map).
--   share_pct       pss_bytes / the cgroup's PSS sum, percent
--   rank_in_cgroup  1 = largest PSS in its cgroup
CREATE VIEW process_shares AS
SELECT capture_id, pid, comm, cgroup, rss_bytes, pss_bytes, pss_anon_bytes,
       pss_file_bytes, pss_shmem_bytes, swap_bytes,
       round(100.0 * pss_bytes / nullif(sum(pss_bytes)
             OVER (PARTITION BY capture_id, cgroup), 0), 1) AS share_pct,
       rank() OVER (PARTITION BY capture_id, cgroup
                    ORDER BY pss_bytes DESC, pid) AS rank_in_cgroup
FROM processes;

-- Per cgroup with processes (its own, not its descendants'): the process
-- sums against the cgroup's own counters.
--   rss_sum_bytes   over all its processes; pss_sum_bytes over those whose
--                   PSS is known (smaps_rollup read: not timed out, denied,
--                   nor before Linux 4.14)
--   pss_processes, rss_pss_known_sum_bytes   additions: how many processes
--                   have a known PSS, and the RSS sum over those only
--   rss_pss_known_sum_bytes - pss_sum_bytes = rss_double_count_bytes:
--                   shared pages an RSS sum counts once per process mapping
--                   them (over the same processes on both sides: a process
--                   without PSS would count its whole RSS as double)
--   file_unmapped_bytes = file_bytes - pss_file - pss_shmem: page cache
--                   the cgroup holds that no process maps (files read and
--                   closed); it belongs to the cgroup, not to a process.
--                   Approximate: PSS also counts mapped pages charged to
--                   another cgroup (shared libraries, the executable), and
--                   for cgroups with children file_bytes holds theirs too.
CREATE VIEW cgroup_process_totals AS
SELECT p.capture_id, p.cgroup, count(*) AS processes,
       sum(p.rss_bytes) AS rss_sum_bytes,
       sum(p.pss_bytes) AS pss_sum_bytes,
       sum(p.pss_anon_bytes) AS pss_anon_sum_bytes,
       sum(p.pss_file_bytes) AS pss_file_sum_bytes,
       sum(p.pss_shmem_bytes) AS pss_shmem_sum_bytes,
       sum(CASE WHEN p.pss_bytes IS NOT NULL THEN p.rss_bytes END)
         - sum(p.pss_bytes) AS rss_double_count_bytes,
       g.anon_bytes, g.file_bytes, g.shmem_bytes,
       g.file_bytes - coalesce(sum(p.pss_file_bytes), 0)
                    - coalesce(sum(p.pss_shmem_bytes), 0) AS file_unmapped_bytes,
       count(p.pss_bytes) AS pss_processes,
       sum(CASE WHEN p.pss_bytes IS NOT NULL THEN p.rss_bytes END) AS rss_pss_known_sum_bytes
FROM processes p
LEFT JOIN cgroups g ON g.capture_id = p.capture_id AND g.cgroup = p.cgroup
GROUP BY p.capture_id, p.cgroup;
