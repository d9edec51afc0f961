-- Budget domain (mirrors store/duckdb/migrations/010_budget.sql). Every
-- imported row belongs to a slice: the rows one import run contributed for
-- one (dataset, kind, fiscal year, phase). A later run of the same dataset
-- marks the earlier slices superseded_by itself; superseded rows are kept
-- (history) and the current_* views hide them.
CREATE TABLE IF NOT EXISTS budget_runs (
    run_id       bigint PRIMARY KEY,
    jurisdiction text NOT NULL,
    dataset      text NOT NULL,
    fy_start     integer,
    phase        text
);
CREATE TABLE IF NOT EXISTS budget_jurisdictions (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    start_month integer NOT NULL
);
CREATE TABLE IF NOT EXISTS budget_slices (
    id            bigint PRIMARY KEY,
    run_id        bigint NOT NULL,
    jurisdiction  text NOT NULL,
    dataset       text NOT NULL,
    kind          text NOT NULL,      -- line_items, requests, measures, descriptions
    fy_start      integer NOT NULL,
    phase         text NOT NULL,
    rows          bigint NOT NULL,
    superseded_by bigint              -- run that replaced this slice; NULL = current
);
CREATE SEQUENCE IF NOT EXISTS budget_slice_ids START 1;
CREATE INDEX IF NOT EXISTS budget_slices_current ON budget_slices (jurisdiction, dataset, kind, fy_start, phase) WHERE superseded_by IS NULL;
CREATE INDEX IF NOT EXISTS budget_slices_run ON budget_slices (run_id);
-- No index on the row tables: they are loaded with COPY, read whole per
-- slice, and a current slice is found through budget_slices.
CREATE TABLE IF NOT EXISTS line_items (
    slice_id      bigint NOT NULL,
    jurisdiction  text NOT NULL,
    fy_start      integer NOT NULL,
    phase         text NOT NULL,
    kind          text NOT NULL,      -- expenditure, revenue, positions
    dept_code     text, dept_name text,
    org_code      text, org_name text,
    prog_code     text, prog_name text,
    fund_code     text, fund_name text,
    sfund_code    text, sfund_name text,
    account_code  text, account_name text,
    function_code text, function_name text,
    amount_cents  bigint NOT NULL,
    nat_key       text NOT NULL,
    line          integer NOT NULL
);
CREATE TABLE IF NOT EXISTS budget_requests (
    slice_id       bigint NOT NULL,
    jurisdiction   text NOT NULL,
    fy_start       integer NOT NULL,
    dept_code      text, dept_name text,
    prog_code      text, prog_name text,
    fund_code      text, fund_name text,
    sfund_code     text, sfund_name text,
    account_code   text, account_name text,
    description    text,
    category       text,
    recurrence     text,
    proposed_cents bigint,            -- NULL: the source left it empty
    adopted_cents  bigint,
    nat_key        text NOT NULL,
    line           integer NOT NULL
);
CREATE TABLE IF NOT EXISTS performance_measures (
    slice_id      bigint NOT NULL,
    jurisdiction  text NOT NULL,
    fy_start      integer NOT NULL,
    phase         text NOT NULL,
    dept_code     text, dept_name text,
    org_code      text, org_name text,
    prog_code     text, prog_name text,
    measure_code  text, measure_name text,
    unit          text,
    value         double precision NOT NULL,
    line          integer NOT NULL
);
CREATE TABLE IF NOT EXISTS budget_descriptions (
    slice_id     bigint NOT NULL,
    jurisdiction text NOT NULL,
    subject      text NOT NULL,
    code         text,
    name         text,
    text         text,
    line         integer NOT NULL
);
CREATE OR REPLACE VIEW current_line_items AS
    SELECT l.* FROM line_items l JOIN budget_slices s ON s.id = l.slice_id WHERE s.superseded_by IS NULL;
CREATE OR REPLACE VIEW current_budget_requests AS
    SELECT r.* FROM budget_requests r JOIN budget_slices s ON s.id = r.slice_id WHERE s.superseded_by IS NULL;
CREATE OR REPLACE VIEW current_performance_measures AS
    SELECT m.* FROM performance_measures m JOIN budget_slices s ON s.id = m.slice_id WHERE s.superseded_by IS NULL;
CREATE OR REPLACE VIEW current_budget_descriptions AS
    SELECT d.* FROM budget_descriptions d JOIN budget_slices s ON s.id = d.slice_id WHERE s.superseded_by IS NULL;
