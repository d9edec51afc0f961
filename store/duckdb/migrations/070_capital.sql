-- Capital plans (package capital/projects; docs/capital.md). A plan is a
-- named project list read from one file; each project has its cost per year
-- (one row per year in capital_project_costs, year '' for a single total),
-- its place (a WKB geometry, area ids of the plan's area layer, citywide or
-- none) and its other columns as a JSON object of text.
CREATE TABLE IF NOT EXISTS capital_plans (
    name        VARCHAR PRIMARY KEY,
    source      VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    years       VARCHAR NOT NULL DEFAULT '[]',  -- JSON array of year labels
    area_layer  VARCHAR NOT NULL DEFAULT '',
    mapping     VARCHAR NOT NULL DEFAULT '{}',  -- JSON: how the file was read
    columns     VARCHAR NOT NULL DEFAULT '[]',  -- JSON array: headings kept in attrs
    skipped     VARCHAR NOT NULL DEFAULT '[]',  -- JSON array: rows left out for want of a cost
    imported_at TIMESTAMP NOT NULL,
    import_run  BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS capital_projects (
    plan        VARCHAR NOT NULL,
    pos         INTEGER NOT NULL,               -- order in the file
    id          VARCHAR NOT NULL,
    line        INTEGER NOT NULL,
    name        VARCHAR NOT NULL,
    category    VARCHAR NOT NULL,
    total       DECIMAL(18,2) NOT NULL,         -- dollars, all years
    place_kind  VARCHAR NOT NULL,               -- geometry, areas, citywide, none
    place_text  VARCHAR NOT NULL,
    areas       VARCHAR NOT NULL DEFAULT '[]',  -- JSON array of area ids
    geom        BLOB,                           -- WKB, WGS84 lon/lat
    attrs       VARCHAR NOT NULL DEFAULT '{}',
    PRIMARY KEY (plan, id)
);
CREATE TABLE IF NOT EXISTS capital_project_costs (
    plan     VARCHAR NOT NULL,
    project  VARCHAR NOT NULL,
    year_pos INTEGER NOT NULL,
    year     VARCHAR NOT NULL,                  -- '' when projects have one total
    cents    BIGINT NOT NULL,
    amount   DECIMAL(18,2) NOT NULL,            -- the same in dollars, for SQL users
    PRIMARY KEY (plan, project, year_pos)
);
-- Saved scenarios: the optimiser's model and plan (JSON of capital.Model
-- and capital.Result) with the constraints in words and the equity figures.
CREATE TABLE IF NOT EXISTS capital_scenarios (
    plan      VARCHAR NOT NULL,
    name      VARCHAR NOT NULL,
    seq       BIGINT NOT NULL,
    saved_at  TIMESTAMP NOT NULL,
    saved_by  VARCHAR NOT NULL,
    note      VARCHAR NOT NULL DEFAULT '',
    settings  VARCHAR NOT NULL,                 -- JSON array of strings
    model     VARCHAR NOT NULL,
    result    VARCHAR NOT NULL,
    equity    VARCHAR NOT NULL,
    PRIMARY KEY (plan, name)
);
CREATE SEQUENCE IF NOT EXISTS capital_scenario_seq START 1;
-- Release state of plans, as phase_release_events for budget phases: held
-- until released; the latest event is the state.
CREATE TABLE IF NOT EXISTS capital_release_events (
    id         BIGINT NOT NULL,
    plan       VARCHAR NOT NULL,
    released   BOOLEAN NOT NULL,
    actor      VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    note       VARCHAR NOT NULL DEFAULT ''
);
CREATE SEQUENCE IF NOT EXISTS capital_release_ids START 1;
