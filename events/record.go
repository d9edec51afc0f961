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
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// Columns read from a MyLA311 file. Other columns are ignored. Headings are
// matched as tabular.Header does (case and white space ignored; a heading
// the reader needs, written twice, is refused).
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

// cols are the columns read, in the order of the k* keys below.
var cols = []string{ColID, ColCreated, ColUpdated, ColClosed, ColType, ColStatus, ColSource, ColLatitude, ColLongitude, ColCD, ColNC, ColNCName}

const (
	kID = iota
	kCreated
	kUpdated
	kClosed
	kType
	kStatus
	kSource
	kLatitude
	kLongitude
	kCD
	kNC
	kNCName
	nCols
)

// required are the columns without which a file is rejected.
var required = []string{ColID, ColCreated, ColType}

// Event is one service request as read from a file.
type Event struct {
	ID        string
	Type      string
	Synthetic bool // RequestSource is SyntheticSource
	Created   time.Time
	// Closed is the closing time: ClosedDate when present, otherwise
	// UpdatedDate when Status is "Closed" (MyLA311 leaves ClosedDate empty on
	// many closed requests); zero while the request is open.
	Closed       time.Time
	ClosedByEdit bool // Closed was taken from UpdatedDate
	Lon, Lat     float64
	HasPoint     bool   // coordinates present and not (0, 0)
	CD, NC       []byte // district codes as written (empty when absent); valid until the next record
	NCName       []byte // neighbourhood council name as written; valid until the next record
	Line         int    // line of the record in its file (header = 1)
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
	pos  [nCols]int     // index of each k* column, -1 when absent
	name []string       // headings as written
}

func newHeader(file string, th *tabular.Header) (*header, error) {
	h := &header{file: file, idx: map[string]int{}, name: th.Names}
	for k, c := range cols {
		i, err := th.Find(c)
		if err != nil {
			return nil, err
		}
		h.idx[c] = i
		h.pos[k] = i
	}
	for _, c := range required {
		if h.idx[c] < 0 {
			return nil, &budget.InputError{File: file, Line: th.Line, Column: c,
				Expected: "the header has no " + c + " column; a MyLA311 file needs SRNumber, CreatedDate and RequestType (and Latitude/Longitude or CD/NC to place each request)"}
		}
	}
	return h, nil
}

// fieldOf returns the trimmed field of column k in rec, nil when absent.
func (h *header) fieldOf(rec [][]byte, k int) []byte {
	i := h.pos[k]
	if i < 0 || i >= len(rec) {
		return nil
	}
	return bytes.TrimSpace(rec[i])
}

func (h *header) fail(line int, k int, value []byte, expected string) error {
	col := cols[k]
	e := &budget.InputError{File: h.file, Line: line, Column: col, Value: string(value), Expected: expected}
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

var (
	syntheticSource = []byte(SyntheticSource)
	closedStatus    = []byte("Closed")
)

const dateAdvice = "expected a date such as 2016-09-14 15:37:57 or 09/15/2016 03:19:09 PM"

// parse converts one record. line is the record's line in the file.
func (h *header) parse(rec [][]byte, line int, e *Event, in interner) error {
	*e = Event{Line: line}
	v := h.fieldOf(rec, kID)
	if len(v) == 0 {
		return h.fail(line, kID, v, "every request needs an SRNumber")
	}
	e.ID = string(v)
	v = h.fieldOf(rec, kType)
	if len(v) == 0 {
		return h.fail(line, kType, v, "every request needs a RequestType")
	}
	e.Type = in.get(v)
	e.Synthetic = bytes.Equal(h.fieldOf(rec, kSource), syntheticSource)
	var err error
	v = h.fieldOf(rec, kCreated)
	if e.Created, err = parseTimeBytes(v); err != nil || e.Created.IsZero() {
		return h.fail(line, kCreated, v, dateAdvice)
	}
	v = h.fieldOf(rec, kClosed)
	if e.Closed, err = parseTimeBytes(v); err != nil {
		return h.fail(line, kClosed, v, dateAdvice+", or an empty cell for an open request")
	}
	if e.Closed.IsZero() && bytes.EqualFold(h.fieldOf(rec, kStatus), closedStatus) {
		v = h.fieldOf(rec, kUpdated)
		if e.Closed, err = parseTimeBytes(v); err != nil {
			return h.fail(line, kUpdated, v, dateAdvice)
		}
		e.ClosedByEdit = !e.Closed.IsZero()
	}
	if !e.Closed.IsZero() && e.Closed.Before(e.Created) {
		return h.fail(line, kClosed, h.fieldOf(rec, kClosed), "the request closes before it was created ("+e.Created.Format(time.DateTime)+"); correct the dates")
	}
	lat, lon := h.fieldOf(rec, kLatitude), h.fieldOf(rec, kLongitude)
	if len(lat) > 0 || len(lon) > 0 {
		if e.Lat, err = parseCoord(lat); err != nil || e.Lat < -90 || e.Lat > 90 {
			return h.fail(line, kLatitude, lat, "expected a latitude in decimal degrees (-90 to 90) or an empty cell")
		}
		if e.Lon, err = parseCoord(lon); err != nil || e.Lon < -180 || e.Lon > 180 {
			return h.fail(line, kLongitude, lon, "expected a longitude in decimal degrees (-180 to 180) or an empty cell")
		}
		e.HasPoint = e.Lat != 0 || e.Lon != 0
	}
	e.CD = h.fieldOf(rec, kCD)
	e.NC = h.fieldOf(rec, kNC)
	e.NCName = h.fieldOf(rec, kNCName)
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
	"1/2/06 15:04", // the 2020 portal sample: 1/1/20 0:05
	"1/2/2006 15:04",
	"2006-01-02",
}

// parseTime reads a MyLA311 timestamp; "" gives the zero time. The common
// layouts "YYYY-MM-DD hh:mm:ss" and "YYYY-MM-DDThh:mm:ss" are read without
// the time package's parser.
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
	if len(s) != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
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
	if n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > daysIn(n[0], n[1]) || n[3] > 23 || n[4] > 59 || n[5] > 59 {
		return time.Time{}, false // 31 February and the like included
	}
	// the time from its day's number since 1970-01-01 (the proleptic
	// Gregorian calendar's arithmetic: March-based years, so that a leap
	// day ends its year), without time.Date's normalisation
	y, m := n[0], n[1]
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400 // year 0000's January and February
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + n[2] - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := int64(era*146097+doe) - 719468
	return time.Unix(days*86400+int64(n[3]*3600+n[4]*60+n[5]), 0).UTC(), true
}

// daysIn is the number of days of month m (1-12) of year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// pow10 holds the exactly representable powers of ten.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseCoord reads a decimal number such as -118.208735. Plain decimals of
// up to 15 significant digits are read as integer / 10^k, one correctly
// rounded division, so the result equals strconv.ParseFloat's; anything else
// goes to strconv.ParseFloat.
func parseCoord(b []byte) (float64, error) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i++
	}
	var n uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return strconv.ParseFloat(string(b), 64)
		}
	}
	if digits == 0 || digits > 15 || frac >= len(pow10) {
		return strconv.ParseFloat(string(b), 64)
	}
	v := float64(n) / pow10[frac]
	if neg {
		v = -v
	}
	return v, nil
}

// NormalizeName reduces an area name for matching the NCName column with
// the names of a neighbourhood-council layer: upper case, without the words
// "NC", "Neighborhood Council", "CC", "Community Council", and without
// anything but letters and digits ("ARLETA NC" and "Arleta" both give
// "ARLETA"). Names changed since the data was recorded do not match; those
// requests stay unplaced unless their coordinates place them.
func NormalizeName(s string) string {
	u := " " + strings.ToUpper(s) + " "
	for _, w := range []string{" NEIGHBORHOOD COUNCIL ", " COMMUNITY COUNCIL ", " NC ", " CC "} {
		u = strings.ReplaceAll(u, w, " ")
	}
	var b strings.Builder
	for _, r := range u {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
