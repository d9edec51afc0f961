-- Service requests (events) and the state measures are computed from
-- (docs/measures.md). One row per request number as last imported; types,
-- agencies, sources and statuses are numbers named in event_names (the view
-- service_requests joins them). Placements in layers live in the per-month
-- partitions (measures.Partition, encoded), with each month's summary for
-- the backlog.
CREATE SEQUENCE IF NOT EXISTS event_import_ids START 1;
CREATE TABLE IF NOT EXISTS event_imports (
    id            BIGINT PRIMARY KEY,
    source_file   VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,
    schema_name   VARCHAR NOT NULL,
    rows_read     BIGINT NOT NULL,
    added         BIGINT NOT NULL,
    updated       BIGINT NOT NULL,
    unchanged     BIGINT NOT NULL,
    duplicates    BIGINT NOT NULL,
    bad_rows      BIGINT NOT NULL,
    synthetic     BIGINT NOT NULL,
    closed_early  BIGINT NOT NULL,
    first_created TIMESTAMP,
    last_created  TIMESTAMP,
    coverage      VARCHAR NOT NULL,
    imported_at   TIMESTAMP NOT NULL,
    version       VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS event_names (
    kind VARCHAR NOT NULL,        -- type, agency, source, status
    id   INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    PRIMARY KEY (kind, id)
);
-- Columns are few on purpose: every column costs time at import (10
-- million requests are written in one transaction); flags holds
-- closed_by_update (1) and synthetic (2).
CREATE TABLE IF NOT EXISTS events (
    seq        BIGINT NOT NULL,     -- number in the store, in order of first import
    request_id VARCHAR NOT NULL,    -- SRNumber / service_request_id: the key of idempotent imports
    type_id    USMALLINT NOT NULL,
    agency_id  USMALLINT NOT NULL,
    source_id  USMALLINT NOT NULL,
    status_id  USMALLINT NOT NULL,
    flags      UTINYINT NOT NULL,
    created    TIMESTAMP NOT NULL,  -- clock time as written (no zone)
    closed     TIMESTAMP,           -- NULL while open
    lon        DOUBLE,
    lat        DOUBLE,
    address    VARCHAR,
    cd         VARCHAR,
    nc         VARCHAR,
    nc_name    VARCHAR
);
CREATE TABLE IF NOT EXISTS event_partitions (
    month   INTEGER PRIMARY KEY,          -- year*12 + month - 1 of creation
    events  BIGINT NOT NULL,
    data    BLOB NOT NULL,                -- measures.Partition.Encode
    summary BLOB NOT NULL                 -- measures.Summary.Encode
);
CREATE OR REPLACE VIEW service_requests AS
SELECT e.seq, e.request_id, t.name AS request_type, a.name AS agency, s.name AS source, st.name AS status,
       e.created, e.closed, (e.flags & 1) <> 0 AS closed_by_update, e.lon, e.lat, e.address, e.cd, e.nc, e.nc_name, (e.flags & 2) <> 0 AS synthetic
FROM events e
LEFT JOIN event_names t ON t.kind = 'type' AND t.id = e.type_id
LEFT JOIN event_names a ON a.kind = 'agency' AND a.id = e.agency_id
LEFT JOIN event_names s ON s.kind = 'source' AND s.id = e.source_id
LEFT JOIN event_names st ON st.kind = 'status' AND st.id = e.status_id;
