package office

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// LineItemQuery selects, orders and pages line items.
type LineItemQuery struct {
	Filter  BudgetFilter
	Fund    string // fund code
	Account string // account code
	// Q keeps rows whose department, program, fund or account name or
	// code contains it (case-insensitive).
	Q string
	// Sort is one of department, program, fund, account, amount (ascending)
	// or the same with a leading "-" (descending); default "department".
	// Ties are broken by the row's key and source line, ascending.
	Sort  string
	Limit int // rows per page, 1..1000 (default 100)
	// Cursor continues after the last row of a previous page (its
	// NextCursor); "" starts at the first row.
	Cursor string
}

// LineItemPage is one page of line items.
type LineItemPage struct {
	Items []budget.LineItem
	// Total is the number of rows matching (all pages); TotalCents their sum.
	Total      int
	TotalCents int64
	// NextCursor continues after the last row; "" on the last page.
	NextCursor string
}

// cursor is the position after which a page starts: the sort value of the
// last row shown and its key and line. It is opaque to callers (base64 of
// JSON) and stays valid while the data do not change.
type cursor struct {
	Sort  string `json:"s"`
	Value string `json:"v"`
	Cents int64  `json:"c"`
	Key   string `json:"k"`
	Line  int    `json:"l"`
}

var sortFields = map[string]func(*budget.LineItem) string{
	"department": func(l *budget.LineItem) string { return l.Department.Code },
	"program":    func(l *budget.LineItem) string { return l.Program.Code },
	"fund":       func(l *budget.LineItem) string { return l.Fund.Code },
	"account":    func(l *budget.LineItem) string { return l.Account.Code },
	"amount":     nil,
}

// LineItems returns one page of the current line items matching q, in the
// order it asks, with keyset (cursor) pagination: a page starts strictly
// after the cursor's row in that order, so rows are neither repeated nor
// skipped between pages.
func (o *Office) LineItems(ctx context.Context, q LineItemQuery) (*LineItemPage, error) {
	sortBy := strings.TrimPrefix(q.Sort, "-")
	if sortBy == "" {
		sortBy = "department"
	}
	if _, ok := sortFields[sortBy]; !ok {
		return nil, budget.Errorf(budget.EINVALID, "sort %q: use department, program, fund, account or amount, with a leading - for descending", q.Sort)
	}
	desc := strings.HasPrefix(q.Sort, "-")
	if q.Limit == 0 {
		q.Limit = 100
	}
	if q.Limit < 1 || q.Limit > 1000 {
		return nil, budget.Errorf(budget.EINVALID, "limit %d: give 1 to 1000 rows per page", q.Limit)
	}
	var after *cursor
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		if err != nil || c.Sort != q.Sort && !(c.Sort == "" && q.Sort == "department") {
			return nil, budget.Errorf(budget.EINVALID, "cursor %q is not one this listing gave (with sort %q): start again without a cursor", q.Cursor, q.Sort)
		}
		after = c
	}
	f, err := o.Filter(ctx, q.Filter)
	if err != nil {
		return nil, err
	}
	var rows []budget.LineItem
	lq := strings.ToLower(strings.TrimSpace(q.Q))
	err = o.Store.EachLineItem(ctx, f, func(l *budget.LineItem) error {
		if (q.Fund != "" && l.Fund.Code != q.Fund) || (q.Account != "" && l.Account.Code != q.Account) || (lq != "" && !matchesText(l, lq)) {
			return nil
		}
		rows = append(rows, *l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	less := lineItemLess(sortBy, desc)
	sort.SliceStable(rows, func(i, j int) bool { return less(&rows[i], &rows[j]) })
	page := &LineItemPage{Total: len(rows)}
	for i := range rows {
		page.TotalCents += rows[i].AmountCents
	}
	start := 0
	if after != nil {
		ref := budget.LineItem{Key: after.Key, Line: after.Line, AmountCents: after.Cents}
		setSortValue(&ref, sortBy, after.Value)
		start = sort.Search(len(rows), func(i int) bool { return less(&ref, &rows[i]) })
	}
	end := min(start+q.Limit, len(rows))
	page.Items = rows[start:end]
	if end < len(rows) {
		last := &rows[end-1]
		c := cursor{Sort: q.Sort, Key: last.Key, Line: last.Line, Cents: last.AmountCents}
		if get := sortFields[sortBy]; get != nil {
			c.Value = get(last)
		}
		page.NextCursor = encodeCursor(c)
	}
	return page, nil
}

func matchesText(l *budget.LineItem, lq string) bool {
	for _, c := range []budget.Code{l.Department, l.Program, l.Fund, l.Account} {
		if strings.Contains(strings.ToLower(c.Name), lq) || strings.Contains(strings.ToLower(c.Code), lq) {
			return true
		}
	}
	return false
}

func lineItemLess(by string, desc bool) func(a, b *budget.LineItem) bool {
	get := sortFields[by]
	return func(a, b *budget.LineItem) bool {
		var c int
		if get == nil {
			c = cmpInt(a.AmountCents, b.AmountCents)
		} else {
			c = strings.Compare(get(a), get(b))
		}
		if desc {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Line < b.Line
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func setSortValue(l *budget.LineItem, by, v string) {
	switch by {
	case "department":
		l.Department.Code = v
	case "program":
		l.Program.Code = v
	case "fund":
		l.Fund.Code = v
	case "account":
		l.Account.Code = v
	}
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (*cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
}
