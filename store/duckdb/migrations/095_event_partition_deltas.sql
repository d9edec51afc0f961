-- The changes imports made to a month's requests since its partition was
-- last written whole (docs/measures.md, "How events are stored"). A daily
-- import writes the rows it added or changed here instead of rewriting
-- its months in event_partitions: in DuckDB a table's row group is
-- rewritten whole at a checkpoint, so every write to event_partitions
-- would rewrite every month's blob. A month's deltas are folded into
-- event_partitions when they grow (measures.Fold). The PostgreSQL store's
-- 095 is the same.
CREATE TABLE IF NOT EXISTS event_partition_deltas (
    month   INTEGER NOT NULL,             -- year*12 + month - 1 of creation
    import_id BIGINT NOT NULL,             -- the write's number (event_import_ids): deltas apply in this order
    events  BIGINT NOT NULL,              -- rows in data
    data    BLOB NOT NULL,                -- rows added or changed: measures.Partition.Encode
    removed BLOB NOT NULL,                -- request numbers (seq) that left the month: measures.EncodeRemoved
    summary BLOB NOT NULL,                -- the change of the month's summary: measures.Summary.Encode (counts may be negative)
    PRIMARY KEY (month, import_id)
);
COMMENT ON TABLE event_partition_deltas IS 'Changes of a month''s service requests since its partition (event_partitions) was last written whole: rows added or changed, requests that left the month, the summary''s change. Internal to budgetlens; analysts: use service_requests.';
COMMENT ON COLUMN event_partition_deltas.month IS 'the month of creation (year*12 + month - 1)';
COMMENT ON COLUMN event_partition_deltas.import_id IS 'the number of the write (event_import_ids): a month''s deltas apply in this order';
COMMENT ON COLUMN event_partition_deltas.events IS 'rows added or changed';
COMMENT ON COLUMN event_partition_deltas.data IS 'the rows added or changed, encoded as event_partitions.data (measures.Partition)';
COMMENT ON COLUMN event_partition_deltas.removed IS 'the numbers (seq) of requests that left the month (measures.EncodeRemoved)';
COMMENT ON COLUMN event_partition_deltas.summary IS 'the change of the month''s summary (measures.Summary; counts may be negative)';
