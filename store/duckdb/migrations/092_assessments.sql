-- Equity assessments of budget requests (docs/assess.md). The request's
-- classification and amount are copied at creation. The parts that change
-- together (answers, reviewers, reviews, comments) are JSON text, so the
-- table is the same in every SQL store. version counts changes (optimistic
-- concurrency: an update names the version it was made on); audit_seq is
-- the audit entry of the last change.
CREATE TABLE IF NOT EXISTS assessments (
    id               BIGINT PRIMARY KEY,
    jurisdiction     VARCHAR NOT NULL,
    fy_start         INTEGER NOT NULL,
    phase            VARCHAR NOT NULL,
    request_key      VARCHAR NOT NULL,
    dept_code        VARCHAR NOT NULL,
    dept_name        VARCHAR NOT NULL,
    prog_code        VARCHAR NOT NULL,
    prog_name        VARCHAR NOT NULL,
    description      VARCHAR NOT NULL,
    category         VARCHAR NOT NULL,
    amount_cents     BIGINT NOT NULL,
    template         VARCHAR NOT NULL,
    template_version INTEGER NOT NULL,
    status           VARCHAR NOT NULL,
    decision         VARCHAR NOT NULL DEFAULT '',
    due              VARCHAR NOT NULL DEFAULT '',
    reviewers_json   VARCHAR NOT NULL,
    answers_json     VARCHAR NOT NULL,
    reviews_json     VARCHAR NOT NULL,
    comments_json    VARCHAR NOT NULL,
    version          BIGINT NOT NULL,
    audit_seq        BIGINT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS assessment_locks (
    jurisdiction VARCHAR NOT NULL,
    fy_start     INTEGER NOT NULL,
    phase        VARCHAR NOT NULL,
    actor        VARCHAR NOT NULL,
    locked_at    TIMESTAMP NOT NULL,
    audit_seq    BIGINT NOT NULL
);
