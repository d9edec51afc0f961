-- Equity assessments (analysis package) and their auxiliary datasets.
CREATE SEQUENCE IF NOT EXISTS analysis_ids START 1;
CREATE TABLE IF NOT EXISTS analyses (
    id           BIGINT PRIMARY KEY,
    jurisdiction VARCHAR NOT NULL,
    fiscal_year  VARCHAR NOT NULL,      -- "2021-22"
    phase        VARCHAR NOT NULL,
    layer        VARCHAR NOT NULL,
    need_run     BIGINT NOT NULL,
    inputs_hash  VARCHAR NOT NULL,      -- sha256 of the provenance JSON
    version      VARCHAR NOT NULL,      -- budgetlens version
    result       VARCHAR NOT NULL       -- JSON of analysis.Result
);
CREATE TABLE IF NOT EXISTS analysis_datasets (
    kind       VARCHAR NOT NULL,        -- demand, groups
    name       VARCHAR NOT NULL,        -- e.g. the layer
    source     VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    synthetic  BOOLEAN NOT NULL,
    body       VARCHAR NOT NULL,        -- JSON
    PRIMARY KEY (kind, name)
);
