-- Service requests (events) and the state measures are computed from
-- (mirrors store/duckdb/migrations/060_events.sql; docs/measures.md). One
-- row per request number as last imported; types, agencies, sources and
-- statuses are numbers named in event_names (the view service_requests
-- joins them). Placements in layers live in the per-month partitions
-- (measures.Partition, encoded), with each month's summary for the
-- backlog. Times of requests are clock times as written (timestamp without
-- time zone), as in the DuckDB store.
CREATE SEQUENCE IF NOT EXISTS event_import_ids START 1;
CREATE TABLE IF NOT EXISTS event_imports (
    id            bigint PRIMARY KEY,
    source_file   text NOT NULL,
    content_hash  text NOT NULL,
    schema_name   text NOT NULL,
    rows_read     bigint NOT NULL,
    added         bigint NOT NULL,
    updated       bigint NOT NULL,
    unchanged     bigint NOT NULL,
    duplicates    bigint NOT NULL,
    bad_rows      bigint NOT NULL,
    synthetic     bigint NOT NULL,
    closed_early  bigint NOT NULL,
    first_created timestamp,
    last_created  timestamp,
    coverage      text NOT NULL,
    imported_at   timestamptz NOT NULL,
    version       text NOT NULL
);
CREATE TABLE IF NOT EXISTS event_names (
    kind text NOT NULL,           -- type, agency, source, status
    id   integer NOT NULL,
    name text NOT NULL,
    PRIMARY KEY (kind, id)
);
-- flags holds closed_by_update (1) and synthetic (2). The ids are integer
-- (DuckDB: USMALLINT, up to 65,535, beyond PostgreSQL's smallint).
CREATE TABLE IF NOT EXISTS events (
    seq        bigint PRIMARY KEY,  -- number in the store, in order of first import
    request_id text NOT NULL,       -- SRNumber / service_request_id: the key of idempotent imports
    type_id    integer NOT NULL,
    agency_id  integer NOT NULL,
    source_id  integer NOT NULL,
    status_id  integer NOT NULL,
    flags      smallint NOT NULL,
    created    timestamp NOT NULL,
    closed     timestamp,           -- NULL while open
    lon        double precision,
    lat        double precision,
    address    text,
    cd         text,
    nc         text,
    nc_name    text
);
CREATE INDEX IF NOT EXISTS events_request_id ON events (request_id);
CREATE TABLE IF NOT EXISTS event_partitions (
    month   integer PRIMARY KEY,          -- year*12 + month - 1 of creation
    events  bigint NOT NULL,
    data    bytea NOT NULL,               -- measures.Partition.Encode
    summary bytea NOT NULL                -- measures.Summary.Encode
);
CREATE OR REPLACE VIEW service_requests AS
SELECT e.seq, e.request_id, t.name AS request_type, a.name AS agency, s.name AS source, st.name AS status,
       e.created, e.closed, (e.flags & 1) <> 0 AS closed_by_update, e.lon, e.lat, e.address, e.cd, e.nc, e.nc_name, (e.flags & 2) <> 0 AS synthetic
FROM events e
LEFT JOIN event_names t ON t.kind = 'type' AND t.id = e.type_id
LEFT JOIN event_names a ON a.kind = 'agency' AND a.id = e.agency_id
LEFT JOIN event_names s ON s.kind = 'source' AND s.id = e.source_id
LEFT JOIN event_names st ON st.kind = 'status' AND st.id = e.status_id;
