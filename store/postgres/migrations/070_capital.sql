-- Capital plans (mirrors store/duckdb/migrations/070_capital.sql; package
-- capital/projects; docs/capital.md). A plan is a named project list read
-- from one file; each project has its cost per year (one row per year in
-- capital_project_costs, year '' for a single total), its place (a PostGIS
-- geometry in SRID 4326, area ids of the plan's area layer, citywide or
-- none) and its other columns as a JSON object of text. The JSON columns
-- are text, not jsonb, so that they read back byte for byte as written.
CREATE TABLE IF NOT EXISTS capital_plans (
    name        text PRIMARY KEY,
    source      text NOT NULL,
    sha256      text NOT NULL,
    years       text NOT NULL DEFAULT '[]',    -- JSON array of year labels
    area_layer  text NOT NULL DEFAULT '',
    mapping     text NOT NULL DEFAULT '{}',    -- JSON: how the file was read
    columns     text NOT NULL DEFAULT '[]',    -- JSON array: headings kept in attrs
    skipped     text NOT NULL DEFAULT '[]',    -- JSON array: rows left out for want of a cost
    imported_at timestamptz NOT NULL,
    import_run  bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS capital_projects (
    plan        text NOT NULL,
    pos         integer NOT NULL,              -- order in the file
    id          text NOT NULL,
    line        integer NOT NULL,
    name        text NOT NULL,
    category    text NOT NULL,
    total       numeric(18,2) NOT NULL,        -- dollars, all years
    place_kind  text NOT NULL,                 -- geometry, areas, citywide, none
    place_text  text NOT NULL,
    areas       text NOT NULL DEFAULT '[]',    -- JSON array of area ids
    geom        geometry(Geometry, 4326),      -- points, lines or polygons, WGS84 lon/lat
    geom_input  bytea,                         -- WKB of a place PostGIS cannot parse (a ring not closed, too few points); geom is then NULL
    attrs       text NOT NULL DEFAULT '{}',
    PRIMARY KEY (plan, id)
);
CREATE INDEX IF NOT EXISTS capital_projects_geom ON capital_projects USING gist (geom);
CREATE TABLE IF NOT EXISTS capital_project_costs (
    plan     text NOT NULL,
    project  text NOT NULL,
    year_pos integer NOT NULL,
    year     text NOT NULL,                    -- '' when projects have one total
    cents    bigint NOT NULL,
    amount   numeric(18,2) NOT NULL,           -- the same in dollars, for SQL users
    PRIMARY KEY (plan, project, year_pos)
);
-- Saved scenarios: the optimiser's model and plan (JSON of capital.Model
-- and capital.Result) with the constraints in words and the equity figures.
CREATE SEQUENCE IF NOT EXISTS capital_scenario_seq START 1;
CREATE TABLE IF NOT EXISTS capital_scenarios (
    plan      text NOT NULL,
    name      text NOT NULL,
    seq       bigint NOT NULL,
    saved_at  timestamptz NOT NULL,
    saved_by  text NOT NULL,
    note      text NOT NULL DEFAULT '',
    settings  text NOT NULL,                   -- JSON array of strings
    model     text NOT NULL,
    result    text NOT NULL,
    equity    text NOT NULL,
    PRIMARY KEY (plan, name)
);
-- Release state of plans, as phase_release_events for budget phases: held
-- until released; the latest event is the state.
CREATE SEQUENCE IF NOT EXISTS capital_release_ids START 1;
CREATE TABLE IF NOT EXISTS capital_release_events (
    id         bigint PRIMARY KEY,
    plan       text NOT NULL,
    released   boolean NOT NULL,
    actor      text NOT NULL,
    changed_at timestamptz NOT NULL,
    note       text NOT NULL DEFAULT ''
);
