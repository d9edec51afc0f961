package geo

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
)

// The hostile files of issue 14 and variants of each class, made here (not
// committed). Each is read by ReadFile in a child process (this test binary
// run again), which must answer within 10 s and under 1 GB of memory with
// an input error (exit status 2 in the CLI) naming the file and a place, and
// leave nothing in its temporary directory.

// TestHostileChild is the child: it reads $GEO_HOSTILE_FILE and exits 2 on
// an input error (printing it), 0 on success, 1 otherwise.
func TestHostileChild(t *testing.T) {
	path := os.Getenv("GEO_HOSTILE_FILE")
	if path == "" {
		t.Skip("run by TestHostileFiles")
	}
	var opt ImportOptions
	if lim := os.Getenv("GEO_HOSTILE_LIMIT"); lim != "" {
		k, v, _ := strings.Cut(lim, "=")
		if err := opt.Limits.Set(k, v); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
	}
	var err error
	if strings.HasSuffix(path, ".gal") {
		f, _ := os.Open(path)
		_, err = ReadGAL(f, &Layer{Areas: make([]Area, 3)})
		if err != nil && budget.ErrorCode(err) == budget.EINTERNAL {
			err = &budget.InputError{File: path, Expected: err.Error()}
		}
	} else {
		_, _, err = ReadFile(path, opt)
	}
	// the process's own peak (VmHWM is per address space, so the test
	// binary that started this one does not count)
	if st, rerr := os.ReadFile("/proc/self/status"); rerr == nil {
		for _, l := range strings.Split(string(st), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				fmt.Fprintln(os.Stderr, "peak-kib", strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), " kB"))
			}
		}
	}
	if err != nil {
		fmt.Println(err)
		if budget.ErrorCode(err) == budget.EINVALID {
			os.Exit(2)
		}
		os.Exit(1)
	}
	fmt.Println("ok")
	os.Exit(0)
}

type hostile struct {
	name  string
	file  string // base name
	data  func(t *testing.T) []byte
	limit string // NAME=VALUE to lower a limit, "" for the defaults
	want  []string
	code  int // expected exit status (2 unless a repair is expected)
}

func hostileCases() []hostile {
	holeCrossing := orb.Polygon{
		{{-118.3, 34.0}, {-118.2, 34.0}, {-118.2, 34.1}, {-118.3, 34.1}, {-118.3, 34.0}},
		{{-118.25, 34.05}, {-118.25, 34.3}, {-118.1, 34.3}, {-118.1, 34.05}, {-118.25, 34.05}},
	}
	holeBeyond := orb.Polygon{
		{{-118.3, 34.0}, {-118.2, 34.0}, {-118.2, 34.1}, {-118.3, 34.1}, {-118.3, 34.0}},
		{{-118.0, 34.5}, {-118.0, 34.6}, {-117.9, 34.6}, {-117.9, 34.5}, {-118.0, 34.5}},
	}
	overlapping := orb.MultiPolygon{
		{{{-118.3, 34.0}, {-118.2, 34.0}, {-118.2, 34.1}, {-118.3, 34.1}, {-118.3, 34.0}}},
		{{{-118.28, 34.02}, {-118.22, 34.02}, {-118.22, 34.08}, {-118.28, 34.08}, {-118.28, 34.02}}},
	}
	return []hostile{
		{name: "geojson hole crossing shell", file: "hole.geojson", data: func(*testing.T) []byte { return holeOutsideGeoJSON() },
			want: []string{"hole.geojson", "feature 1", "rings 1 and 2 cross"}, code: 2},
		{name: "wkt csv hole crossing shell", file: "hole.csv", data: func(*testing.T) []byte {
			return []byte("id,wkt\na,\"" + wktOf(holeCrossing) + "\"\n")
		}, want: []string{"hole.csv:2", "rings 1 and 2 cross"}, code: 2},
		{name: "shapefile hole crossing shell", file: "hole.zip", data: func(t *testing.T) []byte {
			return shapefileZip(t, []orb.MultiPolygon{{holeCrossing}}, nil)
		}, want: []string{"hole.zip", "feature 1", "cross"}, code: 2},
		{name: "geojson hole beyond shell (repaired)", file: "beyond.geojson", data: func(*testing.T) []byte {
			return featureCollection(holeBeyond)
		}, want: []string{"ok"}, code: 0},
		{name: "geojson overlapping parts", file: "parts.geojson", data: func(*testing.T) []byte { return featureCollection(overlapping) },
			want: []string{"parts.geojson", "feature 1", "polygons 1 and 2 of the feature overlap"}, code: 2},
		{name: "geojson non-finite", file: "nan.geojson", data: func(*testing.T) []byte {
			return []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1e999,0],[1,1],[0,0]]]}}]}`)
		}, want: []string{"nan.geojson:1:", "out of range"}, code: 2},
		{name: "zip with a 3 GB .prj declared", file: "prj.zip", data: func(t *testing.T) []byte {
			return forgedZip(t, "x.prj", 3<<30, []byte("junk"))
		}, want: []string{"prj.zip:x.prj", "sidecar_bytes", "--limit sidecar_bytes="}, code: 2},
		{name: "zip with a .prj that inflates past its declared size", file: "prjlie.zip", data: func(t *testing.T) []byte {
			return forgedZip(t, "x.prj", 10, bytes.Repeat([]byte("A"), 1<<20))
		}, want: []string{"prjlie.zip:x.prj"}, code: 2},
		{name: "zip bomb .dbf (ratio)", file: "bomb.zip", data: func(t *testing.T) []byte {
			return deflateZip(t, map[string][]byte{"x.shp": shpHeaderOnly(), "x.dbf": make([]byte, 200<<20)})
		}, want: []string{"bomb.zip:x.dbf", "zip_ratio"}, code: 2},
		{name: "zip bomb .shp over a lowered member limit", file: "big.zip", limit: "member_bytes=1MiB", data: func(t *testing.T) []byte {
			return deflateZip(t, map[string][]byte{"x.shp": append(shpHeaderOnly(), make([]byte, 3<<20)...), "x.dbf": {3}})
		}, want: []string{"big.zip:x.shp", "member_bytes"}, code: 2},
		{name: "geopackage fanning out to one child", file: "fan.gpkg", data: func(t *testing.T) []byte { return gpkgFanOut(t, false) },
			want: []string{"fan.gpkg", "reached twice"}, code: 2},
		{name: "geopackage b-tree cycle", file: "cycle.gpkg", data: func(t *testing.T) []byte { return gpkgFanOut(t, true) },
			want: []string{"cycle.gpkg", "reached twice"}, code: 2},
		{name: "geopackage page limit", file: "pages.gpkg", limit: "pages=20", data: func(t *testing.T) []byte {
			b, err := os.ReadFile("testdata/nc2025.gpkg")
			if err != nil {
				t.Fatal(err)
			}
			return b
		}, want: []string{"pages.gpkg", "limit pages"}, code: 2},
		{name: "gal header of 99,999,999,999 areas", file: "big.gal", data: func(*testing.T) []byte {
			return []byte("0 99999999999 layer id\na 1\nb\nb 1\na\n")
		}, want: []string{"99999999999"}, code: 2},
		{name: "geojson nested 100,000 deep", file: "deep.geojson", data: func(*testing.T) []byte {
			return []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}}]}`)
		}, want: []string{"deep.geojson:1:", "limit depth", "--limit depth="}, code: 2},
		{name: "geojson ring over the vertex limit", file: "ring.geojson", data: func(*testing.T) []byte {
			return []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[` +
				strings.Repeat("[0,0],", 1_000_001) + `[0,0]]]}}]}`)
		}, want: []string{"ring.geojson:1", "feature 1 ring 1", "ring_vertices"}, code: 2},
		{name: "zipped .shp of 4M repeated vertices (shp ratio)", file: "verts.zip", data: func(t *testing.T) []byte {
			r := make(orb.Ring, 0, 1<<20)
			for len(r) < 1<<20-1 {
				r = append(r, orb.Point{-118.3, 34}, orb.Point{-118.2, 34}, orb.Point{-118.2, 34.1})
			}
			r = append(r[:1<<20-1], r[0])
			mp := orb.MultiPolygon{{r}}
			return deflateZip(t, map[string][]byte{"x.shp": shapefileSHP([]orb.MultiPolygon{mp, mp, mp, mp}), "x.dbf": dbfBytes(4)})
		}, want: []string{"verts.zip:x.shp", "limit shp_ratio", "--limit shp_ratio="}, code: 2},
		{name: "geojson features over the limit", file: "many.geojson", limit: "features=1000", data: func(*testing.T) []byte {
			return []byte(`{"type":"FeatureCollection","features":[` + strings.Repeat(`{"type":"Feature","properties":{},"geometry":null},`, 1001) + `{}]}`)
		}, want: []string{"many.geojson:1", "feature 1001", "limit features"}, code: 2},
		{name: "geojson file over the byte limit", file: "long.geojson", limit: "file_bytes=1MiB", data: func(*testing.T) []byte {
			return []byte(`{"type":"FeatureCollection","features":[],"x":"` + strings.Repeat("a", 2<<20) + `"}`)
		}, want: []string{"long.geojson", "file_bytes"}, code: 2},
		{name: "zigzag ring of 100,000 vertices", file: "zigzag.geojson", data: func(*testing.T) []byte { return zigzagGeoJSON(100000) },
			want: []string{"ok"}, code: 0},
		{name: "self-crossing zigzag of 100,000 vertices", file: "bowties.geojson", data: func(*testing.T) []byte { return crossingZigzagGeoJSON(100000) },
			want: []string{"ok"}, code: 0},
		{name: "a thousand stacked squares", file: "stack.geojson", data: func(*testing.T) []byte {
			var b strings.Builder
			b.WriteString(`{"type":"FeatureCollection","features":[`)
			for i := 0; i < 1000; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"type":"Feature","properties":{"id":%d},"geometry":{"type":"Polygon","coordinates":[[[-118.3,34],[-118.2,34],[-118.2,34.1],[-118.3,34.1],[-118.3,34]]]}}`, i)
			}
			b.WriteString("]}")
			return []byte(b.String())
		}, want: []string{"stack.geojson", "limit overlap_depth", "areas cover the point"}, code: 2},
		{name: "shapefile record claiming 2^31 points", file: "pts.zip", data: func(t *testing.T) []byte {
			shp := shpHeaderOnly()
			rec := make([]byte, 44+4)
			binary.LittleEndian.PutUint32(rec[0:], 5)
			binary.LittleEndian.PutUint32(rec[36:], 1)
			binary.LittleEndian.PutUint32(rec[40:], 1<<31)
			shp = appendSHPRecord(shp, 1, rec)
			return deflateZip(t, map[string][]byte{"x.shp": shp, "x.dbf": dbfBytes(1)})
		}, want: []string{"pts.zip:x.shp", "do not fit the record"}, code: 2},
		{name: "dbf of zero-length fields", file: "dbf0.zip", data: func(t *testing.T) []byte {
			d := dbfBytes(1)
			d[32+16] = 0
			return deflateZip(t, map[string][]byte{"x.shp": shapefileSHP([]orb.MultiPolygon{{holeBeyond[0:1]}}), "x.dbf": d})
		}, want: []string{"dbf0.zip:x.dbf", "length 0"}, code: 2},
	}
}

func TestHostileFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for _, h := range hostileCases() {
		t.Run(h.name, func(t *testing.T) {
			dir := t.TempDir()
			tmp := t.TempDir()
			path := filepath.Join(dir, h.file)
			if err := os.WriteFile(path, h.data(t), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestHostileChild$")
			cmd.Env = append(os.Environ(), "GEO_HOSTILE_FILE="+path, "GEO_HOSTILE_LIMIT="+h.limit, "TMPDIR="+tmp)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			t0 := time.Now()
			err := cmd.Run()
			took := time.Since(t0)
			code := 0
			if err != nil {
				ee, ok := err.(*exec.ExitError)
				if !ok {
					t.Fatal(err)
				}
				code = ee.ExitCode()
			}
			// peak memory: the child's own VmHWM, else getrusage's figure
			// (which includes this process's size at the fork)
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB
			for _, l := range strings.Split(errb.String(), "\n") {
				if v, ok := strings.CutPrefix(l, "peak-kib "); ok {
					fmt.Sscan(v, &rss)
				}
			}
			msg := strings.TrimSpace(out.String())
			if code != h.code {
				t.Fatalf("exit %d, want %d: %.500s", code, h.code, msg)
			}
			for _, w := range h.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %.500q lacks %q", msg, w)
				}
			}
			if took > 10*time.Second {
				t.Errorf("took %v", took)
			}
			if rss > 1<<20 {
				t.Errorf("peak memory %d MiB", rss>>10)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("left %d files in the temporary directory", len(left))
			}
			t.Logf("exit %d in %v, peak %d MiB: %.200s", code, took.Round(time.Millisecond), rss>>10, firstLine(msg))
		})
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// featureCollection is a one-feature GeoJSON file of g.
func featureCollection(g orb.Geometry) []byte {
	return []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},"geometry":` + string(appendGeometry(nil, g)) + `}]}`)
}

// crossingZigzagGeoJSON: a ring of n vertices whose teeth cross each other
// (every tooth a bowtie with the next), all within 0.3 degrees.
func crossingZigzagGeoJSON(n int) []byte {
	r := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		x := -118.5 + 0.3*float64(i)/float64(n-1)
		if i%2 == 1 {
			x += 0.6 / float64(n-1)
		}
		r = append(r, orb.Point{x, 34 + 0.2*float64(i%2)})
	}
	r = append(r, r[0])
	return featureCollection(orb.Polygon{r})
}

func wktOf(p orb.Polygon) string {
	var b strings.Builder
	b.WriteString("POLYGON(")
	for i, r := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for k, v := range r {
			if k > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%g %g", v[0], v[1])
		}
		b.WriteByte(')')
	}
	b.WriteByte(')')
	return b.String()
}

// forgedZip is a zip of one stored member whose directory declares size
// bytes whatever the data.
func forgedZip(t *testing.T, name string, size uint64, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	// a real Shapefile beside it, so that the forged member is read
	for _, m := range []struct {
		name string
		data []byte
	}{{"x.shp", shpHeaderOnly()}, {"x.dbf", dbfBytes(0)}} {
		w, _ := zw.Create(m.name)
		w.Write(m.data)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, CompressedSize64: uint64(len(data)), UncompressedSize64: size, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func deflateZip(t *testing.T, members map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	for _, name := range sortedKeys(members) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(members[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sortedKeys[V any](m map[string]V) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	sortStrings(k)
	return k
}

// gpkgFanOut returns the stored GeoPackage with the feature table's root
// page rewritten so that every child pointer names its first child (fan-out
// to one page) or, with cycle, the root itself.
func gpkgFanOut(t *testing.T, cycle bool) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/nc2025.gpkg")
	if err != nil {
		t.Fatal(err)
	}
	db, err := openSQLite(b)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := db.tables()
	if err != nil {
		t.Fatal(err)
	}
	root := tables["neighborhood_councils"].root
	p := b[(root-1)*db.pageSize : root*db.pageSize]
	if p[0] != 0x05 {
		t.Fatalf("root page %d is of type %#x, not an interior table page", root, p[0])
	}
	n := int(binary.BigEndian.Uint16(p[3:5]))
	first := binary.BigEndian.Uint32(p[binary.BigEndian.Uint16(p[12:14]):])
	if cycle {
		first = uint32(root)
	}
	for i := 0; i < n; i++ {
		off := binary.BigEndian.Uint16(p[12+2*i:])
		binary.BigEndian.PutUint32(p[off:], first)
	}
	binary.BigEndian.PutUint32(p[8:], first)
	return b
}

// Minimal Shapefile writing for the generators: .shp of polygons (rings
// in the Shapefile's winding: outer clockwise), .dbf of one field "id".

func shpHeaderOnly() []byte {
	h := make([]byte, 100)
	binary.BigEndian.PutUint32(h[0:], 9994)
	binary.LittleEndian.PutUint32(h[28:], 1000)
	binary.LittleEndian.PutUint32(h[32:], 5)
	return h
}

func appendSHPRecord(shp []byte, n int, rec []byte) []byte {
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[0:], uint32(n))
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(rec)/2))
	shp = append(shp, hdr[:]...)
	shp = append(shp, rec...)
	binary.BigEndian.PutUint32(shp[24:], uint32(len(shp)/2))
	return shp
}

func shapefileSHP(geoms []orb.MultiPolygon) []byte {
	shp := shpHeaderOnly()
	for i, mp := range geoms {
		var rings []orb.Ring
		for _, p := range mp {
			for ri, r := range p {
				// Shapefile: outer rings clockwise, holes counter-clockwise
				if (signedArea(r) > 0) == (ri == 0) {
					r = reverseRing(r)
				}
				rings = append(rings, r)
			}
		}
		n := 0
		for _, r := range rings {
			n += len(r)
		}
		rec := make([]byte, 44+4*len(rings)+16*n)
		binary.LittleEndian.PutUint32(rec[0:], 5)
		b := mp.Bound()
		for k, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
			binary.LittleEndian.PutUint64(rec[4+8*k:], math.Float64bits(v))
		}
		binary.LittleEndian.PutUint32(rec[36:], uint32(len(rings)))
		binary.LittleEndian.PutUint32(rec[40:], uint32(n))
		o, start := 44+4*len(rings), 0
		for k, r := range rings {
			binary.LittleEndian.PutUint32(rec[44+4*k:], uint32(start))
			for _, v := range r {
				binary.LittleEndian.PutUint64(rec[o:], math.Float64bits(v[0]))
				binary.LittleEndian.PutUint64(rec[o+8:], math.Float64bits(v[1]))
				o += 16
			}
			start += len(r)
		}
		shp = appendSHPRecord(shp, i+1, rec)
	}
	return shp
}

// dbfBytes is a dBase III table of n records with one character field
// "id" (values 1..n).
func dbfBytes(n int) []byte {
	const size = 10
	b := make([]byte, 32)
	b[0] = 3
	binary.LittleEndian.PutUint32(b[4:], uint32(n))
	binary.LittleEndian.PutUint16(b[8:], 32+32+1)
	binary.LittleEndian.PutUint16(b[10:], 1+size)
	f := make([]byte, 32)
	copy(f, "id")
	f[11] = 'C'
	f[16] = size
	b = append(b, f...)
	b = append(b, 0x0D)
	for i := 1; i <= n; i++ {
		b = append(b, ' ')
		b = append(b, fmt.Sprintf("%-10d", i)...)
	}
	return append(b, 0x1A)
}

func shapefileZip(t *testing.T, geoms []orb.MultiPolygon, prj []byte) []byte {
	m := map[string][]byte{"x.shp": shapefileSHP(geoms), "x.dbf": dbfBytes(len(geoms))}
	if prj != nil {
		m["x.prj"] = prj
	}
	return deflateZip(t, m)
}
