package sites

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const loans = "\ufeffPROJECT,FUNDED,UNITS,DATE,LON,LAT,KIND\n" +
	"X,\"1,000\",1,07/01/2021,-118.1,34.1,loan\n" + // first day of FY2021-22
	"X,\"1,000\",3,07/01/2021,-118.2,34.2,loan\n" +
	"Y,50,10,06/30/2021,-118.3,34.3,loan\n" + // last day of FY2020-21
	"Z,400,0,2022-06-30,-118.4,34.4,loan\n" + // last day, ISO
	"Z,400,0,2022-06-30,-118.5,34.5,loan\n" +
	"W,9,1,01/01/2022,-118.6,34.6,grant\n"

// TestWeights: a project's dollars, repeated on each of its sites, count
// once and split by units (1:3), equally when no site has units; rows
// outside the fiscal year (boundaries inclusive) and rows Where refuses
// are left out.
func TestWeights(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "l.csv"), []byte(loans), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := Spec{Name: "loans", File: "l.csv", Lon: "LON", Lat: "lat", Weight: []string{"FUNDED"}, Project: "PROJECT", Split: "UNITS", Date: "DATE",
		Where: map[string][]string{"KIND": {"Loan"}}}
	l, err := Read(spec, dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := l.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	if l, err = Decode(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	w := l.Weights("2021-07-01", "2022-06-30")
	want := []float64{250, 750, 200, 200}
	if len(w) != len(want) {
		t.Fatalf("%d sites, want %d: %+v", len(w), len(want), w)
	}
	for i := range want {
		if math.Abs(w[i].Weight-want[i]) > 1e-9 {
			t.Errorf("site %d weighs %v, want %v", i, w[i].Weight, want[i])
		}
	}
	if all := l.Weights("2000-01-01", "2099-12-31"); len(all) != 5 {
		t.Errorf("every year: %d sites, want 5", len(all))
	}
}

// TestReadErrors: a bad number or coordinate names the file, line and
// column; a missing column names itself.
func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ csv, want string }{
		{"P,F,LON,LAT\nA,12x,-118,34\n", "line 2"},
		{"P,F,LON,LAT\nA,1,-118,\n", "LON/LAT"},
		{"P,F,LON\nA,1,-118\n", "LAT"},
	} {
		p := filepath.Join(dir, "e.csv")
		if err := os.WriteFile(p, []byte(tc.csv), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(Spec{Name: "e", File: p, Lon: "LON", Lat: "LAT", Weight: []string{"F"}}, "")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "e.csv") {
			t.Errorf("%q: got %v, want an error naming e.csv and %q", tc.csv, err, tc.want)
		}
	}
}
