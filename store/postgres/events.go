package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
)

// The event store (store.EventStore) over migration 060: the same tables
// as the DuckDB store's. An EventTx is one PostgreSQL transaction holding
// the advisory lock "events", so that writes of events take turns (as the
// interface requires) while readers read the last committed state.

var (
	_ store.EventStore          = (*Store)(nil)
	_ store.EventImportRestorer = (*eventTx)(nil)
)

// eventTx is one write of events.
type eventTx struct {
	s      *Store
	tx     pgx.Tx
	dict   *measures.Dictionary
	stored [measures.NameKinds]int // names stored when the dictionary was read
	id     int64                   // this import's id
	done   bool
	// months are the months read or written, as they were stored.
	months map[measures.Month]*store.MonthState
}

// BeginEvents starts a write of events: a transaction that waits for the
// events lock and numbers the import.
func (s *Store) BeginEvents(ctx context.Context) (store.EventTx, error) {
	if err := s.writable(); err != nil {
		return nil, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to begin a transaction on %s", s.where)
	}
	et := &eventTx{s: s, tx: tx}
	if err := lockName(ctx, tx, "events"); err != nil {
		et.Rollback()
		return nil, s.errorf(budget.EINTERNAL, err, "unable to lock the events")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO store_changes DEFAULT VALUES`); err != nil {
		et.Rollback()
		return nil, s.errorf(budget.EINTERNAL, err, "unable to record a change on %s", s.where)
	}
	if err := tx.QueryRow(ctx, `SELECT nextval('event_import_ids')`).Scan(&et.id); err != nil {
		et.Rollback()
		return nil, s.errorf(budget.EINTERNAL, err, "unable to number the import")
	}
	return et, nil
}

// Rollback abandons the transaction.
func (tx *eventTx) Rollback() error {
	if tx.done {
		return nil
	}
	tx.done = true
	return tx.tx.Rollback(context.Background())
}

// Empty reports whether no request is stored.
func (tx *eventTx) Empty(ctx context.Context) (bool, error) {
	var any bool
	if err := tx.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events)`).Scan(&any); err != nil {
		return false, tx.s.errorf(budget.EINTERNAL, err, "unable to read events")
	}
	return !any, nil
}

// NextSeq is one more than the largest stored Seq.
func (tx *eventTx) NextSeq(ctx context.Context) (int64, error) {
	var n int64
	if err := tx.tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM events`).Scan(&n); err != nil {
		return 0, tx.s.errorf(budget.EINTERNAL, err, "unable to read events")
	}
	return n, nil
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// readDictionary reads event_names through q.
func (s *Store) readDictionary(ctx context.Context, q querier) (*measures.Dictionary, error) {
	d := measures.NewDictionary()
	rows, err := q.Query(ctx, `SELECT kind, id, name FROM event_names ORDER BY kind, id`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read event names")
	}
	defer rows.Close()
	for rows.Next() {
		var kind, name string
		var id int32
		if err := rows.Scan(&kind, &id, &name); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to read event names")
		}
		for k, l := range measures.NameKindLabels {
			if l == kind {
				d.Set(k, uint16(id), name)
			}
		}
	}
	return d, s.errorf(budget.EINTERNAL, rows.Err(), "unable to read event names")
}

// Dictionary returns the stored names (one instance per transaction: the
// names added to it are stored by SaveDictionary).
func (tx *eventTx) Dictionary(ctx context.Context) (*measures.Dictionary, error) {
	if tx.dict != nil {
		return tx.dict, nil
	}
	d, err := tx.s.readDictionary(ctx, tx.tx)
	if err != nil {
		return nil, err
	}
	tx.dict = d
	for k := range d.Names {
		tx.stored[k] = len(d.Names[k])
	}
	return d, nil
}

// SaveDictionary stores the names added since it was read.
func (tx *eventTx) SaveDictionary(ctx context.Context, d *measures.Dictionary) error {
	if d != tx.dict {
		return budget.Errorf(budget.EINTERNAL, "store: save the dictionary the transaction returned")
	}
	var rows [][]any
	for k := range d.Names {
		for id := tx.stored[k]; id < len(d.Names[k]); id++ {
			rows = append(rows, []any{measures.NameKindLabels[k], int32(id), d.Names[k][id]})
		}
	}
	if len(rows) > 0 {
		if _, err := tx.tx.CopyFrom(ctx, pgx.Identifier{"event_names"}, []string{"kind", "id", "name"}, pgx.CopyFromRows(rows)); err != nil {
			return tx.s.errorf(budget.EINTERNAL, err, "unable to save event names")
		}
	}
	for k := range d.Names {
		tx.stored[k] = len(d.Names[k])
	}
	return nil
}

// ids numbers a request's names (adding new ones to the dictionary).
func (tx *eventTx) ids(e *events.Stored) ([4]uint16, error) {
	var out [4]uint16
	for k, n := range [4]string{e.Type, e.Agency, e.Source, e.Status} {
		id, _, err := tx.dict.ID(k, n)
		if err != nil {
			return out, err
		}
		out[k] = id
	}
	return out, nil
}

var eventCols = []string{"seq", "request_id", "type_id", "agency_id", "source_id", "status_id", "flags", "created", "closed",
	"lon", "lat", "address", "cd", "nc", "nc_name"}

// nullText is NULL for "".
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// eventRow is the COPY row of a request.
func eventRow(e *events.Stored, ids [4]uint16) []any {
	var closed, lon, lat any
	if !e.Closed.IsZero() {
		closed = e.Closed.UTC()
	}
	if e.HasPoint {
		lon, lat = e.Lon, e.Lat
	}
	flags := int16(0)
	if e.ClosedByUpdate {
		flags |= 1
	}
	if e.Synthetic {
		flags |= 2
	}
	return []any{e.Seq, e.ID, int32(ids[0]), int32(ids[1]), int32(ids[2]), int32(ids[3]), flags, e.Created.UTC(), closed,
		lon, lat, nullText(e.Address), nullText(e.CD), nullText(e.NC), nullText(e.NCName)}
}

// Insert copies new requests in.
func (tx *eventTx) Insert(ctx context.Context, evs []events.Stored) error {
	if len(evs) == 0 {
		return nil
	}
	if _, err := tx.Dictionary(ctx); err != nil {
		return err
	}
	rows := make([][]any, len(evs))
	for i := range evs {
		ids, err := tx.ids(&evs[i])
		if err != nil {
			return err
		}
		rows[i] = eventRow(&evs[i], ids)
	}
	if _, err := tx.tx.CopyFrom(ctx, pgx.Identifier{"events"}, eventCols, pgx.CopyFromRows(rows)); err != nil {
		return tx.s.errorf(budget.EINTERNAL, err, "unable to store %d requests", len(evs))
	}
	return nil
}

// Update replaces stored requests by Seq (deleted, then copied in).
func (tx *eventTx) Update(ctx context.Context, evs []events.Stored) error {
	if len(evs) == 0 {
		return nil
	}
	seqs := make([]int64, len(evs))
	for i := range evs {
		seqs[i] = evs[i].Seq
	}
	if _, err := tx.tx.Exec(ctx, `DELETE FROM events WHERE seq = ANY($1)`, seqs); err != nil {
		return tx.s.errorf(budget.EINTERNAL, err, "unable to update events")
	}
	return tx.Insert(ctx, evs)
}

const eventColumns = `e.seq, e.request_id, e.type_id, e.agency_id, e.source_id, e.status_id, e.flags, e.created, e.closed,
	e.lon, e.lat, coalesce(e.address, ''), coalesce(e.cd, ''), coalesce(e.nc, ''), coalesce(e.nc_name, '')`

// scanEvent reads one row of eventColumns.
func scanEvent(rows pgx.Rows, d *measures.Dictionary, e *events.Stored) error {
	var ids [4]int32
	var flags int16
	var closed *time.Time
	var lon, lat *float64
	*e = events.Stored{}
	if err := rows.Scan(&e.Seq, &e.ID, &ids[0], &ids[1], &ids[2], &ids[3], &flags, &e.Created, &closed,
		&lon, &lat, &e.Address, &e.CD, &e.NC, &e.NCName); err != nil {
		return err
	}
	e.ClosedByUpdate, e.Synthetic = flags&1 != 0, flags&2 != 0
	e.Type, e.Agency = d.Name(measures.NameType, uint16(ids[0])), d.Name(measures.NameAgency, uint16(ids[1]))
	e.Source, e.Status = d.Name(measures.NameSource, uint16(ids[2])), d.Name(measures.NameStatus, uint16(ids[3]))
	e.Created = e.Created.UTC()
	if closed != nil {
		e.Closed = closed.UTC()
	}
	if lon != nil && lat != nil {
		e.Lon, e.Lat, e.HasPoint = *lon, *lat, true
	}
	return nil
}

// Existing returns the stored requests with these numbers.
func (tx *eventTx) Existing(ctx context.Context, ids []string) ([]events.Stored, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	d, err := tx.Dictionary(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.tx.Query(ctx, `SELECT `+eventColumns+` FROM events e WHERE e.request_id = ANY($1)`, ids)
	if err != nil {
		return nil, tx.s.errorf(budget.EINTERNAL, err, "unable to read events")
	}
	defer rows.Close()
	var out []events.Stored
	for rows.Next() {
		var e events.Stored
		if err := scanEvent(rows, d, &e); err != nil {
			return nil, tx.s.errorf(budget.EINTERNAL, err, "unable to read events")
		}
		out = append(out, e)
	}
	return out, tx.s.errorf(budget.EINTERNAL, rows.Err(), "unable to read events")
}

// loadMonth reads a month's base and deltas within the transaction.
func (tx *eventTx) loadMonth(ctx context.Context, m measures.Month) (*store.StoredMonth, error) {
	sm := &store.StoredMonth{Month: m}
	var data, sum []byte
	err := tx.tx.QueryRow(ctx, `SELECT data, summary FROM event_partitions WHERE month = $1`, int32(m)).Scan(&data, &sum)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return nil, tx.s.errorf(budget.EINTERNAL, err, "unable to read the requests of %s", m)
	default:
		if sm.Base, err = measures.DecodePartition(data); err != nil {
			return nil, err
		}
		if sm.BaseSum, err = measures.DecodeSummary(sum); err != nil {
			return nil, err
		}
	}
	rows, err := tx.tx.Query(ctx, `SELECT data, removed, summary FROM event_partition_deltas WHERE month = $1 ORDER BY import_id`, int32(m))
	if err != nil {
		return nil, tx.s.errorf(budget.EINTERNAL, err, "unable to read the requests of %s", m)
	}
	defer rows.Close()
	for rows.Next() {
		var rem []byte
		if err := rows.Scan(&data, &rem, &sum); err != nil {
			return nil, tx.s.errorf(budget.EINTERNAL, err, "unable to read the requests of %s", m)
		}
		d, err := decodeDelta(data, rem, sum)
		if err != nil {
			return nil, err
		}
		sm.Deltas = append(sm.Deltas, d)
	}
	return sm, tx.s.errorf(budget.EINTERNAL, rows.Err(), "unable to read the requests of %s", m)
}

// decodeDelta decodes one stored delta (sum may be nil: not read).
func decodeDelta(data, rem, sum []byte) (store.StoredDelta, error) {
	var d store.StoredDelta
	var err error
	if d.Rows, err = measures.DecodePartition(data); err != nil {
		return d, err
	}
	if d.Removed, err = measures.DecodeRemoved(rem); err != nil {
		return d, err
	}
	if sum != nil {
		d.Sum, err = measures.DecodeSummary(sum)
	}
	return d, err
}

// Partition reads one month's requests within the transaction (its base
// with its deltas applied), and remembers them as they were for
// PutPartition.
func (tx *eventTx) Partition(ctx context.Context, m measures.Month) (*measures.Partition, error) {
	sm, err := tx.loadMonth(ctx, m)
	if err != nil {
		return nil, err
	}
	p, sum, err := sm.Merge()
	if err != nil {
		return nil, err
	}
	if tx.months == nil {
		tx.months = map[measures.Month]*store.MonthState{}
	}
	if tx.months[m] == nil {
		tx.months[m] = store.NewMonthState(sm, p, sum)
	}
	return p, nil
}

// PutPartition stores a month's requests and summary: as a delta over
// what was stored (the rows that changed) or whole, by
// store.MonthState.Put (the DuckDB store's rule).
func (tx *eventTx) PutPartition(ctx context.Context, p *measures.Partition, sm *measures.Summary) error {
	st := tx.months[p.Month]
	if st == nil {
		if _, err := tx.Partition(ctx, p.Month); err != nil {
			return err
		}
		st = tx.months[p.Month]
	}
	whole, rows, removed, sum := st.Put(p, sm)
	fail := func(err error) error {
		return tx.s.errorf(budget.EINTERNAL, err, "unable to write the requests of %s", p.Month)
	}
	if st.WroteDelta {
		if _, err := tx.tx.Exec(ctx, `DELETE FROM event_partition_deltas WHERE month = $1 AND import_id = $2`, int32(p.Month), tx.id); err != nil {
			return fail(err)
		}
		st.WroteDelta = false
	}
	switch {
	case whole:
		for _, q := range []string{`DELETE FROM event_partitions WHERE month = $1`, `DELETE FROM event_partition_deltas WHERE month = $1`} {
			if _, err := tx.tx.Exec(ctx, q, int32(p.Month)); err != nil {
				return fail(err)
			}
		}
		st.WroteBase = true
		if p.Len() == 0 {
			return nil
		}
		if _, err := tx.tx.Exec(ctx, `INSERT INTO event_partitions(month, events, data, summary) VALUES ($1, $2, $3, $4)`,
			int32(p.Month), int64(p.Len()), p.Encode(), sm.Encode()); err != nil {
			return fail(err)
		}
	case rows != nil:
		if _, err := tx.tx.Exec(ctx, `INSERT INTO event_partition_deltas(month, import_id, events, data, removed, summary) VALUES ($1, $2, $3, $4, $5, $6)`,
			int32(p.Month), tx.id, int64(rows.Len()), rows.Encode(), measures.EncodeRemoved(removed), sum.Encode()); err != nil {
			return fail(err)
		}
		st.WroteDelta = true
	}
	return nil
}

// insertEventImport writes one import record with its id.
func (tx *eventTx) insertEventImport(ctx context.Context, rec *events.ImportInfo) error {
	_, err := tx.tx.Exec(ctx, `INSERT INTO event_imports(id, source_file, content_hash, schema_name, rows_read, added, updated, unchanged, duplicates, bad_rows,
		synthetic, closed_early, first_created, last_created, coverage, imported_at, version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
		rec.ID, rec.File, rec.SHA256, rec.Schema, rec.Rows, rec.Added, rec.Updated, rec.Unchanged, rec.Duplicates, rec.Bad, rec.Synthetic, rec.ClosedEarly,
		nullTime(rec.First), nullTime(rec.Last), rec.Coverage, rec.At.UTC(), rec.Version)
	return tx.s.errorf(budget.EINTERNAL, err, "unable to record the import of %s", rec.File)
}

// RestoreEventImports writes import records with their own ids and times
// and moves the import numbering past them (see store.EventImportRestorer).
func (tx *eventTx) RestoreEventImports(ctx context.Context, recs []events.ImportInfo) error {
	for i := range recs {
		if err := tx.insertEventImport(ctx, &recs[i]); err != nil {
			return err
		}
	}
	_, err := tx.tx.Exec(ctx, `SELECT setval('event_import_ids', greatest((SELECT max(id) FROM event_imports), $1))`, tx.id)
	return tx.s.errorf(budget.EINTERNAL, err, "unable to number the imports")
}

// Commit records the import and commits.
func (tx *eventTx) Commit(ctx context.Context, rec *events.ImportInfo) (int64, error) {
	if tx.done {
		return 0, budget.Errorf(budget.EINTERNAL, "store: the events transaction is over")
	}
	if tx.dict != nil {
		if err := tx.SaveDictionary(ctx, tx.dict); err != nil {
			tx.Rollback()
			return 0, err
		}
	}
	if rec != nil {
		rec.ID = tx.id
		if rec.At.IsZero() {
			rec.At = time.Now().UTC()
		}
		if err := tx.insertEventImport(ctx, rec); err != nil {
			tx.Rollback()
			return 0, err
		}
	}
	if err := tx.tx.Commit(ctx); err != nil {
		tx.Rollback()
		return 0, tx.s.errorf(budget.EINTERNAL, err, "unable to commit the import")
	}
	tx.done = true
	return tx.id, nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// EventImports lists the imports, oldest first.
func (s *Store) EventImports(ctx context.Context) ([]events.ImportInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, source_file, content_hash, schema_name, rows_read, added, updated, unchanged, duplicates, bad_rows,
		synthetic, closed_early, first_created, last_created, coverage, imported_at, version FROM event_imports ORDER BY id`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list event imports")
	}
	defer rows.Close()
	out := []events.ImportInfo{}
	for rows.Next() {
		var r events.ImportInfo
		var first, last *time.Time
		if err := rows.Scan(&r.ID, &r.File, &r.SHA256, &r.Schema, &r.Rows, &r.Added, &r.Updated, &r.Unchanged, &r.Duplicates, &r.Bad,
			&r.Synthetic, &r.ClosedEarly, &first, &last, &r.Coverage, &r.At, &r.Version); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to list event imports")
		}
		if first != nil {
			r.First = first.UTC()
		}
		if last != nil {
			r.Last = last.UTC()
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, s.errorf(budget.EINTERNAL, rows.Err(), "unable to list event imports")
}

// EventDictionary returns the stored names.
func (s *Store) EventDictionary(ctx context.Context) (*measures.Dictionary, error) {
	return s.readDictionary(ctx, s.pool)
}

// eventBlobs reads one bytea column of event_partitions or
// event_partition_deltas in the query's order.
func (s *Store) eventBlobs(ctx context.Context, query string, args []any, each func([]byte) error) error {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to read event partitions")
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to read event partitions")
		}
		if err := each(b); err != nil {
			return err
		}
	}
	return s.errorf(budget.EINTERNAL, rows.Err(), "unable to read event partitions")
}

// EventPartitions returns the requests of the months from..to: the bases
// decoded on every core, then the deltas applied.
func (s *Store) EventPartitions(ctx context.Context, from, to measures.Month) ([]*measures.Partition, error) {
	if to == 0 {
		to = measures.OpenMonth
	}
	var blobs [][]byte
	err := s.eventBlobs(ctx, `SELECT data FROM event_partitions WHERE month BETWEEN $1 AND $2 ORDER BY month`, []any{int32(from), int32(to)}, func(b []byte) error {
		blobs = append(blobs, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	bases, err := measures.DecodePartitions(blobs)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT data, removed FROM event_partition_deltas WHERE month BETWEEN $1 AND $2 ORDER BY month, import_id`, int32(from), int32(to))
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read event partitions")
	}
	defer rows.Close()
	var deltas []store.StoredDelta
	for rows.Next() {
		var data, rem []byte
		if err := rows.Scan(&data, &rem); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to read event partitions")
		}
		d, err := decodeDelta(data, rem, nil)
		if err != nil {
			return nil, err
		}
		deltas = append(deltas, d)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read event partitions")
	}
	return store.AssembleMonths(bases, deltas)
}

// EventSummaries returns the summaries of the months up to to (each with
// its deltas' changes added).
func (s *Store) EventSummaries(ctx context.Context, to measures.Month) ([]*measures.Summary, error) {
	if to == 0 {
		to = measures.OpenMonth
	}
	var bases, deltas []*measures.Summary
	for _, q := range []struct {
		sql string
		out *[]*measures.Summary
	}{{`SELECT summary FROM event_partitions WHERE month <= $1 ORDER BY month`, &bases},
		{`SELECT summary FROM event_partition_deltas WHERE month <= $1 ORDER BY month, import_id`, &deltas}} {
		err := s.eventBlobs(ctx, q.sql, []any{int32(to)}, func(b []byte) error {
			sm, err := measures.DecodeSummary(b)
			*q.out = append(*q.out, sm)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return store.AssembleSummaries(bases, deltas), nil
}

// EventStats counts the stored requests.
func (s *Store) EventStats(ctx context.Context) (store.EventStats, error) {
	var st store.EventStats
	var first, last, asOf *time.Time
	var months int64
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE flags & 2 <> 0), min(created), max(created),
		greatest(max(created), max(closed)), (SELECT count(*) FROM (SELECT month FROM event_partitions UNION SELECT month FROM event_partition_deltas) m) FROM events`).Scan(&st.Requests, &st.Synthetic, &first, &last, &asOf, &months)
	if err != nil {
		return st, s.errorf(budget.EINTERNAL, err, "unable to count events")
	}
	st.Months = int(months)
	for _, p := range []struct {
		dst *time.Time
		src *time.Time
	}{{&st.First, first}, {&st.Last, last}, {&st.AsOf, asOf}} {
		if p.src != nil {
			*p.dst = p.src.UTC()
		}
	}
	return st, nil
}

// EachEvent streams the stored requests in Seq order.
func (s *Store) EachEvent(ctx context.Context, fn func(*events.Stored) error) error {
	d, err := s.readDictionary(ctx, s.pool)
	if err != nil {
		return err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+eventColumns+` FROM events e ORDER BY e.seq`)
	if err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to read events")
	}
	defer rows.Close()
	var e events.Stored
	for rows.Next() {
		if err := scanEvent(rows, d, &e); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to read events")
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return s.errorf(budget.EINTERNAL, rows.Err(), "unable to read events")
}
