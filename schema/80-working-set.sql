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

-- The v1/v2 mapping --------------------------------------------------------------------
-- Defined here, with the components below, so that a memory.stat
-- component is added in this file (its mapping and its row), its key in
-- 30-cgroup.sql (cgroup_memstat) and its documentation in working-set.md.
-- The views of 70-views.sql read these (SQLite resolves a view's names
-- when it is used, not when it is made).

-- Internal: the files cgroup_memory_at maps, one row per cgroup and
-- sample: sample 1 from the capture's tables, samples 2..N of a
-- multi-sample capture (capture.md section 6) from schema/36-samples.sql's
-- (a cgroup created after sample 1 has no parent or depth there), a row a
-- span of samples whose files are the same (sample to sample_last; sample
-- 1: 1 to 1).  The memory.stat keys are cgroup_memstat's columns (ms.*).
-- Whether a cgroup vanished is looked up in its capture's problems: a join
-- to "SELECT DISTINCT ... FROM collect_problem" made SQLite read every
-- capture's problems for each capture the loader stores (15 ms a capture
-- with 30 problems a capture in 1,000 captures, against 1.3 ms without).
CREATE VIEW cgroup_memory_src AS
SELECT n.capture_id, 1 AS sample, 1 AS sample_last, n.cgroup, n.parent, n.depth,
       n.version, n.vanished, ms.cgroup IS NOT NULL AS memory_stat,
       fd.files, 1 AS ms_sample, 1 AS ms_sample_last, ms.*
  FROM (SELECT n.capture_id, n.cgroup, n.parent, n.depth, c.version,
               EXISTS (SELECT 1 FROM collect_problem p
                        WHERE p.capture_id = n.capture_id AND p.kind = 'vanished'
                          AND p.path = coalesce(c.memory_root, '')
                                       || CASE n.cgroup WHEN '/' THEN '' ELSE n.cgroup END)
                 AS vanished
          FROM cgroup_node n
          JOIN (SELECT capture_id,
                       CASE cgroup_mode WHEN 'v2' THEN 2 ELSE 1 END AS version,
                       memory_root
                FROM capture) c ON c.capture_id = n.capture_id) n
  LEFT JOIN cgroup_memstat ms ON ms.capture_id = n.capture_id AND ms.cgroup = n.cgroup
        AND NOT n.vanished
  LEFT JOIN cgroup_file_data fd ON fd.capture_id = n.capture_id AND fd.cgroup = n.cgroup
UNION ALL
SELECT s.capture_id, s.sample, s.sample_last, s.cgroup, n.parent, n.depth,
       CASE c.cgroup_mode WHEN 'v2' THEN 2 ELSE 1 END, 0,
       ms.cgroup IS NOT NULL, s.files, ms.*
  FROM cgroup_file_span s
  JOIN capture c ON c.capture_id = s.capture_id
  LEFT JOIN cgroup_node n ON n.capture_id = s.capture_id AND n.cgroup = s.cgroup
  LEFT JOIN cgroup_memstat_span ms ON ms.capture_id = s.capture_id
        AND ms.sample = s.sample AND ms.cgroup = s.cgroup;

-- Internal (may change): the one place where the files of cgroup v1 and v2
-- are read and mapped onto common names.  Every view that shows a
-- cgroup's memory (cgroups, cgroup_parts, cgroup_headroom,
-- working_set_breakdown, containers, pods, node, the report) derives from
-- it; schema/working-set.md says what each column holds, on which version.
-- cgroup_memory_at maps every sample of a multi-sample capture (the series
-- views, 88-samples.sql, read it), a row a span of samples whose files
-- are the same (sample to sample_last, cgroup_memory_src); cgroup_memory
-- is its sample 1.
--   memory_stat    1 when the cgroup's memory.stat was loaded.  Without it
--                  inactive_file is unknown, so is the working set (NULL):
--                  load_problems says so
--   usage          v1 memory.usage_in_bytes, v2 memory.current (v2 root,
--                  which has none: anon + file, as cAdvisor's library does)
--   working_set    usage - inactive_file, floored at 0 (cAdvisor's)
--   kernel         every kernel allocation charged to the cgroup, socket
--                  buffers included (see working-set.md: kernel_bytes)
--   kernel_other   the kernel memory memory.stat does not itemise
--   zswap          v2 only (5.19+): the zswap pool's compressed pages
--   pagetables     pagetables + sec_pagetables
--   sock           v2 only: on v1 socket buffers are not in the usage
--   high_bytes     v2 memory.high (NULL: 'max'); v1 has none
--   vanished       1 when the cgroup was removed while the collector read
--                  it (the manifest's `vanished` problem on its directory):
--                  its files are not of one moment, so its memory.stat is
--                  left out (memory_stat 0) and with it the working set
--                  and its parts; its usage is kept
CREATE VIEW cgroup_memory_at AS
SELECT capture_id, sample, sample_last, cgroup, parent, depth, is_root, version, memory_stat, usage,
       limit_bytes,
       -- usage - inactive_file floored at 0, NULL when either is: usage
       -- named once (the subquery below is flattened into this one, so
       -- each use of usage is a json_extract() again: 4 a cgroup, 2 now)
       max(usage - inactive_file, 0) AS working_set,
       anon, file, shmem, active_file, inactive_file, swapcached, swap,
       slab_reclaimable, slab_unreclaimable, kernel_stack, pagetables, percpu,
       vmalloc, sock, zswap, hugetlb,
       CASE version WHEN 2 THEN kernel_key - coalesce(slab_reclaimable, 0)
                                - coalesce(slab_unreclaimable, 0)
                                - coalesce(kernel_stack, 0) - coalesce(pagetables, 0)
                                - coalesce(percpu, 0) - coalesce(vmalloc, 0)
                                - coalesce(zswap, 0)
            ELSE kmem_usage END AS kernel_other,
       CASE WHEN version != 2 THEN kmem_usage
            WHEN kernel_key IS NOT NULL OR sock IS NOT NULL
                 OR coalesce(slab_reclaimable, slab_unreclaimable, kernel_stack,
                             pagetables, percpu, vmalloc) IS NOT NULL
            -- before 5.18 there is no kernel key: the parts it has
            THEN coalesce(kernel_key, coalesce(slab_reclaimable, 0)
                          + coalesce(slab_unreclaimable, 0) + coalesce(kernel_stack, 0)
                          + coalesce(pagetables, 0) + coalesce(percpu, 0)
                          + coalesce(vmalloc, 0))
                 + coalesce(sock, 0) END AS kernel,
       oom_kill_count, vanished, high_bytes
FROM (
  SELECT n.capture_id, n.sample, n.sample_last, n.cgroup, n.parent, n.depth,
         n.parent IS NULL AS is_root, n.vanished, n.version, n.memory_stat,
         CASE n.version
           WHEN 2 THEN coalesce(json_extract(n.files, '$."memory.current"[0]'),
                                CASE WHEN n.parent IS NULL THEN n.anon + n.file END)
           ELSE json_extract(n.files, '$."memory.usage_in_bytes"[0]') END AS usage,
         CASE n.version
           WHEN 2 THEN CASE WHEN json_extract(n.files, '$."memory.max"[1]') THEN NULL
                            ELSE json_extract(n.files, '$."memory.max"[0]') END
           ELSE CASE WHEN json_extract(n.files, '$."memory.limit_in_bytes"[1]') THEN NULL
                     ELSE json_extract(n.files, '$."memory.limit_in_bytes"[0]') END
         END AS limit_bytes,
         CASE WHEN n.version != 2 OR json_extract(n.files, '$."memory.high"[1]') THEN NULL
              ELSE json_extract(n.files, '$."memory.high"[0]') END AS high_bytes,
         CASE n.version WHEN 2 THEN n.anon ELSE n.total_rss END AS anon,
         CASE n.version WHEN 2 THEN n.file ELSE n.total_cache END AS file,
         CASE n.version WHEN 2 THEN n.shmem ELSE n.total_shmem END AS shmem,
         CASE n.version WHEN 2 THEN n.active_file ELSE n.total_active_file END
           AS active_file,
         CASE n.version WHEN 2 THEN n.inactive_file ELSE n.total_inactive_file END
           AS inactive_file,
         CASE n.version WHEN 2 THEN n.swapcached ELSE n.total_swapcached END
           AS swapcached,
         CASE n.version WHEN 2 THEN json_extract(n.files, '$."memory.swap.current"[0]')
                        ELSE n.total_swap END AS swap,
         -- v1 has no per-kind split of kernel memory: one kmem counter
         CASE n.version WHEN 2 THEN n.slab_reclaimable END AS slab_reclaimable,
         CASE n.version WHEN 2 THEN n.slab_unreclaimable END AS slab_unreclaimable,
         CASE n.version WHEN 2 THEN n.kernel_stack END AS kernel_stack,
         CASE WHEN n.version != 2 THEN NULL
              WHEN n.pagetables IS NULL AND n.sec_pagetables IS NULL THEN NULL
              ELSE coalesce(n.pagetables, 0) + coalesce(n.sec_pagetables, 0) END
           AS pagetables,
         CASE n.version WHEN 2 THEN n.percpu END AS percpu,
         CASE n.version WHEN 2 THEN n.vmalloc END AS vmalloc,
         CASE n.version WHEN 2 THEN n.sock END AS sock,
         CASE n.version WHEN 2 THEN n.zswap END AS zswap,
         -- 6.6+, only with the memory_hugetlb_accounting mount option
         CASE n.version WHEN 2 THEN n.hugetlb END AS hugetlb,
         CASE n.version WHEN 2 THEN n.kernel END AS kernel_key,
         json_extract(n.files, '$."memory.kmem.usage_in_bytes"[0]') AS kmem_usage,
         -- v2 memory.events (hierarchical), v1 memory.oom_control (4.13+)
         (SELECT value FROM cgroup_event e WHERE e.capture_id = n.capture_id
             AND e.cgroup = n.cgroup
             AND e.file = CASE n.version WHEN 2 THEN 'memory.events'
                                         ELSE 'memory.oom_control' END
             AND e.key = 'oom_kill' AND n.sample = 1) AS oom_kill_count
  FROM cgroup_memory_src n
);

-- Sample 1: the capture's instant.
CREATE VIEW cgroup_memory AS
SELECT capture_id, cgroup, parent, depth, is_root, version, memory_stat, usage,
       limit_bytes, working_set, anon, file, shmem, active_file, inactive_file,
       swapcached, swap, slab_reclaimable, slab_unreclaimable, kernel_stack,
       pagetables, percpu, vmalloc, sock, zswap, hugetlb, kernel_other, kernel,
       oom_kill_count, vanished, high_bytes
FROM cgroup_memory_at WHERE sample = 1;

-- Internal: cgroup_memory_at's rows of the capture being loaded, and of
-- no other.  The loader fills it once the capture's files are in, the two
-- derived tables that read the mapping (cgroups_calc, cgroup_parts_calc)
-- read it, and the loader empties it: the mapping worked out once a
-- capture, not once a derived table (each took 12 M instructions of a
-- load's 151 M on a node of 200 cgroups).  Empty between loads.  Its
-- columns are cgroup_memory_at's, in its order (the loader's INSERT ...
-- SELECT * fails on a difference), untyped: the rows as the view works
-- them out.
CREATE TABLE cgroup_memory_load (
    capture_id, sample, sample_last, cgroup, parent, depth, is_root, version,
    memory_stat, usage, limit_bytes, working_set, anon, file, shmem,
    active_file, inactive_file, swapcached, swap, slab_reclaimable,
    slab_unreclaimable, kernel_stack, pagetables, percpu, vmalloc, sock,
    zswap, hugetlb, kernel_other, kernel, oom_kill_count, vanished, high_bytes
);


-- The report's parts: how the report (text, HTML, SVG, JSON) groups the
-- components below.  The renderers read this table and draw nothing else.
--   part      its name (the JSON's key: <part>_bytes)
--   label     as the report prints it
--   letter    the text bar's letter for it (without colour)
--   colour    a palette name: report.css's c-<colour> class, the terminal's
--             colour of that name (reports/text.c)
--   meaning   one line
CREATE TABLE working_set_parts (
    ord INTEGER PRIMARY KEY, part TEXT NOT NULL UNIQUE, label TEXT NOT NULL,
    letter TEXT NOT NULL, colour TEXT NOT NULL, meaning TEXT NOT NULL
);
INSERT INTO working_set_parts VALUES
  (1, 'anon', 'anon', 'a', 'blue', 'anonymous memory'),
  (2, 'shmem', 'shmem', 's', 'purple', 'tmpfs, shared memory, memfd'),
  (3, 'page_cache', 'page cache', 'c', 'green',
   'page cache in the working set (active_file, file_other) and the swap cache'),
  (4, 'kernel_not_bpf', 'kernel', 'k', 'orange',
   'kernel memory (kernel_bytes) less the BPF maps part'),
  (5, 'bpf', 'BPF maps', 'b', 'red',
   'the memlock of the BPF maps the cgroup''s processes hold, at most its kernel memory '
   || '(Linux 5.11+; NULL before, when maps are charged to no cgroup)'),
  (6, 'unexplained', 'unexplained', 'u', 'grey', 'the signed remainder');

-- The components, in the order working_set_breakdown lists them.
--   component    its name in working_set_breakdown
--   category     user (what processes allocate: anon, shmem), page_cache
--                (active_file, file_other, and swapcached: the swap cache
--                is the page cache of swap), kernel, unexplained
--   reclaimable  1 when the kernel takes it back under pressure without swap
--   meaning      one line
--   part         the report's part it is shown in (working_set_parts;
--                the report takes the BPF maps' part out of kernel)
--   in_root      1 when a root cgroup's usage counts it (the node's working
--                set: anon + file); kernel memory and the swap cache are
--                charged below the root only
CREATE TABLE working_set_components (
    ord INTEGER PRIMARY KEY, component TEXT NOT NULL UNIQUE, category TEXT NOT NULL,
    reclaimable INTEGER NOT NULL, meaning TEXT NOT NULL,
    part TEXT NOT NULL REFERENCES working_set_parts(part), in_root INTEGER NOT NULL
);
INSERT INTO working_set_components VALUES
  (1, 'anon', 'user', 0, 'anonymous memory: heaps, stacks, private mappings (v1 total_rss, v2 anon)', 'anon', 1),
  (2, 'shmem', 'user', 0, 'tmpfs, emptyDir medium Memory, /dev/shm, memfd, SysV shm: swap-backed', 'shmem', 1),
  (3, 'hugetlb', 'user', 0, 'hugetlb pages, when the memory_hugetlb_accounting mount option charges them to the cgroup (v2, 6.6+)', 'anon', 0),
  (4, 'active_file', 'page_cache', 1, 'page cache on the active list: dropped under pressure', 'page_cache', 1),
  (5, 'file_other', 'page_cache', 0, 'page cache on no file LRU list: mlocked, ramfs, in transit', 'page_cache', 1),
  (6, 'swapcached', 'page_cache', 1, 'swap cache (the page cache of swap): anon and shmem pages in memory that have a copy in swap', 'page_cache', 0),
  (7, 'slab_unreclaimable', 'kernel', 0, 'kernel objects the kernel cannot shrink (v2)', 'kernel_not_bpf', 0),
  (8, 'slab_reclaimable', 'kernel', 1, 'dentries, inodes and other shrinkable caches (v2)', 'kernel_not_bpf', 0),
  (9, 'kernel_stack', 'kernel', 0, 'kernel stacks of the threads (v2)', 'kernel_not_bpf', 0),
  (10, 'pagetables', 'kernel', 0, 'page tables of the processes (v2)', 'kernel_not_bpf', 0),
  (11, 'percpu', 'kernel', 0, 'per-CPU kernel data (v2, 5.7+)', 'kernel_not_bpf', 0),
  (12, 'sock', 'kernel', 0, 'socket buffers (v2; on v1 not in the usage)', 'kernel_not_bpf', 0),
  (13, 'vmalloc', 'kernel', 0, 'vmalloc''ed kernel memory, e.g. large BPF maps (v2, 5.19+)', 'kernel_not_bpf', 0),
  (14, 'zswap', 'kernel', 0, 'the zswap pool: compressed swapped-out pages kept in memory (v2, 5.19+)', 'kernel_not_bpf', 0),
  (15, 'kernel_other', 'kernel', 0, 'v2: the kernel key less the parts above (BPF maps, pipes); v1: all of memory.kmem.usage_in_bytes', 'kernel_not_bpf', 0),
  (16, 'unexplained', 'unexplained', 0, 'the signed remainder: per-CPU charge stocks; negative by the swap cache pages that are also mapped (counted in anon too)', 'unexplained', 1);

-- Internal (may change): every component's value per cgroup (the
-- components are columns of the same names); NULL where the kernel does
-- not print it, where it is not part of that cgroup's usage (kernel memory
-- and the swap cache at the root), or where memory.stat is missing (then
-- ws is NULL too).
-- kernel_unreclaimable: the kernel parts but reclaimable slab (on v1 all of
-- kmem, which has no split).
-- file_other is the page cache on no file LRU list:
--     file - active_file - inactive_file - shmem
-- (shmem sits on the anon LRU lists).  The swap cache is in neither anon
-- nor file of memory.stat (the kernel counts it in NR_FILE_PAGES of the
-- node only, not of the memcg: tests/t53 shows file 8 KiB next to 760 KiB
-- of swapcached), but it is charged: its own component.
--
-- It reads cgroup_memory_at (the v1/v2 mapping, every sample) of the
-- capture being loaded, as the loader keeps it in cgroup_memory_load: the
-- loader stores these rows in cgroup_parts_data once a capture is in, and
-- every other view reads that table (cgroup_parts: sample 1;
-- cgroup_components_at: every sample).
CREATE VIEW cgroup_parts_calc AS
WITH parts AS (
    SELECT capture_id, sample, sample_last, cgroup, parent, is_root, version, memory_stat, usage,
           limit_bytes, working_set AS ws,
           anon, shmem, active_file,
           file - coalesce(active_file, 0) - coalesce(inactive_file, 0)
                - coalesce(shmem, 0) AS file_other,
           -- charged below the root only: the root's usage is anon + file
           CASE WHEN is_root THEN NULL ELSE swapcached END AS swapcached,
           CASE WHEN is_root THEN NULL ELSE slab_reclaimable END AS slab_reclaimable,
           CASE WHEN is_root THEN NULL ELSE slab_unreclaimable END AS slab_unreclaimable,
           CASE WHEN is_root THEN NULL ELSE kernel_stack END AS kernel_stack,
           CASE WHEN is_root THEN NULL ELSE pagetables END AS pagetables,
           CASE WHEN is_root THEN NULL ELSE percpu END AS percpu,
           CASE WHEN is_root THEN NULL ELSE sock END AS sock,
           CASE WHEN is_root THEN NULL ELSE vmalloc END AS vmalloc,
           CASE WHEN is_root THEN NULL ELSE zswap END AS zswap,
           CASE WHEN is_root THEN NULL ELSE hugetlb END AS hugetlb,
           -- v1 without memory.stat still has its kmem counter: the
           -- working set it would be part of is unknown
           CASE WHEN is_root OR NOT memory_stat THEN NULL ELSE kernel_other END
             AS kernel_other
    FROM cgroup_memory_load
    WHERE usage IS NOT NULL
)
SELECT capture_id, sample, cgroup, parent, ws, usage, limit_bytes, version, is_root,
       anon, shmem, active_file, file_other, swapcached, slab_unreclaimable,
       slab_reclaimable, kernel_stack, pagetables, percpu, sock, vmalloc,
       zswap, hugetlb, kernel_other,
       ws - coalesce(anon, 0) - coalesce(shmem, 0) - coalesce(active_file, 0)
          - coalesce(file_other, 0) - coalesce(swapcached, 0)
          - coalesce(slab_unreclaimable, 0)
          - coalesce(slab_reclaimable, 0) - coalesce(kernel_stack, 0)
          - coalesce(pagetables, 0) - coalesce(percpu, 0) - coalesce(sock, 0)
          - coalesce(vmalloc, 0) - coalesce(zswap, 0) - coalesce(kernel_other, 0)
          - coalesce(hugetlb, 0)
         AS unexplained,
       CASE WHEN is_root OR NOT memory_stat THEN NULL
            ELSE coalesce(slab_unreclaimable, 0) + coalesce(kernel_stack, 0)
                 + coalesce(pagetables, 0) + coalesce(percpu, 0) + coalesce(sock, 0)
                 + coalesce(vmalloc, 0) + coalesce(zswap, 0) + coalesce(kernel_other, 0) END
         AS kernel_unreclaimable,
       sample_last
FROM parts;

-- cgroup_parts_calc and cgroup_headroom_calc (below) are computed once per
-- capture, by the loader when the capture is in, and kept in these
-- tables: most views read them, and SQLite works a view out again at every
-- use (a report read cgroup_parts a dozen times: 0.5 s on a node of 450
-- cgroups).  cgroup_parts and cgroup_headroom read the tables.
-- cgroup_parts_data holds every sample of a multi-sample capture
-- (capture.md section 6): the breakdown of each sample is worked out by
-- the same SQL as the capture's instant, sample 1, once a span of samples
-- whose files are the same (sample to sample_last, cgroup_memory_at;
-- sample 1's rows are 1 to 1).
CREATE TABLE cgroup_parts_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    sample INTEGER NOT NULL,
    cgroup TEXT NOT NULL, parent TEXT, ws INTEGER, usage INTEGER,
    limit_bytes INTEGER, version INTEGER, is_root INTEGER, anon INTEGER,
    shmem INTEGER, active_file INTEGER, file_other INTEGER, swapcached INTEGER,
    slab_unreclaimable INTEGER, slab_reclaimable INTEGER, kernel_stack INTEGER,
    pagetables INTEGER, percpu INTEGER, sock INTEGER, vmalloc INTEGER,
    zswap INTEGER, hugetlb INTEGER, kernel_other INTEGER, unexplained INTEGER,
    kernel_unreclaimable INTEGER, sample_last INTEGER NOT NULL,
    -- a cgroup's spans: where a sample falls is a lookup in one cgroup
    PRIMARY KEY (capture_id, cgroup, sample)
) WITHOUT ROWID;
CREATE VIEW cgroup_parts AS
SELECT capture_id, cgroup, parent, ws, usage, limit_bytes, version, is_root,
       anon, shmem, active_file, file_other, swapcached, slab_unreclaimable,
       slab_reclaimable, kernel_stack, pagetables, percpu, sock, vmalloc,
       zswap, hugetlb, kernel_other, unexplained, kernel_unreclaimable
FROM cgroup_parts_data WHERE sample = 1;

-- Internal (may change): cgroup_parts_data as one row per span of samples
-- (sample to sample_last), cgroup and component (NULL included), with the
-- component's columns; the one place the components' columns become rows.
-- A component's column by its ord, the column of its name (test_load.c
-- checks each against working_set_components): 16 integer comparisons a
-- row at most, where comparing the names' text was a seventh of
-- report_containers and a third of report_node_rest (26.2 -> 22.6 M and
-- 10.5 -> 7.6 M instructions on the smem bench's node).
CREATE VIEW cgroup_components_span AS
SELECT p.capture_id, p.sample, p.sample_last, p.cgroup, c.ord, c.component,
       c.category, c.reclaimable, c.part, c.in_root,
       CASE c.ord WHEN 1 THEN p.anon WHEN 2 THEN p.shmem WHEN 3 THEN p.hugetlb
            WHEN 4 THEN p.active_file WHEN 5 THEN p.file_other
            WHEN 6 THEN p.swapcached WHEN 7 THEN p.slab_unreclaimable
            WHEN 8 THEN p.slab_reclaimable WHEN 9 THEN p.kernel_stack
            WHEN 10 THEN p.pagetables WHEN 11 THEN p.percpu WHEN 12 THEN p.sock
            WHEN 13 THEN p.vmalloc WHEN 14 THEN p.zswap WHEN 15 THEN p.kernel_other
            WHEN 16 THEN p.unexplained END AS bytes
-- CROSS JOIN keeps cgroup_parts_data the outer loop
FROM cgroup_parts_data p CROSS JOIN working_set_components c;

-- Internal (may change): cgroup_components_span a row a sample (a span's
-- samples from sample_index; a capture cut before its samples/index.tsv
-- has each span at its first sample only).
CREATE VIEW cgroup_components_at AS
SELECT p.capture_id, coalesce(i.sample, p.sample) AS sample, p.cgroup, p.ord,
       p.component, p.category, p.reclaimable, p.part, p.in_root, p.bytes
FROM cgroup_components_span p
LEFT JOIN sample_index i ON p.sample_last > p.sample AND i.capture_id = p.capture_id
 AND i.sample BETWEEN p.sample AND p.sample_last;

-- Internal (may change): the components of sample 1, the capture's
-- instant; working_set_breakdown without its order, for the views that
-- join it (a join into an ordered view computes all of it first).
CREATE VIEW cgroup_components AS
SELECT capture_id, cgroup, ord, component, category, reclaimable, part, in_root, bytes
FROM cgroup_components_span WHERE sample = 1;

-- One row per cgroup and component: disjoint parts that add up exactly to
-- cgroups.working_set_bytes.
--   component    one of working_set_components' (which says what each is)
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
FROM cgroup_components
WHERE bytes IS NOT NULL
ORDER BY capture_id, cgroup, ord;

-- working_set_breakdown of every sample of a capture (capture.md section
-- 6; a capture of one sample has sample 1 only): the same components,
-- worked out by the same SQL from each sample's files.
--   sample       1..N (samples.sample)
--   the others   as working_set_breakdown
CREATE VIEW working_set_breakdown_samples AS
SELECT capture_id, sample, cgroup, component, bytes, reclaimable, category
FROM cgroup_components_at
WHERE bytes IS NOT NULL
ORDER BY capture_id, sample, cgroup, ord;

-- A cgroup's own limit (memory.max on v2, memory.limit_in_bytes on v1),
-- NULL when unlimited or not captured.  From cgroups_data (cgroup_memory's
-- limit_bytes, stored by the loader before cgroup_headroom_calc runs): a
-- lookup by key, where cgroup_memory, a UNION view, scanned every capture's
-- cgroups for each cgroup (a load got slower with every capture in the
-- database).
CREATE VIEW cgroup_own_limit(capture_id, cgroup, limit_bytes) AS
SELECT capture_id, cgroup, limit_bytes FROM cgroups_data;

-- Per cgroup: "am I really near my limit?"
--   working_set_bytes      the cAdvisor number (NULL without memory.stat)
--   reclaimable_bytes      active_file + slab_reclaimable + swapcached: the
--                          kernel drops these before it OOM-kills (swap
--                          cache pages already have their copy in swap;
--                          on v1, reclaimable slab is inside the kmem lump
--                          and counted as unreclaimable: an upper bound)
--   unreclaimable_bytes    working_set_bytes - reclaimable_bytes: what stays
--                          without swap
--   limit_bytes            own limit, NULL = unlimited
--   effective_limit_bytes  the smallest limit on the path to the root (the
--                          one the kernel enforces first)
--   working_set_pct, unreclaimable_pct   of the effective limit (NULL
--                          when unlimited)
--   anon_bytes, shmem_bytes, kernel_bytes, usage_bytes   additions: the
--                          cgroups view's (the same numbers)
CREATE VIEW cgroup_headroom_calc AS
-- The smallest limit on the path from the root, worked out from the root
-- down, once per cgroup (and from any cgroup whose parent the capture
-- lacks: the path is known up to there).  Only the captures being loaded
-- (capture_loading): the loader stores them in cgroup_headroom_data once
-- a capture is in.
-- The own limit joined (one key each), not a subquery in each of its
-- uses: three lookups a cgroup were a tenth of the statement.
WITH RECURSIVE eff(capture_id, cgroup, limit_bytes) AS (
    SELECT n.capture_id, n.cgroup, o.limit_bytes
    FROM cgroup_node n
    LEFT JOIN cgroup_own_limit o ON o.capture_id = n.capture_id AND o.cgroup = n.cgroup
    -- by way of capture: a NOT IN on cgroup_node read every capture's
    -- cgroups for each load
    WHERE n.capture_id IN (SELECT capture_id FROM capture WHERE load_complete IS NULL)
      AND (n.parent IS NULL
           OR NOT EXISTS (SELECT 1 FROM cgroup_node x
                          WHERE x.capture_id = n.capture_id AND x.cgroup = n.parent))
    UNION ALL
    -- min(coalesce(own, up), coalesce(up, own)): the smaller of the two
    -- limits, either one when the other is unlimited, NULL when both are
    SELECT n.capture_id, n.cgroup,
           min(coalesce(o.limit_bytes, e.limit_bytes), coalesce(e.limit_bytes, o.limit_bytes))
    FROM eff e
    JOIN cgroup_node n ON n.capture_id = e.capture_id AND n.parent = e.cgroup
    LEFT JOIN cgroup_own_limit o ON o.capture_id = n.capture_id AND o.cgroup = n.cgroup
)
SELECT capture_id, cgroup, working_set_bytes, reclaimable_bytes,
       working_set_bytes - reclaimable_bytes AS unreclaimable_bytes,
       limit_bytes, effective_limit_bytes,
       round(100.0 * working_set_bytes / effective_limit_bytes, 1) AS working_set_pct,
       round(100.0 * (working_set_bytes - reclaimable_bytes) / effective_limit_bytes, 1)
           AS unreclaimable_pct,
       anon_bytes, shmem_bytes, kernel_bytes, usage_bytes
FROM (
  SELECT p.capture_id, p.cgroup, p.ws AS working_set_bytes, g.usage_bytes,
         CASE WHEN p.ws IS NOT NULL
              THEN coalesce(p.active_file, 0) + coalesce(p.slab_reclaimable, 0)
                   + coalesce(p.swapcached, 0) END AS reclaimable_bytes,
         p.limit_bytes,
         e.limit_bytes AS effective_limit_bytes,
         g.anon_bytes, g.shmem_bytes, g.kernel_bytes
  FROM cgroup_parts p
  JOIN cgroups g ON g.capture_id = p.capture_id AND g.cgroup = p.cgroup
  LEFT JOIN eff e ON e.capture_id = p.capture_id AND e.cgroup = p.cgroup
  WHERE p.capture_id IN (SELECT capture_id FROM capture WHERE load_complete IS NULL)
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

-- Internal: process_shares without rank_in_cgroup, what the text report
-- reads (reports/model.c): the rank is a window over every process of the
-- capture, 25 M instructions of the 42 M of the report's query on 1,328
-- processes, and the text report shows no rank.  The cgroup's PSS sum is
-- the one the loader stored (95-report.sql), not another window.
CREATE VIEW process_shares_unranked AS
SELECT p.capture_id, p.pid, p.comm, p.cgroup, p.rss_bytes, p.pss_bytes, p.pss_anon_bytes,
       p.pss_file_bytes, p.pss_shmem_bytes, p.swap_bytes,
       round(100.0 * p.pss_bytes / nullif(t.pss_sum, 0), 1) AS share_pct
FROM processes p
LEFT JOIN cgroup_process_count_data t ON t.capture_id = p.capture_id
     AND t.cgroup IS p.cgroup;

-- Processes' shares of their cgroup, by PSS (shared pages divided among
-- the processes mapping them, so shares add up to what they map).
--   share_pct       pss_bytes / the cgroup's PSS sum, percent
--   rank_in_cgroup  1 = largest PSS in its cgroup
CREATE VIEW process_shares AS
SELECT *, rank() OVER (PARTITION BY capture_id, cgroup
                       ORDER BY pss_bytes DESC, pid) AS rank_in_cgroup
FROM process_shares_unranked;

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
-- the sums over processes the loader stored (95-report.sql)
SELECT p.capture_id, p.cgroup, p.processes,
       p.rss_sum AS rss_sum_bytes,
       p.pss_sum AS pss_sum_bytes,
       p.pss_anon_sum AS pss_anon_sum_bytes,
       p.pss_file_sum AS pss_file_sum_bytes,
       p.pss_shmem_sum AS pss_shmem_sum_bytes,
       p.rss_pss_known_sum - p.pss_sum AS rss_double_count_bytes,
       g.anon_bytes, g.file_bytes, g.shmem_bytes,
       g.file_bytes - coalesce(p.pss_file_sum, 0)
                    - coalesce(p.pss_shmem_sum, 0) AS file_unmapped_bytes,
       p.pss_processes,
       p.rss_pss_known_sum AS rss_pss_known_sum_bytes
FROM cgroup_process_count_data p
LEFT JOIN cgroups g ON g.capture_id = p.capture_id AND g.cgroup = p.cgroup;
