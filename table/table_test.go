package table

import (
	"strings"
	"testing"
)

func TestGroupDigits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"0.00", "0.00"}, {"999.99", "999.99"}, {"1000.00", "1,000.00"}, {"-1234567.5", "-1,234,567.5"},
		{"11480288113.00", "11,480,288,113.00"}, {"123456", "123,456"}, {"", ""}, {"n/a", "n/a"}, {"1e+06", "1e+06"},
	} {
		if got := GroupDigits(tc.in); got != tc.want {
			t.Errorf("GroupDigits(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteAligned(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	WriteAligned(&b, [][]string{{"code", "name", "amount"}, {"02", "Agíng", "7,080,691.00"}, {"", "total", "1.00"}}, map[int]bool{2: true})
	want := "code  name         amount\n02    Agíng  7,080,691.00\n      total          1.00\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWrite(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	if err := Write(&b, "json", nil, nil, nil); err != nil || b.String() != "[]\n" {
		t.Fatalf("empty JSON listing: %q %v", b.String(), err)
	}
	b.Reset()
	rows := [][]string{{"0201", "Parks and\nRecreation", "1234567.50"}, {"0202", strings.Repeat("x", 70), ""}}
	if err := Write(&b, "table", []string{"code", "name", "amount"}, rows, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "0201  Parks and Recreation") || !strings.HasSuffix(lines[1], "1,234,567.50") || !strings.Contains(lines[2], strings.Repeat("x", 57)+"...") {
		t.Fatalf("table:\n%s", b.String())
	}
	b.Reset()
	if err := Write(&b, "csv", []string{"code", "name", "amount"}, rows, nil); err != nil || !strings.HasPrefix(b.String(), "code,name,amount\n0201,\"Parks and\nRecreation\",1234567.50\n") {
		t.Fatalf("csv: %q %v", b.String(), err)
	}
	if err := Write(&b, "xml", nil, nil, nil); err == nil {
		t.Fatal("unknown format accepted")
	}
}
