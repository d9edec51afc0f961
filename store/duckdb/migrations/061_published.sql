-- Measures published by area (measures.PublishedSet): values keyed by the
-- publisher's area codes and months, carried to any layer when measured.
CREATE TABLE IF NOT EXISTS published_sets (
    name         VARCHAR PRIMARY KEY,
    source_file  VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    format       VARCHAR NOT NULL,
    area_layer   VARCHAR NOT NULL,
    derived      BOOLEAN NOT NULL,
    note         VARCHAR NOT NULL,
    department   VARCHAR NOT NULL,
    checks       VARCHAR NOT NULL,     -- JSON array of what the import verified
    imported_at  TIMESTAMP NOT NULL,
    version      VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS published_measures (
    set_name  VARCHAR NOT NULL,
    pos       INTEGER NOT NULL,
    measure   VARCHAR NOT NULL,
    name      VARCHAR NOT NULL,
    unit      VARCHAR NOT NULL,
    better    VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,        -- mean or count
    weight_of VARCHAR NOT NULL,
    PRIMARY KEY (set_name, measure)
);
CREATE TABLE IF NOT EXISTS published_values (
    set_name VARCHAR NOT NULL,
    measure  VARCHAR NOT NULL,
    area_key VARCHAR NOT NULL,         -- the publisher's area code as written
    month    INTEGER NOT NULL,         -- first month, year*12 + month - 1
    months   INTEGER NOT NULL,
    value    DOUBLE NOT NULL,
    line     INTEGER NOT NULL
);
