package events

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/hostile"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

func requests(t testing.TB, o hostile.RequestsOptions) []byte {
	var buf bytes.Buffer
	if err := hostile.ServiceRequests(&buf, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cost runs Summarize and returns the CPU seconds it took (user + system,
// less sensitive to other processes than wall time), the bytes it
// allocated and the largest growth of the heap seen.
func cost(t *testing.T, data []byte, opt Options) (cpu float64, alloc, peak uint64, s *Summary, err error) {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	var maxHeap atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > maxHeap.Load() {
					maxHeap.Store(m.HeapInuse)
				}
			}
		}
	}()
	var r0, r1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	s, err = Summarize(bytes.NewReader(data), "requests.csv", opt)
	syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	close(done)
	runtime.ReadMemStats(&m1)
	secs := func(r syscall.Rusage) float64 {
		return float64(r.Utime.Sec+r.Stime.Sec) + float64(r.Utime.Usec+r.Stime.Usec)/1e6
	}
	growth := uint64(0)
	if p := maxHeap.Load(); p > m0.HeapInuse {
		growth = p - m0.HeapInuse
	}
	return secs(r1) - secs(r0), m1.TotalAlloc - m0.TotalAlloc, growth, s, err
}

// TestStrayQuoteLinear: one stray quote near the start of a file of
// service requests costs the reader nothing: doubling the file at most
// about doubles time and allocation (it was quadratic: every 4 MiB block
// re-copied and re-scanned the rest), the stray file costs about what the
// clean one does, and the heap stays bounded by the blocks in flight.
func TestStrayQuoteLinear(t *testing.T) {
	const base = 120_000                             // about 18 MB
	defer debug.SetGCPercent(debug.SetGCPercent(10)) // the heap then follows what is live
	opt := Options{Lenient: true, AreaIDs: []string{"1"}, CodeColumn: ColCD, Codes: map[string]int{"1": 0}}
	clean := requests(t, hostile.RequestsOptions{Rows: base})
	stray := requests(t, hostile.RequestsOptions{Rows: base, StrayQuoteAt: 10})
	stray2 := requests(t, hostile.RequestsOptions{Rows: 2 * base, StrayQuoteAt: 10})
	best := func(data []byte) (float64, uint64, uint64) {
		bc, ba, bp := 1e9, uint64(0), uint64(0)
		for range 3 {
			c, a, p, s, err := cost(t, data, opt)
			if err != nil || s.Bad != 1 && bytes.Equal(data, stray) {
				t.Fatalf("%v %+v", err, s)
			}
			bc, ba, bp = min(bc, c), a, max(bp, p)
		}
		return bc, ba, bp
	}
	cClean, aClean, _ := best(clean)
	cStray, aStray, pStray := best(stray)
	cStray2, aStray2, pStray2 := best(stray2)
	t.Logf("%.1f MB clean %.2f s CPU %d MB allocated; with a stray quote %.2f s %d MB (heap grew %d MB); double the size %.2f s %d MB (heap grew %d MB)",
		float64(len(clean))/1e6, cClean, aClean>>20, cStray, aStray>>20, pStray>>20, cStray2, aStray2>>20, pStray2>>20)
	if cStray > 2*cClean+0.2 {
		t.Errorf("a stray quote: %.2f s against %.2f s clean", cStray, cClean)
	}
	if cStray2 > 2.6*cStray+0.2 || float64(aStray2) > 2.3*float64(aStray) {
		t.Errorf("double the input: %.2f s and %d MB against %.2f s and %d MB", cStray2, aStray2>>20, cStray, aStray>>20)
	}
	if pStray2 > 160<<20 || float64(pStray2) > 1.5*float64(pStray)+float64(48<<20) {
		t.Errorf("the heap grows with the input: %d MB, %d MB at half the size", pStray2>>20, pStray>>20)
	}
	s, err := Summarize(bytes.NewReader(stray), "requests.csv", Options{AreaIDs: []string{"1"}})
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.Line != 11 || ie.ColIndex != 5 || s != nil {
		t.Fatalf("strict: %v", err)
	}
}

// TestOpenQuoteStops: a quote that opens a field and never closes makes
// one record of the rest of the file; the reader stops at record-bytes,
// naming the line and column where the quote opened, in lenient mode too.
func TestOpenQuoteStops(t *testing.T) {
	data := requests(t, hostile.RequestsOptions{Rows: 100_000, OpenQuoteAt: 50})
	for _, lenient := range []bool{false, true} {
		t0 := time.Now()
		_, err := Summarize(bytes.NewReader(data), "requests.csv", Options{Lenient: lenient, Limits: tabular.Limits{RecordBytes: 1 << 20}})
		var ie *budget.InputError
		if !errors.As(err, &ie) || ie.Line != 51 || ie.ColIndex != 5 || !errors.Is(err, tabular.ErrLimit) {
			t.Fatalf("lenient %v: %v", lenient, err)
		}
		if d := time.Since(t0); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	}
}

// TestDuplicateRequestsCountedOnce: 1,000 rows of one request number are
// one request, and the duplicates are reported.
func TestDuplicateRequestsCountedOnce(t *testing.T) {
	data := requests(t, hostile.RequestsOptions{Rows: 1000, SameID: true})
	for _, workers := range []int{1, 3} {
		s, err := Summarize(bytes.NewReader(data), "dups.csv", Options{Workers: workers, BlockSize: 4096, AreaIDs: []string{"2"}, CodeColumn: ColCD, Codes: map[string]int{"2": 0}})
		if err != nil {
			t.Fatal(err)
		}
		if s.Rows != 1000 || s.Duplicates != 999 || s.Total.Count != 1 || len(s.Types) != 1 || s.Types[0].Type != "Graffiti Removal" ||
			len(s.DuplicateExamples) != maxBadExamples || !strings.HasPrefix(s.DuplicateExamples[0], "line 3: request SYN-000000001") {
			t.Fatalf("workers %d: rows %d duplicates %d total %d types %+v examples %q", workers, s.Rows, s.Duplicates, s.Total.Count, s.Types, s.DuplicateExamples[:2])
		}
		if s.Located+s.ByCode+s.Unplaced+s.Bad+s.Duplicates != s.Rows {
			t.Fatalf("rows do not add up: %+v", s)
		}
	}
}

func TestSummarizeRefusals(t *testing.T) {
	if _, err := Summarize(strings.NewReader("SRNumber,CreatedDate,RequestType,srnumber\n"), "h.csv", Options{}); err == nil || !strings.Contains(err.Error(), "columns 1 and 4") {
		t.Errorf("a duplicated heading: %v", err)
	}
	data := requests(t, hostile.RequestsOptions{Rows: 20, NULAt: 5})
	_, err := Summarize(bytes.NewReader(data), "nul.csv", Options{})
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.Line != 6 || !strings.Contains(err.Error(), "NUL") {
		t.Errorf("a NUL byte: %v", err)
	}
	latin := "SRNumber,CreatedDate,RequestType\nA,2016-01-01 10:00:00,Caf\xe9 noise\n"
	s, err := Summarize(strings.NewReader(latin), "l.csv", Options{})
	if err != nil || s.Types[0].Type != "Café noise" {
		t.Errorf("Windows-1252: %v %+v", err, s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SummarizeContext(ctx, bytes.NewReader(requests(t, hostile.RequestsOptions{Rows: 50000})), "c.csv", Options{BlockSize: 4096}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
