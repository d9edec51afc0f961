-- Equity assessments (analysis package) and their auxiliary datasets.
CREATE SEQUENCE IF NOT EXISTS analysis_ids START 1;
CREATE TABLE IF NOT EXISTS analyses (
    id           bigint PRIMARY KEY,
    jurisdiction text NOT NULL,
    fiscal_year  text NOT NULL,       -- '2021-22'
    phase        text NOT NULL,
    layer        text NOT NULL,
    need_run     bigint NOT NULL,
    inputs_hash  text NOT NULL,       -- sha256 of the provenance JSON
    version      text NOT NULL,       -- budgetlens version
    result       json NOT NULL        -- analysis.Result
);
CREATE INDEX IF NOT EXISTS analyses_key ON analyses (fiscal_year, phase, layer, id);
CREATE TABLE IF NOT EXISTS analysis_datasets (
    kind       text NOT NULL,         -- demand, groups
    name       text NOT NULL,         -- e.g. the layer
    source     text NOT NULL,
    sha256     text NOT NULL,
    synthetic  boolean NOT NULL,
    body       text NOT NULL,         -- JSON, kept byte for byte
    PRIMARY KEY (kind, name)
);
