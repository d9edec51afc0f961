-- The change log (PostgreSQL only): every write transaction of budgetlens
-- appends one row, in the transaction, so that readers that keep what they
-- read (the public view's release state, the server's answers) can tell
-- cheaply whether anything changed since: the number of rows and the
-- largest id (StoreVersion). Appends never wait for each other. The DuckDB
-- store needs no table: no other process can write while it is open.
CREATE SEQUENCE IF NOT EXISTS store_change_ids START 1;
CREATE TABLE IF NOT EXISTS store_changes (
    id         bigint PRIMARY KEY DEFAULT nextval('store_change_ids'),
    changed_at timestamptz NOT NULL DEFAULT now()
);
