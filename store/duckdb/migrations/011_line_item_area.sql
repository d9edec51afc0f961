-- Area codes carried by a budget row itself (a district or ward column) and
-- the layer whose area ids they are. Attribution places such rows by their
-- own codes before any rule.
ALTER TABLE line_items ADD COLUMN IF NOT EXISTS area_code VARCHAR;
ALTER TABLE line_items ADD COLUMN IF NOT EXISTS area_layer VARCHAR;
CREATE OR REPLACE VIEW current_line_items AS
    SELECT l.* FROM line_items l JOIN budget_slices s ON s.id = l.slice_id WHERE s.superseded_by IS NULL;
