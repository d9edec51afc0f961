package attribute

import (
	"fmt"
	"strings"
)

// Classify returns the class of an item: the first class whose match the
// item meets, nil for operating spending. Classes are consulted before any
// rule, so a class applies inside every department and fund.
func (r *Rules) Classify(it *Item) *Class {
	for i := range r.Classes {
		c := &r.Classes[i]
		for _, m := range c.Match {
			if matchAll(m, it) {
				return c
			}
		}
	}
	return nil
}

// ClassOf names an item's class: the class's name, or Operating.
func (r *Rules) ClassOf(it *Item) string {
	if c := r.Classify(it); c != nil {
		return c.Name
	}
	return Operating
}

// ClassKind returns the kind of a named class ("" for Operating or an
// unknown name).
func (r *Rules) ClassKind(name string) string {
	for _, c := range r.Classes {
		if c.Name == name {
			return c.Kind
		}
	}
	return ""
}

func matchAll(m map[string]StringList, it *Item) bool {
	for k, vals := range m {
		code, name := it.level(levelOf(k))
		if !anyEqual(vals, code, name) {
			return false
		}
	}
	return true
}

// VariantRef names one declared variant of one rule.
type VariantRef struct {
	Rule    string `json:"rule"`
	Variant string `json:"variant"`
	// Base says how the rule itself places its dollars, Label how the
	// variant does.
	Base  string `json:"base"`
	Label string `json:"label"`
}

// Variants lists every rule's declared variants, in rule order.
func (r *Rules) Variants() []VariantRef {
	var out []VariantRef
	for _, ru := range r.Rules {
		for _, v := range ru.Variants {
			out = append(out, VariantRef{Rule: ru.Name, Variant: v.Name, Base: ru.Describe(), Label: v.Name})
		}
	}
	return out
}

// WithVariant returns a copy of the rules in which one rule places its
// dollars as its named variant says; every other rule is unchanged. The
// copy keeps the name, version and hash of the rules it came from (the
// analysis names the variant beside it).
func (r *Rules) WithVariant(rule, variant string) (*Rules, error) {
	for i, ru := range r.Rules {
		if ru.Name != rule {
			continue
		}
		for _, v := range ru.Variants {
			if v.Name == variant {
				c := r.copyRules()
				c.Rules[i] = ru.swapped(v)
				return c, nil
			}
		}
		return nil, fmt.Errorf("attribute: rule %q has no variant %q", rule, variant)
	}
	return nil, fmt.Errorf("attribute: no rule %q", rule)
}

// WithVariants applies several (rule, variant) swaps at once; pairs naming
// a rule or variant that does not exist are an error.
func (r *Rules) WithVariants(refs []VariantRef) (*Rules, error) {
	c := r
	for _, v := range refs {
		var err error
		if c, err = c.WithVariant(v.Rule, v.Variant); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Restrict returns a copy of the rules in which every rule keep rejects
// places nothing (not attributable, for the reason given): a scenario that
// keeps only some kinds of evidence, for example. The default rule and the
// classes are unchanged.
func (r *Rules) Restrict(keep func(*Rule) bool, reason string) *Rules {
	c := r.copyRules()
	for i := range c.Rules {
		ru := &c.Rules[i]
		if keep(ru) {
			continue
		}
		ru.Method, ru.Fallback, ru.Attribute, ru.EventTypes, ru.Shares = NotAttributable, "", "", nil, nil
		ru.Reason = reason
		ru.Label = reason
	}
	return c
}

func (r *Rules) copyRules() *Rules {
	c := *r
	c.Rules = append([]Rule(nil), r.Rules...)
	return &c
}

// Variant names the variant this rule was swapped to ("" for its own
// placement).
func (ru *Rule) Variant() string { return ru.variant }

// Describe says in words how the rule places its dollars: its Label, else
// a description of its method.
func (ru *Rule) Describe() string {
	if ru.Label != "" {
		return ru.Label
	}
	return Describe(ru.Method, ru.Attribute, ru.EventTypes)
}

// Describe names a method for people: "per resident", "land area",
// "service requests (Bulky Items, ...)", "by geometry", ...
func Describe(method, attribute string, eventTypes []string) string {
	switch method {
	case PerCapita:
		return "per resident"
	case PerAsset:
		switch attribute {
		case "area_km2":
			return "land area"
		case "residents_in_poverty":
			return "per resident in poverty"
		}
		return "by " + strings.ReplaceAll(attribute, "_", " ")
	case PerDemand:
		if len(eventTypes) == 0 {
			return "service requests"
		}
		return "service requests (" + strings.Join(eventTypes, ", ") + ")"
	case Geometry:
		return "project location"
	case AreaCodes:
		return "district codes"
	case OwnAreaCodes:
		return "the row's own area codes"
	case NotAttributable:
		return "not placed"
	}
	return method
}

// Matching is which class and which rule every item of a list meets, by
// position: the matching of a rule set holds for each of its variants,
// restrictions and evidence-only copies, which change how rules place,
// never what they match.
type Matching struct {
	class []int // index in Classes, -1: operating
	rule  []int // index in Rules, -1: the default rule
	n     int   // len(Rules) when matched
	nc    int
}

// Match matches every item once (Classify and Select).
func (r *Rules) Match(items []Item) *Matching {
	m := &Matching{class: make([]int, len(items)), rule: make([]int, len(items)), n: len(r.Rules), nc: len(r.Classes)}
	for i := range items {
		m.class[i], m.rule[i] = -1, -1
		if c := r.Classify(&items[i]); c != nil {
			m.class[i] = indexOf(r.Classes, c)
		}
		if ru := r.Select(&items[i]); ru != &r.Default {
			m.rule[i] = ruleIndex(r.Rules, ru)
		}
	}
	return m
}

func indexOf(cs []Class, c *Class) int {
	for i := range cs {
		if &cs[i] == c {
			return i
		}
	}
	return -1
}

func ruleIndex(rs []Rule, ru *Rule) int {
	for i := range rs {
		if &rs[i] == ru {
			return i
		}
	}
	return -1
}

// of returns item i's class and rule in r (a copy of the matched rules).
func (m *Matching) of(r *Rules, i int) (*Class, *Rule) {
	var c *Class
	if k := m.class[i]; k >= 0 {
		c = &r.Classes[k]
	}
	if k := m.rule[i]; k >= 0 {
		return c, &r.Rules[k]
	}
	return c, &r.Default
}

// SumsMatched is Sums with the items' matching computed once (Match on
// the rules these were derived from); a rule set of another shape is
// matched afresh.
func SumsMatched(items []Item, rules *Rules, m *Matching, areas *Areas) (*Result, error) {
	if m == nil || len(rules.Rules) != m.n || len(rules.Classes) != m.nc || len(items) != len(m.rule) {
		return Sums(items, rules, areas)
	}
	return attributeWith(items, rules, areas, false, m)
}
