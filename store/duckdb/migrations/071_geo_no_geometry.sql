-- Layers of areas without boundaries (geo.ReadTable; budgetlens geo import
-- --no-geometry): a plain table of ids, names, populations and attributes.
-- Their areas have neither geom nor lon/lat.
ALTER TABLE geo_layers ADD COLUMN IF NOT EXISTS no_geometry BOOLEAN DEFAULT false;
