package main

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOneOpener: open.go is the only file of the CLI that imports a store
// package (store/duckdb, store/postgres, ...); the others speak the
// store.Store interface and office.
func TestOneOpener(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "open.go" {
			continue
		}
		pf, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range pf.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "github.com/budgetlens/budgetlens/store/") {
				t.Errorf("%s imports %s: only open.go may know the stores", f, p)
			}
		}
	}
}
