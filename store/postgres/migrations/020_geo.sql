-- Area layers (geo package). One row per layer, one per area. Geometry is
-- a PostGIS MultiPolygon in WGS84 longitude/latitude (SRID 4326) with a
-- GiST index, so that analysts can query it in SQL. budgetlens keeps a
-- ring that crosses itself as it was drawn and reads it with the even-odd
-- rule (geo package); PostGIS calls such a polygon invalid, so geom then
-- holds ST_MakeValid's polygons and geom_input the area exactly as
-- imported, which is what the store gives back. PostGIS must be
-- installable in this database (CREATE EXTENSION needs a superuser: see
-- docs/postgres.md).
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE IF NOT EXISTS geo_layers (
    name        text PRIMARY KEY,
    source      text NOT NULL DEFAULT '',
    areas       integer NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS geo_areas (
    layer      text NOT NULL,
    pos        integer NOT NULL,      -- order in the input; first wins in overlaps
    id         text NOT NULL,
    name       text NOT NULL,
    population double precision NOT NULL DEFAULT 0,
    geom       geometry(MultiPolygon, 4326), -- valid (ST_IsValid); NULL for point-only areas
    geom_input bytea,                 -- WKB of the area as imported, kept only when geom had to be made valid
    lon        double precision,      -- the point of a point-only area
    lat        double precision,
    attrs      json NOT NULL DEFAULT '{}', -- the feature's other properties, as text values
    PRIMARY KEY (layer, id)
);
CREATE INDEX IF NOT EXISTS geo_areas_geom ON geo_areas USING gist (geom);
