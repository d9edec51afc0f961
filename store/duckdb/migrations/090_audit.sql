-- The audit log (docs/assess.md, "Audit trail"): every change to an
-- assessment, a user or a phase lock, appended in the same transaction as
-- the change. Rows are never updated or deleted; each row's hash covers the
-- previous row's hash and its own content (package audit), so an edit or a
-- deletion made directly in the database is found by budgetlens audit verify.
-- JSON is kept as text exactly as written, so the hash can be recomputed.
CREATE TABLE IF NOT EXISTS audit_log (
    seq         BIGINT PRIMARY KEY,
    changed_at  TIMESTAMP NOT NULL,
    actor       VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    object      VARCHAR NOT NULL,
    before_json VARCHAR NOT NULL,
    after_json  VARCHAR NOT NULL,
    prev_hash   VARCHAR NOT NULL,
    hash        VARCHAR NOT NULL
);
