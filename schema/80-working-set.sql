-- Where the working set goes ---------------------------------------------------------
-- The formulas, with the kernel facts behind them, are in
-- schema/working-set.md.  In short: the components below are disjoint and
-- add up exactly to cgroups.working_set_bytes; `unexplained` is the signed
-- remainder.

-- Internal (may change): every component's value per cgroup; NULL where
-- the kernel does not print it or it is not part of that cgroup's usage.
CREATE VIEW cgroup_parts AS
SELECT g.capture_id, g.cgroup, g.working_set_bytes AS ws, r.version,
       r.parent IS NULL AS is_root,
       CASE r.version WHEN 2 THEN r.anon ELSE r.total_rss END AS anon,
       CASE r.version WHEN 2 THEN r.shmem ELSE r.total_shmem END AS shmem,
       CASE r.version WHEN 2 THEN r.active_file ELSE r.total_active_file END AS active_file,
       -- kernel memory is part of usage only below the root
       CASE WHEN r.parent IS NULL OR r.version != 2 THEN NULL
            ELSE r.slab_reclaimable END AS slab_reclaimable,
       CASE WHEN r.parent IS NULL OR r.version != 2 THEN NULL
            ELSE r.slab_unreclaimable END AS slab_unreclaimable,
       CASE WHEN r.parent IS NULL OR r.version != 2 THEN NULL
            ELSE r.kernel_stack END AS kernel_stack,
       CASE WHEN r.parent IS NULL OR r.version != 2 THEN NULL
            WHEN r.pagetables IS NULL AND r.sec_pagetables IS NULL THEN NULL
            ELSE coalesce(r.pagetables, 0) + coalesce(r.sec_pagetables, 0) END AS pagetables,
       CASE WHEN r.parent IS NULL OR r.version != 2 THEN NULL
            ELSE r.percpu END AS percpu,
       CASE WHEN r.parent IS NULL OR r.version != 2 THEN NULL
            ELSE r.sock END AS sock,
       CASE WHEN r.parent IS NULL OR r.version != 2 THEN NULL
            ELSE r.vmalloc END AS vmalloc,
       CASE WHEN r.parent IS NULL THEN NULL
            WHEN r.version != 2 THEN r.kmem_usage
            WHEN r.kernel IS NULL THEN NULL
            ELSE r.kernel - coalesce(r.slab_reclaimable, 0)
                 - coalesce(r.slab_unreclaimable, 0) - coalesce(r.kernel_stack, 0)
                 - coalesce(r.pagetables, 0) - coalesce(r.sec_pagetables, 0)
                 - coalesce(r.percpu, 0) - coalesce(r.vmalloc, 0) END AS kernel_other
FROM cgroups g
JOIN cgroup_raw r ON r.capture_id = g.capture_id AND r.cgroup = g.cgroup
WHERE g.working_set_bytes IS NOT NULL;

-- One row per cgroup and component: disjoint parts that add up exactly to
-- cgroups.working_set_bytes.
--   component    anon, shmem, active_file, slab_reclaimable,
--                slab_unreclaimable, kernel_stack, pagetables, percpu, sock,
--                vmalloc, kernel_other, unexplained
--   bytes        INTEGER bytes (unexplained may be negative)
--   reclaimable  1 when the kernel can take it back under pressure without
--                swap (active_file, slab_reclaimable), else 0
-- Components the kernel does not report for that cgroup are left out
-- (v1 has no slab split; roots have no kernel memory in their usage).
CREATE VIEW working_set_breakdown AS
SELECT capture_id, cgroup, component, bytes, reclaimable FROM (
  SELECT capture_id, cgroup, 1 AS ord, 'anon' AS component, anon AS bytes, 0 AS reclaimable FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 2, 'shmem', shmem, 0 FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 3, 'active_file', active_file, 1 FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 4, 'slab_unreclaimable', slab_unreclaimable, 0 FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 5, 'slab_reclaimable', slab_reclaimable, 1 FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 6, 'kernel_stack', kernel_stack, 0 FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 7, 'pagetables', pagetables, 0 FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 8, 'percpu', percpu, 0 FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 9, 'sock', sock, 0 FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 10, 'vmalloc', vmalloc, 0 FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 11, 'kernel_other', kernel_other, 0 FROM cgroup_parts
  UNION ALL SELECT capture_id, cgroup, 12, 'unexplained',
         ws - coalesce(anon, 0) - coalesce(shmem, 0) - coalesce(active_file, 0)
            - coalesce(slab_unreclaimable, 0) - coalesce(slab_reclaimable, 0)
            - coalesce(kernel_stack, 0) - coalesce(pagetables, 0)
            - coalesce(percpu, 0) - coalesce(sock, 0) - coalesce(vmalloc, 0)
            - coalesce(kernel_other, 0), 0 FROM cgroup_parts
)
WHERE bytes IS NOT NULL
ORDER BY capture_id, cgroup, ord;

-- Per cgroup: "am I really near my limit?"
--   working_set_bytes      the cAdvisor number
--   reclaimable_bytes      active_file + slab_reclaimable: the kernel drops
--                          these before it OOM-kills
--   unreclaimable_bytes    working_set_bytes - reclaimable_bytes: what stays
--                          without swap
--   limit_bytes            own limit, NULL = unlimited
--   effective_limit_bytes  the smallest limit on the path to the root
--   working_set_pct, unreclaimable_pct   of the effective limit (NULL
--                          when unlimited)
CREATE VIEW cgroup_headroom AS
WITH RECURSIVE eff(capture_id, cgroup, eff_limit) AS (
    SELECT capture_id, cgroup, limit_bytes FROM cgroups WHERE parent IS NULL
    UNION ALL
    SELECT c.capture_id, c.cgroup,
           CASE WHEN c.limit_bytes IS NULL THEN e.eff_limit
                WHEN e.eff_limit IS NULL OR c.limit_bytes < e.eff_limit THEN c.limit_bytes
                ELSE e.eff_limit END
    FROM cgroups c JOIN eff e ON e.capture_id = c.capture_id AND c.parent = e.cgroup
)
SELECT g.capture_id, g.cgroup, g.working_set_bytes,
       p.reclaimable AS reclaimable_bytes,
       g.working_set_bytes - p.reclaimable AS unreclaimable_bytes,
       g.limit_bytes,
       coalesce(e.eff_limit, g.limit_bytes) AS effective_limit_bytes,
       round(100.0 * g.working_set_bytes / coalesce(e.eff_limit, g.limit_bytes), 1)
           AS working_set_pct,
       round(100.0 * (g.working_set_bytes - p.reclaimable)
             / coalesce(e.eff_limit, g.limit_bytes), 1) AS unreclaimable_pct
FROM cgroups g
JOIN (SELECT capture_id, cgroup,
             coalesce(active_file, 0) + coalesce(slab_reclaimable, 0) AS reclaimable
      FROM cgroup_parts) p ON p.capture_id = g.capture_id AND p.cgroup = g.cgroup
LEFT JOIN eff e ON e.capture_id = g.capture_id AND e.cgroup = g.cgroup;

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
--   rss_sum_bytes - pss_sum_bytes = rss_double_count_bytes: shared pages
--                   an RSS sum counts once per process mapping them
--   file_unmapped_bytes = file_bytes - pss_file - pss_shmem: page cache
--                   the cgroup holds that no process maps (files read and
--                   closed); it belongs to the cgroup, not to a process.
--                   For cgroups with children, file_bytes holds theirs too.
CREATE VIEW cgroup_process_totals AS
SELECT p.capture_id, p.cgroup, count(*) AS processes,
       sum(p.rss_bytes) AS rss_sum_bytes,
       sum(p.pss_bytes) AS pss_sum_bytes,
       sum(p.pss_anon_bytes) AS pss_anon_sum_bytes,
       sum(p.pss_file_bytes) AS pss_file_sum_bytes,
       sum(p.pss_shmem_bytes) AS pss_shmem_sum_bytes,
       sum(p.rss_bytes) - sum(p.pss_bytes) AS rss_double_count_bytes,
       g.anon_bytes, g.file_bytes, g.shmem_bytes,
       g.file_bytes - coalesce(sum(p.pss_file_bytes), 0)
                    - coalesce(sum(p.pss_shmem_bytes), 0) AS file_unmapped_bytes
FROM processes p
LEFT JOIN cgroups g ON g.capture_id = p.capture_id AND g.cgroup = p.cgroup
GROUP BY p.capture_id, p.cgroup;
