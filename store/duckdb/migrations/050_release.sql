-- Release state of budget phases (docs/web.md, "Embargo"). A phase
-- (jurisdiction, fiscal year, phase) with stored rows is held until it is
-- released: no event means held. Every release or hold is appended here
-- with who, when (UTC) and why; the current state is the latest event.
CREATE TABLE IF NOT EXISTS phase_release_events (
    id           BIGINT NOT NULL,
    jurisdiction VARCHAR NOT NULL,
    fy_start     INTEGER NOT NULL,
    phase        VARCHAR NOT NULL,
    released     BOOLEAN NOT NULL,
    actor        VARCHAR NOT NULL,
    changed_at   TIMESTAMP NOT NULL,
    note         VARCHAR NOT NULL DEFAULT ''
);
CREATE SEQUENCE IF NOT EXISTS phase_release_ids START 1;
