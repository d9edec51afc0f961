-- Settings (mirrors store/duckdb/migrations/002_settings.sql): small named
-- values that describe the store itself, such as the city profile (YAML)
-- the store was built with. Values are kept byte for byte.
CREATE TABLE IF NOT EXISTS settings (
    key        text PRIMARY KEY,
    value      bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
