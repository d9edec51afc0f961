-- The audit log (docs/assess.md, "Audit trail"; mirrors
-- store/duckdb/migrations/090_audit.sql): every change to an assessment, a
-- user or a phase lock, appended in the same transaction as the change,
-- writers taking turns on the advisory lock "audit log" so that each row's
-- hash follows the one before it. Rows are never updated or deleted (revoke
-- UPDATE and DELETE from the application role, docs/postgres.md); each
-- row's hash covers the previous row's hash and its own content (package
-- audit), so an edit or a deletion made directly in the database is found
-- by budgetlens audit verify. JSON is text exactly as written, so the hash
-- can be recomputed.
CREATE TABLE IF NOT EXISTS audit_log (
    seq         bigint PRIMARY KEY,
    changed_at  timestamptz NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    object      text NOT NULL,
    before_json text NOT NULL,
    after_json  text NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_object ON audit_log (object, seq);
