-- Imported need indicators (need package): values per layer, period, area
-- and indicator, with optional margin of error, and indicator metadata.
CREATE TABLE IF NOT EXISTS need_indicator_meta (
    name      text PRIMARY KEY,
    domain    text NOT NULL DEFAULT '',
    direction text NOT NULL DEFAULT 'higher',   -- higher or lower means more need
    unit      text NOT NULL DEFAULT '',
    source    text NOT NULL DEFAULT '',
    year      integer NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS need_indicator_values (
    layer     text NOT NULL,
    period    text NOT NULL,
    area_id   text NOT NULL,
    indicator text NOT NULL,
    value     double precision,       -- NULL when missing
    moe       double precision,
    import_id bigint NOT NULL         -- import_runs.id
    -- no primary key, as in the DuckDB store: the import keeps (layer,
    -- period, area_id, indicator) unique by deleting an indicator's values
    -- before writing them
);
CREATE INDEX IF NOT EXISTS need_indicator_values_key ON need_indicator_values (layer, period, indicator);
CREATE INDEX IF NOT EXISTS need_indicator_values_import ON need_indicator_values (import_id);
