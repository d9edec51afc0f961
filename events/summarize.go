package events

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"sort"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// Locator places a point (WGS84 longitude, latitude) in at most one area of
// a layer, by position. *geo.Index satisfies it. Summarize calls it from
// several goroutines at once, so it must be safe for concurrent reads.
type Locator interface {
	Locate(lon, lat float64) (area int, ok bool)
}

// Options configure Summarize.
type Options struct {
	// Locator places points; nil places every event by its code (or not at all).
	Locator Locator
	// AreaIDs and Population describe the areas the Locator returns, by
	// position; Population[i] = 0 means unknown (no rate is given).
	AreaIDs    []string
	Population []float64
	// CodeColumn ("CD", "NC" or "NCName") names the column used to place an
	// event whose coordinates are missing or fall outside every area; Codes
	// maps its values to area positions (for NCName, keyed by NormalizeName of
	// the layer's names). Empty: no fallback.
	CodeColumn string
	Codes      map[string]int
	// Lenient counts and reports bad rows instead of stopping at the first.
	Lenient bool
	// Workers is the number of parsing goroutines (default GOMAXPROCS).
	Workers int
	// BlockSize is the size in bytes of the blocks the file is cut into (default 4 MiB).
	BlockSize int
	// Limits bound the input (file size, record size, columns); zero
	// fields take tabular.DefaultLimits.
	Limits tabular.Limits
}

// Stats are the counts and response times of a set of events. Response time
// is closed - created in hours, over closed requests; Median and P90 are
// nearest-rank quantiles from a Sketch (relative error at most 0.5%); they
// are nil when no request of the set is closed.
type Stats struct {
	Count       int      `json:"count"`
	Closed      int      `json:"closed"`
	MedianHours *float64 `json:"median_hours"`
	P90Hours    *float64 `json:"p90_hours"`
	sketch      Sketch
}

func (s *Stats) finish() {
	if v, ok := s.sketch.Quantile(0.5); ok {
		s.MedianHours = &v
	}
	if v, ok := s.sketch.Quantile(0.9); ok {
		s.P90Hours = &v
	}
}

func (s *Stats) merge(o *Stats) {
	s.Count += o.Count
	s.Closed += o.Closed
	s.sketch.Merge(&o.sketch)
}

// AreaSummary is the summary of one area.
type AreaSummary struct {
	AreaID     string  `json:"area_id"`
	Population float64 `json:"population"`
	// RatePer1000 = Count / Population x 1000; nil when the population is unknown.
	RatePer1000 *float64 `json:"rate_per_1000"`
	Stats
	ByType map[string]int `json:"by_type"`
}

// TypeSummary is the summary of one request type over all areas.
type TypeSummary struct {
	Type string `json:"type"`
	Stats
}

// TierSummary is the summary of the areas of one need tier.
type TierSummary struct {
	Tier        string   `json:"tier"`
	Areas       int      `json:"areas"`
	Population  float64  `json:"population"`
	RatePer1000 *float64 `json:"rate_per_1000"`
	Stats
}

// Summary is the result of Summarize. Every row read is in exactly one of
// Located, ByCode, Unplaced, Bad or Duplicates.
type Summary struct {
	File string `json:"file"`
	// InputSHA256 is the SHA-256 of the bytes read, for provenance.
	InputSHA256 string `json:"input_sha256"`
	Rows        int    `json:"rows"`     // data rows read
	Located     int    `json:"located"`  // placed by their coordinates
	ByCode      int    `json:"by_code"`  // placed by CodeColumn (no usable coordinates)
	Unplaced    int    `json:"unplaced"` // neither coordinates in an area nor a known code
	Bad         int    `json:"bad_rows"` // rejected rows (Lenient only)
	// Duplicates are rows whose SRNumber an earlier row of the file has:
	// a request is counted once, as its first row says (exports that
	// overlap repeat requests); the first ones are listed.
	Duplicates        int      `json:"duplicates"`
	DuplicateExamples []string `json:"duplicate_examples,omitempty"`
	Open              int      `json:"open"`             // requests without a closing time
	ByEdit            int      `json:"closed_by_update"` // closing time taken from UpdatedDate
	// BadExamples are the first errors of rejected rows (at most 20), in file order.
	BadExamples []string      `json:"bad_examples,omitempty"`
	Total       Stats         `json:"total"`
	Areas       []AreaSummary `json:"areas"`
	Types       []TypeSummary `json:"types"`
	Synthetic   int           `json:"synthetic"` // rows labelled synthetic (RequestSource SYNTHETIC)
	Tiers       []TierSummary `json:"tiers,omitempty"`
}

const maxBadExamples = 20

// Summarize streams a MyLA311-style CSV from r (name is the file name used in
// errors) and summarises it per area of the layer and per request type. A
// bad row (unreadable CSV, missing SRNumber/CreatedDate/RequestType, a date
// or coordinate that does not parse, closed before created) stops the run
// with an error naming file, line, column and value, unless opt.Lenient is
// set, in which case it is counted in Bad and the first ones are listed. A
// request number seen on an earlier row is counted once (Duplicates).
//
// The file is read by tabular.Stream and tabular.Parallel: blocks of whole
// records are parsed and located by opt.Workers goroutines and aggregated
// in file order, so results and the error reported (the first in file
// order) never depend on scheduling, and time is linear in the input
// whatever its quoting (a stray quote cannot make a block re-read).
// Memory: the blocks in flight, plus 8 to 16 bytes per distinct request
// number for duplicate detection.
func Summarize(r io.Reader, name string, opt Options) (*Summary, error) {
	return SummarizeContext(context.Background(), r, name, opt)
}

// SummarizeContext is Summarize, stopped when ctx is cancelled.
func SummarizeContext(ctx context.Context, r io.Reader, name string, opt Options) (*Summary, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if len(opt.Population) != 0 && len(opt.Population) != len(opt.AreaIDs) {
		return nil, budget.Errorf(budget.EINVALID, "events: %d populations for %d areas", len(opt.Population), len(opt.AreaIDs))
	}
	if opt.CodeColumn != "" && opt.CodeColumn != ColCD && opt.CodeColumn != ColNC && opt.CodeColumn != ColNCName {
		return nil, budget.Errorf(budget.EINVALID, "events: code column %q: use CD, NC or NCName", opt.CodeColumn)
	}
	s, err := tabular.NewStream(r, tabular.StreamOptions{File: name, BlockSize: opt.BlockSize, Limits: opt.Limits, Hash: true})
	if err != nil {
		return nil, err
	}
	h, err := newHeader(name, s.Header())
	if err != nil {
		return nil, err
	}
	parsers := make([]*blockParser, opt.Workers)
	for w := range parsers {
		parsers[w] = &blockParser{h: h, opt: &opt, intern: interner{}, rr: tabular.RecordReader{Delim: s.Delimiter()}, s: s}
	}
	agg := newAggregate(len(opt.AreaIDs))
	err = tabular.Parallel(ctx, s, opt.Workers,
		func(w int, b *tabular.Block) (*blockResult, error) { return parsers[w].parse(b) },
		func(_ *tabular.Block, res *blockResult) error { agg.add(res); return nil })
	if err != nil {
		return nil, err
	}
	out := agg.summary(name, &opt)
	out.InputSHA256 = hex.EncodeToString(s.Sum())
	return out, nil
}

// rowError is an error of one row with its line, for ordering.
type rowError struct {
	line int
	err  error
}

// placed says how a row was placed.
const (
	unplaced uint8 = iota
	byPoint
	byCode
)

// row is what a worker keeps of a good row for the aggregation.
type row struct {
	id        uint64 // hash of the SRNumber
	srn       string
	typ       string
	line      int
	area      int32 // -1 when unplaced
	how       uint8
	bucket    int // response-time bucket (sketchIndex); closed only
	closed    bool
	synthetic bool
	byEdit    bool
}

// blockResult is one block's rows in file order, good and bad.
type blockResult struct {
	rows []row
	bad  []rowError // lenient only, in file order
	// order interleaves: bad[k] comes before rows[badAt[k]]
	badAt []int
}

// blockParser is one worker's state: it parses and places the rows of a
// block, keeping nothing between blocks but buffers and interned strings.
type blockParser struct {
	h      *header
	opt    *Options
	s      *tabular.Stream
	rr     tabular.RecordReader
	intern interner
	dec    [][]byte
	buf    []byte
}

func (p *blockParser) parse(b *tabular.Block) (*blockResult, error) {
	res := &blockResult{rows: make([]row, 0, len(b.Data)/200+1)}
	p.rr.Reset(b.Data, b.FirstLine)
	var e Event
	for {
		line, ok, serr := p.rr.Next()
		if !ok {
			return res, nil
		}
		var err error
		switch {
		case serr != nil:
			err = p.s.SyntaxInputError(serr)
		case len(p.rr.Fields) != len(p.h.name):
			err = &budget.InputError{File: p.h.file, Line: line,
				Expected: fmt.Sprintf("a row with the header's %d columns; this one has %d: check its quoting", len(p.h.name), len(p.rr.Fields))}
		default:
			err = p.h.parse(p.fields(), line, &e, p.intern)
		}
		if err != nil {
			if !p.opt.Lenient {
				return nil, err
			}
			res.bad = append(res.bad, rowError{line, err})
			res.badAt = append(res.badAt, len(res.rows))
			continue
		}
		res.rows = append(res.rows, p.place(&e))
	}
}

// fields returns the record's fields as UTF-8: a record that is not valid
// UTF-8 is read as Windows-1252.
func (p *blockParser) fields() [][]byte {
	if utf8Valid(p.rr.Raw()) {
		return p.rr.Fields
	}
	p.buf, p.dec = p.buf[:0], p.dec[:0]
	var ends []int
	for _, f := range p.rr.Fields {
		p.buf = tabular.AppendWindows1252(p.buf, f)
		ends = append(ends, len(p.buf))
	}
	start := 0
	for _, e := range ends {
		p.dec = append(p.dec, p.buf[start:e:e])
		start = e
	}
	return p.dec
}

// place locates an event (by its point, else by its code) and keeps what
// the aggregation needs.
func (p *blockParser) place(e *Event) row {
	opt := p.opt
	r := row{id: idHash(e.ID), srn: e.ID, typ: e.Type, line: e.Line, area: -1, synthetic: e.Synthetic, byEdit: e.ClosedByEdit}
	if e.HasPoint && opt.Locator != nil {
		if a, ok := opt.Locator.Locate(e.Lon, e.Lat); ok {
			r.area, r.how = int32(a), byPoint
		}
	}
	if r.how == unplaced && opt.CodeColumn != "" {
		code := e.CD
		switch opt.CodeColumn {
		case ColNC:
			code = e.NC
		case ColNCName:
			code = []byte(NormalizeName(string(e.NCName)))
		}
		if a, ok := opt.Codes[string(code)]; ok && len(code) > 0 {
			r.area, r.how = int32(a), byCode
		}
	}
	if h, closed := e.Hours(); closed {
		r.closed, r.bucket = true, sketchIndex(h)
	}
	return r
}

// aggregate adds the rows of every block in file order; it alone decides
// whether a request number was seen before.
type aggregate struct {
	rows, located, byCode, unplaced, bad, open, byEdit, synthetic, dups int
	total                                                               Stats
	areas                                                               []Stats
	areaType                                                            []map[string]int
	types                                                               map[string]*Stats
	badExamples                                                         []string
	dupExamples                                                         []string
	seen                                                                idSet
}

func newAggregate(n int) *aggregate {
	a := &aggregate{areas: make([]Stats, n), areaType: make([]map[string]int, n), types: map[string]*Stats{}}
	for i := range a.areaType {
		a.areaType[i] = map[string]int{}
	}
	return a
}

func (a *aggregate) add(res *blockResult) {
	k := 0
	for i := range res.rows {
		for ; k < len(res.bad) && res.badAt[k] <= i; k++ {
			a.addBad(res.bad[k])
		}
		a.addRow(&res.rows[i])
	}
	for ; k < len(res.bad); k++ {
		a.addBad(res.bad[k])
	}
}

func (a *aggregate) addBad(b rowError) {
	a.rows++
	a.bad++
	if len(a.badExamples) < maxBadExamples {
		a.badExamples = append(a.badExamples, b.err.Error())
	}
}

func (a *aggregate) addRow(r *row) {
	a.rows++
	if !a.seen.add(r.id) {
		a.dups++
		if len(a.dupExamples) < maxBadExamples {
			a.dupExamples = append(a.dupExamples, fmt.Sprintf("line %d: request %s was already counted on an earlier line", r.line, r.srn))
		}
		return
	}
	switch r.how {
	case byPoint:
		a.located++
	case byCode:
		a.byCode++
	default:
		a.unplaced++
	}
	if r.synthetic {
		a.synthetic++
	}
	if !r.closed {
		a.open++
	}
	if r.byEdit {
		a.byEdit++
	}
	ts := a.types[r.typ]
	if ts == nil {
		ts = &Stats{}
		a.types[r.typ] = ts
	}
	stats := [3]*Stats{&a.total, ts, nil}
	if r.area >= 0 {
		stats[2] = &a.areas[r.area]
		a.areaType[r.area][r.typ]++
	}
	for _, s := range stats {
		if s == nil {
			continue
		}
		s.Count++
		if r.closed {
			s.Closed++
			s.sketch.addIndex(r.bucket)
		}
	}
}

func (a *aggregate) summary(name string, opt *Options) *Summary {
	s := &Summary{File: name, Rows: a.rows, Located: a.located, ByCode: a.byCode, Unplaced: a.unplaced, Bad: a.bad, Open: a.open,
		ByEdit: a.byEdit, Synthetic: a.synthetic, Duplicates: a.dups, BadExamples: a.badExamples, DuplicateExamples: a.dupExamples, Total: a.total}
	s.Total.finish()
	for i := range a.areas {
		as := AreaSummary{AreaID: opt.AreaIDs[i], Stats: a.areas[i], ByType: a.areaType[i]}
		if len(opt.Population) > 0 {
			as.Population = opt.Population[i]
		}
		as.RatePer1000 = rate(as.Count, as.Population)
		as.finish()
		s.Areas = append(s.Areas, as)
	}
	for t, st := range a.types {
		ts := TypeSummary{Type: t, Stats: *st}
		ts.finish()
		s.Types = append(s.Types, ts)
	}
	// Most frequent type first; ties by name.
	sort.Slice(s.Types, func(i, j int) bool {
		if s.Types[i].Count != s.Types[j].Count {
			return s.Types[i].Count > s.Types[j].Count
		}
		return s.Types[i].Type < s.Types[j].Type
	})
	return s
}

// rate returns count per 1,000 residents, nil when the population is not positive.
func rate(count int, pop float64) *float64 {
	if !(pop > 0) {
		return nil
	}
	r := float64(count) / pop * 1000
	return &r
}

// ByTier groups the areas by need tier: tier[i] is the tier label of area i
// ("" leaves the area out). Counts and populations are summed, response-time
// sketches merged (so the tier's median and 90th percentile are those of all
// its closed requests, not an average of area medians), and the rate is the
// tier's count per 1,000 of its population. Tiers come in the given order
// (labels from lowest to highest need, say), then any other labels sorted.
// The result is stored in s.Tiers and returned.
func (s *Summary) ByTier(tier []string, order []string) ([]TierSummary, error) {
	if len(tier) != len(s.Areas) {
		return nil, budget.Errorf(budget.EINVALID, "events: %d tiers for %d areas", len(tier), len(s.Areas))
	}
	by := map[string]*TierSummary{}
	for i, t := range tier {
		if t == "" {
			continue
		}
		ts := by[t]
		if ts == nil {
			ts = &TierSummary{Tier: t}
			by[t] = ts
		}
		ts.Areas++
		ts.Population += s.Areas[i].Population
		ts.merge(&s.Areas[i].Stats)
	}
	rank := map[string]int{}
	for i, t := range order {
		if _, ok := rank[t]; !ok {
			rank[t] = i
		}
	}
	s.Tiers = s.Tiers[:0]
	for _, ts := range by {
		ts.RatePer1000 = rate(ts.Count, ts.Population)
		ts.finish()
		s.Tiers = append(s.Tiers, *ts)
	}
	sort.Slice(s.Tiers, func(i, j int) bool {
		ri, iok := rank[s.Tiers[i].Tier]
		rj, jok := rank[s.Tiers[j].Tier]
		if iok != jok {
			return iok
		}
		if iok && ri != rj {
			return ri < rj
		}
		return s.Tiers[i].Tier < s.Tiers[j].Tier
	})
	return s.Tiers, nil
}
