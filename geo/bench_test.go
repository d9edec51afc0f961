package geo

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"testing"
)

func benchLayer(b *testing.B) *Index {
	l, _ := readFixture(b, "la/boundaries/neighborhood_councils_2025.geojson", ImportOptions{IDField: "Name"})
	return NewIndex(l)
}

// randomLA is n random points over Los Angeles' extent.
func randomLA(n int) (xs, ys []float64) {
	rng := rand.New(rand.NewSource(1))
	xs, ys = make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i], ys[i] = -118.67+rng.Float64()*0.52, 33.70+rng.Float64()*0.64
	}
	return xs, ys
}

// BenchmarkLocate: random points over Los Angeles, 99 councils.
func BenchmarkLocate(b *testing.B) {
	ix := benchLayer(b)
	const n = 1 << 16
	xs, ys := randomLA(n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix.Locate(xs[i&(n-1)], ys[i&(n-1)])
	}
}

// BenchmarkAssignCSV: CSV in, CSV out, one worker, per point.
func BenchmarkAssignCSV(b *testing.B) {
	ix := benchLayer(b)
	rng := rand.New(rand.NewSource(1))
	var in bytes.Buffer
	in.WriteString("id,lon,lat\n")
	const n = 200000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&in, "%d,%.6f,%.6f\n", i, -118.67+rng.Float64()*0.52, 33.70+rng.Float64()*0.64)
	}
	data := in.Bytes()
	b.ResetTimer()
	for i := 0; i < b.N; i += n {
		if _, err := AssignCSV(ix, bytes.NewReader(data), io.Discard, AssignOptions{Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLocateEach: the same points, 4,096 at a time.
func BenchmarkLocateEach(b *testing.B) {
	ix := benchLayer(b)
	const n = 1 << 16
	xs, ys := randomLA(n)
	out := make([]int32, 4096)
	b.ResetTimer()
	for i := 0; i < b.N; i += len(out) {
		k := i & (n - 1)
		ix.LocateEach(xs[k:k+len(out)], ys[k:k+len(out)], out)
	}
}
