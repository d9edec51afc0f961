package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	duck "github.com/duckdb/duckdb-go/v2"
)

// Requests reach the events table through a table function the store
// registers (budgetlens_event_feed): an INSERT ... SELECT reads the rows
// an import hands over, column by column, without boxing a value per
// field as an appender's rows do. Request numbers are written as a prefix
// and a number, and the area codes as numbers (migration 096): text is
// most of what DuckDB's storage spends its time on (bench/RESULTS.md).

// maxDigits is the most digits a request number's number keeps (an int64
// holds any 18).
const maxDigits = 18

// splitID splits a request number into what precedes its last run of
// digits (at most 18: earlier digits stay in the prefix) and the number
// they make; width is their count when they start with 0 (so that
// "SYN-00000001" is written back as it was), else 0. ok is false for a
// number that does not end in a digit. Migration 096 splits stored
// numbers the same way.
func splitID(id string) (prefix string, width int, num int64, ok bool) {
	i := len(id)
	for i > 0 && len(id)-i < maxDigits && id[i-1] >= '0' && id[i-1] <= '9' {
		i--
	}
	if i == len(id) {
		return "", 0, 0, false
	}
	digits := id[i:]
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return "", 0, 0, false
	}
	if digits[0] == '0' {
		width = len(digits)
	}
	return id[:i], width, n, true
}

// joinID is splitID's inverse.
func joinID(prefix string, width int, num int64) string {
	s := strconv.FormatInt(num, 10)
	for len(s) < width {
		s = "0" + s
	}
	return prefix + s
}

// idPrefix is a row of event_id_prefixes.
type idPrefix struct {
	prefix string
	width  int
}

// maxPrefixes bounds event_id_prefixes: numbers of a source whose prefixes
// are that many are kept as text.
const maxPrefixes = 1 << 20

// Kinds of codes numbered in event_names besides the measures' names.
const (
	codeCD = iota
	codeNC
	codeNCName
	codeKinds
)

var codeKindLabels = [codeKinds]string{"cd", "nc", "nc_name"}

// eventCodes numbers request-number prefixes and area codes for one
// transaction (read when first needed, the new ones written at commit).
// It is used by one goroutine at a time: the writer's, then the commit's.
type eventCodes struct {
	prefixes  []idPrefix
	prefixIDs map[idPrefix]int32
	savedP    int
	names     [codeKinds][]string // id 0 is "" (none)
	ids       [codeKinds]map[string]uint16
	savedN    [codeKinds]int
	// the prefix and codes numbered last (a request's are most often
	// those of the one before)
	lastP    idPrefix
	lastPID  int32
	lastPOK  bool
	lastCode [codeKinds]string
	lastCID  [codeKinds]uint16
	lastCOK  [codeKinds]bool
}

// readEventCodes reads the stored prefixes and codes through q.
func readEventCodes(ctx context.Context, q rowsQuerier) (*eventCodes, error) {
	c := &eventCodes{prefixIDs: map[idPrefix]int32{}}
	rows, err := q.QueryContext(ctx, `SELECT id, prefix, width FROM event_id_prefixes ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read request number prefixes: %w", err)
	}
	for rows.Next() {
		var id int32
		var p idPrefix
		if err := rows.Scan(&id, &p.prefix, &p.width); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to read request number prefixes: %w", err)
		}
		if int(id) != len(c.prefixes) {
			rows.Close()
			return nil, budget.Errorf(budget.EINTERNAL, "store: event_id_prefixes is not numbered 0, 1, 2 ... (id %d)", id)
		}
		c.prefixes = append(c.prefixes, p)
		c.prefixIDs[p] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read request number prefixes: %w", err)
	}
	c.savedP = len(c.prefixes)
	for k := range c.names {
		c.names[k] = []string{""}
		c.ids[k] = map[string]uint16{"": 0}
	}
	err = eachEventName(ctx, q, codeKindLabels[:], func(k, id int, name string) {
		for len(c.names[k]) <= id {
			c.names[k] = append(c.names[k], "")
		}
		c.names[k][id] = name
		c.ids[k][name] = uint16(id)
	})
	for k := range c.names {
		c.savedN[k] = len(c.names[k])
	}
	return c, err
}

// prefixID numbers a prefix (ok false when there are too many).
func (c *eventCodes) prefixID(p idPrefix) (int32, bool) {
	if c.lastPOK && p == c.lastP {
		return c.lastPID, true
	}
	if id, ok := c.prefixIDs[p]; ok {
		c.lastP, c.lastPID, c.lastPOK = p, id, true
		return id, true
	}
	if len(c.prefixes) >= maxPrefixes {
		return 0, false
	}
	id := int32(len(c.prefixes))
	c.prefixes = append(c.prefixes, p)
	c.prefixIDs[p] = id
	return id, true
}

// code numbers an area code or name.
func (c *eventCodes) code(kind int, name string) (uint16, error) {
	if c.lastCOK[kind] && name == c.lastCode[kind] {
		return c.lastCID[kind], nil
	}
	if id, ok := c.ids[kind][name]; ok {
		c.lastCode[kind], c.lastCID[kind], c.lastCOK[kind] = name, id, true
		return id, nil
	}
	if len(c.names[kind]) > 65535 {
		return 0, budget.Errorf(budget.EINVALID, "more than 65,535 different %s values among the requests: this is not a code (check the column mapping)", codeKindLabels[kind])
	}
	id := uint16(len(c.names[kind]))
	c.names[kind] = append(c.names[kind], name)
	c.ids[kind][name] = id
	return id, nil
}

// save writes the prefixes and codes numbered since they were read.
func (c *eventCodes) save(ctx context.Context, conn *sql.Conn) error {
	for id := c.savedP; id < len(c.prefixes); id++ {
		if _, err := conn.ExecContext(ctx, `INSERT INTO event_id_prefixes VALUES (?, ?, ?)`, int32(id), c.prefixes[id].prefix, int32(c.prefixes[id].width)); err != nil {
			return fmt.Errorf("store: unable to save request number prefixes: %w", err)
		}
	}
	c.savedP = len(c.prefixes)
	for k := range c.names {
		for id := c.savedN[k]; id < len(c.names[k]); id++ {
			if _, err := conn.ExecContext(ctx, `INSERT INTO event_names VALUES (?, ?, ?)`, codeKindLabels[k], id, c.names[k][id]); err != nil {
				return fmt.Errorf("store: unable to save event names: %w", err)
			}
		}
		c.savedN[k] = len(c.names[k])
	}
	return nil
}

// feedBatch is requests handed to the feed, with their numbers: the
// request's split number (pid -1: kept as text), names and codes.
type feedBatch struct {
	evs   []events.Stored
	pid   []int32
	num   []int64
	names [][4]uint16
	codes [][codeKinds]uint16
	text  bool // some request has an address or a number kept as text
	pos   int  // rows read so far
}

// Len is the number of requests (store.StagedEvents).
func (b *feedBatch) Len() int { return len(b.evs) }

// feeds are the batches being inserted, by handle (the table function's
// argument).
var (
	feeds      sync.Map
	feedHandle atomic.Int64
)

// Columns of the feed, in the order of the table function.
const (
	fSeq = iota
	fPrefix
	fNum
	fText
	fType
	fAgency
	fSource
	fStatus
	fFlags
	fCreated
	fClosed
	fLon
	fLat
	fAddress
	fCD
	fNC
	fNCName
	fColumns
)

// feedSelect is what the INSERT selects: the times are given in
// microseconds and made timestamps by DuckDB.
const (
	feedColumns     = `seq, id_prefix, id_num, type_id, agency_id, source_id, status_id, flags, created, closed, lon, lat, cd_id, nc_id, nc_name_id`
	feedSelect      = `seq, id_prefix, id_num, type_id, agency_id, source_id, status_id, flags, make_timestamp(created), make_timestamp(closed), lon, lat, cd_id, nc_id, nc_name_id`
	feedTextColumns = feedColumns + `, id_text, address`
	feedTextSelect  = feedSelect + `, id_text, address`
)

// feedSource is the table function's source for one statement.
type feedSource struct{ b *feedBatch }

func typeInfo(t duck.Type) duck.TypeInfo {
	ti, err := duck.NewTypeInfo(t)
	if err != nil {
		panic(err) // a primitive type always has one
	}
	return ti
}

func (s feedSource) ColumnInfos() []duck.ColumnInfo {
	cols := make([]duck.ColumnInfo, fColumns)
	set := func(i int, name string, t duck.Type) { cols[i] = duck.ColumnInfo{Name: name, T: typeInfo(t)} }
	set(fSeq, "seq", duck.TYPE_BIGINT)
	set(fPrefix, "id_prefix", duck.TYPE_INTEGER)
	set(fNum, "id_num", duck.TYPE_BIGINT)
	set(fText, "id_text", duck.TYPE_VARCHAR)
	set(fType, "type_id", duck.TYPE_USMALLINT)
	set(fAgency, "agency_id", duck.TYPE_USMALLINT)
	set(fSource, "source_id", duck.TYPE_USMALLINT)
	set(fStatus, "status_id", duck.TYPE_USMALLINT)
	set(fFlags, "flags", duck.TYPE_UTINYINT)
	set(fCreated, "created", duck.TYPE_BIGINT)
	set(fClosed, "closed", duck.TYPE_BIGINT)
	set(fLon, "lon", duck.TYPE_DOUBLE)
	set(fLat, "lat", duck.TYPE_DOUBLE)
	set(fAddress, "address", duck.TYPE_VARCHAR)
	set(fCD, "cd_id", duck.TYPE_USMALLINT)
	set(fNC, "nc_id", duck.TYPE_USMALLINT)
	set(fNCName, "nc_name_id", duck.TYPE_USMALLINT)
	return cols
}

func (s feedSource) Cardinality() *duck.CardinalityInfo { return nil }
func (s feedSource) Init()                              {}

// FillChunk writes the next rows of the batch; size 0 ends the
// statement. The batch is whole before the statement begins: a source
// that waited for rows would keep DuckDB's executing thread polling.
func (s feedSource) FillChunk(ch duck.DataChunk) error {
	b := s.b
	lo := b.pos
	hi := min(lo+duck.GetDataChunkCapacity(), len(b.evs))
	for i := lo; i < hi; i++ {
		r, e := i-lo, &b.evs[i]
		duck.SetChunkValue(ch, fSeq, r, e.Seq)
		if b.pid[i] >= 0 {
			duck.SetChunkValue(ch, fPrefix, r, b.pid[i])
			duck.SetChunkValue(ch, fNum, r, b.num[i])
		} else {
			duck.SetChunkValue[any](ch, fPrefix, r, nil)
			duck.SetChunkValue[any](ch, fNum, r, nil)
		}
		n := &b.names[i]
		duck.SetChunkValue(ch, fType, r, n[0])
		duck.SetChunkValue(ch, fAgency, r, n[1])
		duck.SetChunkValue(ch, fSource, r, n[2])
		duck.SetChunkValue(ch, fStatus, r, n[3])
		flags := uint8(0)
		if e.ClosedByUpdate {
			flags |= 1
		}
		if e.Synthetic {
			flags |= 2
		}
		duck.SetChunkValue(ch, fFlags, r, flags)
		duck.SetChunkValue(ch, fCreated, r, e.Created.UnixMicro())
		if e.Closed.IsZero() {
			duck.SetChunkValue[any](ch, fClosed, r, nil)
		} else {
			duck.SetChunkValue(ch, fClosed, r, e.Closed.UnixMicro())
		}
		if e.HasPoint {
			duck.SetChunkValue(ch, fLon, r, e.Lon)
			duck.SetChunkValue(ch, fLat, r, e.Lat)
		} else {
			duck.SetChunkValue[any](ch, fLon, r, nil)
			duck.SetChunkValue[any](ch, fLat, r, nil)
		}
		c := &b.codes[i]
		duck.SetChunkValue(ch, fCD, r, c[codeCD])
		duck.SetChunkValue(ch, fNC, r, c[codeNC])
		duck.SetChunkValue(ch, fNCName, r, c[codeNCName])
		if b.text {
			if b.pid[i] < 0 {
				duck.SetChunkValue(ch, fText, r, e.ID)
			} else {
				duck.SetChunkValue[any](ch, fText, r, nil)
			}
			if e.Address != "" {
				duck.SetChunkValue(ch, fAddress, r, e.Address)
			} else {
				duck.SetChunkValue[any](ch, fAddress, r, nil)
			}
		}
	}
	b.pos = hi
	return ch.SetSize(hi - lo)
}

// holdOneThread sets DuckDB's thread count to one until as many
// releaseThreads (the transactions' commits and rollbacks) set it back.
//
// An INSERT ... SELECT from the feed is one task. With more than one
// thread a worker thread runs it while the thread that asked (duckdb-go's
// duckdb_execute_pending) loops looking for tasks until it is done, taking
// a core's worth of locking from the import's parsing: on two cores the
// read of ten million requests took 17-22 s with DuckDB's two threads and
// 15.4-16.2 s with one (bench/RESULTS.md, 2026-12-05 11:45-12:40). The setting
// is the database's: other queries of this process run on one thread
// while a large import writes.
func (s *Store) holdOneThread(ctx context.Context) error {
	s.threads.Lock()
	defer s.threads.Unlock()
	if s.threads.held == 0 {
		if err := s.db.QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&s.threads.was); err != nil {
			return fmt.Errorf("store: unable to read DuckDB's threads: %w", err)
		}
		if s.threads.was > 1 {
			if _, err := s.db.ExecContext(ctx, `SET threads = 1`); err != nil {
				return fmt.Errorf("store: unable to set DuckDB's threads: %w", err)
			}
		}
	}
	s.threads.held++
	return nil
}

// releaseThreads undoes one holdOneThread.
func (s *Store) releaseThreads(ctx context.Context) error {
	s.threads.Lock()
	defer s.threads.Unlock()
	if s.threads.held--; s.threads.held > 0 || s.threads.was <= 1 {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf(`SET threads = %d`, s.threads.was)); err != nil {
		return fmt.Errorf("store: unable to set DuckDB's threads back: %w", err)
	}
	return nil
}

// registerFeed registers the table function with the store's database
// (once: DuckDB keeps one function by name for all connections).
func (s *Store) registerFeed(ctx context.Context) error {
	s.feedOnce.Do(func() {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			s.feedErr = err
			return
		}
		defer conn.Close()
		s.feedErr = duck.RegisterTableUDF(conn, "budgetlens_event_feed", duck.ChunkTableFunction{
			Config: duck.TableFunctionConfig{Arguments: []duck.TypeInfo{typeInfo(duck.TYPE_BIGINT)}},
			BindArguments: func(_ map[string]any, args ...any) (duck.ChunkTableSource, error) {
				h, _ := args[0].(int64)
				b, ok := feeds.Load(h)
				if !ok {
					return nil, fmt.Errorf("budgetlens_event_feed: no rows %d (the function is budgetlens' own, for imports)", h)
				}
				return feedSource{b: b.(*feedBatch)}, nil
			}})
	})
	if s.feedErr != nil {
		return fmt.Errorf("store: unable to register the events feed: %w", s.feedErr)
	}
	return nil
}

// oneThreadRows is the number of requests fed after which a transaction
// holds DuckDB at one thread (holdOneThread): a large import, not a day's.
const oneThreadRows = 100_000

// feedRows inserts a batch through the feed: one INSERT ... SELECT over
// it (the columns address and id_text only when some request has one).
func (tx *eventTx) feedRows(ctx context.Context, b *feedBatch) error {
	evs := b.evs
	if tx.fed += len(evs); tx.fed >= oneThreadRows && !tx.oneThread {
		if err := tx.s.holdOneThread(ctx); err != nil {
			return err
		}
		tx.oneThread = true
	}
	h := feedHandle.Add(1)
	feeds.Store(h, b)
	defer feeds.Delete(h)
	cols, sel := feedColumns, feedSelect
	if b.text {
		cols, sel = feedTextColumns, feedTextSelect
	}
	// h is a number this process made, not input
	q := fmt.Sprintf(`INSERT INTO events (%s) SELECT %s FROM budgetlens_event_feed(%d)`, cols, sel, h)
	if _, err := tx.conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("store: unable to write events: %w", err)
	}
	if b.pos != len(evs) {
		return budget.Errorf(budget.EINTERNAL, "store: %d of %d requests were written", b.pos, len(evs))
	}
	return nil
}

// batch numbers the requests of evs for the feed.
func (tx *eventTx) batch(evs []events.Stored) (*feedBatch, error) {
	var b *feedBatch
	select {
	case b = <-tx.batchFree:
	default:
		b = &feedBatch{}
	}
	n := len(evs)
	b.evs, b.pid, b.num, b.names, b.codes = evs, slices.Grow(b.pid[:0], n)[:n], slices.Grow(b.num[:0], n)[:n], slices.Grow(b.names[:0], n)[:n], slices.Grow(b.codes[:0], n)[:n]
	c := tx.codes
	for i := range evs {
		e := &evs[i]
		var err error
		if b.names[i], err = tx.ids(e); err != nil {
			return nil, err
		}
		b.pid[i] = -1
		if p, w, n, ok := splitID(e.ID); ok {
			if id, ok := c.prefixID(idPrefix{p, w}); ok {
				b.pid[i], b.num[i] = id, n
			}
		}
		if b.pid[i] < 0 || e.Address != "" {
			b.text = true
		}
		for k, v := range [codeKinds]string{e.CD, e.NC, e.NCName} {
			if b.codes[i][k], err = c.code(k, v); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

// release gives an inserted batch's buffers back for the next (batch):
// about 26 bytes a request that would otherwise be new memory each time.
func (tx *eventTx) release(b *feedBatch) {
	*b = feedBatch{pid: b.pid[:0], num: b.num[:0], names: b.names[:0], codes: b.codes[:0]}
	select {
	case tx.batchFree <- b:
	default:
	}
}
