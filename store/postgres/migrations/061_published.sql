-- Measures published by area (measures.PublishedSet; mirrors
-- store/duckdb/migrations/061_published.sql): values keyed by the
-- publisher's area codes and months, carried to any layer when measured.
CREATE TABLE IF NOT EXISTS published_sets (
    name         text PRIMARY KEY,
    source_file  text NOT NULL,
    content_hash text NOT NULL,
    format       text NOT NULL,
    area_layer   text NOT NULL,
    derived      boolean NOT NULL,
    note         text NOT NULL,
    department   text NOT NULL,
    checks       text NOT NULL,        -- JSON array of what the import verified (text: read back as written)
    imported_at  timestamptz NOT NULL,
    version      text NOT NULL
);
CREATE TABLE IF NOT EXISTS published_measures (
    set_name  text NOT NULL,
    pos       integer NOT NULL,
    measure   text NOT NULL,
    name      text NOT NULL,
    unit      text NOT NULL,
    better    text NOT NULL,
    kind      text NOT NULL,           -- mean or count
    weight_of text NOT NULL,
    PRIMARY KEY (set_name, measure)
);
CREATE TABLE IF NOT EXISTS published_values (
    set_name text NOT NULL,
    measure  text NOT NULL,
    area_key text NOT NULL,            -- the publisher's area code as written
    month    integer NOT NULL,         -- first month, year*12 + month - 1
    months   integer NOT NULL,
    value    double precision NOT NULL,
    line     integer NOT NULL
);
CREATE INDEX IF NOT EXISTS published_values_set ON published_values (set_name, line);
