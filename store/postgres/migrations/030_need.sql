-- Need-index runs (need package). One row per run, one per area of a run.
CREATE SEQUENCE IF NOT EXISTS need_run_ids START 1;
CREATE TABLE IF NOT EXISTS need_runs (
    id           bigint PRIMARY KEY,
    spec         text NOT NULL,       -- spec name (preset or custom)
    spec_version text NOT NULL,
    spec_hash    text NOT NULL,       -- sha256 of the canonical spec YAML
    spec_yaml    text NOT NULL,
    layer        text NOT NULL DEFAULT '',
    published    boolean NOT NULL DEFAULT false,
    inputs       json NOT NULL,       -- [{role, file, hash}]
    meta         json NOT NULL,       -- indicators, components, categories, top tier
    created_at   timestamptz NOT NULL,
    version      text NOT NULL        -- budgetlens version
);
CREATE INDEX IF NOT EXISTS need_runs_layer ON need_runs (layer, id);
CREATE TABLE IF NOT EXISTS need_run_areas (
    run_id     bigint NOT NULL,
    pos        integer NOT NULL,      -- order in the input
    area_id    text NOT NULL,
    score      double precision,
    percentile double precision,
    rank       integer,
    tier       text,
    population double precision,
    detail     json NOT NULL,         -- need.AreaResult
    PRIMARY KEY (run_id, area_id)
);
