package duckdb

import (
	"context"
	"path/filepath"
	"testing"
)

// TestEveryTableViewAndColumnHasAComment reads the catalogue of a new
// store: every table, view and column budgetlens creates carries a comment
// (migration 081), so analysts see what each holds from any SQL client.
func TestEveryTableViewAndColumnHasAComment(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "c.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{
		`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal AND (comment IS NULL OR comment = '')`,
		`SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal AND (comment IS NULL OR comment = '')`,
		`SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal AND (comment IS NULL OR comment = '')`,
	} {
		rows, err := s.DB().QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name string
			rows.Scan(&name)
			t.Errorf("%s has no comment (add it to migration 081's successor)", name)
		}
		rows.Close()
	}
	var tables int
	s.DB().QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND comment <> ''`).Scan(&tables)
	if tables < 25 {
		t.Errorf("%d commented tables: the catalogue query found too few to mean anything", tables)
	}
}
