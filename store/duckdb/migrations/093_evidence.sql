-- Evidence files uploaded for assessments (docs/assess.md). The bytes are
-- kept in the store (BLOB here, BYTEA in PostgreSQL) with the SHA-256 the
-- audit entry of the upload records; audit_seq is that entry.
CREATE TABLE IF NOT EXISTS assessment_files (
    id            BIGINT PRIMARY KEY,
    assessment_id BIGINT NOT NULL,
    name          VARCHAR NOT NULL,
    media_type    VARCHAR NOT NULL,
    size          BIGINT NOT NULL,
    sha256        VARCHAR NOT NULL,
    data          BLOB NOT NULL,
    actor         VARCHAR NOT NULL,
    added_at      TIMESTAMP NOT NULL,
    audit_seq     BIGINT NOT NULL
);
