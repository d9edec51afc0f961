package assess

// Triage picks the template of a request: the full template when the
// request's amount (absolute, cents) is at least FullFromCents or its
// category is one of FullCategories; the short form otherwise.
type Triage struct {
	FullFromCents  int64
	FullCategories []string
	Full, Short    string // template ids
}

// DefaultTriage is the rule used when the city profile gives none: the
// full template from $1,000,000, the short form for the rest. A city
// profile adds the request categories that always take the full template
// (its assess.full_categories, for LA "4-Increased Services" and
// "6-New Services").
var DefaultTriage = Triage{FullFromCents: 100_000_000, Full: "equity-full", Short: "equity-short"}

// Template returns the template id for a request of amount cents and
// category.
func (t Triage) Template(cents int64, category string) string {
	if cents < 0 {
		cents = -cents
	}
	if cents >= t.FullFromCents || contains(t.FullCategories, category) {
		return t.Full
	}
	return t.Short
}
