-- Views for analysts (mirrors store/duckdb/migrations/080_analyst_views.sql;
-- docs/sql.md): the same names, columns and values, NUMERIC where DuckDB
-- has DECIMAL, and bl_fiscal_year as an SQL function where DuckDB has a
-- macro. They speak the CLI's names (department, source_fund, fiscal_year
-- "2021-22", run) instead of the tables' (dept, sfund, fy_start 2021,
-- need_run), hold only current rows, and keep dollars and positions apart:
-- amount is NUMERIC(18,2) dollars exact to the cent for kinds expenditure
-- and revenue and NULL for kind positions, whose count (up to 4 decimals)
-- is in positions; unit says which ("USD" or "positions").
--
-- The fiscal year's label follows budget.FiscalYear.Label: "2021-22" for a
-- year starting in any month but January, "2021" for a calendar year.

CREATE OR REPLACE FUNCTION bl_fiscal_year(fy_start integer, start_month integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN coalesce(start_month, 7) = 1 THEN fy_start::text
                ELSE fy_start::text || '-' || lpad(((fy_start + 1) % 100)::text, 2, '0') END
$$;

CREATE OR REPLACE VIEW v_line_items AS
SELECT
    l.jurisdiction,
    bl_fiscal_year(l.fy_start, j.start_month) AS fiscal_year,
    l.phase,
    l.kind,
    l.dept_code     AS department_code,
    l.dept_name     AS department,
    l.org_code      AS org_unit_code,
    l.org_name      AS org_unit,
    l.prog_code     AS program_code,
    l.prog_name     AS program,
    l.fund_code,
    l.fund_name     AS fund,
    l.sfund_code    AS source_fund_code,
    l.sfund_name    AS source_fund,
    l.account_code,
    l.account_name  AS account,
    l.function_code,
    l.function_name AS function,
    (CASE WHEN l.kind = 'positions' THEN NULL
          ELSE l.amount_cents::numeric(18,0) * 0.01 END)::numeric(18,2) AS amount,
    (CASE WHEN l.kind = 'positions'
          THEN l.amount_cents::numeric(18,0) * 0.0001 END)::numeric(18,4) AS positions,
    CASE WHEN l.kind = 'positions' THEN 'positions' ELSE 'USD' END AS unit,
    l.nat_key       AS key,
    l.area_code     AS area,
    l.area_layer,
    l.line          AS source_line,
    l.fy_start
FROM current_line_items l
LEFT JOIN (SELECT id, min(start_month) AS start_month FROM budget_jurisdictions GROUP BY id) j
    ON j.id = l.jurisdiction;

CREATE OR REPLACE VIEW v_totals AS
SELECT
    jurisdiction, fiscal_year, phase, kind, unit,
    department_code, department,
    count(*) AS line_items,
    sum(amount)::numeric(18,2) AS amount,
    sum(positions)::numeric(18,4) AS positions
FROM v_line_items
GROUP BY jurisdiction, fiscal_year, phase, kind, unit, department_code, department;

CREATE OR REPLACE VIEW v_analysis_areas AS
SELECT
    a.id AS analysis_id,
    a.jurisdiction,
    CASE WHEN a.fiscal_year LIKE 'FY%' THEN substr(a.fiscal_year, 3) ELSE a.fiscal_year END AS fiscal_year,
    a.phase,
    a.layer,
    a.need_run AS run,
    r->>'area_id' AS area_id,
    r->>'name' AS area,
    (r->>'population')::double precision AS residents,
    (r->>'amount')::numeric(18,2) AS amount,
    (r->>'per_capita')::double precision AS per_resident,
    (r->>'need_score')::double precision AS need_score,
    (r->>'need_tier')::integer AS need_tier,
    r->>'need_tier_label' AS need_tier_label,
    (r->>'spend_share')::double precision AS dollar_share,
    (r->>'pop_share')::double precision AS resident_share,
    (r->>'gap')::double precision AS share_gap,
    (r->>'per_capita_gap')::double precision AS per_resident_gap,
    (r->>'designated_pop_share')::double precision AS designated_resident_share,
    (r->>'small_areas')::integer AS small_areas,
    r->>'lisa_cluster' AS lisa_cluster,
    (r->>'service_requests')::bigint AS service_requests
FROM analyses a
CROSS JOIN LATERAL json_array_elements(CASE WHEN json_typeof(a.result->'areas') = 'array' THEN a.result->'areas' ELSE '[]'::json END) AS r;
