-- Imported need indicators (need package): values per layer, period, area
-- and indicator, with optional margin of error, and indicator metadata.
CREATE TABLE IF NOT EXISTS need_indicator_meta (
    name      VARCHAR PRIMARY KEY,
    domain    VARCHAR NOT NULL DEFAULT '',
    direction VARCHAR NOT NULL DEFAULT 'higher',   -- higher or lower means more need
    unit      VARCHAR NOT NULL DEFAULT '',
    source    VARCHAR NOT NULL DEFAULT '',
    year      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS need_indicator_values (
    layer     VARCHAR NOT NULL,
    period    VARCHAR NOT NULL,
    area_id   VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    value     DOUBLE,                 -- NULL when missing
    moe       DOUBLE,
    import_id BIGINT NOT NULL         -- import_runs.id
    -- no primary key: (layer, period, area_id, indicator) is kept unique by
    -- the import (it deletes an indicator's values before appending them),
    -- and DuckDB's index makes bulk replacement far slower
);
