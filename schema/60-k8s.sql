-- Kubernetes names, without the API ------------------------------------------
-- Filled from the capture's collector/k8s-pod-logs.txt and
-- collector/k8s-container-logs.txt (names of /var/log/pods and
-- /var/log/containers entries; never log content).

-- One row per container log folder: var/log/pods/<namespace>_<pod>_<uid>/<container>/
CREATE TABLE k8s_pod_log (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    namespace   TEXT NOT NULL,
    pod         TEXT NOT NULL,
    pod_uid     TEXT NOT NULL,   -- with dashes, lower case
    container   TEXT NOT NULL,
    PRIMARY KEY (capture_id, pod_uid, container)
) WITHOUT ROWID;

-- One row per var/log/containers/<pod>_<namespace>_<container>-<id>.log link
CREATE TABLE k8s_container_log (
    capture_id    INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    namespace     TEXT NOT NULL,
    pod           TEXT NOT NULL,
    container     TEXT NOT NULL,
    container_id  TEXT NOT NULL,   -- 64 hex digits
    PRIMARY KEY (capture_id, container_id)
) WITHOUT ROWID;
