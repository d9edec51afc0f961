package events

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// TestVolumeExpandsTheRealSample: the year's requests per neighbourhood
// council (derived from published shares) expand the 20,000 real requests
// of 19-23 September 2022 so that the weights of each council's requests
// add up to its count, and of all to the 1,042,202 of the table; every
// council of the table has sample requests and every request's council is
// counted.
func TestVolumeExpandsTheRealSample(t *testing.T) {
	v, err := ReadVolume(fixture.Data(t, "la/services/la_myla311_requests_by_nc_2021-10-01_to_2022-10-01_DERIVED.csv"), "nc_name", "requests_2021-10-01_to_2022-10-01")
	if err != nil {
		t.Fatal(err)
	}
	if v.Total != 1_042_202 || len(v.Counts) != 100 {
		t.Fatalf("volume: %v requests in %d strata, want 1,042,202 in 100", v.Total, len(v.Counts))
	}
	f, err := os.Open(fixture.Data(t, "la/services/la_myla311_sample_2022-09-19_to_09-23.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sampled := map[string]int{}
	var reqs []Request
	if _, err := ReadRequests(context.Background(), f, "sample.csv", ReadOptions{}, func(b *RequestBlock) error {
		for _, r := range b.Requests {
			sampled[r.NCName]++
			reqs = append(reqs, r)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	e := v.Expand(sampled)
	if len(e.Unsampled) != 0 || len(e.Unknown) != 0 || e.Expanded != v.Total {
		t.Fatalf("expansion: unsampled %v, unknown %v, expanded %v", e.Unsampled, e.Unknown, e.Expanded)
	}
	by := map[string]float64{}
	var all float64
	for _, r := range reqs {
		by[NormalizeName(r.NCName)] += e.Of(r.NCName)
		all += e.Of(r.NCName)
	}
	for k, c := range v.Counts {
		if math.Abs(by[k]-c) > 1e-6*c {
			t.Errorf("%s: weights add up to %v, count %v", v.Names[k], by[k], c)
		}
	}
	if math.Abs(all-v.Total) > 1e-3 {
		t.Errorf("all weights %v, volume %v", all, v.Total)
	}
	// Hermon has the fewest September requests: each stands for 1/10 of
	// its 889
	if w := e.Of("Hermon"); math.Abs(w-88.9) > 1e-9 || sampled["Hermon"] != 10 {
		t.Errorf("Hermon: %d requests weighing %v each, want 10 of 88.9", sampled["Hermon"], w)
	}
}

// TestVolumeErrors: a stratum twice, a blank stratum, a count that is not
// a number of requests and a missing column are refused with the
// file, line and column; strata on either side without the other are
// listed.
func TestVolumeErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ csv, want string }{
		{"nc,n\nA,1\nA NC,2\n", "line 3"},
		{"nc,n\nA,1\n,2\n", "line 3"},
		{"nc,n\nA,many\n", "line 2"},
		{"nc,n\nA,-1\n", "line 2"},
		{"nc,m\nA,1\n", "n"},
	} {
		p := filepath.Join(dir, "v.csv")
		if err := os.WriteFile(p, []byte(tc.csv), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadVolume(p, "nc", "n"); err == nil || !strings.Contains(err.Error(), "v.csv") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error naming v.csv and %q", tc.csv, err, tc.want)
		}
	}
	p := filepath.Join(dir, "ok.csv")
	if err := os.WriteFile(p, []byte("nc,n\nA,\"1,000\"\nB,30\nC,7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := ReadVolume(p, "nc", "n")
	if err != nil {
		t.Fatal(err)
	}
	e := v.Expand(map[string]int{"a neighborhood council": 4, "B": 3, "D": 2})
	if e.Of("A") != 250 || e.Of("B") != 10 || e.Of("D") != 0 || e.Expanded != 1030 {
		t.Errorf("weights A %v, B %v, D %v, expanded %v", e.Of("A"), e.Of("B"), e.Of("D"), e.Expanded)
	}
	if len(e.Unsampled) != 1 || e.Unsampled[0] != "C" || e.UnsampledCount != 7 || len(e.Unknown) != 1 || e.Unknown[0] != "D" || e.UnknownSample != 2 {
		t.Errorf("unsampled %v (%v), unknown %v (%v)", e.Unsampled, e.UnsampledCount, e.Unknown, e.UnknownSample)
	}
}
