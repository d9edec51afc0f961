-- Core tables shared by every domain.
-- Jurisdictions: the city or agency whose budget is stored.
CREATE TABLE IF NOT EXISTS jurisdictions (
    id          VARCHAR PRIMARY KEY,      -- short code, e.g. "la"
    name        VARCHAR NOT NULL,
    fy_start_month INTEGER NOT NULL DEFAULT 7
);
-- Import runs: one row per import of one file, whatever the domain.
CREATE TABLE IF NOT EXISTS import_runs (
    id           BIGINT PRIMARY KEY,
    kind         VARCHAR NOT NULL,        -- budget, requests, measures, geo, indicators, events ...
    source_file  VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,        -- sha256 of the file's bytes
    profile      VARCHAR,                 -- column-mapping profile used
    rows         BIGINT NOT NULL DEFAULT 0,
    started_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    version      VARCHAR NOT NULL         -- budgetlens version
);
CREATE SEQUENCE IF NOT EXISTS import_run_ids START 1;
