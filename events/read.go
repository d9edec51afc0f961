package events

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// ReadOptions configure ReadRequests.
type ReadOptions struct {
	// Schema maps columns to fields; nil detects a built-in one from the
	// headings (DetectSchema) and refuses a file that fits none, saying how
	// to write a mapping profile.
	Schema *Schema
	// Lenient counts and lists bad rows instead of stopping at the first.
	Lenient bool
	// Workers is the number of parsing goroutines (default GOMAXPROCS).
	Workers int
	// BlockSize is the size in bytes of the blocks the file is cut into
	// (default 4 MiB).
	BlockSize int
	// Limits bound the input; zero fields take tabular.DefaultLimits.
	Limits tabular.Limits
	// Prepare, when set, is called by the parsing goroutines for each block
	// once its rows are parsed (worker is 0..Workers-1), before the block is
	// emitted: the place to do per-request work in parallel, such as
	// locating each request in areas (RequestBlock.Extra).
	Prepare func(worker int, b *RequestBlock) error
}

// RequestBlock is a run of requests of a file, in file order.
type RequestBlock struct {
	Seq      int // 0 for the first block
	Requests []Request
	// Bad are the rows refused in this block (Lenient only), in file order.
	Bad []RowError
	// Extra is what Prepare attached.
	Extra any
}

// requestFree keeps the request slices of blocks given back
// (ReleaseBlock) for the blocks parsed next: a few, in a channel rather
// than a sync.Pool, which every garbage collection empties (and a large
// import collects often).
var requestFree = make(chan []Request, 8)

// ReleaseBlock gives a block's requests back for reuse once the caller has
// copied what it keeps of them: b must not be used afterwards.
func ReleaseBlock(b *RequestBlock) {
	if b == nil || cap(b.Requests) == 0 {
		return
	}
	r := b.Requests[:0]
	b.Requests = nil
	select {
	case requestFree <- r:
	default:
	}
}

// RowError is a refused row: its line and why.
type RowError struct {
	Line int
	Err  error
}

// ReadSummary says what ReadRequests read.
type ReadSummary struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"` // of the bytes read
	Schema string `json:"schema"` // the schema used
	Rows   int    `json:"rows"`   // data rows, good and bad
	Bad    int    `json:"bad_rows"`
}

// ReadRequests streams a file of service requests to emit, block by block
// in file order: a CSV in a built-in schema or opt.Schema, or an Open311
// GeoReport v2 JSON array (recognised by its first character). Blocks are
// parsed by opt.Workers goroutines and emitted from the calling goroutine in
// file order, so the result and the first error reported never depend on
// scheduling. A bad row (a required field empty, a date or coordinate that
// does not parse) stops the read with an input error
// naming the file, line, column and value, unless opt.Lenient is set, when
// it is passed in RequestBlock.Bad. Memory: the blocks in flight (at most
// 3 x workers of about 4 MiB).
func ReadRequests(ctx context.Context, r io.Reader, name string, opt ReadOptions, emit func(*RequestBlock) error) (*ReadSummary, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if isJSON(br) {
		return readOpen311(ctx, br, name, opt, emit)
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	s, err := tabular.NewStream(br, tabular.StreamOptions{File: name, BlockSize: opt.BlockSize, Limits: opt.Limits, Hash: true})
	if err != nil {
		return nil, err
	}
	sch := opt.Schema
	if sch == nil {
		if sch = DetectSchema(s.Header().Names); sch == nil {
			return nil, &budget.InputError{File: name, Line: s.Header().Line, Field: "header",
				Expected: "the headings of a MyLA311 export (SRNumber, CreatedDate, RequestType, ...), of the 311 API (srnumber, createdDate, typeName, ...) or an Open311 GeoReport v2 JSON array; for any other file write a column-mapping profile (docs/measures.md, \"Importing events\") and give it with --mapping"}
		}
	}
	cols, err := sch.columns(s.Header())
	if err != nil {
		return nil, err
	}
	sum := &ReadSummary{File: name, Schema: sch.Name}
	parsers := make([]*rowParser, opt.Workers)
	for w := range parsers {
		parsers[w] = &rowParser{cols: cols, sch: sch, file: name, names: s.Header().Names, intern: interner{}, rr: tabular.RecordReader{Delim: s.Delimiter()}, s: s}
	}
	err = tabular.Parallel(ctx, s, opt.Workers,
		func(w int, b *tabular.Block) (*RequestBlock, error) {
			rb, err := parsers[w].block(b, opt.Lenient)
			if err == nil && opt.Prepare != nil {
				err = opt.Prepare(w, rb)
			}
			return rb, err
		},
		func(_ *tabular.Block, rb *RequestBlock) error {
			sum.Rows += len(rb.Requests) + len(rb.Bad)
			sum.Bad += len(rb.Bad)
			return emit(rb)
		})
	if err != nil {
		return nil, err
	}
	sum.SHA256 = hex.EncodeToString(s.Sum())
	return sum, nil
}

// isJSON reports whether the input starts (after white space and a
// byte-order mark) with '[' or '{'.
func isJSON(br *bufio.Reader) bool {
	b, _ := br.Peek(512)
	b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\ufeff")), " \t\r\n")
	return len(b) > 0 && (b[0] == '[' || b[0] == '{')
}

// schemaCols are the column positions of the fields in one file (-1 when
// absent).
type schemaCols [nFields]int

// columns finds the schema's columns in a header; the required ones
// missing is an input error naming them.
func (sch *Schema) columns(h *tabular.Header) (schemaCols, error) {
	var c schemaCols
	for f := Field(0); f < nFields; f++ {
		i, err := h.Find(sch.Columns[f]...)
		if err != nil {
			return c, err
		}
		c[f] = i
	}
	for _, f := range []Field{FieldID, FieldCreated, FieldType} {
		if c[f] < 0 {
			if len(sch.Columns[f]) == 0 {
				return c, &budget.InputError{File: h.File, Line: h.Line, Field: f.String(), Expected: fmt.Sprintf("schema %s maps no column to %s: every request needs a request number, a creation time and a type", sch.Name, f)}
			}
			_, err := h.Must(f.String(), sch.Columns[f]...)
			return c, err
		}
	}
	return c, nil
}

// rowParser is one worker's state.
type rowParser struct {
	cols   schemaCols
	sch    *Schema
	file   string
	names  []string
	intern interner
	last   [nFields]string // the value interned last for each field
	rr     tabular.RecordReader
	s      *tabular.Stream
	buf    []byte
	dec    [][]byte
}

func (p *rowParser) block(b *tabular.Block, lenient bool) (*RequestBlock, error) {
	rb := &RequestBlock{Seq: b.Seq}
	select {
	case r := <-requestFree:
		rb.Requests = r[:0]
	default:
	}
	rb.Requests = slices.Grow(rb.Requests, len(b.Data)/120+1)
	p.rr.Reset(b.Data, b.FirstLine)
	for {
		line, ok, serr := p.rr.Next()
		if !ok {
			return rb, nil
		}
		var err error
		var req Request
		switch {
		case serr != nil:
			err = p.s.SyntaxInputError(serr)
		case len(p.rr.Fields) != len(p.names):
			err = &budget.InputError{File: p.file, Line: line,
				Expected: fmt.Sprintf("a row with the header's %d columns; this one has %d: check its quoting", len(p.names), len(p.rr.Fields))}
		default:
			err = p.parse(p.fields(), line, &req)
		}
		if err != nil {
			if !lenient {
				return nil, err
			}
			rb.Bad = append(rb.Bad, RowError{Line: line, Err: err})
			continue
		}
		rb.Requests = append(rb.Requests, req)
	}
}

// fields returns the record's fields as UTF-8 (a record that is not valid
// UTF-8 is read as Windows-1252).
func (p *rowParser) fields() [][]byte {
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

func (p *rowParser) get(rec [][]byte, f Field) []byte {
	i := p.cols[f]
	if i < 0 || i >= len(rec) {
		return nil
	}
	return bytes.TrimSpace(rec[i])
}

// value interns a field's value, the previous row's first (consecutive
// rows often repeat a status, a source or an agency).
func (p *rowParser) value(f Field, v []byte) string {
	if last := p.last[f]; len(last) == len(v) && last == string(v) {
		return last
	}
	p.last[f] = p.intern.get(v)
	return p.last[f]
}

func (p *rowParser) fail(line int, f Field, v []byte, expected string) error {
	e := &budget.InputError{File: p.file, Line: line, Field: f.String(), Value: string(v), Expected: expected}
	if i := p.cols[f]; i >= 0 {
		e.Column, e.ColIndex = p.names[i], i+1
	}
	return e
}

// parse fills req from one record.
func (p *rowParser) parse(rec [][]byte, line int, req *Request) error {
	*req = Request{Line: line}
	v := p.get(rec, FieldID)
	if len(v) == 0 {
		return p.fail(line, FieldID, v, "every request needs its request number")
	}
	req.ID = string(v)
	if v = p.get(rec, FieldType); len(v) == 0 {
		return p.fail(line, FieldType, v, "every request needs a request type")
	}
	req.Type = p.value(FieldType, v)
	req.Agency = p.value(FieldAgency, p.get(rec, FieldAgency))
	req.Source = p.value(FieldSource, p.get(rec, FieldSource))
	req.Status = p.value(FieldStatus, p.get(rec, FieldStatus))
	var err error
	v = p.get(rec, FieldCreated)
	if req.Created, err = p.sch.time(v); err != nil || req.Created.IsZero() {
		return p.fail(line, FieldCreated, v, dateAdvice)
	}
	v = p.get(rec, FieldClosed)
	if req.Closed, err = p.sch.time(v); err != nil {
		return p.fail(line, FieldClosed, v, dateAdvice+", or an empty cell for an open request")
	}
	if req.Closed.IsZero() && p.sch.closedStatus(req.Status) {
		v = p.get(rec, FieldUpdated)
		if req.Closed, err = p.sch.time(v); err != nil {
			return p.fail(line, FieldUpdated, v, dateAdvice)
		}
		req.ClosedByUpdate = !req.Closed.IsZero()
	}
	if err := p.point(rec, line, req); err != nil {
		return err
	}
	req.Address = string(p.get(rec, FieldAddress))
	req.CD = p.value(FieldCD, p.get(rec, FieldCD))
	req.NC = p.value(FieldNC, p.get(rec, FieldNC))
	req.NCName = p.value(FieldNCName, p.get(rec, FieldNCName))
	req.Synthetic = req.Source == SyntheticSource || strings.HasPrefix(req.ID, SyntheticPrefix)
	return nil
}

func (p *rowParser) point(rec [][]byte, line int, req *Request) error {
	lat, lon := p.get(rec, FieldLatitude), p.get(rec, FieldLongitude)
	if len(lat) == 0 && len(lon) == 0 {
		return nil
	}
	var err error
	if req.Lat, err = parseCoord(lat); err != nil || req.Lat < -90 || req.Lat > 90 {
		return p.fail(line, FieldLatitude, lat, "expected a latitude in decimal degrees (-90 to 90) or an empty cell")
	}
	if req.Lon, err = parseCoord(lon); err != nil || req.Lon < -180 || req.Lon > 180 {
		return p.fail(line, FieldLongitude, lon, "expected a longitude in decimal degrees (-180 to 180) or an empty cell")
	}
	req.HasPoint = req.Lat != 0 || req.Lon != 0
	return nil
}

// time reads a timestamp: the schema's own layouts first, then the
// built-in ones; "" and NA give the zero time.
func (sch *Schema) time(b []byte) (time.Time, error) {
	if len(sch.Layouts) == 0 {
		return parseTimeBytes(b)
	}
	if len(b) == 0 {
		return time.Time{}, nil
	}
	for _, l := range sch.Layouts {
		if t, err := time.Parse(l, string(b)); err == nil {
			return t, nil
		}
	}
	return parseTimeBytes(b)
}

func (sch *Schema) closedStatus(s string) bool {
	if s == "" {
		return false
	}
	if len(sch.ClosedStatuses) == 0 {
		return strings.EqualFold(s, "Closed")
	}
	for _, c := range sch.ClosedStatuses {
		if strings.EqualFold(s, c) {
			return true
		}
	}
	return false
}
