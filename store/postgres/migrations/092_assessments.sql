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
COMMENT ON TABLE assessments IS 'Equity assessment of each budget request (docs/assess.md): answers, reviews, status and decision';
COMMENT ON COLUMN assessments.id IS 'Assessment number';
COMMENT ON COLUMN assessments.jurisdiction IS 'Jurisdiction of the request';
COMMENT ON COLUMN assessments.fy_start IS 'Calendar year in which the request''s fiscal year starts';
COMMENT ON COLUMN assessments.phase IS 'Budget phase of the request (proposed, adopted ...)';
COMMENT ON COLUMN assessments.request_key IS 'The request it assesses, as budget_requests identifies it';
COMMENT ON COLUMN assessments.dept_code IS 'Department code, as written';
COMMENT ON COLUMN assessments.dept_name IS 'Department name';
COMMENT ON COLUMN assessments.prog_code IS 'Program code, as written';
COMMENT ON COLUMN assessments.prog_name IS 'Program name';
COMMENT ON COLUMN assessments.description IS 'The request''s description';
COMMENT ON COLUMN assessments.category IS 'The request''s category';
COMMENT ON COLUMN assessments.amount_cents IS 'The request''s amount in cents';
COMMENT ON COLUMN assessments.template IS 'Assessment template (questions and rubric)';
COMMENT ON COLUMN assessments.template_version IS 'Version of the template';
COMMENT ON COLUMN assessments.status IS 'Workflow status: draft, submitted, in_review, scored or decision';
COMMENT ON COLUMN assessments.decision IS 'The decision, empty until decided';
COMMENT ON COLUMN assessments.due IS 'Due date (YYYY-MM-DD), empty when none';
COMMENT ON COLUMN assessments.reviewers_json IS 'Assigned reviewers, a JSON array of user names (text)';
COMMENT ON COLUMN assessments.answers_json IS 'Answers by question, a JSON object (text; cast with ::jsonb to query)';
COMMENT ON COLUMN assessments.reviews_json IS 'Reviewers'' rubric scores, a JSON array (text)';
COMMENT ON COLUMN assessments.comments_json IS 'Comments, a JSON array (text)';
COMMENT ON COLUMN assessments.version IS 'Number of changes, 1 when created (an update names the version it was made on)';
COMMENT ON COLUMN assessments.audit_seq IS 'The audit_log entry of the last change';
COMMENT ON COLUMN assessments.created_at IS 'When the assessment was created';
COMMENT ON COLUMN assessments.updated_at IS 'When it last changed';
COMMENT ON TABLE assessment_locks IS 'Budget phases whose review is closed';
COMMENT ON COLUMN assessment_locks.jurisdiction IS 'Jurisdiction of the phase';
COMMENT ON COLUMN assessment_locks.fy_start IS 'Calendar year in which the fiscal year starts';
COMMENT ON COLUMN assessment_locks.phase IS 'Budget phase';
COMMENT ON COLUMN assessment_locks.actor IS 'Who closed the review';
COMMENT ON COLUMN assessment_locks.locked_at IS 'When';
COMMENT ON COLUMN assessment_locks.audit_seq IS 'The audit_log entry of the lock';
