package office

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/store"
)

// EventImportOptions say what to import.
type EventImportOptions struct {
	// File is the file's path (its name in messages); R, when set, is read
	// instead of opening File.
	File string
	R    io.Reader
	// Mapping is a column-mapping profile for a file in no built-in schema.
	Mapping string
	// Lenient counts and lists bad rows instead of stopping at the first.
	Lenient bool
	// Workers parse and place (default GOMAXPROCS).
	Workers int
	// Limits bound the input (zero: the defaults).
	Limits tabular.Limits
	// Progress, when set, is told the rows read so far after each block.
	Progress func(rows int64)
}

// LayerPlacement says how an import's requests were placed in one layer.
type LayerPlacement struct {
	Layer    string           `json:"layer"`
	ByPoint  int64            `json:"by_coordinates"`
	ByCode   int64            `json:"by_area_code"`
	Unplaced int64            `json:"unplaced"`
	Reasons  map[string]int64 `json:"unplaced_reasons,omitempty"`
}

// EventImportReport is what an import did.
type EventImportReport struct {
	events.ImportInfo
	// Placed is one entry per layer the requests were placed in; Skipped
	// lists the stored layers they were not placed in, with why.
	Placed  []LayerPlacement `json:"placed"`
	Skipped []string         `json:"skipped_layers,omitempty"`
	// Months are the months whose partitions were written.
	Months            []string `json:"months"`
	BadExamples       []string `json:"bad_examples,omitempty"`
	DuplicateExamples []string `json:"duplicate_examples,omitempty"`
	// Replaced lists layers whose placements were stale and were redone
	// before the import.
	Replaced []string `json:"replaced_layers,omitempty"`
}

// placeLayer is a stored layer requests are placed in.
type placeLayer struct {
	events.PlaceLayer
	ref    measures.LayerRef
	layer  *geo.Layer
	coarse bool // its index is sized for a few points (geo.NewIndexFor)
}

// layerRef fingerprints a layer: its file's hash, else a digest of its
// area ids.
func layerRef(l *geo.Layer) measures.LayerRef {
	if l.SourceHash != "" {
		return measures.LayerRef{Name: l.Name, Hash: l.SourceHash}
	}
	h := sha256.New()
	for _, a := range l.Areas {
		h.Write([]byte(a.ID + "\x00"))
	}
	return measures.LayerRef{Name: l.Name, Hash: "ids:" + hex.EncodeToString(h.Sum(nil))[:16]}
}

// eventLayers returns the stored layers of areas requests are placed in
// (with the profile's area codes), and the point-only layers left out.
// points is about how many requests will be placed (0: unknown, or
// many): a day's file gets indexes sized for it (geo.NewIndexFor).
func (o *Office) eventLayers(ctx context.Context, points int) ([]placeLayer, []string, error) {
	infos, err := o.Store.Layers(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ls []*geo.Layer
	for _, info := range infos {
		l, err := o.Store.Layer(ctx, info.Layer)
		if err != nil {
			return nil, nil, err
		}
		ls = append(ls, l)
	}
	// the layers' indexes are built on every core
	pls, oks := make([]placeLayer, len(ls)), make([]bool, len(ls))
	parallelEach(len(ls), func(k int) {
		if !ls[k].NoGeometry {
			pls[k], oks[k] = o.placeLayer(ls[k], points)
		}
	})
	var out []placeLayer
	var skipped []string
	for k, l := range ls {
		switch {
		case l.NoGeometry:
			skipped = append(skipped, l.Name+": areas without boundaries (a table), so no request can be placed in it by its location")
		case !oks[k]:
			skipped = append(skipped, l.Name+": a layer of points, not areas (requests are placed in layers of areas)")
		default:
			out = append(out, pls[k])
		}
	}
	return out, skipped, nil
}

// placeLayer prepares a layer for placement; ok is false for a layer of
// points.
func (o *Office) placeLayer(l *geo.Layer, points int) (placeLayer, bool) {
	for i := range l.Areas {
		if l.Areas[i].PointOnly() {
			return placeLayer{}, false
		}
	}
	ix := geo.NewIndexFor(l, points)
	pl := placeLayer{PlaceLayer: events.PlaceLayer{Name: l.Name, Locator: ix, CodeField: events.NoCode}, ref: layerRef(l), layer: l, coarse: points > 0}
	var sv *measures.Services
	if o.City != nil {
		sv = o.City.Services
	}
	if sv == nil {
		return pl, true
	}
	for _, c := range sv.AreaCodes {
		if c.Layer != l.Name {
			continue
		}
		f, _ := events.FieldByName(c.Field)
		pl.CodeField, pl.Codes = f, map[string]int{}
		if c.Match == "name" {
			pl.CodeKey = events.NormalizeName
			for i, a := range l.Areas {
				pl.Codes[events.NormalizeName(a.Name)] = i
				pl.Codes[events.NormalizeName(a.ID)] = i
			}
		} else {
			pl.CodeKey = geo.IDKey
			for i, a := range l.Areas {
				pl.Codes[geo.IDKey(a.ID)] = i
			}
		}
		break
	}
	return pl, true
}

// placed is what a parsing worker attaches to a block: each request's
// area and how in every layer, its place key and the time read.
type placed struct {
	area  []int32 // len(requests) x layers
	how   []uint8
	place []uint64
	ids   []events.IDKey // of each request number (events.KeyOf)
	pl    events.Placer
}

// ImportEvents stores a file of service requests in one transaction:
// new request numbers are added, stored ones whose fields changed (closed
// since, say) are updated, identical ones are left (importing a file again
// adds nothing); a request number repeated within the file counts once, as
// its first row says. Every request is placed in every stored layer of
// areas (by coordinates, else by the area code the profile names), and the
// months touched are written with their summaries and repeat flags (the
// rows that changed, as deltas, unless a month is new and large or its
// deltas fold: store.MonthState.Put). Placements of layers replaced since
// the last import are redone first (ReplaceEvents).
func (o *Office) ImportEvents(ctx context.Context, opt EventImportOptions) (*EventImportReport, error) {
	r := opt.R
	var size int64
	if r == nil {
		f, err := openInput(opt.File, "FILE")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	var sch *events.Schema
	if opt.Mapping != "" {
		b, err := readFile(opt.Mapping, "--mapping")
		if err != nil {
			return nil, err
		}
		if sch, err = events.ParseMapping(opt.Mapping, b); err != nil {
			return nil, err
		}
	}
	rep := &EventImportReport{}
	// a row of a request file takes at least about 150 bytes
	rows := int(min(size/150, 100_000_000))
	if rows >= largeImport {
		defer holdGC()()
	}
	layers, skipped, err := o.eventLayers(ctx, rows)
	if err != nil {
		return nil, err
	}
	rep.Skipped = skipped
	replaced, err := o.replaceEvents(ctx, nil, layers)
	if err != nil {
		return nil, err
	}
	rep.Replaced = replaced
	tx, err := o.Store.BeginEvents(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	imp, err := newImporter(ctx, o, tx, layers)
	if err != nil {
		return nil, err
	}
	defer imp.wait() // before the rollback: the writer uses the transaction
	// the set of request numbers is sized once for the file instead of
	// growing
	imp.seen.Reserve(rows)
	popt := events.ReadOptions{Schema: sch, Lenient: opt.Lenient, Workers: opt.Workers, Limits: opt.Limits, Prepare: imp.prepare}
	sum, err := events.ReadRequests(ctx, r, opt.File, popt, func(b *events.RequestBlock) error {
		if err := imp.add(ctx, b); err != nil {
			return err
		}
		events.ReleaseBlock(b)
		if opt.Progress != nil {
			opt.Progress(imp.rows)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// the request numbers read are not needed any more: their memory (80
	// MB for ten million in order) is free for what follows
	imp.seen = events.IDSet{}
	months, err := imp.finish(ctx)
	if err != nil {
		return nil, err
	}
	info := imp.info(sum)
	if _, err := tx.Commit(ctx, &info); err != nil {
		return nil, err
	}
	rep.ImportInfo = info
	rep.Placed, rep.Months = imp.placements(), months
	rep.BadExamples, rep.DuplicateExamples = imp.badExamples, imp.dupExamples
	return rep, nil
}

// importer is the state of one import.
type importer struct {
	o      *Office
	tx     store.EventTx
	layers []placeLayer
	refs   []measures.LayerRef
	dict   *measures.Dictionary
	fresh  bool  // the store held no request: nothing to look up
	next   int64 // next Seq
	seen   events.IDSet
	parts  map[measures.Month]*measures.Partition
	// keyMonths are the months of requests added, or updated with a new
	// time, type or place: the ones repeat flags must be computed from
	keyMonths map[measures.Month]bool
	// rows: read; counts of the ImportInfo
	rows, added, updated, unchanged, dups, bad, synthetic, closedEarly int64
	first, last                                                        time.Time
	how                                                                [][6]int64 // per layer, per how code
	badExamples, dupExamples                                           []string
	// writes are the store writes of new requests, done by one goroutine
	// (writer) while the next blocks are parsed and placed; wait drains
	// them before anything else uses the transaction.
	writes  chan writeJob
	written chan error
	free    chan []events.Stored // buffers the writer is done with
	failed  atomic.Bool          // the writer met an error (wait returns it)
	// buffers of add and prepare, used again block after block
	keep, at   []int
	ids        []string
	isNew      []bool
	placedFree chan *placed // a channel, not a sync.Pool (emptied by collections), as events keeps its blocks
	// the names numbered last, by kind
	lastName [measures.NameKinds]string
	lastID   [measures.NameKinds]uint16
	lastOK   [measures.NameKinds]bool
}

// writeJob is new requests for the writer, staged when the store can
// (store.EventStager).
type writeJob struct {
	evs    []events.Stored
	staged store.StagedEvents
}

// write hands new requests to the writer goroutine (started on first
// use). A store that stages its writes has them staged here, on the
// calling goroutine, so that the writer (the longest stage of a large
// import) only writes.
func (imp *importer) write(ctx context.Context, ins []events.Stored) error {
	if len(ins) == 0 {
		return nil
	}
	if imp.failed.Load() {
		return imp.wait() // stop reading: the store refused a write
	}
	job := writeJob{evs: ins}
	stager, _ := imp.tx.(store.EventStager)
	if stager != nil {
		var err error
		if job.staged, err = stager.Stage(ctx, ins); err != nil {
			return err
		}
	}
	if imp.writes == nil {
		imp.writes, imp.written = make(chan writeJob, 2), make(chan error, 1)
		go func(in <-chan writeJob, free chan<- []events.Stored) {
			var err error
			for job := range in {
				if err == nil {
					if job.staged != nil {
						err = stager.InsertStaged(ctx, job.staged)
					} else {
						err = imp.tx.Insert(ctx, job.evs)
					}
					if err != nil {
						imp.failed.Store(true)
					}
				}
				select {
				case free <- job.evs[:0]:
				default:
				}
			}
			imp.written <- err
		}(imp.writes, imp.free)
	}
	imp.writes <- job
	return nil
}

// wait waits for the writes handed to the writer and returns the first
// error of any.
func (imp *importer) wait() error {
	if imp.writes == nil {
		return nil
	}
	close(imp.writes)
	imp.writes = nil
	return <-imp.written
}

func newImporter(ctx context.Context, o *Office, tx store.EventTx, layers []placeLayer) (*importer, error) {
	imp := &importer{o: o, tx: tx, layers: layers, parts: map[measures.Month]*measures.Partition{}, keyMonths: map[measures.Month]bool{}, how: make([][6]int64, len(layers)),
		free: make(chan []events.Stored, 4), placedFree: make(chan *placed, 8)}
	for _, l := range layers {
		imp.refs = append(imp.refs, l.ref)
	}
	var err error
	if imp.fresh, err = tx.Empty(ctx); err != nil {
		return nil, err
	}
	if imp.next, err = tx.NextSeq(ctx); err != nil {
		return nil, err
	}
	if imp.dict, err = tx.Dictionary(ctx); err != nil {
		return nil, err
	}
	return imp, nil
}

// prepare places a block's requests in every layer (on the parsing
// goroutines).
//
// Its buffers are used again once the block is added (imp.placedFree): a
// block's are about 50 bytes a request, half a gigabyte for ten million,
// which the collector would otherwise take back and the kernel map again
// page by page.
func (imp *importer) prepare(_ int, b *events.RequestBlock) error {
	n, L := len(b.Requests), len(imp.layers)
	var p *placed
	select {
	case p = <-imp.placedFree:
	default:
	}
	if p == nil {
		p = &placed{pl: events.Placer{Layers: make([]events.PlaceLayer, L)}}
		for l := range imp.layers {
			p.pl.Layers[l] = imp.layers[l].PlaceLayer
		}
	}
	p.area, p.how = slices.Grow(p.area[:0], n*L)[:n*L], slices.Grow(p.how[:0], n*L)[:n*L]
	p.place, p.ids = slices.Grow(p.place[:0], n)[:n], slices.Grow(p.ids[:0], n)[:n]
	p.pl.Place(b.Requests, p.area, p.how)
	for i := range b.Requests {
		r := &b.Requests[i]
		p.place[i] = measures.PlaceKey(r.Address, r.Lon, r.Lat, r.HasPoint)
		p.ids[i] = events.KeyOf(r.ID)
	}
	b.Extra = p
	return nil
}

const maxExamples = 20

// add takes one block in file order.
func (imp *importer) add(ctx context.Context, b *events.RequestBlock) error {
	for _, e := range b.Bad {
		imp.rows++
		imp.bad++
		if len(imp.badExamples) < maxExamples {
			imp.badExamples = append(imp.badExamples, e.Err.Error())
		}
	}
	p := b.Extra.(*placed)
	L := len(imp.layers)
	keep := imp.keep[:0]
	n := len(b.Requests)
	ids := slices.Grow(imp.ids[:0], n)[:n]
	for i := range b.Requests {
		ids[i] = b.Requests[i].ID
	}
	fresh := slices.Grow(imp.isNew[:0], n)[:n]
	imp.seen.AddBlock(ids, p.ids, fresh)
	for i := range b.Requests {
		r := &b.Requests[i]
		imp.rows++
		if !fresh[i] {
			imp.dups++
			if len(imp.dupExamples) < maxExamples {
				imp.dupExamples = append(imp.dupExamples, fmt.Sprintf("line %d: request %s was already read on an earlier line", r.Line, r.ID))
			}
			continue
		}
		keep = append(keep, i)
		if imp.first.IsZero() || r.Created.Before(imp.first) {
			imp.first = r.Created
		}
		if r.Created.After(imp.last) {
			imp.last = r.Created
		}
		if r.Synthetic {
			imp.synthetic++
		}
		if r.ClosedEarly() {
			imp.closedEarly++
		}
		for l := 0; l < L; l++ {
			imp.how[l][p.how[i*L+l]]++
		}
	}
	stored := map[string]*events.Stored{}
	if !imp.fresh {
		if err := imp.wait(); err != nil {
			return err
		}
		ids := make([]string, len(keep))
		for k, i := range keep {
			ids[k] = b.Requests[i].ID
		}
		found, err := imp.tx.Existing(ctx, ids)
		if err != nil {
			return err
		}
		for k := range found {
			stored[found[k].ID] = &found[k]
		}
	}
	var ins []events.Stored
	select {
	case ins = <-imp.free:
	default:
	}
	ins = slices.Grow(ins[:0], len(keep)-len(stored))
	var upd []events.Stored
	at := imp.at[:0] // block position of ins then upd
	for _, i := range keep {
		r := &b.Requests[i]
		if old := stored[r.ID]; old == nil {
			ins = append(ins, events.Stored{Seq: imp.next, Request: *r})
			at = append(at, i)
			imp.next++
			imp.added++
			imp.keyMonths[measures.MonthOf(r.Created)] = true
		}
	}
	for _, i := range keep {
		r := &b.Requests[i]
		old := stored[r.ID]
		switch {
		case old == nil:
		case old.Same(r):
			imp.unchanged++
		default:
			upd = append(upd, events.Stored{Seq: old.Seq, Request: *r})
			at = append(at, i)
			imp.updated++
			if !old.Created.Equal(r.Created) || old.Type != r.Type || measures.PlaceKey(old.Address, old.Lon, old.Lat, old.HasPoint) != p.place[i] {
				// what repeat flags rest on changed (a closing does not)
				imp.keyMonths[measures.MonthOf(old.Created)] = true
				imp.keyMonths[measures.MonthOf(r.Created)] = true
			}
			if mo := measures.MonthOf(old.Created); mo != measures.MonthOf(r.Created) {
				part, err := imp.partition(ctx, mo)
				if err != nil {
					return err
				}
				part.Remove(map[int64]bool{old.Seq: true})
			}
		}
	}
	if len(upd) > 0 {
		if err := imp.wait(); err != nil {
			return err
		}
		if err := imp.tx.Update(ctx, upd); err != nil {
			return err
		}
	}
	if err := imp.rowsToParts(ctx, p, ins, at[:len(ins)]); err != nil {
		return err
	}
	if err := imp.rowsToParts(ctx, p, upd, at[len(ins):]); err != nil {
		return err
	}
	// the block's buffers are free for the next blocks (their strings are
	// not: ins holds them)
	clear(ids)
	imp.keep, imp.ids, imp.isNew, imp.at = keep, ids, fresh, at
	b.Extra = nil
	select {
	case imp.placedFree <- p:
	default:
	}
	return imp.write(ctx, ins)
}

// rowsToParts adds the written requests to their months' partitions.
func (imp *importer) rowsToParts(ctx context.Context, p *placed, written []events.Stored, at []int) error {
	L := len(imp.layers)
	if imp.fresh {
		// straight to the end of each month's columns, one row value reused
		var part *measures.Partition
		for k := range written {
			e := &written[k]
			i := at[k]
			row, err := imp.row(e, p.area[i*L:(i+1)*L], p.how[i*L:(i+1)*L], p.place[i])
			if err != nil {
				return err
			}
			if m := measures.MonthOf(e.Created); part == nil || part.Month != m {
				if part, err = imp.partition(ctx, m); err != nil {
					return err
				}
			}
			part.Append(&row)
		}
		return nil
	}
	byMonth := map[measures.Month][]measures.Row{}
	for k := range written {
		e := &written[k]
		i := at[k]
		row, err := imp.row(e, p.area[i*L:(i+1)*L], p.how[i*L:(i+1)*L], p.place[i])
		if err != nil {
			return err
		}
		m := measures.MonthOf(e.Created)
		byMonth[m] = append(byMonth[m], row)
	}
	for m, rows := range byMonth {
		part, err := imp.partition(ctx, m)
		if err != nil {
			return err
		}
		if imp.fresh {
			for k := range rows {
				part.Append(&rows[k])
			}
			continue
		}
		part.Update(rows)
	}
	return nil
}

// row is a request's partition row.
func (imp *importer) row(e *events.Stored, area []int32, how []uint8, place uint64) (measures.Row, error) {
	r := measures.Row{Seq: e.Seq, Created: e.Created.Unix(), Place: place, Area: area, How: how}
	var err error
	ids := [4]*uint16{&r.Type, &r.Agency, &r.Source, &r.Status}
	for k, n := range [4]string{e.Type, e.Agency, e.Source, e.Status} {
		if n == imp.lastName[k] && imp.lastOK[k] {
			*ids[k] = imp.lastID[k] // the name of the row before (often)
			continue
		}
		if *ids[k], _, err = imp.dict.ID(k, n); err != nil {
			return r, err
		}
		imp.lastName[k], imp.lastID[k], imp.lastOK[k] = n, *ids[k], true
	}
	if !e.Closed.IsZero() {
		r.Closed = e.Closed.Unix()
	}
	if e.ClosedEarly() {
		r.Closed = r.Created
		r.Flags |= measures.FlagClosedEarly
	}
	if e.Synthetic {
		r.Flags |= measures.FlagSynthetic
	}
	if e.ClosedByUpdate {
		r.Flags |= measures.FlagClosedByUpdate
	}
	if e.HasPoint {
		r.Flags |= measures.FlagPoint
	}
	return r, nil
}

// partition returns the partition of a month, read from the store the
// first time (a new one when the store has none).
func (imp *importer) partition(ctx context.Context, m measures.Month) (*measures.Partition, error) {
	if p, ok := imp.parts[m]; ok {
		return p, nil
	}
	var p *measures.Partition
	if !imp.fresh {
		if err := imp.wait(); err != nil {
			return nil, err
		}
		var err error
		if p, err = imp.tx.Partition(ctx, m); err != nil {
			return nil, err
		}
	}
	if p == nil {
		p = measures.NewPartition(m, imp.refs)
		if imp.fresh {
			// room for as many requests as the largest month so far: a
			// file in creation order (the portal's exports) fills its
			// months one after the other, and months of one city are of
			// a size. Not into a store that has requests: a day's file
			// reaching a new month brings it a few hundred.
			largest := 0
			for _, q := range imp.parts {
				largest = max(largest, q.Len())
			}
			p.Grow(largest)
		}
	} else if !p.Align(imp.refs) {
		return nil, budget.Errorf(budget.EINTERNAL, "the stored requests of %s are placed in other layers than those stored; run budgetlens events place", m)
	}
	imp.parts[m] = p
	return p, nil
}

// finish marks repeats from the first month whose requests' time, type
// or place changed (with the window before it read, and the months after
// the last whose flags may change; a closing changes no flag: a request
// updated without such a change keeps its flag, Partition.Update), and
// writes every partition that changed.
func (imp *importer) finish(ctx context.Context) ([]string, error) {
	if err := imp.wait(); err != nil {
		return nil, err
	}
	if len(imp.parts) == 0 {
		return []string{}, nil
	}
	write := map[measures.Month]bool{}
	for m := range imp.parts {
		write[m] = true
	}
	keyed := make([]measures.Month, 0, len(imp.keyMonths))
	for m := range imp.keyMonths {
		keyed = append(keyed, m)
	}
	slices.Sort(keyed)
	if len(keyed) > 0 {
		var sv *measures.Services
		if imp.o.City != nil {
			sv = imp.o.City.Services
		}
		window := sv.RepeatWindow()
		first, last := keyed[0], keyed[len(keyed)-1]
		// the months whose requests can make one of first on a repeat, and
		// those whose flags a change up to the end of last can change
		lo, hi := measures.MonthOfUnix(first.Start()-window), measures.MonthOfUnix(last.End()-1+window)
		for m := lo; m <= hi; m++ {
			if _, err := imp.partition(ctx, m); err != nil {
				return nil, err
			}
		}
		var all []*measures.Partition
		for m := lo; m <= hi; m++ {
			all = append(all, imp.parts[m])
		}
		for _, m := range measures.MarkRepeats(all, first, window, measures.Canon(imp.dict, sv)) {
			write[m] = true
		}
	}
	months := make([]measures.Month, 0, len(write))
	for m := range write {
		months = append(months, m)
	}
	slices.Sort(months)
	todo := make([]*measures.Partition, len(months))
	for k, m := range months {
		todo[k] = imp.parts[m]
	}
	// the summaries are computed on every core, in month order, while
	// the months summarised are written in order (the store writes on one
	// thread)
	sums := aheadEach(len(todo), func(k int) *measures.Summary { return todo[k].Summary() })
	defer sums.stop()
	var out []string
	for k, p := range todo {
		if err := imp.tx.PutPartition(ctx, p, sums.get(k)); err != nil {
			return nil, err
		}
		if p.Len() > 0 {
			out = append(out, p.Month.String())
		}
	}
	return out, nil
}

func (imp *importer) info(sum *events.ReadSummary) events.ImportInfo {
	info := events.ImportInfo{File: sum.File, SHA256: sum.SHA256, Schema: sum.Schema, Rows: imp.rows, Added: imp.added, Updated: imp.updated,
		Unchanged: imp.unchanged, Duplicates: imp.dups, Bad: imp.bad, Synthetic: imp.synthetic, ClosedEarly: imp.closedEarly, First: imp.first, Last: imp.last, Version: budget.Version}
	if !imp.first.IsZero() {
		info.Coverage = measures.Coverage(imp.first.Unix(), imp.last.Unix())
	}
	return info
}

// placements summarises how requests were placed in each layer.
func (imp *importer) placements() []LayerPlacement {
	out := []LayerPlacement{}
	for l, pl := range imp.layers {
		h := imp.how[l]
		lp := LayerPlacement{Layer: pl.Name, ByPoint: h[events.PlacedByPoint], ByCode: h[events.PlacedByCode], Reasons: map[string]int64{}}
		for _, code := range []uint8{events.UnplacedNoPlace, events.UnplacedOutside, events.UnplacedNoCode} {
			if h[code] > 0 {
				lp.Unplaced += h[code]
				lp.Reasons[events.HowText(code)] = h[code]
			}
		}
		out = append(out, lp)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Layer < out[j].Layer })
	return out
}

// ahead computes fn(0..n-1) on GOMAXPROCS goroutines, taking k in
// ascending order, for a caller that uses the results in that order
// (get) while the later ones are computed.
type ahead[T any] struct {
	out  []T
	done []chan struct{}
	next atomic.Int64
	quit atomic.Bool
	wg   sync.WaitGroup
}

func aheadEach[T any](n int, fn func(k int) T) *ahead[T] {
	a := &ahead[T]{out: make([]T, n), done: make([]chan struct{}, n)}
	for k := range a.done {
		a.done[k] = make(chan struct{})
	}
	for w := 0; w < min(runtime.GOMAXPROCS(0), n); w++ {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			for k := int(a.next.Add(1) - 1); k < n && !a.quit.Load(); k = int(a.next.Add(1) - 1) {
				a.out[k] = fn(k)
				close(a.done[k])
			}
		}()
	}
	return a
}

// get waits for fn(k).
func (a *ahead[T]) get(k int) T {
	<-a.done[k]
	return a.out[k]
}

// stop lets the workers end without computing the rest and waits for
// them.
func (a *ahead[T]) stop() {
	a.quit.Store(true)
	a.wg.Wait()
}

// parallelEach calls fn(0..n-1) on GOMAXPROCS goroutines.
func parallelEach(n int, fn func(k int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				fn(k)
			}
		}()
	}
	wg.Wait()
}
