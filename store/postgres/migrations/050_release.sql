-- Release state of budget phases (mirrors store/duckdb/migrations/050_release.sql;
-- docs/web.md, "Embargo"). A phase (jurisdiction, fiscal year, phase) with
-- stored rows is held until it is released: no event means held. Every
-- release or hold is appended with who, when (UTC) and why; the current
-- state is the latest event. Rows are never updated or deleted, so the
-- count and the largest id tell a reader whether anything changed
-- (ReleaseVersion).
CREATE TABLE IF NOT EXISTS phase_release_events (
    id           bigint PRIMARY KEY,
    jurisdiction text NOT NULL,
    fy_start     integer NOT NULL,
    phase        text NOT NULL,
    released     boolean NOT NULL,
    actor        text NOT NULL,
    changed_at   timestamptz NOT NULL,
    note         text NOT NULL DEFAULT ''
);
CREATE SEQUENCE IF NOT EXISTS phase_release_ids START 1;
