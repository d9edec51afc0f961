// Command geobench is the budgetlens side of bench/geo/run.sh: it writes
// seeded random points over Los Angeles as CSV (-gen), writes a layer as SQL
// for PostGIS (-sql), or times the point-in-polygon join alone (Locate on
// points held in memory) on 1 and 2 goroutines (-join).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/budgetlens/budgetlens/geo"
)

// The box the random points are drawn from: Los Angeles' extent unless
// -box says otherwise.
var (
	minLon, maxLon = -118.67, -118.15
	minLat, maxLat = 33.70, 34.34
)

// writeZigzag writes a one-feature GeoJSON layer whose ring has n teeth
// running between latitudes 34.0 and 34.2 over 0.3 degrees of longitude
// (every edge spans the ring's height), closed along 33.95 (the same ring
// as geo's tests).
func writeZigzag(n int) {
	w := bufio.NewWriter(os.Stdout)
	w.WriteString(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"zig"},"geometry":{"type":"Polygon","coordinates":[[`)
	pt := func(x, y float64) {
		w.WriteString("[" + strconv.FormatFloat(x, 'f', 7, 64) + "," + strconv.FormatFloat(y, 'f', 7, 64) + "]")
	}
	for i := 0; i < n; i++ {
		pt(-118.5+0.3*float64(i)/float64(n-1), 34+0.2*float64(i%2))
		w.WriteByte(',')
	}
	pt(-118.2, 33.95)
	w.WriteByte(',')
	pt(-118.5, 33.95)
	w.WriteByte(',')
	pt(-118.5, 34)
	w.WriteString("]]}}]}\n")
	w.Flush()
}

func main() {
	gen := flag.Int("gen", 0, "write this many random points as CSV id,lon,lat to stdout")
	sqlOut := flag.String("sql", "", "write the layer FILE as SQL creating table NAME (the flag's value) to stdout")
	join := flag.Int("join", 0, "time the join of this many in-memory points")
	layer := flag.String("layer", "", "layer file (GeoJSON)")
	idField := flag.String("id-field", "", "id property")
	workers := flag.String("workers", "1,2", "goroutine counts to time")
	seed := flag.Int64("seed", 1, "random seed")
	zigzag := flag.Int("zigzag", 0, "write a GeoJSON zigzag ring of this many vertices (issue 14's pathological ring) to stdout")
	box := flag.String("box", "", "minLon,minLat,maxLon,maxLat of the random points (default: Los Angeles' extent)")
	flag.Parse()
	if *box != "" {
		var b [4]float64
		if _, err := fmt.Sscanf(*box, "%g,%g,%g,%g", &b[0], &b[1], &b[2], &b[3]); err != nil {
			fmt.Fprintln(os.Stderr, "-box:", err)
			os.Exit(2)
		}
		minLon, minLat, maxLon, maxLat = b[0], b[1], b[2], b[3]
	}
	switch {
	case *zigzag > 0:
		writeZigzag(*zigzag)
	case *gen > 0:
		writePoints(*gen, *seed)
	case *sqlOut != "":
		l := load(*layer, *idField)
		w := bufio.NewWriter(os.Stdout)
		fmt.Fprintf(w, "DROP TABLE IF EXISTS %s;\nCREATE TABLE %s (pos int PRIMARY KEY, id text, geom geometry(MultiPolygon, 4326));\n", *sqlOut, *sqlOut)
		var buf strings.Builder
		for i := range l.Areas {
			buf.Reset()
			geo.WriteGeoJSON(&buf, &geo.Layer{Areas: l.Areas[i : i+1]})
			fmt.Fprintf(w, "INSERT INTO %s SELECT %d, %s, ST_SetSRID(ST_Multi(ST_GeomFromGeoJSON(f->'geometry')), 4326) FROM (SELECT json_array_elements('%s'::json->'features') AS f) s;\n",
				*sqlOut, i, quote(l.Areas[i].ID), strings.ReplaceAll(buf.String(), "'", "''"))
		}
		fmt.Fprintf(w, "CREATE INDEX ON %s USING gist (geom);\nANALYZE %s;\n", *sqlOut, *sqlOut)
		w.Flush()
	case *join > 0:
		timeJoin(load(*layer, *idField), *join, *seed, *workers)
	default:
		flag.Usage()
		os.Exit(2)
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func load(path, idField string) *geo.Layer {
	l, _, err := geo.ReadFile(path, geo.ImportOptions{IDField: idField})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return l
}

func writePoints(n int, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	w.WriteString("id,lon,lat\n")
	var b []byte
	for i := 0; i < n; i++ {
		b = strconv.AppendInt(b[:0], int64(i), 10)
		b = append(b, ',')
		b = strconv.AppendFloat(b, minLon+rng.Float64()*(maxLon-minLon), 'f', 6, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, minLat+rng.Float64()*(maxLat-minLat), 'f', 6, 64)
		b = append(b, '\n')
		w.Write(b)
	}
	w.Flush()
}

func timeJoin(l *geo.Layer, n int, seed int64, workers string) {
	t0 := time.Now()
	ix := geo.NewIndex(l)
	build := time.Since(t0)
	rng := rand.New(rand.NewSource(seed))
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i] = minLon + rng.Float64()*(maxLon-minLon)
		ys[i] = minLat + rng.Float64()*(maxLat-minLat)
	}
	out := make([]int32, n)
	fmt.Printf("index: %d areas, build %.1f ms\n", len(l.Areas), float64(build.Microseconds())/1000)
	for _, ws := range strings.Split(workers, ",") {
		w, _ := strconv.Atoi(ws)
		if w <= 0 {
			continue
		}
		best := time.Duration(1 << 62)
		for rep := 0; rep < 3; rep++ {
			t := time.Now()
			var wg sync.WaitGroup
			chunk := (n + w - 1) / w
			for k := 0; k < w; k++ {
				lo, hi := k*chunk, min((k+1)*chunk, n)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := lo; i < hi; i++ {
						a, ok := ix.Locate(xs[i], ys[i])
						if !ok {
							a = -1
						}
						out[i] = int32(a)
					}
				}()
			}
			wg.Wait()
			best = min(best, time.Since(t))
		}
		inside := 0
		for _, a := range out {
			if a >= 0 {
				inside++
			}
		}
		nsPoint := float64(best.Nanoseconds()) / float64(n)
		fmt.Printf("join workers=%d GOMAXPROCS=%d points=%d inside=%d wall=%.3fs ns/point=%.1f ns/point/core=%.1f\n",
			w, runtime.GOMAXPROCS(0), n, inside, best.Seconds(), nsPoint, nsPoint*float64(w))
	}
}
