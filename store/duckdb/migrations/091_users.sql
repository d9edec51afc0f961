-- Users and sessions (docs/assess.md, "Users and roles"). Passwords are
-- argon2id hashes (PHC strings); sessions are kept by the SHA-256 of their
-- token only. audit_seq is the audit entry of the user's last change.
CREATE TABLE IF NOT EXISTS users (
    name          VARCHAR PRIMARY KEY,
    role          VARCHAR NOT NULL,
    department    VARCHAR NOT NULL DEFAULT '',
    password_hash VARCHAR NOT NULL DEFAULT '',
    subject       VARCHAR NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT false,
    created_at    TIMESTAMP NOT NULL,
    audit_seq     BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash VARCHAR PRIMARY KEY,
    user_name  VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
