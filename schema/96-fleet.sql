-- What `memsnap report` reads for a fleet ---------------------------------------------
-- A database of several captures (one per node per incident, loaded over
-- months) is reported as a fleet summary (reports/fleet.c): these views
-- only regroup captures, oom_kills and report_findings across captures.
-- An OOM kill is counted once however many captures' logs hold it
-- (fleet_oom_sightings); findings are each capture's, as it shows them.
-- Inputs `memsnap load` could not read at all are no capture, so no view
-- of a capture shows them: report_fleet_not_loaded does.
-- Every row is sorted by the query that reads it; capture_ids lists are
-- in ascending capture_id order.  A NULL is unknown, never 0.  A capture's
-- hostname that is empty is as unknown as a NULL one (NULLIF below): it
-- is no node, and the report shows it "unknown" as it does a NULL.

-- Internal: every row of oom_kills (an OOM report as one capture's kernel
-- log holds it) with the kill it is across captures.  The kernel log keeps
-- earlier OOM reports, so every later capture of a node's boot repeats
-- them: two captures of one boot holding the same 36 kills are 72 rows of
-- oom_kills and 36 kills.  A kill is its node's boot (captures.boot_id)
-- and, within that boot's log, the kernel time of its report's first line
-- to the microsecond (the kernel prints one OOM report at a time, under
-- oom_lock) and the pid killed.  Nothing merges by accident: a capture
-- without a boot id is a boot of its own, and a report without a kernel
-- time (a log that printed none) a kill of its own.  A report cut before
-- its kill line (the log ended there) is the kill another capture of the
-- boot shows whole at the same kernel time, when that names one pid.  A
-- report whose start the ring buffer had overwritten begins at another
-- line, so another time: it counts apart.
--   capture_id, event   the row of oom_kills
--   hostname            the capture's; NULL when empty or unknown
--   kill                1, 2, ...: the same number for every row of one kill
--   captures            how many captures hold the kill
--   namespace, pod, container, task_memcg, wall_time   the kill's, from one
--                       of its rows: the one with the most of the three
--                       names, then of the earliest capture (a later capture
--                       may no longer know a deleted pod's names); each
--                       row of a kill the same, so it is grouped once
CREATE VIEW fleet_oom_sightings AS
WITH o AS (
    SELECT o.capture_id, o.event, NULLIF(c.hostname, '') AS hostname,
           NULLIF(c.boot_id, '') AS boot_id,
           CAST(round(o.kernel_time * 1000000) AS INTEGER) AS usec,
           o.killed_pid, o.namespace, o.pod, o.container, o.task_memcg, o.wall_time
    FROM oom_kills o
    JOIN captures c ON c.capture_id = o.capture_id
), p AS (
    -- a cut report takes the pid the whole ones of its boot and time agree on
    SELECT o.*,
           CASE WHEN killed_pid IS NULL AND boot_id IS NOT NULL AND usec IS NOT NULL
                     AND min(killed_pid) OVER b = max(killed_pid) OVER b
                THEN min(killed_pid) OVER b ELSE killed_pid END AS pid
    FROM o
    WINDOW b AS (PARTITION BY boot_id, usec)
), k AS (
    SELECT p.*,
           dense_rank() OVER (ORDER BY boot_id,
                                       CASE WHEN boot_id IS NULL OR usec IS NULL
                                            THEN capture_id END,
                                       usec,
                                       CASE WHEN usec IS NULL THEN event END,
                                       pid) AS kill
    FROM p
), r AS (
    SELECT capture_id, event, hostname, kill,
           dense_rank() OVER (PARTITION BY kill ORDER BY capture_id) AS nth_capture,
           first_value(namespace) OVER w AS namespace,
           first_value(pod) OVER w AS pod,
           first_value(container) OVER w AS container,
           first_value(task_memcg) OVER w AS task_memcg,
           first_value(wall_time) OVER w AS wall_time
    FROM k
    WINDOW w AS (PARTITION BY kill
                 ORDER BY (namespace IS NOT NULL) + (pod IS NOT NULL)
                          + (container IS NOT NULL) DESC, capture_id, event)
)
SELECT capture_id, event, hostname, kill,
       max(nth_capture) OVER (PARTITION BY kill) AS captures,
       namespace, pod, container, task_memcg, wall_time
FROM r;

-- Inputs memsnap load could not read at all, so the fleet lacks them: a
-- missing file, one that is no capture, an archive that breaks before its
-- first file (load_problem rows of no capture; the load_problems view's
-- other half reads every capture's cgroups, for none of these).  One row
-- per input and problem (an input tried twice and failing the same way is
-- one row).  An input that a capture of the database was loaded from (a
-- capture's source: before, or since, once it could be read) is left out:
-- the fleet has it.
--   path                        the input, as given to memsnap load
--   problem                     why it could not be read, in one line
CREATE VIEW report_fleet_not_loaded AS
SELECT DISTINCT p.path, p.problem
FROM load_problem p
WHERE p.capture_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM captures c WHERE c.source = p.path);

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
--   oom_kills                   OOM kills (reports of the OOM killer), each
--                               once however many captures hold it
--                               (fleet_oom_sightings)
--   oom_kill_rows               rows of oom_kills, all captures: what the
--                               one-capture reports add up to, a kill once
--                               for each capture whose log holds it
--   inputs_not_loaded           inputs memsnap load could not read at all,
--                               none of them loaded (report_fleet_not_loaded)
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
       (SELECT count(DISTINCT kill) FROM fleet_oom_sightings) AS oom_kills,
       (SELECT count(*) FROM oom_kills) AS oom_kill_rows,
       (SELECT count(*) FROM (SELECT DISTINCT path FROM report_fleet_not_loaded))
           AS inputs_not_loaded;

-- Captures by node and kernel: one row per hostname and kernel_release
-- (one row of the captures without a hostname, NULL or empty, per kernel:
-- hostname NULL).
--   captures                    how many
--   first_started_at, last_started_at   its earliest and latest capture
--   last_capture_id             the capture_id of the latest (for
--                               `memsnap report --capture`)
--   capture_ids                 all of them, comma-separated
--   oom_kills                   OOM kills in these captures, each once
--                               however many of them hold it
CREATE VIEW report_fleet_nodes AS
WITH c AS MATERIALIZED (
    SELECT c.capture_id, NULLIF(c.hostname, '') AS hostname, c.kernel_release, c.started_at
    FROM captures c
), k AS MATERIALIZED (
    SELECT capture_id, kill FROM fleet_oom_sightings
)
SELECT c.hostname, c.kernel_release,
       count(DISTINCT c.capture_id) AS captures,
       min(c.started_at) AS first_started_at,
       max(c.started_at) AS last_started_at,
       (SELECT l.capture_id FROM c l
        WHERE l.hostname IS c.hostname AND l.kernel_release IS c.kernel_release
        ORDER BY l.started_at DESC, l.capture_id DESC LIMIT 1) AS last_capture_id,
       (SELECT group_concat(capture_id, ',')
        FROM (SELECT capture_id FROM c c2
              WHERE c2.hostname IS c.hostname AND c2.kernel_release IS c.kernel_release
              ORDER BY capture_id)) AS capture_ids,
       count(DISTINCT k.kill) AS oom_kills
FROM c
LEFT JOIN k ON k.capture_id = c.capture_id
GROUP BY c.hostname, c.kernel_release;

-- OOM kills across captures by the victim's namespace, pod and container
-- (oom_kills' Kubernetes names, the kill's as fleet_oom_sightings picks
-- them); a kill without any of them is grouped by its task_memcg instead.
-- Which containers are OOM-killed most across the fleet: each kill once,
-- however many captures' logs repeat it.
--   namespace, pod, container   as in oom_kills (NULL: not known)
--   task_memcg                  the victim's cgroup, only when the three
--                               names are all NULL
--   kills                       OOM kills, each once (fleet_oom_sightings)
--   captures, nodes             distinct captures whose logs hold them and
--                               their hostnames (not NULL nor empty)
--   first_wall_time, last_wall_time   the kills' wall_time (oom_kills'),
--                               earliest and latest (NULL when no kill's
--                               is known)
--   capture_ids                 the captures, comma-separated
CREATE VIEW report_fleet_oom_kills AS
WITH k AS MATERIALIZED (
    SELECT capture_id, hostname, kill, namespace, pod, container,
           CASE WHEN namespace IS NULL AND pod IS NULL AND container IS NULL
                THEN task_memcg END AS task_memcg,
           wall_time
    FROM fleet_oom_sightings
)
SELECT namespace, pod, container, task_memcg,
       count(DISTINCT kill) AS kills,
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
