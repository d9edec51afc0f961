-- Comments on the tables and view of service requests (060) and published
-- measures (061), which came to main beside migration 081 and so were left
-- without in the DuckDB store (docs/sql.md, docs/measures.md); the same
-- words as its 082.

COMMENT ON TABLE event_imports IS 'One row per import of service requests (budgetlens events import): the file, what it added, updated and left out, and the period it covers.';
COMMENT ON COLUMN event_imports.id IS 'event import id';
COMMENT ON COLUMN event_imports.source_file IS 'the file read (its path as given)';
COMMENT ON COLUMN event_imports.content_hash IS 'sha256 of the file''s bytes (as sha256sum prints it)';
COMMENT ON COLUMN event_imports.schema_name IS 'how the file was read: myla311, open311, a column-mapping profile ...';
COMMENT ON COLUMN event_imports.rows_read IS 'data rows read';
COMMENT ON COLUMN event_imports.added IS 'requests new to the store';
COMMENT ON COLUMN event_imports.updated IS 'stored requests the file changed (same request number, new content)';
COMMENT ON COLUMN event_imports.unchanged IS 'stored requests the file repeated unchanged';
COMMENT ON COLUMN event_imports.duplicates IS 'rows repeating a request number within the file (the last kept)';
COMMENT ON COLUMN event_imports.bad_rows IS 'rows left out as unreadable (the import report names them)';
COMMENT ON COLUMN event_imports.synthetic IS 'synthetic requests among those stored (labelled; never real)';
COMMENT ON COLUMN event_imports.closed_early IS 'requests whose closing time was before their creation (kept, closing time dropped)';
COMMENT ON COLUMN event_imports.first_created IS 'earliest creation time in the file (clock time as written)';
COMMENT ON COLUMN event_imports.last_created IS 'latest creation time in the file (clock time as written)';
COMMENT ON COLUMN event_imports.coverage IS 'the period the file covers, in words';
COMMENT ON COLUMN event_imports.imported_at IS 'when the import ran (UTC)';
COMMENT ON COLUMN event_imports.version IS 'budgetlens version that imported it';

COMMENT ON TABLE event_names IS 'The names behind the small numbers of events (request types, agencies, sources, statuses). Analysts: use service_requests.';
COMMENT ON COLUMN event_names.kind IS 'type, agency, source or status';
COMMENT ON COLUMN event_names.id IS 'the number events and the partitions keep (0 is no name)';
COMMENT ON COLUMN event_names.name IS 'the name as the source writes it, e.g. Bulky Items';

COMMENT ON TABLE events IS 'Service requests, one row per request number as last imported, names as numbers. Analysts: use service_requests (names joined).';
COMMENT ON COLUMN events.seq IS 'number in the store, in order of first import';
COMMENT ON COLUMN events.request_id IS 'the source''s request number (MyLA311 SRNumber, Open311 service_request_id): the key of repeated imports';
COMMENT ON COLUMN events.type_id IS 'request type (event_names kind type)';
COMMENT ON COLUMN events.agency_id IS 'agency that owns the request (event_names kind agency)';
COMMENT ON COLUMN events.source_id IS 'how it was reported: call, app, ... (event_names kind source)';
COMMENT ON COLUMN events.status_id IS 'status as last imported (event_names kind status)';
COMMENT ON COLUMN events.flags IS 'bit 1: closed by an update (closing time from a later import); bit 2: synthetic';
COMMENT ON COLUMN events.created IS 'when the request was made (clock time as written, no zone)';
COMMENT ON COLUMN events.closed IS 'when it was closed (clock time as written); NULL while open';
COMMENT ON COLUMN events.lon IS 'longitude, WGS84 degrees; NULL when the source gives no point';
COMMENT ON COLUMN events.lat IS 'latitude, WGS84 degrees; NULL when the source gives no point';
COMMENT ON COLUMN events.address IS 'address as written';
COMMENT ON COLUMN events.cd IS 'council district code the source gives';
COMMENT ON COLUMN events.nc IS 'neighborhood council code the source gives';
COMMENT ON COLUMN events.nc_name IS 'neighborhood council name the source gives';

COMMENT ON TABLE event_partitions IS 'Per calendar month of creation, the compact state measures are computed from: every request''s numbers, times and place in each stored layer (encoded), and the month''s summary for the backlog. budgetlens measures reads them.';
COMMENT ON COLUMN event_partitions.month IS 'month of creation as year*12 + month - 1';
COMMENT ON COLUMN event_partitions.events IS 'requests in the month';
COMMENT ON COLUMN event_partitions.data IS 'the partition, encoded (measures.Partition): binary, read through budgetlens';
COMMENT ON COLUMN event_partitions.summary IS 'the month''s summary, encoded (measures.Summary): binary, read through budgetlens';

COMMENT ON VIEW service_requests IS 'Service requests with their names: one row per request number as last imported.';
COMMENT ON COLUMN service_requests.seq IS 'number in the store, in order of first import';
COMMENT ON COLUMN service_requests.request_id IS 'the source''s request number (MyLA311 SRNumber)';
COMMENT ON COLUMN service_requests.request_type IS 'request type, e.g. Bulky Items';
COMMENT ON COLUMN service_requests.agency IS 'agency that owns the request';
COMMENT ON COLUMN service_requests.source IS 'how it was reported';
COMMENT ON COLUMN service_requests.status IS 'status as last imported';
COMMENT ON COLUMN service_requests.created IS 'when the request was made (clock time as written)';
COMMENT ON COLUMN service_requests.closed IS 'when it was closed; NULL while open';
COMMENT ON COLUMN service_requests.closed_by_update IS 'true when the closing time came from a later import';
COMMENT ON COLUMN service_requests.lon IS 'longitude, WGS84 degrees';
COMMENT ON COLUMN service_requests.lat IS 'latitude, WGS84 degrees';
COMMENT ON COLUMN service_requests.address IS 'address as written';
COMMENT ON COLUMN service_requests.cd IS 'council district code the source gives';
COMMENT ON COLUMN service_requests.nc IS 'neighborhood council code the source gives';
COMMENT ON COLUMN service_requests.nc_name IS 'neighborhood council name the source gives';
COMMENT ON COLUMN service_requests.synthetic IS 'true for synthetic requests (labelled; never real)';

COMMENT ON TABLE published_sets IS 'Measures a department publishes by area (budgetlens measures import-published), one row per set.';
COMMENT ON COLUMN published_sets.name IS 'set name, e.g. lafd';
COMMENT ON COLUMN published_sets.source_file IS 'the file read (its path as given)';
COMMENT ON COLUMN published_sets.content_hash IS 'sha256 of the file''s bytes';
COMMENT ON COLUMN published_sets.format IS 'how the file was read, e.g. lafd-response-metrics';
COMMENT ON COLUMN published_sets.area_layer IS 'the layer whose area codes the publisher uses';
COMMENT ON COLUMN published_sets.derived IS 'true when values were derived from the file (e.g. seconds to minutes), not copied';
COMMENT ON COLUMN published_sets.note IS 'what the publisher says of the figures';
COMMENT ON COLUMN published_sets.department IS 'publishing department';
COMMENT ON COLUMN published_sets.checks IS 'JSON array of what the import verified (e.g. yearly totals agree)';
COMMENT ON COLUMN published_sets.imported_at IS 'when it was imported (UTC)';
COMMENT ON COLUMN published_sets.version IS 'budgetlens version that imported it';

COMMENT ON TABLE published_measures IS 'The measures of each published set, in the file''s order.';
COMMENT ON COLUMN published_measures.set_name IS 'published_sets.name';
COMMENT ON COLUMN published_measures.pos IS 'order in the set';
COMMENT ON COLUMN published_measures.measure IS 'measure id, e.g. ems_travel_minutes';
COMMENT ON COLUMN published_measures.name IS 'measure name for people';
COMMENT ON COLUMN published_measures.unit IS 'unit of its values, e.g. minutes';
COMMENT ON COLUMN published_measures.better IS 'which way is better: higher, lower or empty';
COMMENT ON COLUMN published_measures.kind IS 'mean (averaged by weight_of when carried to other areas) or count (added)';
COMMENT ON COLUMN published_measures.weight_of IS 'for a mean: the count measure that weights it';

COMMENT ON TABLE published_values IS 'The values of published measures by the publisher''s area code and period.';
COMMENT ON COLUMN published_values.set_name IS 'published_sets.name';
COMMENT ON COLUMN published_values.measure IS 'published_measures.measure';
COMMENT ON COLUMN published_values.area_key IS 'the publisher''s area code as written';
COMMENT ON COLUMN published_values.month IS 'first month of the period as year*12 + month - 1';
COMMENT ON COLUMN published_values.months IS 'months in the period';
COMMENT ON COLUMN published_values.value IS 'the value, in the measure''s unit';
COMMENT ON COLUMN published_values.line IS 'line of the file it came from';
