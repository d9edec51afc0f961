package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
)

// TestAuditChainAcrossPools: writers in different processes share no
// mutex, only the database. Two stores (two connection pools, as two
// servers would have) append at once: users added through one, an
// assessment changed with re-reads through the other; the log ends with
// every entry, numbered without gaps, and its chain verifies.
func TestAuditChainAcrossPools(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	a, b := open1(t, u, Options{}), open1(t, u, Options{})
	n, err := a.CreateAssessments(ctx, []assess.Assessment{{Jurisdiction: "tc", FYStart: 2021, Phase: budget.Proposed, RequestKey: "k1",
		Department: budget.Code{Code: "02"}, Template: "equity-short", TemplateVersion: 1, Status: assess.Draft}}, "ana")
	if err != nil || n != 1 {
		t.Fatalf("create: %d %v", n, err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 25; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			if err := a.AddUser(ctx, auth.User{Name: fmt.Sprint("user", i), Role: auth.Analyst}, "admin"); err != nil {
				t.Error(err)
			}
		}(i)
		go func(i int) {
			defer wg.Done()
			for try := 0; try < 500; try++ {
				x, err := b.Assessment(ctx, 1)
				if err != nil {
					t.Error(err)
					return
				}
				x.Comments = append(x.Comments, assess.Comment{Author: fmt.Sprint("w", i), Text: "note"})
				if _, err = b.UpdateAssessment(ctx, x, "comment", fmt.Sprint("w", i)); err == nil {
					return
				} else if budget.ErrorCode(err) != budget.ECONFLICT {
					t.Error(err)
					return
				}
			}
			t.Errorf("writer %d never landed", i)
		}(i)
	}
	wg.Wait()
	log, err := a.AuditLog(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	claimed, err := b.AuditClaimed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 51 || claimed != 51 {
		t.Fatalf("%d entries, %d claimed; want 51", len(log), claimed)
	}
	if br := audit.Verify(log, claimed); br != nil {
		t.Fatalf("chain broken: %v", br)
	}
	if x, _ := a.Assessment(ctx, 1); len(x.Comments) != 25 || x.Version != 26 {
		t.Fatalf("assessment after 25 writers: %d comments, version %d", len(x.Comments), x.Version)
	}
}
