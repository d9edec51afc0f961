package geo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/budgetlens/budgetlens/budget"
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
// most 4 blocks per worker are in flight, so memory stays bounded (a few
// megabytes) whatever the input's size.
const chunkSize = 1 << 20

type assignJob struct {
	in        []byte
	firstLine int
	out       []byte
	stats     AssignStats
	err       error
	done      chan struct{}
}

// AssignCSV streams points from r (CSV with a header holding id, lon and
// lat columns, or id, x, y; other columns are ignored) and writes to w the
// CSV "id,area_id" with one row per input point in input order, area_id
// empty for a point in no area. Input is cut into 1 MiB blocks located in
// parallel by opt.Workers goroutines and written in order; memory use is
// bounded by the number of blocks in flight. Quoted fields are allowed.
// A malformed row stops the run with an InputError naming the line.
func AssignCSV(ix *Index, r io.Reader, w io.Writer, opt AssignOptions) (AssignStats, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opt.Examples == 0 {
		opt.Examples = 5
	}
	if opt.File == "" {
		opt.File = "input"
	}
	var tr func(orb.Point) orb.Point
	if opt.CRS != "" {
		t, _, err := transformTo84(opt.CRS)
		if err != nil {
			return AssignStats{}, &budget.InputError{File: opt.File, Field: "crs", Value: opt.CRS, Expected: err.Error()}
		}
		tr = t
	}
	// Header.
	headBuf := make([]byte, 0, 4096)
	one := make([]byte, 1)
	for {
		n, err := r.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			headBuf = append(headBuf, one[0])
		}
		if err != nil {
			break
		}
	}
	header := strings.Split(strings.TrimRight(strings.TrimPrefix(string(headBuf), "\ufeff"), "\r"), ",")
	for i, h := range header {
		header[i] = strings.Trim(strings.TrimSpace(h), `"`)
	}
	idc := findColumn(header, []string{"id"})
	xc := findColumn(header, []string{"lon", "longitude", "lng", "x"})
	yc := findColumn(header, []string{"lat", "latitude", "y"})
	if idc < 0 || xc < 0 || yc < 0 {
		return AssignStats{}, &budget.InputError{File: opt.File, Line: 1, Value: abbreviate(strings.TrimRight(strings.TrimPrefix(string(headBuf), "\ufeff"), "\r")),
			Expected: "a header with columns id, lon and lat (or id, x, y)"}
	}
	cols := [3]int{idc, xc, yc}
	if _, err := io.WriteString(w, "id,area_id\n"); err != nil {
		return AssignStats{}, err
	}
	areaIDs := make([][]byte, len(ix.layer.Areas))
	for i := range ix.layer.Areas {
		areaIDs[i] = csvField(ix.layer.Areas[i].ID)
	}

	jobs := make(chan *assignJob, workers)
	order := make(chan *assignJob, 4*workers)
	pool := sync.Pool{New: func() any { b := make([]byte, 0, chunkSize+4096); return &b }}
	var wg sync.WaitGroup
	pers := make([][]int64, workers)
	for k := 0; k < workers; k++ {
		wg.Add(1)
		pers[k] = make([]int64, len(ix.layer.Areas))
		go func(per []int64) {
			defer wg.Done()
			for j := range jobs {
				j.out = (*pool.Get().(*[]byte))[:0]
				j.stats.PerArea = per
				j.out, j.err = assignBlock(ix, j, cols, areaIDs, tr, opt, j.out)
				close(j.done)
			}
		}(pers[k])
	}
	// Reader: cut the input at line ends.
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		line := 2
		var carry []byte
		for {
			buf := (*pool.Get().(*[]byte))[:0]
			buf = append(buf, carry...)
			want := len(buf) + chunkSize
			if cap(buf) < want {
				buf = append(make([]byte, 0, want), buf...)
			}
			n, err := io.ReadFull(r, buf[len(buf):want])
			buf = buf[:len(buf)+n]
			eof := err == io.EOF || err == io.ErrUnexpectedEOF
			if err != nil && !eof {
				readErr <- err
				return
			}
			cut := len(buf)
			if !eof {
				cut = bytes.LastIndexByte(buf, '\n') + 1
				if cut == 0 {
					// A line longer than a block: keep reading until it ends.
					carry = append(carry[:0], buf...)
					continue
				}
			}
			carry = append(carry[:0], buf[cut:]...)
			if cut > 0 {
				j := &assignJob{in: buf[:cut], firstLine: line, done: make(chan struct{})}
				line += bytes.Count(j.in, []byte{'\n'})
				order <- j
				jobs <- j
			}
			if eof {
				readErr <- nil
				return
			}
		}
	}()
	var st AssignStats
	var firstErr error
	for j := range order {
		<-j.done
		if firstErr == nil {
			if j.err != nil {
				firstErr = j.err
			} else if _, err := w.Write(j.out); err != nil {
				firstErr = err
			}
			st.Points += j.stats.Points
			st.Assigned += j.stats.Assigned
			st.Outside += j.stats.Outside
			for _, e := range j.stats.Examples {
				if len(st.Examples) < opt.Examples {
					st.Examples = append(st.Examples, e)
				}
			}
		}
		in, out := j.in[:0], j.out[:0]
		pool.Put(&in)
		pool.Put(&out)
	}
	wg.Wait()
	if err := <-readErr; err != nil && firstErr == nil {
		firstErr = fmt.Errorf("geo: unable to read %s: %w", opt.File, err)
	}
	// Per-area counts are summed from the workers' private tallies only
	// after they are done; they share nothing while running.
	st.PerArea = make([]int64, len(ix.layer.Areas))
	for _, per := range pers {
		for a, n := range per {
			st.PerArea[a] += n
		}
	}
	return st, firstErr
}

// csvField quotes s for CSV when needed.
func csvField(s string) []byte {
	if strings.ContainsAny(s, ",\"\r\n") {
		return []byte(`"` + strings.ReplaceAll(s, `"`, `""`) + `"`)
	}
	return []byte(s)
}

func assignBlock(ix *Index, j *assignJob, cols [3]int, areaIDs [][]byte, tr func(orb.Point) orb.Point, opt AssignOptions, out []byte) ([]byte, error) {
	data := j.in
	line := j.firstLine
	var fields [3][]byte
	need := max(cols[0], cols[1], cols[2])
	for len(data) > 0 {
		var rec []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			rec, data = data[:i], data[i+1:]
		} else {
			rec, data = data, nil
		}
		if len(rec) > 0 && rec[len(rec)-1] == '\r' {
			rec = rec[:len(rec)-1]
		}
		if len(rec) == 0 {
			line++
			continue
		}
		if bytes.IndexByte(rec, '"') >= 0 {
			f, err := quotedFields(rec)
			if err != nil || len(f) <= need {
				return out, &budget.InputError{File: opt.File, Line: line, Value: string(rec), Expected: "a CSV row with id, lon and lat"}
			}
			for k, c := range cols {
				fields[k] = f[c]
			}
		} else {
			col, start, got := 0, 0, 0
			for i := 0; i <= len(rec); i++ {
				if i == len(rec) || rec[i] == ',' {
					for k, c := range cols {
						if c == col {
							fields[k] = rec[start:i]
							got++
						}
					}
					col++
					start = i + 1
					if got == 3 {
						break
					}
				}
			}
			if got < 3 {
				return out, &budget.InputError{File: opt.File, Line: line, Value: string(rec), Expected: fmt.Sprintf("at least %d comma-separated fields with id, lon and lat", need+1)}
			}
		}
		x, ok1 := parseFloat(fields[1])
		y, ok2 := parseFloat(fields[2])
		if !ok1 || !ok2 {
			bad, col := fields[1], cols[1]
			if ok1 {
				bad, col = fields[2], cols[2]
			}
			return out, &budget.InputError{File: opt.File, Line: line, ColIndex: col + 1, Field: "coordinate", Value: string(bad), Expected: "a decimal number"}
		}
		if tr != nil {
			p := tr(orb.Point{x, y})
			x, y = p[0], p[1]
		} else if x < -180 || x > 180 || y < -90 || y > 90 {
			// not longitude/latitude: every point would fall outside
			// every area without a word
			return out, &budget.InputError{File: opt.File, Line: line, ColIndex: cols[1] + 1, Field: "coordinate", Value: string(fields[1]) + "," + string(fields[2]),
				Expected: "a longitude between -180 and 180 and a latitude between -90 and 90: these look like projected coordinates (give their system with --crs, e.g. EPSG:2229 for State Plane feet) or the columns are swapped (id, lon, lat)"}
		}
		out = append(out, fields[0]...)
		out = append(out, ',')
		j.stats.Points++
		if a, ok := ix.Locate(x, y); ok {
			out = append(out, areaIDs[a]...)
			j.stats.Assigned++
			j.stats.PerArea[a]++
		} else {
			j.stats.Outside++
			if len(j.stats.Examples) < opt.Examples {
				j.stats.Examples = append(j.stats.Examples, OutsidePoint{Line: line, ID: string(fields[0]), Lon: x, Lat: y})
			}
		}
		out = append(out, '\n')
		line++
	}
	return out, nil
}

func quotedFields(rec []byte) ([][]byte, error) {
	cr := csv.NewReader(bytes.NewReader(rec))
	cr.LazyQuotes = true
	f, err := cr.Read()
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(f))
	for i, s := range f {
		out[i] = csvField(s)
	}
	// The coordinates must be unquoted numbers.
	for i, s := range f {
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			out[i] = []byte(strings.TrimSpace(s))
		}
	}
	return out, nil
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
