package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/internal/hostile"
)

// streamAll reads path with StreamLineItems and collects what Each yields.
func streamAll(t *testing.T, path string, opt Options) (*budget.Batch, []budget.LineItem, error) {
	t.Helper()
	s, err := StreamLineItems(path, opt)
	if err != nil {
		return nil, nil, err
	}
	if s == nil {
		t.Fatalf("%s: not streamed", path)
	}
	defer s.Close()
	var got []budget.LineItem
	err = s.Each(func(l *budget.LineItem) error {
		got = append(got, *l)
		return nil
	})
	if err == nil && s.Items() != len(got) {
		t.Errorf("Items %d, yielded %d", s.Items(), len(got))
	}
	return s.Batch, got, err
}

// TestStreamEqualsFile: a streamed file gives the line items File gives,
// in the same order with the same keys (repeats numbered alike), and the
// same batch: dataset, profile, period, content hash, reconciled totals.
func TestStreamEqualsFile(t *testing.T) {
	dir := t.TempDir()
	gen := filepath.Join(dir, "Expenditures_Sec2_for_2122_Adopted.csv")
	f, err := os.Create(gen)
	if err != nil {
		t.Fatal(err)
	}
	if err := hostile.LAExpenditures(f, 30_000); err != nil {
		t.Fatal(err)
	}
	// repeated rows: the same classification three times (keys numbered)
	f.WriteString("01,SYNTHETIC dept 1,01L5,Org,0001,Program 1,001,Fund,001,Source,000001,Account 1,2.00\n")
	f.WriteString("01,SYNTHETIC dept 1,01L5,Org,0001,Program 1,001,Fund,001,Source,000001,Account 1,3.00\n")
	f.Close()
	for _, path := range []string{gen,
		fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv"),
		fixture.Data(t, "oakland/FY18-19__proposed.csv")} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			bs, err := File(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			want := bs[0]
			b, got, err := streamAll(t, path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want.LineItems) {
				t.Fatalf("streamed %d line items, File %d", len(got), len(want.LineItems))
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], want.LineItems[i]) {
					t.Fatalf("item %d:\nstreamed %+v\nFile     %+v", i, got[i], want.LineItems[i])
				}
			}
			want.LineItems = nil
			if !reflect.DeepEqual(b, want) {
				t.Errorf("batch:\nstreamed %+v\nFile     %+v", b, want)
			}
		})
	}
}

// TestStreamErrors: a bad cell far into a streamed file is an input error
// naming its line and column after the rows before it were yielded; a
// file that is not line items, or not text, is not streamed.
func TestStreamErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Expenditures_Sec2_for_2122_Adopted.csv")
	f, _ := os.Create(path)
	hostile.LAExpenditures(f, 5000)
	f.WriteString("01,SYNTHETIC dept 1,01L5,Org,0001,Program 1,001,Fund,001,Source,000001,Account 1,12abc\n")
	f.Close()
	_, got, err := streamAll(t, path, Options{})
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.Line != 5002 || !strings.Contains(err.Error(), "12abc") || len(got) != 5000 {
		t.Fatalf("error %v (line %v) after %d items; want line 5002 after 5000", err, ie, len(got))
	}
	_, err = File(path, Options{})
	if err == nil || err.Error() != ie.Error() {
		t.Errorf("File's error %v differs from the stream's %v", err, ie)
	}
	for _, p := range []string{fixture.Data(t, "la/budget/FY21-22/Budget_Requests_Detail_Sec2_2122_Adopted.csv"), fixture.Data(t, "la/budget/FY21-22/Performance_Measures_2122_Adopted.csv")} {
		if s, err := StreamLineItems(p, Options{}); s != nil || err != nil {
			t.Errorf("%s (not line items): streamed %v, %v", filepath.Base(p), s != nil, err)
		}
	}
}
