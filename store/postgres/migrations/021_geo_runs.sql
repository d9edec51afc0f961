-- Provenance of stored layers: the import run (import_runs, kind 'geo') and
-- the sha256 of the file each layer was read from.
ALTER TABLE geo_layers ADD COLUMN IF NOT EXISTS content_hash text DEFAULT '';
ALTER TABLE geo_layers ADD COLUMN IF NOT EXISTS import_run bigint;
