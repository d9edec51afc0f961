package geo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/paulmach/orb"
)

// AssignOptions control AssignCSV.
type AssignOptions struct {
	// Workers is the number of goroutines locating points (default
	// GOMAXPROCS).
	Workers int
	// CRS of the input coordinates (default WGS84 lon/lat).
	CRS string
	// File names the input in errors.
	File string
	// Examples is how many outside points to keep as examples (default 5).
	Examples int
	// Limits bound the input (tabular.DefaultLimits when zero).
	Limits tabular.Limits
}

// OutsidePoint is an input point that fell in no area.
type OutsidePoint struct {
	Line int     `json:"line"`
	ID   string  `json:"id"`
	Lon  float64 `json:"lon"`
	Lat  float64 `json:"lat"`
}

// AssignStats summarises an assignment run.
type AssignStats struct {
	Points   int64          `json:"points"`
	Assigned int64          `json:"assigned"`
	Outside  int64          `json:"outside"`
	Examples []OutsidePoint `json:"outside_examples,omitempty"`
	PerArea  []int64        `json:"-"` // points per area, by position
}

// chunkSize is the size of the blocks of input handed to each worker; at
// most 3 blocks per worker are in flight, so memory stays bounded (a few
// megabytes) whatever the input's size.
const chunkSize = 1 << 20

// AssignCSV streams points from r (CSV with a header holding id, lon and
// lat columns, or id, x, y; other columns are ignored) and writes to w the
// CSV "id,area_id" with one row per input point in input order, area_id
// empty for a point in no area. The input is read by tabular.Stream (any
// delimiter, quoted fields with line breaks, the limits of opt.Limits),
// cut into 1 MiB blocks located in parallel by opt.Workers goroutines and
// written in order. A malformed row stops the run with an InputError
// naming its line and column, the first in file order.
func AssignCSV(ix *Index, r io.Reader, w io.Writer, opt AssignOptions) (AssignStats, error) {
	return AssignCSVContext(context.Background(), ix, r, w, opt)
}

// AssignCSVContext is AssignCSV, stopped when ctx is cancelled.
func AssignCSVContext(ctx context.Context, ix *Index, r io.Reader, w io.Writer, opt AssignOptions) (AssignStats, error) {
	opt = opt.withDefaults()
	a := &assigner{ix: ix, opt: opt}
	if err := a.setCRS(); err != nil {
		return AssignStats{}, err
	}
	s, err := tabular.NewStream(r, tabular.StreamOptions{File: opt.File, BlockSize: chunkSize, Limits: opt.Limits})
	if err != nil {
		return AssignStats{}, err
	}
	if a.cols, err = assignColumns(opt.File, s.Header()); err != nil {
		return AssignStats{}, err
	}
	a.delim = s.Delimiter()
	a.areaIDs = make([][]byte, len(ix.layer.Areas))
	for i := range ix.layer.Areas {
		a.areaIDs[i] = csvField(ix.layer.Areas[i].ID)
	}
	if _, err := io.WriteString(w, "id,area_id\n"); err != nil {
		return AssignStats{}, fmt.Errorf("geo: unable to write the assignment: %w", err)
	}
	pers := make([][]int64, opt.Workers) // per worker, shared by nothing while running
	for k := range pers {
		pers[k] = make([]int64, len(ix.layer.Areas))
	}
	var st AssignStats
	err = tabular.Parallel(ctx, s, opt.Workers,
		func(k int, b *tabular.Block) (*assignOut, error) { return a.block(b, pers[k]) },
		func(_ *tabular.Block, o *assignOut) error {
			st.add(o.stats, opt.Examples)
			if _, err := w.Write(o.data); err != nil {
				return fmt.Errorf("geo: unable to write the assignment: %w", err)
			}
			return nil
		})
	st.PerArea = make([]int64, len(ix.layer.Areas))
	for _, per := range pers {
		for i, n := range per {
			st.PerArea[i] += n
		}
	}
	return st, err
}

func (o AssignOptions) withDefaults() AssignOptions {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Examples == 0 {
		o.Examples = 5
	}
	if o.File == "" {
		o.File = "input"
	}
	return o
}

// add merges a block's counts and keeps the first examples.
func (st *AssignStats) add(o AssignStats, examples int) {
	st.Points += o.Points
	st.Assigned += o.Assigned
	st.Outside += o.Outside
	for _, e := range o.Examples {
		if len(st.Examples) < examples {
			st.Examples = append(st.Examples, e)
		}
	}
}

// assignColumns finds the id, longitude and latitude columns.
func assignColumns(file string, h *tabular.Header) ([3]int, error) {
	var cols [3]int
	for k, names := range [][]string{{"id"}, {"lon", "longitude", "lng", "x"}, {"lat", "latitude", "y"}} {
		i, err := h.Find(names...)
		if err != nil {
			return cols, err
		}
		if i < 0 {
			return cols, &budget.InputError{File: file, Line: h.Line, Value: abbreviate(strings.Join(h.Names, ",")),
				Expected: "a header with columns id, lon and lat (or id, x, y)"}
		}
		cols[k] = i
	}
	return cols, nil
}

// assigner locates the points of blocks.
type assigner struct {
	ix      *Index
	opt     AssignOptions
	tr      func(orb.Point) orb.Point
	cols    [3]int
	delim   byte
	areaIDs [][]byte
}

func (a *assigner) setCRS() error {
	if a.opt.CRS == "" {
		return nil
	}
	t, _, err := transformTo84(a.opt.CRS)
	if err != nil {
		return &budget.InputError{File: a.opt.File, Field: "crs", Value: a.opt.CRS, Expected: err.Error(), Err: err}
	}
	a.tr = t
	return nil
}

// assignOut is a block's output rows and counts.
type assignOut struct {
	data  []byte
	stats AssignStats
}

// block locates every point of a block; per counts the points per area.
func (a *assigner) block(b *tabular.Block, per []int64) (*assignOut, error) {
	o := &assignOut{data: make([]byte, 0, len(b.Data)/2)}
	rr := tabular.RecordReader{Delim: a.delim}
	rr.Reset(b.Data, b.FirstLine)
	need := max(a.cols[0], a.cols[1], a.cols[2])
	for {
		line, ok, serr := rr.Next()
		if !ok {
			return o, nil
		}
		if serr != nil {
			return nil, syntaxErr(a.opt.File, serr)
		}
		if len(rr.Fields) <= need {
			return nil, &budget.InputError{File: a.opt.File, Line: line, Value: abbreviate(string(rr.Raw())),
				Expected: fmt.Sprintf("at least %d fields with id, lon and lat", need+1)}
		}
		x, y, err := a.point(line, rr.Fields)
		if err != nil {
			return nil, err
		}
		id := rr.Fields[a.cols[0]]
		if !utf8.Valid(id) {
			id = tabular.AppendWindows1252(nil, id)
		}
		o.data = appendCSVField(o.data, id)
		o.data = append(o.data, ',')
		o.stats.Points++
		if k, ok := a.ix.Locate(x, y); ok {
			o.data = append(o.data, a.areaIDs[k]...)
			o.stats.Assigned++
			per[k]++
		} else {
			o.stats.Outside++
			if len(o.stats.Examples) < a.opt.Examples {
				o.stats.Examples = append(o.stats.Examples, OutsidePoint{Line: line, ID: string(id), Lon: x, Lat: y})
			}
		}
		o.data = append(o.data, '\n')
	}
}

// point reads a row's coordinates as WGS84 longitude and latitude.
func (a *assigner) point(line int, f [][]byte) (x, y float64, err error) {
	xs, ys := f[a.cols[1]], f[a.cols[2]]
	x, ok1 := parseFloat(xs)
	y, ok2 := parseFloat(ys)
	if !ok1 || !ok2 {
		bad, col := xs, a.cols[1]
		if ok1 {
			bad, col = ys, a.cols[2]
		}
		return 0, 0, &budget.InputError{File: a.opt.File, Line: line, ColIndex: col + 1, Field: "coordinate", Value: string(bad), Expected: "a decimal number"}
	}
	if a.tr != nil {
		p := a.tr(orb.Point{x, y})
		return p[0], p[1], nil
	}
	if x < -180 || x > 180 || y < -90 || y > 90 {
		// not longitude/latitude: every point would fall outside every
		// area without a word
		return 0, 0, &budget.InputError{File: a.opt.File, Line: line, ColIndex: a.cols[1] + 1, Field: "coordinate", Value: string(xs) + "," + string(ys),
			Expected: "a longitude between -180 and 180 and a latitude between -90 and 90: these look like projected coordinates (give their system with --crs, e.g. EPSG:2229 for State Plane feet) or the columns are swapped (id, lon, lat)"}
	}
	return x, y, nil
}

// syntaxErr is the input error of a malformed CSV record.
func syntaxErr(file string, e *tabular.SyntaxError) error {
	return &budget.InputError{File: file, Line: e.Line, ColIndex: e.Column, Field: "CSV syntax", Value: e.Value, Expected: e.Msg, Err: e}
}

// appendCSVField appends b to dst, quoted for CSV when needed.
func appendCSVField(dst, b []byte) []byte {
	if !bytes.ContainsAny(b, ",\"\r\n") {
		return append(dst, b...)
	}
	dst = append(dst, '"')
	for _, c := range b {
		if c == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

// csvField quotes s for CSV when needed.
func csvField(s string) []byte {
	if strings.ContainsAny(s, ",\"\r\n") {
		return []byte(`"` + strings.ReplaceAll(s, `"`, `""`) + `"`)
	}
	return []byte(s)
}

var pow10tab = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat parses a decimal number. Plain forms with at most 15
// significant digits take the exact fast path (an integer below 2^53
// divided by an exact power of ten is correctly rounded); anything else goes
// to strconv.ParseFloat. Surrounding spaces are allowed.
func parseFloat(b []byte) (float64, bool) {
	b = bytes.TrimSpace(b)
	i, neg := 0, false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var mant uint64
	digits, frac := 0, 0
	seenDot, any := false, false
	for ; i < len(b); i++ {
		c := b[i]
		if c >= '0' && c <= '9' {
			any = true
			if mant == 0 && c == '0' && !seenDot {
				continue
			}
			mant = mant*10 + uint64(c-'0')
			digits++
			if seenDot {
				frac++
			}
			if digits > 15 {
				break
			}
		} else if c == '.' && !seenDot {
			seenDot = true
		} else {
			break
		}
	}
	if i == len(b) && any && digits <= 15 && frac < len(pow10tab) {
		f := float64(mant) / pow10tab[frac]
		if neg {
			f = -f
		}
		return f, true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}
