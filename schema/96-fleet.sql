-- What `memsnap report` reads for a fleet ---------------------------------------------
-- A database of several captures (one per node per incident, loaded over
-- months) is reported as a fleet summary (reports/fleet.c): these views
-- only regroup captures, oom_kills and report_findings across captures.
-- Every row is sorted by the query that reads it; capture_ids lists are
-- in ascending capture_id order.  A NULL is unknown, never 0.  A capture's
-- hostname that is empty is as unknown as a NULL one (NULLIF below): it
-- is no node, and the report shows it "unknown" as it does a NULL.

-- One row: what the database covers.
--   captures, nodes, kernels    how many captures, distinct hostnames and
--                               kernel releases (NULL ones not counted, nor
--                               empty hostnames)
--   unknown_nodes               captures without a hostname (NULL or empty)
--   first_started_at, last_started_at   the earliest and latest capture
--   incomplete_captures         captures the collector did not finish
--   problem_captures            captures with files not read or not parsed
--                               (report_problems that are not normal), or
--                               incomplete: those a one-capture report
--                               exits 1 for
--   oom_kills                   rows of oom_kills, all captures
-- No count of findings here nor in report_fleet_nodes: report_findings
-- works out every capture's findings, the slowest part of a fleet report
-- (about 45 ms a capture of a 1,000-process node), so only
-- report_fleet_findings reads it, once.
CREATE VIEW report_fleet_summary AS
SELECT (SELECT count(*) FROM captures) AS captures,
       (SELECT count(DISTINCT NULLIF(hostname, '')) FROM captures) AS nodes,
       (SELECT count(*) FROM captures WHERE NULLIF(hostname, '') IS NULL) AS unknown_nodes,
       (SELECT count(DISTINCT kernel_release) FROM captures) AS kernels,
       (SELECT min(started_at) FROM captures) AS first_started_at,
       (SELECT max(started_at) FROM captures) AS last_started_at,
       (SELECT count(*) FROM captures WHERE NOT complete) AS incomplete_captures,
       (SELECT count(*) FROM captures c
        WHERE NOT c.complete
           OR EXISTS (SELECT 1 FROM report_problems p
                      WHERE p.capture_id = c.capture_id AND NOT p.normal)) AS problem_captures,
       (SELECT count(*) FROM oom_kills) AS oom_kills;

-- Captures by node and kernel: one row per hostname and kernel_release
-- (one row of the captures without a hostname, NULL or empty, per kernel:
-- hostname NULL).
--   captures                    how many
--   first_started_at, last_started_at   its earliest and latest capture
--   last_capture_id             the capture_id of the latest (for
--                               `memsnap report --capture`)
--   capture_ids                 all of them, comma-separated
--   oom_kills                   rows of oom_kills in these captures
CREATE VIEW report_fleet_nodes AS
WITH c AS MATERIALIZED (
    SELECT c.capture_id, NULLIF(c.hostname, '') AS hostname, c.kernel_release, c.started_at,
           (SELECT count(*) FROM oom_kills o WHERE o.capture_id = c.capture_id) AS ooms
    FROM captures c
)
SELECT hostname, kernel_release,
       count(*) AS captures,
       min(started_at) AS first_started_at,
       max(started_at) AS last_started_at,
       (SELECT l.capture_id FROM c l
        WHERE l.hostname IS c.hostname AND l.kernel_release IS c.kernel_release
        ORDER BY l.started_at DESC, l.capture_id DESC LIMIT 1) AS last_capture_id,
       (SELECT group_concat(capture_id, ',')
        FROM (SELECT capture_id FROM c c2
              WHERE c2.hostname IS c.hostname AND c2.kernel_release IS c.kernel_release
              ORDER BY capture_id)) AS capture_ids,
       sum(ooms) AS oom_kills
FROM c
GROUP BY hostname, kernel_release;

-- OOM kills across captures by the victim's namespace, pod and container
-- (oom_kills' Kubernetes names); a kill without any of them is grouped by
-- its task_memcg instead.
--   namespace, pod, container   as in oom_kills (NULL: not known)
--   task_memcg                  the victim's cgroup, only when the three
--                               names are all NULL
--   kills                       rows of oom_kills
--   captures, nodes             distinct captures and hostnames (not NULL
--                               nor empty) they are in
--   first_wall_time, last_wall_time   oom_kills' wall_time, earliest and
--                               latest (NULL when no kill's is known)
--   capture_ids                 the captures, comma-separated
CREATE VIEW report_fleet_oom_kills AS
WITH k AS MATERIALIZED (
    SELECT o.capture_id, NULLIF(c.hostname, '') AS hostname, o.namespace, o.pod, o.container,
           CASE WHEN o.namespace IS NULL AND o.pod IS NULL AND o.container IS NULL
                THEN o.task_memcg END AS task_memcg,
           o.wall_time
    FROM oom_kills o
    JOIN captures c ON c.capture_id = o.capture_id
)
SELECT namespace, pod, container, task_memcg,
       count(*) AS kills,
       count(DISTINCT capture_id) AS captures,
       count(DISTINCT hostname) AS nodes,
       min(wall_time) AS first_wall_time,
       max(wall_time) AS last_wall_time,
       (SELECT group_concat(capture_id, ',')
        FROM (SELECT DISTINCT capture_id FROM k k2
              WHERE k2.namespace IS k.namespace AND k2.pod IS k.pod
                AND k2.container IS k.container AND k2.task_memcg IS k.task_memcg
              ORDER BY capture_id)) AS capture_ids
FROM k
GROUP BY namespace, pod, container, task_memcg;

-- Findings by code (and severity) across captures, from report_findings.
--   severity, code              as in findings
--   severity_rank               its rank in finding_severities (for sorting)
--   findings                    rows of report_findings
--   captures, nodes             distinct captures and hostnames (not NULL
--                               nor empty) they are in
--   capture_ids                 the captures, comma-separated
CREATE VIEW report_fleet_findings AS
WITH f AS MATERIALIZED (
    SELECT f.capture_id, NULLIF(c.hostname, '') AS hostname, f.severity, f.code
    FROM report_findings f
    JOIN captures c ON c.capture_id = f.capture_id
)
SELECT severity, code,
       (SELECT rank FROM finding_severities s WHERE s.severity = f.severity) AS severity_rank,
       count(*) AS findings,
       count(DISTINCT capture_id) AS captures,
       count(DISTINCT hostname) AS nodes,
       (SELECT group_concat(capture_id, ',')
        FROM (SELECT DISTINCT capture_id FROM f f2
              WHERE f2.severity IS f.severity AND f2.code IS f.code
              ORDER BY capture_id)) AS capture_ids
FROM f
GROUP BY severity, code;
