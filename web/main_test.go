package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/duckdb"
)

// The tests share one demo store, built once from the data shipped in the
// binary (20,000 synthetic requests instead of a million, 19 bootstrap
// replicates instead of 999, to keep the suite fast), opened for writing so
// the embargo tests can release and hold phases.
var demo struct {
	dir   string
	store store.Store
	off   *office.Office
	err   error
}

func TestMain(m *testing.M) {
	code := func() int {
		dir, err := os.MkdirTemp("", "budgetlens-web-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		demo.dir = dir
		demo.err = buildDemo(dir)
		if demo.store != nil {
			defer demo.store.Close()
		}
		return m.Run()
	}()
	os.Exit(code)
}

func buildDemo(dir string) error {
	p, err := city.Builtin("la")
	if err != nil {
		return err
	}
	res, err := office.Demo(context.Background(), office.DemoOptions{City: p, Data: budgetlens.DemoFS, Dir: dir,
		Open: func(path string) (store.Store, error) { return duckdb.Open(path) }, Requests: 20000, Reps: 19, NoPDF: true})
	if err != nil {
		return err
	}
	s, err := duckdb.Open(res.Store)
	if err != nil {
		return err
	}
	demo.store = s
	demo.off, err = office.New(context.Background(), s, nil)
	return err
}

func needDemo(t *testing.T) {
	t.Helper()
	if demo.err != nil {
		t.Fatalf("demo store: %v", demo.err)
	}
}

// newTestServer serves the demo store in one mode.
func newTestServer(t *testing.T, public bool) (*Server, *httptest.Server) {
	t.Helper()
	needDemo(t)
	s, err := New(Options{Office: demo.off, Public: public, Reps: 19, NoWarm: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

// get fetches a path and returns the response and its body.
func get(t *testing.T, ts *httptest.Server, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp, b
}

// artifactDir is where browser tests keep screenshots (git-ignored).
func artifactDir(t *testing.T) string {
	dir := os.Getenv("BUDGETLENS_WEB_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "out")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func contains(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
