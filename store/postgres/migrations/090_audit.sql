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
COMMENT ON TABLE audit_log IS 'Append-only, hash-chained log of every change to assessments, users, evidence and review locks (budgetlens audit verify checks it)';
COMMENT ON COLUMN audit_log.seq IS 'Position in the log, 1, 2, 3 ... without gaps';
COMMENT ON COLUMN audit_log.changed_at IS 'When the change was committed (UTC, microseconds)';
COMMENT ON COLUMN audit_log.actor IS 'Who made the change (user name, or the operating-system user for the CLI)';
COMMENT ON COLUMN audit_log.action IS 'What was done: create, answer, submit, score, comment, lock, evidence, user_add, user_update ...';
COMMENT ON COLUMN audit_log.object IS 'What changed: assessment/ID, assessment/ID/evidence/FILE, lock/JUR/FY/PHASE or user/NAME';
COMMENT ON COLUMN audit_log.before_json IS 'The object before the change as JSON text (null when created); cast with ::jsonb to query';
COMMENT ON COLUMN audit_log.after_json IS 'The object after the change as JSON text; cast with ::jsonb to query';
COMMENT ON COLUMN audit_log.prev_hash IS 'The hash of the previous entry (empty for the first)';
COMMENT ON COLUMN audit_log.hash IS 'SHA-256 (hex) over prev_hash and this entry''s content';
