-- Area layers (geo package). One row per layer, one per area.
CREATE TABLE IF NOT EXISTS geo_layers (
    name        VARCHAR PRIMARY KEY,
    source      VARCHAR NOT NULL DEFAULT '',
    areas       INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS geo_areas (
    layer      VARCHAR NOT NULL,
    pos        INTEGER NOT NULL,      -- order in the input; first wins in overlaps
    id         VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    population DOUBLE NOT NULL DEFAULT 0,
    geom       BLOB,                  -- WKB MultiPolygon, WGS84 lon/lat; NULL for point-only areas
    lon        DOUBLE,                -- the point of a point-only area
    lat        DOUBLE,
    attrs      VARCHAR NOT NULL DEFAULT '{}', -- JSON object of text values
    PRIMARY KEY (layer, id)
);
