package events

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Every synthetic request is labelled twice: its RequestSource is
// SyntheticSource and its SRNumber starts with SyntheticPrefix.
const (
	SyntheticSource = "SYNTHETIC"
	SyntheticPrefix = "SYN-"
)

// Header is the MyLA311 header as published (the real 2016 export, whose
// first, unnamed column is a row number). The generator writes it unchanged.
var Header = []string{"", "SRNumber", "CreatedDate", "UpdatedDate", "ActionTaken", "Owner", "RequestType", "Status",
	"RequestSource", "MobileOS", "Anonymous", "AssignTo", "ServiceDate", "ClosedDate", "AddressVerified",
	"ApproximateAddress", "Address", "HouseNumber", "Direction", "StreetName", "Suffix", "ZipCode", "Latitude",
	"Longitude", "Location", "TBMPage", "TBMColumn", "TBMRow", "APC", "CD", "CDMember", "NC", "NCName", "PolicePrecinct"}

// RequestKind describes one synthetic request type: its share of all
// requests, and its response time, lognormal with the given median (hours)
// and log-scale standard deviation Sigma; ClosedShare of requests are closed.
type RequestKind struct {
	Type        string
	Share       float64
	MedianHours float64
	Sigma       float64
	ClosedShare float64
}

// Kinds is the default mix of request types. The shares follow the order of
// the 100-row real 2016 sample (bulky items and graffiti dominate) with the
// other common MyLA311 types added; the response-time medians are
// illustrative, in line with the days-to-weeks service levels of these
// services, not calibrated. They are documented in docs/attribution.md.
var Kinds = []RequestKind{
	{"Bulky Items", 0.45, 48, 0.8, 0.97},
	{"Graffiti Removal", 0.22, 24, 1.0, 0.98},
	{"Illegal Dumping Pickup", 0.08, 72, 1.0, 0.95},
	{"Metal/Household Appliances", 0.07, 60, 0.8, 0.97},
	{"Electronic Waste", 0.06, 60, 0.8, 0.97},
	{"Homeless Encampment", 0.04, 240, 1.3, 0.80},
	{"Dead Animal Removal", 0.03, 12, 0.9, 0.99},
	{"Single Streetlight Issue", 0.02, 168, 1.1, 0.90},
	{"Multiple Streetlight Issue", 0.01, 200, 1.1, 0.88},
	{"Other", 0.02, 120, 1.4, 0.90},
}

// Place is a place requests are generated around: a point, its weight (the
// population) and the radius in metres of the disc the points are spread
// over. CD and NC are the district codes written on its rows (may be "").
type Place struct {
	ID       string
	Lon, Lat float64
	Weight   float64
	RadiusM  float64
	CD, NC   string
	// Geom, when set, is the area the points are drawn from, uniformly (by
	// rejection within its bounding box, at most 64 tries, then the disc).
	Geom orb.MultiPolygon
	box  orb.Bound
}

// GenOptions configure Generate.
type GenOptions struct {
	Rows   int
	Seed   uint64
	Places []Place
	Kinds  []RequestKind // default Kinds
	// Year of the CreatedDate values (default 2016); created times are uniform
	// over the year, or over Years years from its start (default 1).
	Year  int
	Years int
	// Start and Span, when Span is set, replace Year: created times are
	// uniform over [Start, Start+Span) (a day's requests, say).
	Start time.Time
	Span  time.Duration
	// NoCoordsShare of rows (those whose place has a CD) are written without
	// coordinates, to exercise placement by district code.
	NoCoordsShare float64
	// InOrder writes the rows in the order they were created, as the
	// portal's exports are (sorted by CreatedDate) and with request numbers
	// following creation time as LA's do: row i is created at a uniform
	// time within the i-th of Rows equal slots of the span (stratified, so
	// created times are still uniform over the span). Without it created
	// times are drawn independently and the rows are in no time order.
	InOrder bool
	// FirstNumber is the number of the first row's request (default 1):
	// a later day's file continues the numbers of the days before, as
	// LA's request numbers do. Numbers are written zero-padded to the
	// width of the last.
	FirstNumber int
}

// GenReport says what Generate wrote.
type GenReport struct {
	Rows     int            `json:"rows"`
	Seed     uint64         `json:"seed"`
	Places   int            `json:"places"`
	Open     int            `json:"open"`
	NoCoords int            `json:"no_coordinates"`
	ByType   map[string]int `json:"by_type"`
	SHA256   string         `json:"sha256"` // of the bytes written
}

// Generate writes opt.Rows synthetic MyLA311 requests to w, deterministically
// from opt.Seed (the same options give the same bytes). Each row picks a
// place with probability proportional to its weight, a point uniform in the
// disc of the place's radius, a request type by share, a created time
// uniform over the year and, for the closed share, a lognormal response
// time. Rows are labelled synthetic in SRNumber and RequestSource.
func Generate(w io.Writer, opt GenOptions) (*GenReport, error) {
	if opt.Rows < 0 {
		return nil, budget.Errorf(budget.EINVALID, "events: --rows %d: give a positive number of rows", opt.Rows)
	}
	if opt.Year == 0 {
		opt.Year = 2016
	}
	kinds := opt.Kinds
	if kinds == nil {
		kinds = Kinds
	}
	placeCum, err := cumulative(len(opt.Places), func(i int) float64 { return opt.Places[i].Weight })
	if err != nil {
		return nil, fmt.Errorf("events: places: %w", err)
	}
	kindCum, err := cumulative(len(kinds), func(i int) float64 { return kinds[i].Share })
	if err != nil {
		return nil, fmt.Errorf("events: request kinds: %w", err)
	}
	opt.Places = append([]Place(nil), opt.Places...)
	for i := range opt.Places {
		if len(opt.Places[i].Geom) > 0 {
			opt.Places[i].box = opt.Places[i].Geom.Bound()
		}
	}
	if opt.Years <= 0 {
		opt.Years = 1
	}
	g := &generator{opt: opt, kinds: kinds, placeCum: placeCum, kindCum: kindCum,
		start: time.Date(opt.Year, 1, 1, 0, 0, 0, 0, time.UTC), width: len(strconv.Itoa(max(opt.FirstNumber, 1) + opt.Rows - 1))}
	g.yearSecs = time.Date(opt.Year+opt.Years, 1, 1, 0, 0, 0, 0, time.UTC).Sub(g.start).Seconds()
	if opt.Span > 0 {
		g.start, g.yearSecs = opt.Start, opt.Span.Seconds()
	}
	rep := &GenReport{Rows: opt.Rows, Seed: opt.Seed, Places: len(opt.Places), ByType: map[string]int{}}

	sum := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, sum), 1<<20)
	cw := csv.NewWriter(bw)
	if err := cw.Write(Header); err != nil {
		return nil, err
	}
	if cw.Flush(); cw.Error() != nil {
		return nil, cw.Error()
	}
	// Rows are made in blocks of genBlock, each from its own random stream
	// (seeded by the seed and the block number), on all cores; blocks are
	// written in order, so the output does not depend on the number of cores.
	nblocks := (opt.Rows + genBlock - 1) / genBlock
	workers := min(runtime.GOMAXPROCS(0), max(nblocks, 1))
	results := make([]chan genOut, nblocks)
	for b := range results {
		results[b] = make(chan genOut, 1)
	}
	next := make(chan int, nblocks)
	for b := range nblocks {
		next <- b
	}
	close(next)
	// At most 2 x workers blocks are held in memory: a worker takes a token
	// before taking a block, and the writer returns it after writing.
	tokens := make(chan struct{}, 2*workers)
	for range 2 * workers {
		tokens <- struct{}{}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				// Taking the token before the block keeps the blocks in
				// progress the lowest unwritten ones, so the writer never
				// waits for a block that cannot get a token.
				<-tokens
				b, ok := <-next
				if !ok {
					tokens <- struct{}{}
					return
				}
				results[b] <- g.block(b)
			}
		}()
	}
	var werr error
	for b := range nblocks {
		out := <-results[b]
		if werr == nil {
			_, werr = bw.Write(out.data)
		}
		rep.Open += out.open
		rep.NoCoords += out.noCoords
		for k, c := range out.byKind {
			rep.ByType[g.kinds[k].Type] += c
		}
		tokens <- struct{}{}
	}
	wg.Wait()
	if werr != nil {
		return nil, werr
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	rep.SHA256 = hex.EncodeToString(sum.Sum(nil))
	return rep, nil
}

// genBlock is the number of rows per generated block.
const genBlock = 1 << 15

type generator struct {
	opt               GenOptions
	kinds             []RequestKind
	placeCum, kindCum []float64
	start             time.Time
	yearSecs          float64
	width             int
}

type genOut struct {
	data           []byte
	open, noCoords int
	byKind         []int
}

// block makes rows b*genBlock+1 .. (b+1)*genBlock.
func (g *generator) block(blk int) genOut {
	opt := &g.opt
	rng := rand.New(rand.NewPCG(opt.Seed, uint64(blk)^0x9e3779b97f4a7c15))
	out := genOut{byKind: make([]int, len(g.kinds)), data: make([]byte, 0, genBlock*180)}
	b := out.data
	first := blk*genBlock + 1
	last := min(first+genBlock-1, opt.Rows)
	for i := first; i <= last; i++ {
		pl := &opt.Places[pick(g.placeCum, rng.Float64())]
		ki := pick(g.kindCum, rng.Float64())
		k := &g.kinds[ki]
		out.byKind[ki]++
		u := rng.Float64()
		if opt.InOrder {
			u = (float64(i-1) + u) / float64(opt.Rows)
		}
		created := g.start.Add(time.Duration(u*g.yearSecs) * time.Second)
		closed := time.Time{}
		if rng.Float64() < k.ClosedShare {
			h := k.MedianHours * math.Exp(k.Sigma*rng.NormFloat64())
			closed = created.Add(time.Duration(h*3600) * time.Second)
		} else {
			out.open++
		}
		lon, lat := g.point(pl, rng)
		noCoords := pl.CD != "" && rng.Float64() < opt.NoCoordsShare
		if noCoords {
			out.noCoords++
		}

		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, ',')
		b = append(b, SyntheticPrefix...)
		id := strconv.Itoa(max(opt.FirstNumber, 1) + i - 1)
		for n := len(id); n < g.width; n++ {
			b = append(b, '0')
		}
		b = append(b, id...)
		b = append(b, ',')
		b = appendTime(b, created)
		b = append(b, ',')
		if closed.IsZero() {
			b = appendTime(b, created)
		} else {
			b = appendTime(b, closed)
		}
		b = append(b, ",SR Created,,"...)
		b = appendField(b, k.Type)
		if closed.IsZero() {
			b = append(b, ",Open,"...)
		} else {
			b = append(b, ",Closed,"...)
		}
		b = append(b, SyntheticSource...)
		b = append(b, ",,N,,,"...) // MobileOS, Anonymous, AssignTo, ServiceDate
		if !closed.IsZero() {
			b = appendTime(b, closed)
		}
		b = append(b, ",N,Y,,,,,,,"...) // AddressVerified .. ZipCode
		if !noCoords {
			b = appendCoord(b, lat)
			b = append(b, ',')
			b = appendCoord(b, lon)
		} else {
			b = append(b, ',')
		}
		b = append(b, ",,,,,,"...) // Location, TBMPage, TBMColumn, TBMRow, APC
		b = appendField(b, pl.CD)
		b = append(b, ",,"...)
		b = appendField(b, pl.NC)
		b = append(b, ",,\n"...) // NCName, PolicePrecinct
	}
	out.data = b
	return out
}

// point draws a point of the place: uniform in its polygon when it has one,
// else uniform in its disc (radius sqrt(u) R, angle uniform).
func (g *generator) point(pl *Place, rng *rand.Rand) (lon, lat float64) {
	if len(pl.Geom) > 0 {
		b := pl.box
		for range 64 {
			p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			if planar.MultiPolygonContains(pl.Geom, p) {
				return p[0], p[1]
			}
		}
	}
	r := pl.RadiusM * math.Sqrt(rng.Float64())
	sin, cos := math.Sincos(2 * math.Pi * rng.Float64())
	return pl.Lon + r*cos/(111320*math.Cos(pl.Lat*math.Pi/180)), pl.Lat + r*sin/111320
}

// appendCoord appends x with six decimals (about 0.1 m), rounded half away
// from zero, without the general float formatter.
func appendCoord(b []byte, x float64) []byte {
	if x < 0 {
		b = append(b, '-')
		x = -x
	}
	n := int64(math.Round(x * 1e6))
	b = strconv.AppendInt(b, n/1e6, 10)
	b = append(b, '.')
	f := n % 1e6
	for d := int64(1e5); d > 0; d /= 10 {
		b = append(b, byte('0'+f/d%10))
	}
	return b
}

// appendField appends s, quoted when it holds a comma, quote or newline.
func appendField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\n\r") {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// appendTime appends t as YYYY-MM-DD hh:mm:ss.
func appendTime(b []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, int(mo))
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, ' ')
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	return append2(b, s)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }
func append4(b []byte, v int) []byte { return append2(append2(b, v/100), v%100) }

// cumulative returns the normalised cumulative weights; weights must be
// finite, not negative, and not all zero.
func cumulative(n int, w func(int) float64) ([]float64, error) {
	c := make([]float64, n)
	var sum float64
	for i := range n {
		x := w(i)
		if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("weight %d is %v; weights must be finite and not negative", i, x)
		}
		sum += x
		c[i] = sum
	}
	if !(sum > 0) {
		return nil, fmt.Errorf("no positive weight among %d; give at least one place with population", n)
	}
	for i := range c {
		c[i] /= sum
	}
	return c, nil
}

// pick returns the first index whose cumulative weight exceeds u (0 <= u < 1).
func pick(cum []float64, u float64) int {
	i := sort.SearchFloat64s(cum, u)
	for i < len(cum)-1 && cum[i] <= u {
		i++
	}
	if i >= len(cum) {
		i = len(cum) - 1
	}
	return i
}

// TractPlaces reads the California Department of Water Resources tract
// points file (ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv: GEOID20,
// COUNTYFP20, interior point INTPTLAT20/INTPTLON20, Pop23, LandSqMile) and
// returns one Place per tract of the given county (FIPS county code such as
// "37" or "037"; "" for all), weighted by its 2023 population, with the
// radius of a disc of half the tract's land area (so points stay near the
// interior point; tracts are not discs).
func TractPlaces(path, county string) ([]Place, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadTractPlaces(f, path, county)
}

//go:embed data/la_county_tracts2020_points.csv
var laCountyTracts []byte

// LACountyTracts returns the 2,498 Los Angeles County tracts of the DWR
// tract points file (2020 tracts, interior points, 2023 population, land
// area), embedded in budgetlens so that the generator works offline with no
// input; events/data/README.md says where the extract comes from.
func LACountyTracts() []Place {
	ps, err := ReadTractPlaces(bytes.NewReader(laCountyTracts), "embedded:la_county_tracts2020_points.csv", "037")
	if err != nil {
		panic("events: embedded tract points: " + err.Error())
	}
	return ps
}

// ReadTractPlaces is TractPlaces on a reader; name is used in errors.
func ReadTractPlaces(r io.Reader, path, county string) ([]Place, error) {
	return ReadTractPlacesWithin(r, path, county, tabular.Limits{})
}

// ReadTractPlacesWithin is ReadTractPlaces within the reader limits lim.
func ReadTractPlacesWithin(r io.Reader, path, county string, lim tabular.Limits) ([]Place, error) {
	tr, err := tabular.NewCSVReader(r, tabular.Options{File: path, Limits: lim})
	if err != nil {
		return nil, err
	}
	h := tr.Header()
	col := map[string]int{}
	for _, c := range []string{"GEOID20", "COUNTYFP20", "INTPTLAT20", "INTPTLON20", "Pop23", "LandSqMile"} {
		i, err := h.Must(c, c)
		if err != nil {
			return nil, err
		}
		col[c] = i
	}
	want := strings.TrimLeft(county, "0")
	var out []Place
	for {
		line, rec, err := tr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		get := func(c string) string {
			if i := col[c]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if county != "" && strings.TrimLeft(get("COUNTYFP20"), "0") != want {
			continue
		}
		p := Place{ID: get("GEOID20")}
		var sq float64
		for _, f := range []struct {
			c string
			v *float64
		}{{"INTPTLAT20", &p.Lat}, {"INTPTLON20", &p.Lon}, {"Pop23", &p.Weight}, {"LandSqMile", &sq}} {
			v, err := strconv.ParseFloat(get(f.c), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, h.Err(line, col[f.c], f.c, get(f.c), "a number")
			}
			*f.v = v
		}
		if p.Weight < 0 || sq < 0 {
			return nil, h.Err(line, col["Pop23"], "Pop23", get("Pop23"), "a population and a land area that are not negative")
		}
		p.RadiusM = math.Sqrt(sq * 2.589988e6 / 2 / math.Pi)
		out = append(out, p)
	}
}
