-- Evidence files uploaded for assessments (docs/assess.md; mirrors
-- store/duckdb/migrations/093_evidence.sql). The bytes are kept in the
-- store (bytea) with the SHA-256 the audit entry of the upload records;
-- audit_seq is that entry.
CREATE TABLE IF NOT EXISTS assessment_files (
    id            bigint PRIMARY KEY,
    assessment_id bigint NOT NULL,
    name          text NOT NULL,
    media_type    text NOT NULL,
    size          bigint NOT NULL,
    sha256        text NOT NULL,
    data          bytea NOT NULL,
    actor         text NOT NULL,
    added_at      timestamptz NOT NULL,
    audit_seq     bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS assessment_files_assessment ON assessment_files (assessment_id, id);
