package migrate

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/budgetlens/budgetlens/budget"
)

func TestPending(t *testing.T) {
	known := []string{"001_core.sql", "010_budget.sql", "020_geo.sql"}
	for _, tc := range []struct {
		name    string
		applied []string
		want    []string
		refuse  string // substring of the error when refused
	}{
		{"fresh store", nil, known, ""},
		{"partly applied", []string{"001_core.sql"}, []string{"010_budget.sql", "020_geo.sql"}, ""},
		{"up to date", known, nil, ""},
		{"applied out of order", []string{"020_geo.sql", "001_core.sql"}, []string{"010_budget.sql"}, ""},
		{"newer store", append(append([]string{}, known...), "050_events.sql"), nil, "050_events.sql"},
		{"unknown older name", []string{"001_core.sql", "005_branch.sql"}, nil, "005_branch.sql"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Pending(known, tc.applied, "x.duckdb")
			if tc.refuse != "" {
				if budget.ErrorCode(err) != budget.ECONFLICT || !strings.Contains(err.Error(), tc.refuse) ||
					!strings.Contains(err.Error(), "x.duckdb") || !strings.Contains(err.Error(), "020_geo.sql") {
					t.Fatalf("want a conflict naming the store, %s and 020_geo.sql; got %v", tc.refuse, err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v %v, want %v", got, err, tc.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	fsys := fstest.MapFS{"m/010_b.sql": {}, "m/001_a.sql": {}, "m/README": {}, "m/sub/002.sql": {}}
	got, err := Names(fsys, "m")
	if err != nil || !reflect.DeepEqual(got, []string{"001_a.sql", "010_b.sql"}) {
		t.Fatalf("%v %v", got, err)
	}
}

func TestDescribe(t *testing.T) {
	known := []string{"001_core.sql", "010_budget.sql"}
	if got := Describe(known, []string{"001_core.sql"}); got != "1 applied, newest 001_core.sql, pending 010_budget.sql" {
		t.Fatal(got)
	}
	if got := Describe(known, []string{"001_core.sql", "099_x.sql"}); !strings.Contains(got, "newer budgetlens") {
		t.Fatal(got)
	}
}
