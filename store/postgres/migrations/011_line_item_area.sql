-- Area codes carried by a budget row itself (a district or ward column) and
-- the layer whose area ids they are (mirrors
-- store/duckdb/migrations/011_line_item_area.sql). NULL: the row has none.
-- The view is recreated so that it shows the new columns (PostgreSQL fixes
-- a view's columns when it is created; new ones may only be added last).
ALTER TABLE line_items ADD COLUMN IF NOT EXISTS area_code text;
ALTER TABLE line_items ADD COLUMN IF NOT EXISTS area_layer text;
CREATE OR REPLACE VIEW current_line_items AS
    SELECT l.* FROM line_items l JOIN budget_slices s ON s.id = l.slice_id WHERE s.superseded_by IS NULL;
