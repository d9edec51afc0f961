-- Equity assessments of budget requests (docs/assess.md; mirrors
-- store/duckdb/migrations/092_assessments.sql). The request's
-- classification and amount are copied at creation. The parts that change
-- together (answers, reviewers, reviews, comments) are JSON text, read back
-- byte for byte. version counts changes (optimistic concurrency: an update
-- names the version it was made on); audit_seq is the audit entry of the
-- last change.
CREATE TABLE IF NOT EXISTS assessments (
    id               bigint PRIMARY KEY,
    jurisdiction     text NOT NULL,
    fy_start         integer NOT NULL,
    phase            text NOT NULL,
    request_key      text NOT NULL,
    dept_code        text NOT NULL,
    dept_name        text NOT NULL,
    prog_code        text NOT NULL,
    prog_name        text NOT NULL,
    description      text NOT NULL,
    category         text NOT NULL,
    amount_cents     bigint NOT NULL,
    template         text NOT NULL,
    template_version integer NOT NULL,
    status           text NOT NULL,
    decision         text NOT NULL DEFAULT '',
    due              text NOT NULL DEFAULT '',
    reviewers_json   text NOT NULL,
    answers_json     text NOT NULL,
    reviews_json     text NOT NULL,
    comments_json    text NOT NULL,
    version          bigint NOT NULL,
    audit_seq        bigint NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (jurisdiction, fy_start, phase, request_key)
);
CREATE TABLE IF NOT EXISTS assessment_locks (
    jurisdiction text NOT NULL,
    fy_start     integer NOT NULL,
    phase        text NOT NULL,
    actor        text NOT NULL,
    locked_at    timestamptz NOT NULL,
    audit_seq    bigint NOT NULL,
    PRIMARY KEY (jurisdiction, fy_start, phase)
);
