-- Comments on the tables of the review of budget requests (migrations 090 to
-- 093), which came after 081: every table, view and column keeps a comment
-- (docs/sql.md; a test checks it).

COMMENT ON TABLE audit_log IS 'Append-only audit trail of the review: every change to an assessment, a user or a phase lock, each row hashed over the one before (budgetlens audit verify).';
COMMENT ON COLUMN audit_log.seq IS 'entry number: 1, 2, 3 ... with no gap';
COMMENT ON COLUMN audit_log.changed_at IS 'when the change was made (UTC)';
COMMENT ON COLUMN audit_log.actor IS 'who made it (user name, or the operating-system user for the CLI)';
COMMENT ON COLUMN audit_log.action IS 'what was done: create, a workflow step (submit, decide, ...), a change of answers or reviews, evidence, lock, user_add, user_update';
COMMENT ON COLUMN audit_log.object IS 'what changed: assessment/ID, user/NAME or lock/JURISDICTION/YEAR/PHASE';
COMMENT ON COLUMN audit_log.before_json IS 'the object as JSON before the change (null when it did not exist), kept as written so the hash can be recomputed';
COMMENT ON COLUMN audit_log.after_json IS 'the object as JSON after the change (null when it no longer exists)';
COMMENT ON COLUMN audit_log.prev_hash IS 'hash of the previous entry (empty for the first)';
COMMENT ON COLUMN audit_log.hash IS 'SHA-256 (hex) over prev_hash and this entry''s content';

COMMENT ON TABLE users IS 'People who sign in to the review of budget requests (budgetlens user add), with their role; never their passwords.';
COMMENT ON COLUMN users.name IS 'user name (sign-in name)';
COMMENT ON COLUMN users.role IS 'admin, analyst, reviewer, submitter, council or public';
COMMENT ON COLUMN users.department IS 'a submitter''s department code (empty for other roles)';
COMMENT ON COLUMN users.password_hash IS 'argon2id hash of the password (PHC string); empty for a single-sign-on account';
COMMENT ON COLUMN users.subject IS 'linked OpenID Connect account, ISSUER|SUBJECT (empty when none)';
COMMENT ON COLUMN users.disabled IS 'true when the user may no longer sign in';
COMMENT ON COLUMN users.created_at IS 'when the user was added (UTC)';
COMMENT ON COLUMN users.audit_seq IS 'audit_log.seq of the user''s last change';

COMMENT ON TABLE sessions IS 'Signed-in sessions of the server, kept by the SHA-256 of their token only.';
COMMENT ON COLUMN sessions.token_hash IS 'SHA-256 (hex) of the session token (the token itself is never stored)';
COMMENT ON COLUMN sessions.user_name IS 'users.name of who signed in';
COMMENT ON COLUMN sessions.created_at IS 'when the session began (UTC)';
COMMENT ON COLUMN sessions.expires_at IS 'when it ends (UTC)';

COMMENT ON TABLE assessments IS 'Equity assessments of budget requests, one per request of a fiscal year''s phase (budgetlens assess); the request''s classification and amount copied at creation.';
COMMENT ON COLUMN assessments.id IS 'assessment id (as assess ls lists it)';
COMMENT ON COLUMN assessments.jurisdiction IS 'jurisdiction id';
COMMENT ON COLUMN assessments.fy_start IS 'calendar year the fiscal year starts in (2024 = FY2024-25)';
COMMENT ON COLUMN assessments.phase IS 'budget phase of the request: proposed or adopted';
COMMENT ON COLUMN assessments.request_key IS 'key of the budget request assessed, unique within the year and phase';
COMMENT ON COLUMN assessments.dept_code IS 'department code of the request';
COMMENT ON COLUMN assessments.dept_name IS 'department name';
COMMENT ON COLUMN assessments.prog_code IS 'program code of the request';
COMMENT ON COLUMN assessments.prog_name IS 'program name';
COMMENT ON COLUMN assessments.description IS 'the request''s description as published';
COMMENT ON COLUMN assessments.category IS 'the request''s category as published';
COMMENT ON COLUMN assessments.amount_cents IS 'the request''s change in the phase, in cents (0 when the source left it empty)';
COMMENT ON COLUMN assessments.template IS 'template of questions used (equity-full or equity-short)';
COMMENT ON COLUMN assessments.template_version IS 'version of that template';
COMMENT ON COLUMN assessments.status IS 'draft, submitted, in_review, scored or decision';
COMMENT ON COLUMN assessments.decision IS 'recommended, funded or not_funded once decided (empty before)';
COMMENT ON COLUMN assessments.due IS 'due date, YYYY-MM-DD (empty when none)';
COMMENT ON COLUMN assessments.reviewers_json IS 'reviewers'' user names, a JSON array';
COMMENT ON COLUMN assessments.answers_json IS 'answers by question id, a JSON object';
COMMENT ON COLUMN assessments.reviews_json IS 'each reviewer''s rubric levels, a JSON array';
COMMENT ON COLUMN assessments.comments_json IS 'comments (author, time, text), a JSON array';
COMMENT ON COLUMN assessments.version IS 'number of changes from 1; a change names the version it was made on';
COMMENT ON COLUMN assessments.audit_seq IS 'audit_log.seq of the last change';
COMMENT ON COLUMN assessments.created_at IS 'when the assessment was created (UTC)';
COMMENT ON COLUMN assessments.updated_at IS 'when it last changed (UTC)';

COMMENT ON TABLE assessment_locks IS 'Closed review cycles: a fiscal year''s phase whose assessments can no longer change (budgetlens assess lock).';
COMMENT ON COLUMN assessment_locks.jurisdiction IS 'jurisdiction id';
COMMENT ON COLUMN assessment_locks.fy_start IS 'calendar year the fiscal year starts in (2024 = FY2024-25)';
COMMENT ON COLUMN assessment_locks.phase IS 'budget phase: proposed or adopted';
COMMENT ON COLUMN assessment_locks.actor IS 'who locked it';
COMMENT ON COLUMN assessment_locks.locked_at IS 'when (UTC)';
COMMENT ON COLUMN assessment_locks.audit_seq IS 'audit_log.seq of the lock';

COMMENT ON TABLE assessment_files IS 'Evidence files uploaded for assessments, kept in the store with their SHA-256.';
COMMENT ON COLUMN assessment_files.id IS 'file id';
COMMENT ON COLUMN assessment_files.assessment_id IS 'assessments.id the file belongs to';
COMMENT ON COLUMN assessment_files.name IS 'file name as uploaded';
COMMENT ON COLUMN assessment_files.media_type IS 'media type recognised from the content (not the name)';
COMMENT ON COLUMN assessment_files.size IS 'size in bytes';
COMMENT ON COLUMN assessment_files.sha256 IS 'SHA-256 (hex) of the bytes, as the audit entry of the upload records';
COMMENT ON COLUMN assessment_files.data IS 'the file''s bytes';
COMMENT ON COLUMN assessment_files.actor IS 'who uploaded it';
COMMENT ON COLUMN assessment_files.added_at IS 'when (UTC)';
COMMENT ON COLUMN assessment_files.audit_seq IS 'audit_log.seq of the upload';
