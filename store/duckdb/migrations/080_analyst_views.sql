-- Views for analysts (issue 15; docs/sql.md). They speak the CLI's names
-- (department, source_fund, fiscal_year "2021-22", run) instead of the
-- tables' (dept, sfund, fy_start 2021, need_run), hold only current rows,
-- and keep dollars and positions apart: amount is DECIMAL(18,2) dollars
-- exact to the cent for kinds expenditure and revenue and NULL for kind
-- positions, whose count (up to 4 decimals, 0.4841 of a position) is in
-- positions; unit says which ("USD" or "positions").
--
-- The fiscal year's label follows budget.FiscalYear.Label: "2021-22" for a
-- year starting in any month but January, "2021" for a calendar year.

CREATE OR REPLACE MACRO bl_fiscal_year(fy_start, start_month) AS
    CASE WHEN coalesce(start_month, 7) = 1 THEN CAST(fy_start AS VARCHAR)
         ELSE CAST(fy_start AS VARCHAR) || '-' || lpad(CAST((fy_start + 1) % 100 AS VARCHAR), 2, '0') END;

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
    CASE WHEN l.kind = 'positions' THEN NULL
         ELSE CAST(CAST(l.amount_cents AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) END AS amount,
    CASE WHEN l.kind = 'positions'
         THEN CAST(CAST(l.amount_cents AS DECIMAL(18,0)) * 0.0001 AS DECIMAL(18,4)) END AS positions,
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
    CAST(sum(amount) AS DECIMAL(18,2)) AS amount,
    CAST(sum(positions) AS DECIMAL(18,4)) AS positions
FROM v_line_items
GROUP BY jurisdiction, fiscal_year, phase, kind, unit, department_code, department;

CREATE OR REPLACE VIEW v_analysis_areas AS
WITH a AS (
    SELECT id, jurisdiction, fiscal_year, phase, layer, need_run,
           unnest(json_extract(result, '$.areas[*]')) AS r
    FROM analyses
)
SELECT
    a.id AS analysis_id,
    a.jurisdiction,
    CASE WHEN a.fiscal_year LIKE 'FY%' THEN substr(a.fiscal_year, 3) ELSE a.fiscal_year END AS fiscal_year,
    a.phase,
    a.layer,
    a.need_run AS run,
    r->>'area_id' AS area_id,
    r->>'name' AS area,
    CAST(r->>'population' AS DOUBLE) AS residents,
    CAST(r->>'amount' AS DECIMAL(18,2)) AS amount,
    CAST(r->>'per_capita' AS DOUBLE) AS per_resident,
    CAST(r->>'need_score' AS DOUBLE) AS need_score,
    CAST(r->>'need_tier' AS INTEGER) AS need_tier,
    r->>'need_tier_label' AS need_tier_label,
    CAST(r->>'spend_share' AS DOUBLE) AS dollar_share,
    CAST(r->>'pop_share' AS DOUBLE) AS resident_share,
    CAST(r->>'gap' AS DOUBLE) AS share_gap,
    CAST(r->>'per_capita_gap' AS DOUBLE) AS per_resident_gap,
    CAST(r->>'designated_pop_share' AS DOUBLE) AS designated_resident_share,
    CAST(r->>'small_areas' AS INTEGER) AS small_areas,
    r->>'lisa_cluster' AS lisa_cluster,
    CAST(r->>'service_requests' AS BIGINT) AS service_requests
FROM a;
