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
