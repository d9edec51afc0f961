-- Users and sessions (docs/assess.md, "Users and roles"; mirrors
-- store/duckdb/migrations/091_users.sql). Passwords are argon2id hashes
-- (PHC strings); sessions are kept by the SHA-256 of their token only.
-- audit_seq is the audit entry of the user's last change.
CREATE TABLE IF NOT EXISTS users (
    name          text PRIMARY KEY,
    role          text NOT NULL,
    department    text NOT NULL DEFAULT '',
    password_hash text NOT NULL DEFAULT '',
    subject       text NOT NULL DEFAULT '',
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    audit_seq     bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS users_subject ON users (subject) WHERE subject <> '';
CREATE TABLE IF NOT EXISTS sessions (
    token_hash text PRIMARY KEY,
    user_name  text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
COMMENT ON TABLE users IS 'People who may sign in to the internal server, with their role';
COMMENT ON COLUMN users.name IS 'User name (unique)';
COMMENT ON COLUMN users.role IS 'Role: admin, analyst, reviewer, submitter, council or public (docs/assess.md)';
COMMENT ON COLUMN users.department IS 'A submitter''s department code, as the budget writes it';
COMMENT ON COLUMN users.password_hash IS 'argon2id hash (PHC string) of the password; empty for single sign-on accounts';
COMMENT ON COLUMN users.subject IS 'OpenID Connect issuer|subject linked to the user, empty when none';
COMMENT ON COLUMN users.disabled IS 'True when the user may no longer sign in';
COMMENT ON COLUMN users.created_at IS 'When the user was added';
COMMENT ON COLUMN users.audit_seq IS 'The audit_log entry of the user''s last change';
COMMENT ON TABLE sessions IS 'Signed-in sessions of the internal server, by the SHA-256 of their token (never the token)';
COMMENT ON COLUMN sessions.token_hash IS 'SHA-256 (hex) of the session token';
COMMENT ON COLUMN sessions.user_name IS 'The signed-in user';
COMMENT ON COLUMN sessions.created_at IS 'When the session began';
COMMENT ON COLUMN sessions.expires_at IS 'When the session ends';
