-- Kubernetes names, without the API ------------------------------------------
-- Filled from the capture's collector/k8s-pod-logs.txt and
-- collector/k8s-container-logs.txt (names of /var/log/pods and
-- /var/log/containers entries; never log content).

-- The key's columns come first: SQLite 3.40.0 to 3.41.0 (Debian 12 has
-- 3.40.1) report "NULL value in k8s_pod_log.namespace" from PRAGMA
-- integrity_check on a WITHOUT ROWID table whose NOT NULL columns are
-- declared before a key column, although no value is NULL.

-- One row per container log folder: var/log/pods/<namespace>_<pod>_<uid>/<container>/
CREATE TABLE k8s_pod_log (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    pod_uid     TEXT NOT NULL,   -- with dashes, lower case
    container   TEXT NOT NULL,
    namespace   TEXT NOT NULL,
    pod         TEXT NOT NULL,
    PRIMARY KEY (capture_id, pod_uid, container)
) WITHOUT ROWID;

-- One row per var/log/containers/<pod>_<namespace>_<container>-<id>.log link
CREATE TABLE k8s_container_log (
    capture_id    INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    container_id  TEXT NOT NULL,   -- 64 hex digits
    namespace     TEXT NOT NULL,
    pod           TEXT NOT NULL,
    container     TEXT NOT NULL,
    PRIMARY KEY (capture_id, container_id)
) WITHOUT ROWID;
