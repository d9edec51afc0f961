-- Need-index runs (need package). One row per run, one per area of a run.
CREATE SEQUENCE IF NOT EXISTS need_run_ids START 1;
CREATE TABLE IF NOT EXISTS need_runs (
    id           BIGINT PRIMARY KEY,
    spec         VARCHAR NOT NULL,      -- spec name (preset or custom)
    spec_version VARCHAR NOT NULL,
    spec_hash    VARCHAR NOT NULL,      -- sha256 of the canonical spec YAML
    spec_yaml    VARCHAR NOT NULL,
    layer        VARCHAR NOT NULL DEFAULT '',
    published    BOOLEAN NOT NULL DEFAULT false,
    inputs       VARCHAR NOT NULL,      -- JSON: [{role, file, hash}]
    meta         VARCHAR NOT NULL,      -- JSON: indicators, components, categories, top tier
    created_at   TIMESTAMP NOT NULL,
    version      VARCHAR NOT NULL       -- budgetlens version
);
CREATE TABLE IF NOT EXISTS need_run_areas (
    run_id     BIGINT NOT NULL,
    pos        INTEGER NOT NULL,        -- order in the input
    area_id    VARCHAR NOT NULL,
    score      DOUBLE,
    percentile DOUBLE,
    rank       INTEGER,
    tier       VARCHAR,
    population DOUBLE,
    detail     VARCHAR NOT NULL,        -- JSON of need.AreaResult
    PRIMARY KEY (run_id, area_id)
);
