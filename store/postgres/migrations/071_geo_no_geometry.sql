-- Layers of areas without boundaries (mirrors
-- store/duckdb/migrations/071_geo_no_geometry.sql; geo.ReadTable; budgetlens
-- geo import --no-geometry): a plain table of ids, names, populations and
-- attributes. Their areas have neither geom nor lon/lat.
ALTER TABLE geo_layers ADD COLUMN IF NOT EXISTS no_geometry boolean NOT NULL DEFAULT false;
