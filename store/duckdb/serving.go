package duckdb

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Serving describes a server holding a store open, written beside the
// store (FILE.serving) while it runs, so that a command that cannot open
// the store can say who holds it and what to do.
type Serving struct {
	PID     int       `json:"pid"`
	Addr    string    `json:"addr"`
	Public  bool      `json:"public"`
	Started time.Time `json:"started"`
}

func servingPath(store string) string { return store + ".serving" }

// MarkServing records that this process serves the store; the returned
// function removes the record.
func MarkServing(store string, s Serving) (func(), error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	p := servingPath(store)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return nil, fmt.Errorf("store: cannot write %s: %w", p, err)
	}
	return func() { os.Remove(p) }, nil
}

// servingBy returns the server record of the store when the process that
// holds the lock (pid) wrote it.
func servingBy(store string, pid int) (*Serving, bool) {
	b, err := os.ReadFile(servingPath(store))
	if err != nil {
		return nil, false
	}
	var s Serving
	if json.Unmarshal(b, &s) != nil || s.PID != pid {
		return nil, false
	}
	return &s, true
}

// servingText says what to do when a server holds the store.
func servingText(store string, s *Serving) string {
	mode := "internal"
	if s.Public {
		mode = "public"
	}
	return fmt.Sprintf("store %s is being served by budgetlens serve (PID %d, %s server at http://%s, since %s), which keeps it open: "+
		"stop the server (Ctrl-C in its terminal, or kill -TERM %d), run this command, then start the server again; "+
		"to change data while serving, use the PostgreSQL store", store, s.PID, mode, s.Addr, s.Started.Local().Format("2006-01-02 15:04"), s.PID)
}
