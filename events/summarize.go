package events

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/budgetlens/budgetlens/budget"
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
// Located, ByCode, Unplaced or Bad.
type Summary struct {
	File string `json:"file"`
	// InputSHA256 is the SHA-256 of the bytes read, for provenance.
	InputSHA256 string `json:"input_sha256"`
	Rows        int    `json:"rows"`             // data rows read
	Located     int    `json:"located"`          // placed by their coordinates
	ByCode      int    `json:"by_code"`          // placed by CodeColumn (no usable coordinates)
	Unplaced    int    `json:"unplaced"`         // neither coordinates in an area nor a known code
	Bad         int    `json:"bad_rows"`         // rejected rows (Lenient only)
	Open        int    `json:"open"`             // requests without a closing time
	ByEdit      int    `json:"closed_by_update"` // closing time taken from UpdatedDate
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
// set, in which case it is counted in Bad and the first ones are listed.
func Summarize(r io.Reader, name string, opt Options) (*Summary, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.BlockSize <= 0 {
		opt.BlockSize = 4 << 20
	}
	if len(opt.Population) != 0 && len(opt.Population) != len(opt.AreaIDs) {
		return nil, budget.Errorf(budget.EINVALID, "events: %d populations for %d areas", len(opt.Population), len(opt.AreaIDs))
	}
	if opt.CodeColumn != "" && opt.CodeColumn != ColCD && opt.CodeColumn != ColNC && opt.CodeColumn != ColNCName {
		return nil, budget.Errorf(budget.EINVALID, "events: code column %q: use CD, NC or NCName", opt.CodeColumn)
	}
	sp := &splitter{r: r, block: opt.BlockSize, sum: sha256.New()}
	hdrBytes, err := sp.header()
	if errors.Is(err, errEmptyFile) {
		return nil, &budget.InputError{File: name, Line: 1, Expected: "a CSV header line naming the columns (SRNumber, CreatedDate, RequestType, Latitude, Longitude, ...); the file is empty"}
	}
	if err != nil {
		return nil, fmt.Errorf("events: %s: %w", name, err)
	}
	hrec, err := csv.NewReader(bytes.NewReader(hdrBytes)).Read()
	if err != nil {
		return nil, &budget.InputError{File: name, Line: 1, Expected: "the first line must be a CSV header (" + err.Error() + ")"}
	}
	h, err := newHeader(name, hrec)
	if err != nil {
		return nil, err
	}

	chunks := make(chan chunk, opt.Workers*2)
	var stop atomic.Bool // stops the splitter after an error
	var errLine atomic.Int64
	errLine.Store(math.MaxInt64)
	var readErr error
	go func() {
		defer close(chunks)
		readErr = sp.run(chunks, &stop)
	}()
	parts := make([]*partial, opt.Workers)
	var wg sync.WaitGroup
	for w := range parts {
		parts[w] = newPartial(len(opt.AreaIDs))
		wg.Add(1)
		go func(p *partial) {
			defer wg.Done()
			for c := range chunks {
				// After an error (strict mode) only blocks before it still
				// matter: one of them may hold an earlier error.
				if int64(c.firstLine) > errLine.Load() {
					continue // drain
				}
				if err := p.chunk(h, c, &opt); err != nil && !opt.Lenient {
					for {
						cur := errLine.Load()
						if int64(p.firstErr.line) >= cur || errLine.CompareAndSwap(cur, int64(p.firstErr.line)) {
							break
						}
					}
					stop.Store(true)
				}
			}
		}(parts[w])
	}
	wg.Wait()
	if readErr != nil {
		return nil, fmt.Errorf("events: %s: %w", name, readErr)
	}
	// The first error in file order wins, whichever worker met it.
	if !opt.Lenient {
		var first *rowError
		for _, p := range parts {
			if p.firstErr != nil && (first == nil || p.firstErr.line < first.line) {
				first = p.firstErr
			}
		}
		if first != nil {
			return nil, first.err
		}
	}
	out := merge(name, parts, &opt)
	out.InputSHA256 = hex.EncodeToString(sp.sum.Sum(nil))
	return out, nil
}

// rowError is an error of one row with its line, for ordering.
type rowError struct {
	line int
	err  error
}

// chunk is a block of whole records and the file line of its first byte.
type chunk struct {
	data      []byte
	firstLine int
}

// splitter cuts a CSV stream into blocks that end at a record boundary: a
// newline outside quotes (in CSV a doubled quote inside a quoted field toggles
// the state twice, so counting quotes is enough).
type splitter struct {
	sum   hash.Hash // SHA-256 of every byte read
	r     io.Reader
	block int
	buf   []byte // bytes read but not yet sent
	eof   bool
	line  int // file line of buf[0]
}

func (s *splitter) fill() error {
	if s.eof {
		return nil
	}
	start := len(s.buf)
	if cap(s.buf)-start < s.block {
		nb := make([]byte, start, start+s.block)
		copy(nb, s.buf)
		s.buf = nb
	}
	n, err := io.ReadFull(s.r, s.buf[start:start+s.block])
	s.buf = s.buf[:start+n]
	s.sum.Write(s.buf[start:])
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		s.eof = true
		return nil
	}
	return err
}

// cut returns the index just after the last record boundary in b, or -1.
func cut(b []byte) int {
	if bytes.IndexByte(b, '"') < 0 {
		return bytes.LastIndexByte(b, '\n') + 1
	}
	inQ, last := false, -1
	for i := 0; i < len(b); {
		j := bytes.IndexAny(b[i:], "\"\n")
		if j < 0 {
			break
		}
		i += j
		if b[i] == '"' {
			inQ = !inQ
		} else if !inQ {
			last = i
		}
		i++
	}
	return last + 1
}

// header returns the bytes of the header record.
func (s *splitter) header() ([]byte, error) {
	s.line = 1
	for {
		if err := s.fill(); err != nil {
			return nil, err
		}
		inQ := false
		for i, c := range s.buf {
			if c == '"' {
				inQ = !inQ
			} else if c == '\n' && !inQ {
				h := s.buf[:i+1]
				s.buf = s.buf[i+1:]
				s.line += bytes.Count(h, []byte{'\n'})
				return h, nil
			}
		}
		if s.eof {
			if len(s.buf) == 0 {
				return nil, errEmptyFile
			}
			h := s.buf
			s.buf = nil
			return h, nil
		}
	}
}

// errEmptyFile is the splitter's answer for a file with no bytes at all.
var errEmptyFile = errors.New("the file is empty")

func (s *splitter) run(out chan<- chunk, stop *atomic.Bool) error {
	for !stop.Load() {
		if len(s.buf) < s.block && !s.eof {
			if err := s.fill(); err != nil {
				return err
			}
		}
		if len(s.buf) == 0 {
			return nil
		}
		n := len(s.buf)
		if !s.eof {
			n = cut(s.buf)
			if n <= 0 { // one record longer than the buffer: read more
				if err := s.fill(); err != nil {
					return err
				}
				if !s.eof {
					continue
				}
				n = len(s.buf)
			}
		}
		data := s.buf[:n:n]
		out <- chunk{data: data, firstLine: s.line}
		s.line += bytes.Count(data, []byte{'\n'})
		rest := s.buf[n:]
		s.buf = make([]byte, len(rest), len(rest)+s.block)
		copy(s.buf, rest)
	}
	return nil
}

// partial is one worker's aggregate.
type partial struct {
	rows, located, byCode, unplaced, bad, open, byEdit, synthetic int
	total                                                         Stats
	areas                                                         []Stats
	areaType                                                      []map[string]int
	types                                                         map[string]*Stats
	badExamples                                                   []rowError
	firstErr                                                      *rowError
	intern                                                        interner
	fields                                                        [][]byte
	scratch                                                       []byte
}

func newPartial(n int) *partial {
	p := &partial{areas: make([]Stats, n), areaType: make([]map[string]int, n), types: map[string]*Stats{}, intern: interner{}}
	for i := range p.areaType {
		p.areaType[i] = map[string]int{}
	}
	return p
}

// chunk aggregates one block; it returns the first error when not lenient.
func (p *partial) chunk(h *header, c chunk, opt *Options) error {
	rr := recordReader{data: c.data, line: 1, fields: p.fields, scratch: p.scratch}
	defer func() { p.fields, p.scratch = rr.fields, rr.scratch }()
	var e Event
	for {
		l, ok, err := rr.next()
		if !ok {
			return nil
		}
		line := c.firstLine + l - 1
		if err == nil && len(rr.fields) != len(h.name) {
			err = fieldCountError(len(rr.fields), len(h.name))
		}
		if err != nil {
			err = &budget.InputError{File: h.file, Line: line,
				Expected: fmt.Sprintf("unreadable CSV row: %v; check quoting and that the row has the header's %d columns", err, len(h.name))}
		} else {
			err = h.parse(rr.fields, line, &e, p.intern)
		}
		if err != nil {
			p.rows++
			p.bad++
			re := rowError{line: line, err: err}
			if p.firstErr == nil {
				p.firstErr = &re
			}
			if len(p.badExamples) < maxBadExamples {
				p.badExamples = append(p.badExamples, re)
			}
			if !opt.Lenient {
				return err
			}
			continue
		}
		p.add(&e, opt)
	}
}

func (p *partial) add(e *Event, opt *Options) {
	p.rows++
	if e.Synthetic {
		p.synthetic++
	}
	area, placed := -1, false
	if e.HasPoint && opt.Locator != nil {
		area, placed = opt.Locator.Locate(e.Lon, e.Lat)
		if placed {
			p.located++
		}
	}
	if !placed && opt.CodeColumn != "" {
		code := e.CD
		switch opt.CodeColumn {
		case ColNC:
			code = e.NC
		case ColNCName:
			code = []byte(NormalizeName(string(e.NCName)))
		}
		if a, ok := opt.Codes[string(code)]; ok && len(code) > 0 {
			area, placed = a, true
			p.byCode++
		}
	}
	if !placed {
		p.unplaced++
	}
	h, closed := e.Hours()
	if !closed {
		p.open++
	}
	if e.ClosedByEdit {
		p.byEdit++
	}
	ts := p.types[e.Type]
	if ts == nil {
		ts = &Stats{}
		p.types[e.Type] = ts
	}
	for _, s := range []*Stats{&p.total, ts, p.areaStats(area, placed)} {
		if s == nil {
			continue
		}
		s.Count++
		if closed {
			s.Closed++
			s.sketch.Add(h)
		}
	}
	if placed {
		p.areaType[area][e.Type]++
	}
}

func (p *partial) areaStats(area int, placed bool) *Stats {
	if !placed {
		return nil
	}
	return &p.areas[area]
}

func merge(name string, parts []*partial, opt *Options) *Summary {
	s := &Summary{File: name}
	n := len(opt.AreaIDs)
	areas := make([]Stats, n)
	byType := make([]map[string]int, n)
	types := map[string]*Stats{}
	var bad []rowError
	for i := range byType {
		byType[i] = map[string]int{}
	}
	for _, p := range parts {
		s.Rows += p.rows
		s.Located += p.located
		s.ByCode += p.byCode
		s.Unplaced += p.unplaced
		s.Bad += p.bad
		s.Open += p.open
		s.ByEdit += p.byEdit
		s.Synthetic += p.synthetic
		s.Total.merge(&p.total)
		for i := range areas {
			areas[i].merge(&p.areas[i])
			for t, c := range p.areaType[i] {
				byType[i][t] += c
			}
		}
		for t, st := range p.types {
			if types[t] == nil {
				types[t] = &Stats{}
			}
			types[t].merge(st)
		}
		bad = append(bad, p.badExamples...)
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].line < bad[j].line })
	for i, b := range bad {
		if i == maxBadExamples {
			break
		}
		s.BadExamples = append(s.BadExamples, b.err.Error())
	}
	s.Total.finish()
	for i := range areas {
		a := AreaSummary{AreaID: opt.AreaIDs[i], Stats: areas[i], ByType: byType[i]}
		if len(opt.Population) > 0 {
			a.Population = opt.Population[i]
		}
		a.RatePer1000 = rate(a.Count, a.Population)
		a.finish()
		s.Areas = append(s.Areas, a)
	}
	for t, st := range types {
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
