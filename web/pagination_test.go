package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
)

// TestLineItemCursors walks every page of the line items in two orders:
// each row comes exactly once, the pages follow the order asked for, and
// the count equals the total the API reports.
func TestLineItemCursors(t *testing.T) {
	_, ts := newTestServer(t, false)
	for _, sort := range []string{"department", "-amount", "account"} {
		seen := map[string]bool{}
		var prev *LineItemRow
		cursor, total, pages := "", -1, 0
		for {
			q := url.Values{"fy": {"2021-22"}, "phase": {"adopted"}, "limit": {"700"}, "sort": {sort}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			resp, b := get(t, ts, "/api/budget/line-items?"+q.Encode())
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", sort, resp.StatusCode, b)
			}
			var page Page[LineItemRow]
			if err := json.Unmarshal(b, &page); err != nil {
				t.Fatal(err)
			}
			pages++
			total = *page.Total
			for i := range page.Rows {
				r := page.Rows[i]
				k := fmt.Sprintf("%s#%d", r.Key, r.Line)
				if seen[k] {
					t.Fatalf("%s: row %s repeated on page %d", sort, k, pages)
				}
				seen[k] = true
				if prev != nil && sort == "-amount" && r.Amount > prev.Amount {
					t.Fatalf("-amount: %v after %v", r.Amount, prev.Amount)
				}
				if prev != nil && sort == "department" && r.DepartmentCode < prev.DepartmentCode {
					t.Fatalf("department: %s after %s", r.DepartmentCode, prev.DepartmentCode)
				}
				prev = &r
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		if len(seen) != total || pages < 3 {
			t.Errorf("%s: %d rows in %d pages, total %d", sort, len(seen), pages, total)
		}
	}
	resp, _ := get(t, ts, "/api/budget/line-items?cursor=garbage")
	if resp.StatusCode != 400 {
		t.Errorf("a bad cursor: %d, want 400", resp.StatusCode)
	}
}
