package capital

import (
	"bytes"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenModel has every kind of constraint: two years with a budget each
// and one for the plan, the high-need share at 0.35 (7/20), a floor and a
// ceiling, a requirement, an exclusion, and projects fixed in and out.
func goldenModel() *Model {
	return &Model{
		Name:  "golden \"test\"\nplan",
		Years: []string{"FY2027", "FY2028"},
		Budgets: []Budget{
			{Year: "FY2027", Cents: 1_000_000_00}, {Year: "FY2028", Cents: 800_000_00}, {Cents: 1_500_000_00},
		},
		MinHighNeedShare: 0.35,
		AreaLimits:       []AreaLimit{{Area: "CD 1", Kind: Floor, Cents: 200_000_00}, {Area: "CD-2", Kind: Ceiling, Cents: 900_000_00}},
		Projects: []Project{
			{ID: "P-1", Cost: []int64{400_000_00, 100_000_00}, Benefit: 120, HighNeedShare: 0.5, Areas: []Share{{"CD 1", 1}}, Requires: []string{"P-2"}},
			{ID: "P-2", Cost: []int64{123_456_78, 0}, Benefit: 35.5, HighNeedShare: 1.0 / 3, Areas: []Share{{"CD 1", 0.4}, {"CD-2", 0.6}}},
			{ID: "P-3", Cost: []int64{0, 700_000_01}, Benefit: 90.25, Areas: []Share{{"CD-2", 1}}, Excludes: []string{"P-4"}},
			{ID: "P-4", Cost: []int64{300_000_00, 300_000_00}, Benefit: -4, HighNeedShare: 0.9, Fixed: MustIn},
			{ID: "P-5", Cost: []int64{5_000_00, 5_000_00}, Benefit: 0, Fixed: MustOut},
		},
	}
}

func TestWriteLPGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteLP(&buf, goldenModel()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden.lp")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./capital -run Golden -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("WriteLP output differs from %s:\n%s", path, buf.String())
	}
}

// TestWriteLPEquityRowIsExact reads the share row back and checks every
// coefficient equals (high-need cents - 0.35 cost cents)/100 exactly.
func TestWriteLPEquityRowIsExact(t *testing.T) {
	m := goldenModel()
	c, err := compile(m)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteLP(&buf, m); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	start := strings.Index(text, "high_need_share:")
	row := text[start+len("high_need_share:") : start+strings.Index(text[start:], ">=")]
	fields := strings.Fields(row)
	if len(fields)%3 != 0 {
		t.Fatalf("row %q", row)
	}
	for k := 0; k < len(fields); k += 3 {
		got, ok := new(big.Rat).SetString(fields[k+1])
		if !ok {
			t.Fatalf("coefficient %q", fields[k+1])
		}
		if fields[k] == "-" {
			got.Neg(got)
		}
		var i int
		if _, err := fmtSscan(fields[k+2], &i); err != nil {
			t.Fatal(err)
		}
		i--
		want := new(big.Rat).SetFrac64(c.highNeed[i]*20-7*c.total[i], 2000) // (H - 7/20 C)/100
		if got.Cmp(want) != 0 {
			t.Errorf("x%d: coefficient %s, want %s", i+1, got.FloatString(8), want.FloatString(8))
		}
	}
}

func TestExactDecimal(t *testing.T) {
	cases := []struct {
		v      int64
		places int
		want   string
	}{{12345, 2, "123.45"}, {-5, 2, "-0.05"}, {100, 2, "1"}, {0, 8, "0"}, {-123456789, 8, "-1.23456789"}, {120, 2, "1.2"}}
	for _, tc := range cases {
		if got := exactDecimal(big.NewInt(tc.v), tc.places); got != tc.want {
			t.Errorf("exactDecimal(%d, %d) = %q, want %q", tc.v, tc.places, got, tc.want)
		}
	}
}

func fmtSscan(s string, i *int) (int, error) {
	return fmt.Sscanf(strings.TrimPrefix(s, "x"), "%d", i)
}
