-- Budget domain. Every imported row belongs to a slice: the rows one import
-- run contributed for one (dataset, kind, fiscal year, phase). A later run of
-- the same dataset marks the earlier slices superseded_by itself; superseded
-- rows are kept (history) and the current_* views hide them.
CREATE TABLE IF NOT EXISTS budget_runs (
    run_id       BIGINT NOT NULL,
    jurisdiction VARCHAR NOT NULL,
    dataset      VARCHAR NOT NULL,
    fy_start     INTEGER,
    phase        VARCHAR
);
CREATE TABLE IF NOT EXISTS budget_jurisdictions (
    id          VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    start_month INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS budget_slices (
    id            BIGINT NOT NULL,
    run_id        BIGINT NOT NULL,
    jurisdiction  VARCHAR NOT NULL,
    dataset       VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,   -- line_items, requests, measures, descriptions
    fy_start      INTEGER NOT NULL,
    phase         VARCHAR NOT NULL,
    rows          BIGINT NOT NULL,
    superseded_by BIGINT              -- run that replaced this slice; NULL = current
);
CREATE SEQUENCE IF NOT EXISTS budget_slice_ids START 1;
CREATE TABLE IF NOT EXISTS line_items (
    slice_id      BIGINT NOT NULL,
    jurisdiction  VARCHAR NOT NULL,
    fy_start      INTEGER NOT NULL,
    phase         VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,   -- expenditure, revenue, positions
    dept_code     VARCHAR, dept_name VARCHAR,
    org_code      VARCHAR, org_name VARCHAR,
    prog_code     VARCHAR, prog_name VARCHAR,
    fund_code     VARCHAR, fund_name VARCHAR,
    sfund_code    VARCHAR, sfund_name VARCHAR,
    account_code  VARCHAR, account_name VARCHAR,
    function_code VARCHAR, function_name VARCHAR,
    amount_cents  BIGINT NOT NULL,
    nat_key       VARCHAR NOT NULL,
    line          INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS budget_requests (
    slice_id      BIGINT NOT NULL,
    jurisdiction  VARCHAR NOT NULL,
    fy_start      INTEGER NOT NULL,
    dept_code     VARCHAR, dept_name VARCHAR,
    prog_code     VARCHAR, prog_name VARCHAR,
    fund_code     VARCHAR, fund_name VARCHAR,
    sfund_code    VARCHAR, sfund_name VARCHAR,
    account_code  VARCHAR, account_name VARCHAR,
    description   VARCHAR,
    category      VARCHAR,
    recurrence    VARCHAR,
    proposed_cents BIGINT,            -- NULL: the source left it empty
    adopted_cents  BIGINT,
    nat_key       VARCHAR NOT NULL,
    line          INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS performance_measures (
    slice_id      BIGINT NOT NULL,
    jurisdiction  VARCHAR NOT NULL,
    fy_start      INTEGER NOT NULL,
    phase         VARCHAR NOT NULL,
    dept_code     VARCHAR, dept_name VARCHAR,
    org_code      VARCHAR, org_name VARCHAR,
    prog_code     VARCHAR, prog_name VARCHAR,
    measure_code  VARCHAR, measure_name VARCHAR,
    unit          VARCHAR,
    value         DOUBLE NOT NULL,
    line          INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS budget_descriptions (
    slice_id     BIGINT NOT NULL,
    jurisdiction VARCHAR NOT NULL,
    subject      VARCHAR NOT NULL,
    code         VARCHAR,
    name         VARCHAR,
    text         VARCHAR,
    line         INTEGER NOT NULL
);
CREATE VIEW IF NOT EXISTS current_line_items AS
    SELECT l.* FROM line_items l JOIN budget_slices s ON s.id = l.slice_id WHERE s.superseded_by IS NULL;
CREATE VIEW IF NOT EXISTS current_budget_requests AS
    SELECT r.* FROM budget_requests r JOIN budget_slices s ON s.id = r.slice_id WHERE s.superseded_by IS NULL;
CREATE VIEW IF NOT EXISTS current_performance_measures AS
    SELECT m.* FROM performance_measures m JOIN budget_slices s ON s.id = m.slice_id WHERE s.superseded_by IS NULL;
CREATE VIEW IF NOT EXISTS current_budget_descriptions AS
    SELECT d.* FROM budget_descriptions d JOIN budget_slices s ON s.id = d.slice_id WHERE s.superseded_by IS NULL;
