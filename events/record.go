// Package events reads service events (MyLA311-style service requests),
// places each in an area of a layer, and summarises them per area, per
// request type and per need tier: counts, rates per 1,000 residents and
// response-time median and 90th percentile. It also generates a labelled,
// deterministic synthetic set of requests with the MyLA311 schema for demos
// and benchmarks.
//
// Files are streamed: one goroutine cuts the input into blocks at record
// boundaries and the workers (one per core) parse, locate and aggregate
// their blocks into partial summaries that are merged at the end, so memory
// does not grow with the file.
package events

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// Columns read from a MyLA311 file. Other columns are ignored. Headings are
// matched case-insensitively after trimming spaces and a byte-order mark.
const (
	ColID        = "SRNumber"
	ColCreated   = "CreatedDate"
	ColUpdated   = "UpdatedDate"
	ColClosed    = "ClosedDate"
	ColType      = "RequestType"
	ColStatus    = "Status"
	ColSource    = "RequestSource"
	ColLatitude  = "Latitude"
	ColLongitude = "Longitude"
	ColCD        = "CD"
	ColNC        = "NC"
	ColNCName    = "NCName"
)

// required are the columns without which a file is rejected.
var required = []string{ColID, ColCreated, ColType}

// Event is one service request as read from a file.
type Event struct {
	ID      string
	Type    string
	Status  string
	Source  string
	Created time.Time
	// Closed is the closing time: ClosedDate when present, otherwise
	// UpdatedDate when Status is "Closed" (MyLA311 leaves ClosedDate empty on
	// many closed requests); zero while the request is open.
	Closed       time.Time
	ClosedByEdit bool // Closed was taken from UpdatedDate
	Lon, Lat     float64
	HasPoint     bool   // coordinates present and not (0, 0)
	CD, NC       string // district codes as written ("" when absent)
	NCName       string
	Line         int // line of the record in its file (header = 1)
}

// Hours returns the response time closed - created in hours; ok is false for
// open requests.
func (e *Event) Hours() (h float64, ok bool) {
	if e.Closed.IsZero() {
		return 0, false
	}
	return e.Closed.Sub(e.Created).Hours(), true
}

// header maps the columns of one file.
type header struct {
	file string
	idx  map[string]int // column name -> 0-based index, -1 when absent
	name []string       // headings as written
}

func newHeader(file string, rec []string) (*header, error) {
	h := &header{file: file, idx: map[string]int{}, name: append([]string(nil), rec...)}
	byLower := map[string]int{}
	for i, c := range rec {
		byLower[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")))] = i
	}
	for _, c := range []string{ColID, ColCreated, ColUpdated, ColClosed, ColType, ColStatus, ColSource, ColLatitude, ColLongitude, ColCD, ColNC, ColNCName} {
		i, ok := byLower[strings.ToLower(c)]
		if !ok {
			i = -1
		}
		h.idx[c] = i
	}
	for _, c := range required {
		if h.idx[c] < 0 {
			return nil, &budget.InputError{File: file, Line: 1, Column: c, Field: "events." + c,
				Expected: "the header has no " + c + " column; a MyLA311 file needs SRNumber, CreatedDate and RequestType (and Latitude/Longitude or CD/NC to place each request)"}
		}
	}
	return h, nil
}

// fieldOf returns the trimmed field of col in rec, nil when absent.
func (h *header) fieldOf(rec [][]byte, col string) []byte {
	i := h.idx[col]
	if i < 0 || i >= len(rec) {
		return nil
	}
	return bytes.TrimSpace(rec[i])
}

func (h *header) fail(line int, col string, value []byte, expected string) error {
	e := &budget.InputError{File: h.file, Line: line, Column: col, Field: "events." + col, Value: string(value), Expected: expected}
	if i := h.idx[col]; i >= 0 {
		e.Column, e.ColIndex = h.name[i], i+1
	}
	return e
}

// interner shares the strings of repeated values (types, codes) so a row
// costs no allocation for them.
type interner map[string]string

func (in interner) get(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in) < 100000 {
		in[s] = s
	}
	return s
}

const dateAdvice = "expected a date such as 2016-09-14 15:37:57 or 09/15/2016 03:19:09 PM"

// parse converts one record. line is the record's line in the file.
func (h *header) parse(rec [][]byte, line int, e *Event, in interner) error {
	*e = Event{Line: line}
	v := h.fieldOf(rec, ColID)
	if len(v) == 0 {
		return h.fail(line, ColID, v, "every request needs an SRNumber")
	}
	e.ID = string(v)
	v = h.fieldOf(rec, ColType)
	if len(v) == 0 {
		return h.fail(line, ColType, v, "every request needs a RequestType")
	}
	e.Type = in.get(v)
	e.Status = in.get(h.fieldOf(rec, ColStatus))
	e.Source = in.get(h.fieldOf(rec, ColSource))
	var err error
	v = h.fieldOf(rec, ColCreated)
	if e.Created, err = parseTimeBytes(v); err != nil || e.Created.IsZero() {
		return h.fail(line, ColCreated, v, dateAdvice)
	}
	v = h.fieldOf(rec, ColClosed)
	if e.Closed, err = parseTimeBytes(v); err != nil {
		return h.fail(line, ColClosed, v, dateAdvice+", or an empty cell for an open request")
	}
	if e.Closed.IsZero() && strings.EqualFold(e.Status, "Closed") {
		v = h.fieldOf(rec, ColUpdated)
		if e.Closed, err = parseTimeBytes(v); err != nil {
			return h.fail(line, ColUpdated, v, dateAdvice)
		}
		e.ClosedByEdit = !e.Closed.IsZero()
	}
	if !e.Closed.IsZero() && e.Closed.Before(e.Created) {
		return h.fail(line, ColClosed, h.fieldOf(rec, ColClosed), "the request closes before it was created ("+e.Created.Format(time.DateTime)+"); correct the dates")
	}
	lat, lon := h.fieldOf(rec, ColLatitude), h.fieldOf(rec, ColLongitude)
	if len(lat) > 0 || len(lon) > 0 {
		if e.Lat, err = strconv.ParseFloat(string(lat), 64); err != nil || e.Lat < -90 || e.Lat > 90 {
			return h.fail(line, ColLatitude, lat, "expected a latitude in decimal degrees (-90 to 90) or an empty cell")
		}
		if e.Lon, err = strconv.ParseFloat(string(lon), 64); err != nil || e.Lon < -180 || e.Lon > 180 {
			return h.fail(line, ColLongitude, lon, "expected a longitude in decimal degrees (-180 to 180) or an empty cell")
		}
		e.HasPoint = e.Lat != 0 || e.Lon != 0
	}
	e.CD = in.get(h.fieldOf(rec, ColCD))
	e.NC = in.get(h.fieldOf(rec, ColNC))
	e.NCName = in.get(h.fieldOf(rec, ColNCName))
	return nil
}

// parseTimeBytes is parseTime on bytes, with the common layout read without allocating.
func parseTimeBytes(b []byte) (time.Time, error) {
	if t, ok := fastTime(b); ok {
		return t, nil
	}
	return parseTime(string(b))
}

// timeLayouts are the date formats found in MyLA311 exports (the first is the
// one the synthetic generator writes). Times are local times without zone
// and are read as UTC; only differences are used.
var timeLayouts = []string{
	"2006-01-02 15:04:05",
	"01/02/2006 03:04:05 PM",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.000",
	"01/02/2006 15:04",
	"2006-01-02",
}

// parseTime reads a MyLA311 timestamp; "" gives the zero time. The common
// layout "YYYY-MM-DD hh:mm:ss" is read without the time package's parser.
func parseTime(s string) (time.Time, error) {
	if s == "" || s == "NA" {
		return time.Time{}, nil
	}
	if t, ok := fastTime([]byte(s)); ok {
		return t, nil
	}
	var err error
	for _, l := range timeLayouts {
		var t time.Time
		if t, err = time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

func fastTime(s []byte) (time.Time, bool) {
	if len(s) != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	var n [6]int
	pos := [6][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}}
	for k, p := range pos {
		v := 0
		for i := p[0]; i < p[1]; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			v = v*10 + int(c-'0')
		}
		n[k] = v
	}
	if n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 || n[3] > 23 || n[4] > 59 || n[5] > 59 {
		return time.Time{}, false
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
	if t.Day() != n[2] { // 31 February and the like
		return time.Time{}, false
	}
	return t, true
}
