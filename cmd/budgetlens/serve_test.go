package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/store"
	"github.com/spf13/cobra"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingAt = regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)/`)

// TestServeDemo is the check of issue 10: after demo --no-serve, serve
// answers the pages, /healthz and /api/openapi.json ("openapi": "3.1.x"),
// and every GET path of the document without path parameters answers 200.
func TestServeDemo(t *testing.T) {
	dir := sharedDemo(t)
	var out syncBuffer
	e := &env{stdout: &out, stderr: io.Discard, db: storeCopy(t, dir+"/budgetlens.duckdb")}
	base, stop := startServe(t, e, &out, serveOptions{})
	for _, p := range []string{"/", "/map", "/budget", "/requests", "/methods", "/healthz"} {
		getOK(t, base+p)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]struct {
			Get *struct {
				Security []map[string][]string `json:"security"`
			} `json:"get"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(getOK(t, base+"/api/openapi.json"), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("openapi %q, %v", doc.OpenAPI, err)
	}
	// every GET path without parameters answers 200, except those the
	// document says need a session: they answer 401 without one (the
	// review; web/review_test.go signs in)
	n, secured := 0, 0
	for p, item := range doc.Paths {
		if item.Get == nil || strings.Contains(p, "{") {
			continue
		}
		if len(item.Get.Security) > 0 {
			if code := getStatus(t, base+p); code != http.StatusUnauthorized {
				t.Errorf("GET %s needs a session by the document, answered %d without one", p, code)
			}
			secured++
			continue
		}
		getOK(t, base+p)
		n++
	}
	if n < 12 || secured == 0 {
		t.Errorf("%d open and %d session paths without parameters", n, secured)
	}
	stop()
}

// getStatus is the status of a GET of u.
func getStatus(t *testing.T, u string) int {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// storeCopy copies the DuckDB store file path into a new directory and
// returns the copy's path. The internal server opens its store for
// writing: tests serve a copy, so that the shared demo store stays as
// built and other tests may open it read-only at the same time.
func storeCopy(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if wal, err := os.ReadFile(path + ".wal"); err == nil {
		if err := os.WriteFile(dst+".wal", wal, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// startServe runs serve with o on e's store (as openServed opens it) on a
// free loopback port, writing to out, and returns its address once /readyz answers 200, and a function that stops the server
// and checks that it stopped gracefully.
func startServe(t *testing.T, e *env, out *syncBuffer, o serveOptions) (base string, stop func()) {
	t.Helper()
	o.addr, o.reps = "127.0.0.1:0", 19
	if o.logFormat == "" {
		o.logFormat = "none"
	}
	cmd := &cobra.Command{}
	cmd.SetOut(out)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- e.serve(ctx, cmd, o, func() (store.Store, error) { return e.openServed(o.public) })
	}()
	for i := 0; i < 200 && base == ""; i++ {
		if m := servingAt.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		time.Sleep(50 * time.Millisecond)
	}
	if base == "" {
		cancel()
		t.Fatalf("serve printed no address: %q (%v)", out.String(), <-done)
	}
	for i := 0; i < 600; i++ { // the first analyses take a while
		if r, err := http.Get(base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return base, func() {
		t.Helper()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if !strings.Contains(out.String(), "server stopped") {
			t.Errorf("no graceful stop: %q", out.String())
		}
	}
}

// getOK GETs url and returns its body, reporting an answer other than 200.
func getOK(t *testing.T, url string) []byte {
	t.Helper()
	r, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 {
		t.Errorf("GET %s: %d %.200s", url, r.StatusCode, b)
	}
	return b
}

// TestServeRefusesPublicAddressInternally: internal mode listens on
// loopback only.
func TestServeRefusesPublicAddressInternally(t *testing.T) {
	code, _, errOut := run(t, "--db", t.TempDir()+"/x.duckdb", "serve", "--addr", "0.0.0.0:8080")
	if code != 2 || !strings.Contains(errOut, "loopback only") || !strings.Contains(errOut, "--public") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
