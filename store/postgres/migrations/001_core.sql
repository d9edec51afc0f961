-- Core tables shared by every domain (mirrors store/duckdb/migrations).
-- Jurisdictions: the city or agency whose budget is stored.
CREATE TABLE IF NOT EXISTS jurisdictions (
    id             text PRIMARY KEY,      -- short code, e.g. 'la'
    name           text NOT NULL,
    fy_start_month integer NOT NULL DEFAULT 7
);
-- Import runs: one row per import of one file, whatever the domain.
CREATE TABLE IF NOT EXISTS import_runs (
    id           bigint PRIMARY KEY,
    kind         text NOT NULL,           -- budget, geo, indicators, ...
    source_file  text NOT NULL,
    content_hash text NOT NULL,           -- sha256 of the file's bytes
    profile      text,                    -- column-mapping profile used
    rows         bigint NOT NULL DEFAULT 0,
    started_at   timestamptz NOT NULL DEFAULT now(),
    version      text NOT NULL            -- budgetlens version
);
CREATE SEQUENCE IF NOT EXISTS import_run_ids START 1;
CREATE INDEX IF NOT EXISTS import_runs_content_hash ON import_runs (content_hash);
