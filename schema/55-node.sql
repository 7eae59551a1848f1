-- The node --------------------------------------------------------------------------

-- proc/meminfo: every key; sizes in bytes (kB scaled), HugePages_* counts.
CREATE TABLE node_meminfo (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       INTEGER,
    PRIMARY KEY (capture_id, key)
) WITHOUT ROWID;

-- proc/vmstat: every counter (pages or events).
CREATE TABLE node_vmstat (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       INTEGER,
    PRIMARY KEY (capture_id, key)
) WITHOUT ROWID;

-- proc/pressure/memory
CREATE TABLE node_pressure (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,   -- 'some' or 'full'
    avg10       REAL,            -- percent
    avg60       REAL,
    avg300      REAL,
    total_us    INTEGER,
    PRIMARY KEY (capture_id, kind)
) WITHOUT ROWID;

-- One-value node files: proc/sys/vm/*, proc/uptime (seconds), THP modes.
CREATE TABLE node_setting (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    path        TEXT NOT NULL,   -- archive path, e.g. 'proc/sys/vm/swappiness'
    value       TEXT,            -- as printed, trimmed
    PRIMARY KEY (capture_id, path)
) WITHOUT ROWID;

-- Every file the capture held (archive path and size), parsed or not, in
-- archive order: one JSON object of up to 1,024 files a row,
-- {"path": bytes, ...}, with the path's bytes as they are (json_each gives
-- them back unchanged).  Paths are unique within a capture (the reader
-- skips a duplicate entry and records it in load_problems).  A row a file
-- (83,000 on a node of 10,000 processes) was a quarter of `memsnap
-- load`'s inserts.  Read it through the capture_file view.
CREATE TABLE capture_file_data (
    capture_id  INTEGER NOT NULL REFERENCES capture(capture_id) ON DELETE CASCADE,
    files       TEXT NOT NULL
);

-- capture_file_data as rows: one per file.
CREATE VIEW capture_file(capture_id, path, bytes) AS
SELECT d.capture_id, j.key, j.value
FROM capture_file_data d, json_each(d.files) j;
