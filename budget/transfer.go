package budget

import "strings"

// Selector picks budget rows by their classification. For every level it
// names, the row's code or its name must equal one of the values
// (MatchValue: case-insensitive, spaces trimmed, '*' for any run of
// characters); levels it does not name accept anything. An empty selector
// selects nothing.
type Selector struct {
	Department []string `yaml:"department" json:"department,omitempty"`
	Fund       []string `yaml:"fund" json:"fund,omitempty"`
	Program    []string `yaml:"program" json:"program,omitempty"`
	Account    []string `yaml:"account" json:"account,omitempty"`
}

// Empty reports whether the selector names no level.
func (s Selector) Empty() bool {
	return len(s.Department) == 0 && len(s.Fund) == 0 && len(s.Program) == 0 && len(s.Account) == 0
}

// Matches reports whether a row of this classification is selected.
func (s Selector) Matches(c *Classification) bool {
	if s.Empty() {
		return false
	}
	for _, l := range []struct {
		vals []string
		code Code
	}{{s.Department, c.Department}, {s.Fund, c.Fund}, {s.Program, c.Program}, {s.Account, c.Account}} {
		if len(l.vals) > 0 && !AnyValue(l.vals, l.code.Code, l.code.Name) {
			return false
		}
	}
	return true
}

// AnyValue reports whether code or name matches one of the values
// (MatchValue); empty values and an empty code or name match nothing.
func AnyValue(vals []string, code, name string) bool {
	code, name = strings.TrimSpace(code), strings.TrimSpace(name)
	for _, v := range vals {
		if (code != "" && MatchValue(v, code)) || (name != "" && MatchValue(v, name)) {
			return true
		}
	}
	return false
}

// MatchValue reports whether s matches the value v written in a profile or
// rules file: equal ignoring letter case and surrounding spaces, where each
// '*' in v stands for any run of characters (possibly none). "Interest*"
// matches "Interest Expense"; "*Revenue Bonds*Principal" matches "Solid
// Waste Resources Revenue Bonds 2015-A - Principal". An empty v matches
// nothing.
func MatchValue(v, s string) bool {
	v, s = strings.TrimSpace(v), strings.TrimSpace(s)
	if v == "" {
		return false
	}
	if !strings.Contains(v, "*") {
		return strings.EqualFold(v, s)
	}
	v, s = strings.ToLower(v), strings.ToLower(s)
	parts := strings.Split(v, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last) && len(s) >= len(last)
}

// Transfer is an appropriation from one fund to another that pays for
// spending shown elsewhere in the same budget: Los Angeles' Section 2
// "Appropriations to Library Fund" pays for most of the Section 4 Library
// department. Summing both counts those dollars twice. Paying selects the
// appropriation's lines, Receiving the spending it pays for.
type Transfer struct {
	Name      string   `yaml:"name" json:"name"`
	Paying    Selector `yaml:"paying" json:"paying"`
	Receiving Selector `yaml:"receiving" json:"receiving"`
}

// Consolidation says how a phase's lines were consolidated: the gross sum
// of every line, the net sum each dollar counted once, and each transfer.
type Consolidation struct {
	// Gross is the sum of every line as stored; Net the sum after the
	// paying side of every applied transfer was removed.
	Gross int64 `json:"gross_cents"`
	Net   int64 `json:"net_cents"`
	// Kept names the side kept: "receiving" (the spending departments).
	Kept      string          `json:"kept"`
	Transfers []TransferTotal `json:"transfers"`
}

// TransferTotal is one transfer in one phase: the cents of its paying lines
// (removed when Applied) and of the receiving spending kept.
type TransferTotal struct {
	Name           string `json:"name"`
	PayingCents    int64  `json:"paying_cents"`
	PayingLines    int    `json:"paying_lines"`
	ReceivingCents int64  `json:"receiving_cents"`
	ReceivingLines int    `json:"receiving_lines"`
	// Applied is false when the receiving spending is not among the lines
	// (the section holding it was not imported): the appropriation is then
	// kept, since removing it would lose the dollars altogether.
	Applied bool   `json:"applied"`
	Note    string `json:"note,omitempty"`
}

// Consolidate counts each dollar of a phase once: for every transfer whose
// receiving spending is among the lines, the lines of its paying side are
// removed and the receiving side is kept (the departments' own spending, by
// programme, which also holds what they pay from their own revenue). A
// transfer whose receiving side is absent is not applied and says so. A line
// selected as paying by one transfer and receiving by another stays. The
// lines kept are returned in their order; Net = Gross - the removed cents.
func Consolidate(items []LineItem, ts []Transfer) ([]LineItem, Consolidation) {
	c := Consolidation{Kept: "receiving"}
	for i := range items {
		c.Gross += items[i].AmountCents
	}
	receiving := make([]bool, len(items))
	for _, t := range ts {
		for i := range items {
			if t.Receiving.Matches(&items[i].Classification) {
				receiving[i] = true
			}
		}
	}
	drop := make([]bool, len(items))
	for _, t := range ts {
		tt := TransferTotal{Name: t.Name}
		var paying []int
		for i := range items {
			cl := &items[i].Classification
			switch {
			case t.Receiving.Matches(cl):
				tt.ReceivingCents += items[i].AmountCents
				tt.ReceivingLines++
			case t.Paying.Matches(cl) && !receiving[i]:
				tt.PayingCents += items[i].AmountCents
				tt.PayingLines++
				paying = append(paying, i)
			}
		}
		tt.Applied = tt.ReceivingLines > 0 && tt.PayingLines > 0
		switch {
		case tt.Applied:
			for _, i := range paying {
				drop[i] = true
			}
		case tt.PayingLines > 0:
			tt.Note = "the spending it pays for is not among the lines (import that section); the appropriation is kept"
		}
		c.Transfers = append(c.Transfers, tt)
	}
	out := make([]LineItem, 0, len(items))
	for i := range items {
		if !drop[i] {
			out = append(out, items[i])
			c.Net += items[i].AmountCents
		}
	}
	return out, c
}

// ConsolidateRequests removes the budget requests of the paying side of the
// transfers a consolidation applied: a change to the appropriation is the
// same change as the receiving department's own requests show.
func ConsolidateRequests(reqs []Request, ts []Transfer, c Consolidation) []Request {
	applied := map[string]bool{}
	for _, t := range c.Transfers {
		applied[t.Name] = t.Applied
	}
	out := make([]Request, 0, len(reqs))
	for _, r := range reqs {
		drop := false
		for _, t := range ts {
			if applied[t.Name] && t.Paying.Matches(&r.Classification) && !t.Receiving.Matches(&r.Classification) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, r)
		}
	}
	return out
}
