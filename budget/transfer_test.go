package budget

import "testing"

func TestMatchValue(t *testing.T) {
	for _, tc := range []struct {
		v, s string
		want bool
	}{
		{"Interest Expense", "interest expense", true},
		{" Principal ", "Principal", true},
		{"Principal", "GOB Debt Service - Principal", false},
		{"*Principal", "GOB Debt Service - Principal", true},
		{"Interest*", "Interest Expense", true},
		{"Interest*", "Interest", true},
		{"*Revenue Bonds*Principal", "Solid Waste Resources Revenue Bonds 2015-A - Principal", true},
		{"*Revenue Bonds*Principal", "Solid Waste Resources Revenue Bonds 2015-A - Interest", false},
		{"*Reimbursement of General Fund Costs", "Reimbursement of General Fund Costs", true},
		{"Reimbursement*", "Lifeline Reimbursement Program", false},
		{"a*b*b", "ab", false},
		{"a*b*b", "abb", true},
		{"*", "", true},
		{"", "", false},
		{"", "x", false},
	} {
		if got := MatchValue(tc.v, tc.s); got != tc.want {
			t.Errorf("MatchValue(%q, %q) = %v, want %v", tc.v, tc.s, got, tc.want)
		}
	}
}

func TestSelector(t *testing.T) {
	c := &Classification{Department: Code{"44A", "Appropriations to Library Fund"}, Account: Code{"620300", "Library - General Fund Appropriation"}}
	for _, tc := range []struct {
		s    Selector
		want bool
	}{
		{Selector{}, false},
		{Selector{Department: []string{"44A"}}, true},
		{Selector{Department: []string{"appropriations to library fund"}}, true},
		{Selector{Department: []string{"44"}}, false},
		{Selector{Department: []string{"44A"}, Account: []string{"620300"}}, true},
		{Selector{Department: []string{"44A"}, Account: []string{"620302"}}, false},
		{Selector{Fund: []string{"100"}}, false}, // the row has no fund
	} {
		if got := tc.s.Matches(c); got != tc.want {
			t.Errorf("%+v matches = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func line(dept string, cents int64) LineItem {
	return LineItem{Classification: Classification{Department: Code{Code: dept}}, AmountCents: cents, Kind: Expenditure}
}

// TestConsolidate: the paying side of a transfer is removed only when the
// spending it pays for is there; the rest is kept, in order, and the net
// total is the gross total less what was removed.
func TestConsolidate(t *testing.T) {
	lib := Transfer{Name: "Library", Paying: Selector{Department: []string{"44A"}}, Receiving: Selector{Department: []string{"44"}}}
	parks := Transfer{Name: "Parks", Paying: Selector{Department: []string{"88A"}}, Receiving: Selector{Department: []string{"88"}}}
	items := []LineItem{line("70", 1000), line("44A", 218), line("44", 217), line("88A", 250), line("02", 5)}
	kept, c := Consolidate(items, []Transfer{lib, parks})
	if c.Gross != 1690 || c.Net != 1472 {
		t.Fatalf("gross %d net %d, want 1690 and 1472", c.Gross, c.Net)
	}
	var depts []string
	for _, k := range kept {
		depts = append(depts, k.Department.Code)
	}
	if got := len(depts); got != 4 || depts[0] != "70" || depts[1] != "44" || depts[2] != "88A" || depts[3] != "02" {
		t.Fatalf("kept %v", depts)
	}
	if !c.Transfers[0].Applied || c.Transfers[0].PayingCents != 218 || c.Transfers[0].ReceivingCents != 217 {
		t.Fatalf("library: %+v", c.Transfers[0])
	}
	if c.Transfers[1].Applied || c.Transfers[1].Note == "" {
		t.Fatalf("parks without Recreation and Parks' own lines must be kept with a note: %+v", c.Transfers[1])
	}
	reqs := []Request{{Classification: Classification{Department: Code{Code: "44A"}}}, {Classification: Classification{Department: Code{Code: "44"}}},
		{Classification: Classification{Department: Code{Code: "88A"}}}}
	if got := ConsolidateRequests(reqs, []Transfer{lib, parks}, c); len(got) != 2 || got[0].Department.Code != "44" || got[1].Department.Code != "88A" {
		t.Fatalf("requests kept: %+v", got)
	}
}
