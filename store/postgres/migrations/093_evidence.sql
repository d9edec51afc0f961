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
COMMENT ON TABLE assessment_files IS 'Evidence files uploaded for assessments, with their bytes';
COMMENT ON COLUMN assessment_files.id IS 'File number';
COMMENT ON COLUMN assessment_files.assessment_id IS 'The assessment (assessments.id)';
COMMENT ON COLUMN assessment_files.name IS 'File name as uploaded';
COMMENT ON COLUMN assessment_files.media_type IS 'Media type recognised from the content';
COMMENT ON COLUMN assessment_files.size IS 'Size in bytes';
COMMENT ON COLUMN assessment_files.sha256 IS 'SHA-256 (hex) of the bytes, as the audit entry records it';
COMMENT ON COLUMN assessment_files.data IS 'The file''s bytes';
COMMENT ON COLUMN assessment_files.actor IS 'Who uploaded it';
COMMENT ON COLUMN assessment_files.added_at IS 'When';
COMMENT ON COLUMN assessment_files.audit_seq IS 'The audit_log entry of the upload';
