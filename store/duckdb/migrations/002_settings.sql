-- Settings: small named values that describe the store itself, such as the
-- city profile (YAML) the store was built with.
CREATE TABLE IF NOT EXISTS settings (
    key        VARCHAR PRIMARY KEY,
    value      BLOB NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
