-- Requests stored as numbers (docs/measures.md, "How events are stored").
-- Writing ten million unique request numbers as text, and the area codes
-- every row repeats, was most of DuckDB's work in an import (issue 11's
-- speed; bench/RESULTS.md). A request number is now kept as a prefix
-- (event_id_prefixes) and the number its last digits make ("1-870704831"
-- is prefix "1-" and 870704831; "SYN-00000001" is prefix "SYN-" written
-- 8 digits wide and 1); a number that does not end in digits is kept as
-- text (id_text). The area codes and names the source gives are numbered
-- in event_names (kinds cd, nc, nc_name). service_requests shows every
-- request as before, with its request number and codes as text. The
-- PostgreSQL store keeps the text (its COPY does not pay this cost).
CREATE TABLE IF NOT EXISTS event_id_prefixes (
    id     INTEGER PRIMARY KEY,
    prefix VARCHAR NOT NULL,
    width  INTEGER NOT NULL
);

-- the stored requests' numbers, split as the import splits them: the
-- last run of digits (at most 18) is the number, what precedes it the
-- prefix; the width is the count of digits when they start with 0
CREATE TEMP TABLE _event_split AS
SELECT seq, request_id,
       CASE WHEN regexp_matches(request_id, '[0-9]$') THEN regexp_extract(request_id, '^(.*?)([0-9]{1,18})$', 1) END AS prefix,
       CASE WHEN regexp_matches(request_id, '[0-9]$') THEN regexp_extract(request_id, '^(.*?)([0-9]{1,18})$', 2) END AS digits
FROM events;

INSERT INTO event_id_prefixes
SELECT CAST(row_number() OVER (ORDER BY prefix, width) AS INTEGER) - 1, prefix, width
FROM (SELECT DISTINCT prefix, CASE WHEN digits LIKE '0%' THEN length(digits) ELSE 0 END AS width
      FROM _event_split WHERE digits IS NOT NULL);

INSERT INTO event_names
SELECT kind, CAST(row_number() OVER (PARTITION BY kind ORDER BY name) AS INTEGER), name
FROM (SELECT DISTINCT 'cd' AS kind, cd AS name FROM events WHERE coalesce(cd, '') <> ''
      UNION SELECT DISTINCT 'nc', nc FROM events WHERE coalesce(nc, '') <> ''
      UNION SELECT DISTINCT 'nc_name', nc_name FROM events WHERE coalesce(nc_name, '') <> '');

CREATE TABLE events_096 (
    seq        BIGINT NOT NULL,
    id_prefix  INTEGER,
    id_num     BIGINT,
    id_text    VARCHAR,
    type_id    USMALLINT NOT NULL,
    agency_id  USMALLINT NOT NULL,
    source_id  USMALLINT NOT NULL,
    status_id  USMALLINT NOT NULL,
    flags      UTINYINT NOT NULL,
    created    TIMESTAMP NOT NULL,
    closed     TIMESTAMP,
    lon        DOUBLE,
    lat        DOUBLE,
    address    VARCHAR,
    cd_id      USMALLINT NOT NULL DEFAULT 0,
    nc_id      USMALLINT NOT NULL DEFAULT 0,
    nc_name_id USMALLINT NOT NULL DEFAULT 0
);

INSERT INTO events_096
SELECT e.seq, p.id, CASE WHEN p.id IS NOT NULL THEN CAST(s.digits AS BIGINT) END, CASE WHEN p.id IS NULL THEN e.request_id END,
       e.type_id, e.agency_id, e.source_id, e.status_id, e.flags, e.created, e.closed, e.lon, e.lat, e.address,
       coalesce(c.id, 0), coalesce(n.id, 0), coalesce(nn.id, 0)
FROM events e
JOIN _event_split s ON s.seq = e.seq
LEFT JOIN event_id_prefixes p ON p.prefix = s.prefix AND p.width = CASE WHEN s.digits LIKE '0%' THEN length(s.digits) ELSE 0 END
LEFT JOIN event_names c ON c.kind = 'cd' AND c.name = e.cd
LEFT JOIN event_names n ON n.kind = 'nc' AND n.name = e.nc
LEFT JOIN event_names nn ON nn.kind = 'nc_name' AND nn.name = e.nc_name
ORDER BY e.seq;

DROP TABLE _event_split;
DROP VIEW IF EXISTS service_requests;
DROP TABLE events;
ALTER TABLE events_096 RENAME TO events;

CREATE OR REPLACE VIEW service_requests AS
SELECT e.seq,
       coalesce(e.id_text, p.prefix || CASE WHEN p.width > 0 THEN lpad(CAST(e.id_num AS VARCHAR), p.width, '0') ELSE CAST(e.id_num AS VARCHAR) END) AS request_id,
       t.name AS request_type, a.name AS agency, s.name AS source, st.name AS status,
       e.created, e.closed, (e.flags & 1) <> 0 AS closed_by_update, e.lon, e.lat, e.address,
       c.name AS cd, n.name AS nc, nn.name AS nc_name, (e.flags & 2) <> 0 AS synthetic
FROM events e
LEFT JOIN event_id_prefixes p ON p.id = e.id_prefix
LEFT JOIN event_names t ON t.kind = 'type' AND t.id = e.type_id
LEFT JOIN event_names a ON a.kind = 'agency' AND a.id = e.agency_id
LEFT JOIN event_names s ON s.kind = 'source' AND s.id = e.source_id
LEFT JOIN event_names st ON st.kind = 'status' AND st.id = e.status_id
LEFT JOIN event_names c ON c.kind = 'cd' AND c.id = e.cd_id AND e.cd_id <> 0
LEFT JOIN event_names n ON n.kind = 'nc' AND n.id = e.nc_id AND e.nc_id <> 0
LEFT JOIN event_names nn ON nn.kind = 'nc_name' AND nn.id = e.nc_name_id AND e.nc_name_id <> 0;

COMMENT ON TABLE event_id_prefixes IS 'What precedes the number in a request number (events.id_prefix): "1-" in MyLA311''s 1-870704831. Analysts: use service_requests.request_id.';
COMMENT ON COLUMN event_id_prefixes.id IS 'the number events.id_prefix keeps';
COMMENT ON COLUMN event_id_prefixes.prefix IS 'the text before the number, as written (may be empty)';
COMMENT ON COLUMN event_id_prefixes.width IS 'digits the number is written with when it has leading zeros (SYN-00000001: 8); 0 when written without';
COMMENT ON COLUMN event_names.kind IS 'type, agency, source or status; cd, nc or nc_name for the area codes and names the source gives';

COMMENT ON TABLE events IS 'Service requests, one row per request number as last imported, names and codes as numbers. Analysts: use service_requests (request numbers, names and codes as text).';
COMMENT ON COLUMN events.seq IS 'number in the store, in order of first import';
COMMENT ON COLUMN events.id_prefix IS 'the request number''s prefix (event_id_prefixes); NULL when the number is kept as text';
COMMENT ON COLUMN events.id_num IS 'the number the request number''s last digits make; NULL when kept as text';
COMMENT ON COLUMN events.id_text IS 'the request number as written when it does not end in digits; NULL otherwise';
COMMENT ON COLUMN events.type_id IS 'request type (event_names kind type)';
COMMENT ON COLUMN events.agency_id IS 'agency that owns the request (event_names kind agency)';
COMMENT ON COLUMN events.source_id IS 'how it was reported: call, app, ... (event_names kind source)';
COMMENT ON COLUMN events.status_id IS 'status as last imported (event_names kind status)';
COMMENT ON COLUMN events.flags IS 'bit 1: closed by an update (closing time from a later import); bit 2: synthetic';
COMMENT ON COLUMN events.created IS 'when the request was made (clock time as written, no zone)';
COMMENT ON COLUMN events.closed IS 'when it was closed (clock time as written); NULL while open';
COMMENT ON COLUMN events.lon IS 'longitude, WGS84 degrees; NULL when the source gives no point';
COMMENT ON COLUMN events.lat IS 'latitude, WGS84 degrees; NULL when the source gives no point';
COMMENT ON COLUMN events.address IS 'address as written; NULL when the source gives none';
COMMENT ON COLUMN events.cd_id IS 'council district code the source gives (event_names kind cd); 0 when none';
COMMENT ON COLUMN events.nc_id IS 'neighborhood council code the source gives (event_names kind nc); 0 when none';
COMMENT ON COLUMN events.nc_name_id IS 'neighborhood council name the source gives (event_names kind nc_name); 0 when none';

COMMENT ON VIEW service_requests IS 'Service requests with their names: one row per request number as last imported.';
COMMENT ON COLUMN service_requests.seq IS 'number in the store, in order of first import';
COMMENT ON COLUMN service_requests.request_id IS 'the source''s request number (MyLA311 SRNumber, Open311 service_request_id)';
COMMENT ON COLUMN service_requests.request_type IS 'request type, e.g. Bulky Items';
COMMENT ON COLUMN service_requests.agency IS 'agency that owns the request';
COMMENT ON COLUMN service_requests.source IS 'how it was reported';
COMMENT ON COLUMN service_requests.status IS 'status as last imported';
COMMENT ON COLUMN service_requests.created IS 'when the request was made (clock time as written)';
COMMENT ON COLUMN service_requests.closed IS 'when it was closed; NULL while open';
COMMENT ON COLUMN service_requests.closed_by_update IS 'true when the closing time came from a later import';
COMMENT ON COLUMN service_requests.lon IS 'longitude, WGS84 degrees';
COMMENT ON COLUMN service_requests.lat IS 'latitude, WGS84 degrees';
COMMENT ON COLUMN service_requests.address IS 'address as written';
COMMENT ON COLUMN service_requests.cd IS 'council district code the source gives';
COMMENT ON COLUMN service_requests.nc IS 'neighborhood council code the source gives';
COMMENT ON COLUMN service_requests.nc_name IS 'neighborhood council name the source gives';
COMMENT ON COLUMN service_requests.synthetic IS 'true for synthetic requests (labelled; never real)';
