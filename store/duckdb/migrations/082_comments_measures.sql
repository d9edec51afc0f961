-- Comments on the tables and views of service requests and published
-- measures (migrations 060 and 061), which came after 081: every table, view
-- and column keeps a comment (docs/sql.md; a test checks it).

COMMENT ON TABLE event_imports IS 'One row per import of a service-request file (budgetlens events import): what it read, added, updated and left unchanged.';
COMMENT ON COLUMN event_imports.id IS 'event import id';
COMMENT ON COLUMN event_imports.source_file IS 'the file read (its path as given)';
COMMENT ON COLUMN event_imports.content_hash IS 'sha256 of the file''s bytes (as sha256sum prints it)';
COMMENT ON COLUMN event_imports.schema_name IS 'the layout recognised: a MyLA311 year, the 311 API schema, Open311 GeoReport v2 or a mapping profile';
COMMENT ON COLUMN event_imports.rows_read IS 'rows read from the file';
COMMENT ON COLUMN event_imports.added IS 'requests new to the store';
COMMENT ON COLUMN event_imports.updated IS 'requests already stored whose fields changed (e.g. closed since)';
COMMENT ON COLUMN event_imports.unchanged IS 'requests already stored as they are';
COMMENT ON COLUMN event_imports.duplicates IS 'rows repeating a request number within the file (counted once)';
COMMENT ON COLUMN event_imports.bad_rows IS 'rows refused, with their lines listed by the import';
COMMENT ON COLUMN event_imports.synthetic IS 'requests flagged synthetic (generated, never real evidence)';
COMMENT ON COLUMN event_imports.closed_early IS 'requests whose closing time was written before their creation time (counted as closed at creation)';
COMMENT ON COLUMN event_imports.first_created IS 'earliest creation time in the file (clock time as written)';
COMMENT ON COLUMN event_imports.last_created IS 'latest creation time in the file';
COMMENT ON COLUMN event_imports.coverage IS 'the period the file covers, in words (e.g. 4 days of January 2018)';
COMMENT ON COLUMN event_imports.imported_at IS 'when it was imported (UTC)';
COMMENT ON COLUMN event_imports.version IS 'budgetlens version that imported it';

COMMENT ON TABLE event_names IS 'Names of request types, agencies, sources and statuses, numbered; events refers to them by number (the view service_requests joins them).';
COMMENT ON COLUMN event_names.kind IS 'type, agency, source or status';
COMMENT ON COLUMN event_names.id IS 'number used in events.type_id, agency_id, source_id or status_id';
COMMENT ON COLUMN event_names.name IS 'the name as written in the files';

COMMENT ON TABLE events IS 'Service requests, one row per request number as last imported (compact: names are numbers in event_names; query service_requests instead).';
COMMENT ON COLUMN events.seq IS 'number in the store, in order of first import';
COMMENT ON COLUMN events.request_id IS 'the city''s request number (SRNumber, service_request_id): the key of idempotent imports';
COMMENT ON COLUMN events.type_id IS 'request type (event_names kind type)';
COMMENT ON COLUMN events.agency_id IS 'agency (event_names kind agency)';
COMMENT ON COLUMN events.source_id IS 'how the request was made (event_names kind source)';
COMMENT ON COLUMN events.status_id IS 'status as last imported (event_names kind status)';
COMMENT ON COLUMN events.flags IS 'bit 1: closed time taken from the update time; bit 2: synthetic';
COMMENT ON COLUMN events.created IS 'creation time, clock time as written (no time zone)';
COMMENT ON COLUMN events.closed IS 'closing time; NULL while open';
COMMENT ON COLUMN events.lon IS 'longitude (WGS 84), NULL when the request has no place';
COMMENT ON COLUMN events.lat IS 'latitude (WGS 84)';
COMMENT ON COLUMN events.address IS 'address as written';
COMMENT ON COLUMN events.cd IS 'council district as written in the file';
COMMENT ON COLUMN events.nc IS 'neighbourhood council code as written in the file';
COMMENT ON COLUMN events.nc_name IS 'neighbourhood council name as written in the file';

COMMENT ON TABLE event_partitions IS 'Per month of creation, the requests placed in every layer in budgetlens''s own encoding (measures.Partition) and the month''s summary for backlogs; rebuilt by imports, read by budgetlens measures.';
COMMENT ON COLUMN event_partitions.month IS 'year*12 + month - 1 of the requests'' creation';
COMMENT ON COLUMN event_partitions.events IS 'requests made in the month';
COMMENT ON COLUMN event_partitions.data IS 'encoded partition (measures.Partition.Encode); not for SQL';
COMMENT ON COLUMN event_partitions.summary IS 'encoded summary (measures.Summary.Encode); not for SQL';

COMMENT ON VIEW service_requests IS 'Service requests with their names: events joined with event_names. Use this view for SQL.';
COMMENT ON COLUMN service_requests.seq IS 'number in the store, in order of first import';
COMMENT ON COLUMN service_requests.request_id IS 'the city''s request number';
COMMENT ON COLUMN service_requests.request_type IS 'request type as written';
COMMENT ON COLUMN service_requests.agency IS 'agency as written';
COMMENT ON COLUMN service_requests.source IS 'how the request was made';
COMMENT ON COLUMN service_requests.status IS 'status as last imported';
COMMENT ON COLUMN service_requests.created IS 'creation time, clock time as written';
COMMENT ON COLUMN service_requests.closed IS 'closing time; NULL while open';
COMMENT ON COLUMN service_requests.closed_by_update IS 'true when the closing time was taken from the update time';
COMMENT ON COLUMN service_requests.lon IS 'longitude (WGS 84)';
COMMENT ON COLUMN service_requests.lat IS 'latitude (WGS 84)';
COMMENT ON COLUMN service_requests.address IS 'address as written';
COMMENT ON COLUMN service_requests.cd IS 'council district as written in the file';
COMMENT ON COLUMN service_requests.nc IS 'neighbourhood council code as written';
COMMENT ON COLUMN service_requests.nc_name IS 'neighbourhood council name as written';
COMMENT ON COLUMN service_requests.synthetic IS 'true for generated requests (never evidence)';

COMMENT ON TABLE published_sets IS 'Measures a department publishes by its own areas (budgetlens measures import-published), one row per set.';
COMMENT ON COLUMN published_sets.name IS 'set name, e.g. lafd_response';
COMMENT ON COLUMN published_sets.source_file IS 'the file read';
COMMENT ON COLUMN published_sets.content_hash IS 'sha256 of the file''s bytes';
COMMENT ON COLUMN published_sets.format IS 'the layout recognised';
COMMENT ON COLUMN published_sets.area_layer IS 'stored layer whose area codes the values are keyed by';
COMMENT ON COLUMN published_sets.derived IS 'true when the values were derived by budgetlens rather than published as such';
COMMENT ON COLUMN published_sets.note IS 'what the set is and where it comes from';
COMMENT ON COLUMN published_sets.department IS 'department that publishes it';
COMMENT ON COLUMN published_sets.checks IS 'JSON array of what the import verified (e.g. yearly totals reproduced)';
COMMENT ON COLUMN published_sets.imported_at IS 'when it was imported (UTC)';
COMMENT ON COLUMN published_sets.version IS 'budgetlens version that imported it';

COMMENT ON TABLE published_measures IS 'The measures of a published set, in file order.';
COMMENT ON COLUMN published_measures.set_name IS 'published_sets.name';
COMMENT ON COLUMN published_measures.pos IS 'order in the file';
COMMENT ON COLUMN published_measures.measure IS 'measure key';
COMMENT ON COLUMN published_measures.name IS 'measure name for people';
COMMENT ON COLUMN published_measures.unit IS 'unit, e.g. minutes';
COMMENT ON COLUMN published_measures.better IS 'lower or higher: which direction is better';
COMMENT ON COLUMN published_measures.kind IS 'mean (averaged over areas, weighted) or count (summed)';
COMMENT ON COLUMN published_measures.weight_of IS 'the count measure a mean is weighted by when areas are combined';

COMMENT ON TABLE published_values IS 'Values of published measures by the publisher''s area and month.';
COMMENT ON COLUMN published_values.set_name IS 'published_sets.name';
COMMENT ON COLUMN published_values.measure IS 'published_measures.measure';
COMMENT ON COLUMN published_values.area_key IS 'the publisher''s area code as written';
COMMENT ON COLUMN published_values.month IS 'first month covered, year*12 + month - 1';
COMMENT ON COLUMN published_values.months IS 'number of months covered';
COMMENT ON COLUMN published_values.value IS 'the value as published';
COMMENT ON COLUMN published_values.line IS 'line of the source file';
