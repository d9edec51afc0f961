package attribute

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/yamlerr"
	"gopkg.in/yaml.v3"
)

// Methods of attribution.
const (
	Geometry        = "geometry"         // the item's point, line or polygon, apportioned by the geography engine
	AreaCodes       = "area_codes"       // district codes on the item ("5, 11", "CW")
	PerCapita       = "per_capita"       // in proportion to population
	PerDemand       = "per_demand"       // in proportion to service events of given types
	PerAsset        = "per_asset"        // in proportion to an area attribute (street miles, park acres)
	NotAttributable = "not_attributable" // kept and reported, never dropped
	// OwnAreaCodes places a row by the area codes it carries itself (a
	// budget row's district column), before any rule; it is not written in
	// rules files.
	OwnAreaCodes = "own_area_codes"
)

// OwnCodesRule names the placement of rows by their own area codes.
const OwnCodesRule = "the row's own area codes"

var ownCodesRule = &Rule{Name: OwnCodesRule, Method: OwnAreaCodes}

// NoRules returns a rule set that places nothing (every item not
// attributable, for the reason given), for a city without rules: only rows
// carrying their own area codes are placed.
func NoRules(reason string) *Rules {
	return &Rules{Version: RulesVersion, Name: "none", Default: Rule{Name: "default", Method: NotAttributable, Reason: reason}}
}

var methods = map[string]bool{Geometry: true, AreaCodes: true, PerCapita: true, PerDemand: true, PerAsset: true, NotAttributable: true}

// RulesVersion is the version of the rules file format this package reads.
const RulesVersion = 1

// Match levels, from least to most specific. A rule's specificity is the
// most specific level it names.
var levels = []string{"department", "fund", "program", "account", "request"}

// Rules is a parsed rules file.
type Rules struct {
	Version     int    `yaml:"version"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Classes sort every item by what it is (debt service, reserves,
	// reimbursements, transfers, benefits, capital) before any rule places
	// it; the first class whose match the item meets is its class, and an
	// item no class names is operating spending.
	Classes []Class `yaml:"classes"`
	// Default applies to items no rule matches (not_attributable when absent).
	Default Rule   `yaml:"default"`
	Rules   []Rule `yaml:"rules"`
	// Hash is the SHA-256 of the file's bytes, recorded with every result.
	Hash string `yaml:"-"`
	// File is where the rules were read from.
	File string `yaml:"-"`
}

// Rule says how the items it matches are placed in areas.
type Rule struct {
	Name string `yaml:"name"`
	// Match maps a level (department, fund, program, account, request) to the
	// codes or names it accepts; an item matches when, for every level named,
	// its code or its name equals one of the values (case-insensitive, spaces
	// trimmed, '*' standing for any run of characters: budget.MatchValue).
	Match  map[string]StringList `yaml:"match"`
	Method string                `yaml:"method"`
	// EventTypes (per_demand): the service-request types whose counts weight
	// the areas; empty means all types.
	EventTypes []string `yaml:"event_types"`
	// Attribute (per_asset): the area attribute whose values weight the areas.
	Attribute string `yaml:"attribute"`
	// Shares (area_codes): stated shares by code, used when the item's codes
	// carry none ("5, 11" with shares {5: 60, 11: 40}).
	Shares map[string]float64 `yaml:"shares"`
	// Codes (area_codes): the areas the rule itself places an item in when
	// the item carries no codes of its own ("1, 2, 3" split evenly, or
	// "5:60, 11:40"), area ids of CodesLayer (the layer analysed when
	// empty; on another layer they reach its areas lying in the coded
	// ones, by population). The dollars' place is then the rule's
	// statement, not the row's: without a declared evidence class it is
	// assumed (an equal split by council office, say); a rule resting on a
	// published allocation by district declares location and names it in
	// its label.
	Codes      string `yaml:"codes"`
	CodesLayer string `yaml:"codes_layer"`
	// Fallback is the method used when this one cannot place the item (no
	// geometry, no codes, no weight in any area); not_attributable when empty.
	Fallback string `yaml:"fallback"`
	// Reason (not_attributable) says why, in the report.
	Reason string `yaml:"reason"`
	// Label says in words how the method places the dollars ("land area,
	// a stand-in for street miles"); default: Describe(Method, Attribute).
	Label string `yaml:"label"`
	// Evidence is what the placement rests on: location, service, proxy or
	// assumed (see EvidenceClasses); default DefaultEvidence(Method).
	Evidence string `yaml:"evidence"`
	// Variants are the defensible alternatives to this rule's placement
	// (per resident instead of land area, ...); the analysis runs each and
	// reports how far the answer moves.
	Variants []Variant `yaml:"variants"`

	line, specificity, keys, order int
	// variant names the variant this rule was swapped to ("" = its own).
	variant string
}

// Variant is one alternative way a rule could place its dollars: the
// method fields it replaces. Its Name is how the report calls it.
type Variant struct {
	Name       string   `yaml:"name"`
	Method     string   `yaml:"method"`
	Attribute  string   `yaml:"attribute"`
	EventTypes []string `yaml:"event_types"`
	Fallback   string   `yaml:"fallback"`
	Reason     string   `yaml:"reason"`
	Evidence   string   `yaml:"evidence"`
}

// Class kinds.
const (
	// ClassExcluded spending is never placed in areas: it is kept in the
	// totals and listed with the class's reason (debt service, reserves,
	// reimbursements of costs counted elsewhere, transfers, benefits).
	ClassExcluded = "excluded"
	// ClassCapital spending is placed by the rules like any other, but the
	// analysis measures it apart from operating spending.
	ClassCapital = "capital"
)

// Operating is the class of every item no class names.
const Operating = "operating"

// Class is a kind of spending recognised by its classification (mostly its
// account) inside every department and fund, before any rule is consulted.
type Class struct {
	Name string `yaml:"name"`
	// Kind is excluded or capital.
	Kind string `yaml:"kind"`
	// Match is as a rule's match (department, fund, program, account), or
	// a list of such matches, any of which makes an item of this class.
	Match Matches `yaml:"match"`
	// Reason (excluded) says why such dollars have no place.
	Reason string `yaml:"reason"`
	line   int
}

// Matches is one match (a mapping of levels to values) or a list of them;
// an item meets it when it meets any of them.
type Matches []map[string]StringList

// UnmarshalYAML accepts a mapping or a sequence of mappings.
func (m *Matches) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.MappingNode:
		var one map[string]StringList
		if err := n.Decode(&one); err != nil {
			return err
		}
		*m = Matches{one}
		return nil
	case yaml.SequenceNode:
		var many []map[string]StringList
		if err := n.Decode(&many); err != nil {
			return err
		}
		*m = many
		return nil
	}
	return fmt.Errorf("line %d: expected a match (department: [...], account: [...]) or a list of them", n.Line)
}

// StringList is a YAML scalar or a sequence of scalars.
type StringList []string

// UnmarshalYAML accepts "x" or ["x", "y"].
func (s *StringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*s = StringList{n.Value}
		return nil
	case yaml.SequenceNode:
		var v []string
		if err := n.Decode(&v); err != nil {
			return err
		}
		*s = v
		return nil
	}
	return fmt.Errorf("line %d: expected a code or name, or a list of them", n.Line)
}

//go:embed template.yaml
var template []byte

// Template returns a commented rules file: a starting point that ParseRules
// accepts.
func Template() []byte { return append([]byte{}, template...) }

// ParseRules reads a rules file. Errors name the file, the line and the
// field, and say what would be accepted.
func ParseRules(data []byte, file string) (*Rules, error) {
	r := &Rules{File: file}
	if err := yamlerr.Decode(file, data, r, "an attribution rules file (version, name, default, rules)", "see docs/attribution.md and the rules of city/profiles/la.yaml"); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil { // read already: cannot fail
		return nil, budget.Errorf(budget.EINTERNAL, "attribute: %s: %w", file, err)
	}
	sum := sha256.Sum256(data)
	r.Hash = hex.EncodeToString(sum[:])
	if r.Version != RulesVersion {
		return nil, &budget.InputError{File: file, Field: "version", Value: fmt.Sprint(r.Version), Expected: fmt.Sprintf("this budgetlens reads rules version %d; write version: %d", RulesVersion, RulesVersion)}
	}
	// Line numbers of the rules, from the node tree.
	lines := ruleLines(&doc)
	if r.Default.Method == "" {
		r.Default.Method = NotAttributable
		if r.Default.Reason == "" {
			r.Default.Reason = "no rule matches"
		}
	}
	if r.Default.Name == "" {
		r.Default.Name = "default"
	}
	if len(r.Default.Match) > 0 {
		return nil, &budget.InputError{File: file, Field: "default.match", Expected: "the default rule applies to everything; remove its match"}
	}
	if err := r.Default.check(file, 0); err != nil {
		return nil, err
	}
	if err := r.checkClasses(file, &doc); err != nil {
		return nil, err
	}
	names := map[string]int{}
	for i := range r.Rules {
		ru := &r.Rules[i]
		if i < len(lines) {
			ru.line = lines[i]
		}
		ru.order = i
		if ru.Name == "" {
			ru.Name = fmt.Sprintf("rule %d", i+1)
		}
		if prev, ok := names[ru.Name]; ok {
			return nil, &budget.InputError{File: file, Line: ru.line, Field: "name", Value: ru.Name, Expected: fmt.Sprintf("rule names must be unique (also used on line %d)", prev)}
		}
		names[ru.Name] = ru.line
		if len(ru.Match) == 0 {
			return nil, &budget.InputError{File: file, Line: ru.line, Field: "match", Expected: "every rule needs a match (department, fund, program, account or request); use default for the rest"}
		}
		for k, vals := range ru.Match {
			lv := levelOf(k)
			if lv < 0 {
				return nil, &budget.InputError{File: file, Line: ru.line, Field: "match", Value: k, Expected: "match on department, fund, program, account or request"}
			}
			if len(vals) == 0 {
				return nil, &budget.InputError{File: file, Line: ru.line, Field: "match." + k, Expected: "give at least one code or name"}
			}
			ru.specificity = max(ru.specificity, lv+1)
			ru.keys++
		}
		if err := ru.check(file, ru.line); err != nil {
			return nil, err
		}
		if err := ru.checkVariants(file); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// checkClasses validates the classes: a name, a known kind, a match on
// known levels, and a reason for excluded spending.
func (r *Rules) checkClasses(file string, doc *yaml.Node) error {
	lines := sectionLines(doc, "classes")
	seen := map[string]bool{}
	for i := range r.Classes {
		c := &r.Classes[i]
		if i < len(lines) {
			c.line = lines[i]
		}
		bad := func(field, value, expected string) error {
			return &budget.InputError{File: file, Line: c.line, Field: fmt.Sprintf("classes[%d].%s", i, field), Value: value, Expected: expected}
		}
		if c.Name == "" || c.Name == Operating || seen[c.Name] {
			return bad("name", c.Name, "every class needs a unique name other than "+Operating)
		}
		seen[c.Name] = true
		if c.Kind != ClassExcluded && c.Kind != ClassCapital {
			return bad("kind", c.Kind, fmt.Sprintf("class %q: kind must be %s (never placed) or %s (placed, analysed apart)", c.Name, ClassExcluded, ClassCapital))
		}
		if len(c.Match) == 0 {
			return bad("match", "", fmt.Sprintf("class %q needs a match (department, fund, program or account)", c.Name))
		}
		for _, m := range c.Match {
			if len(m) == 0 {
				return bad("match", "", fmt.Sprintf("class %q: every match names a level (department, fund, program or account)", c.Name))
			}
			for k, vals := range m {
				if lv := levelOf(k); lv < 0 || lv > 3 {
					return bad("match", k, "classes match on department, fund, program or account")
				}
				if len(vals) == 0 {
					return bad("match."+k, "", "give at least one code or name")
				}
			}
		}
		if c.Kind == ClassExcluded && strings.TrimSpace(c.Reason) == "" {
			return bad("reason", "", fmt.Sprintf("class %q: say why such spending has no place (reason: ...)", c.Name))
		}
	}
	return nil
}

// checkVariants validates a rule's variants as rules of their own.
func (ru *Rule) checkVariants(file string) error {
	seen := map[string]bool{}
	for i, v := range ru.Variants {
		if v.Name == "" || seen[v.Name] {
			return &budget.InputError{File: file, Line: ru.line, Field: fmt.Sprintf("variants[%d].name", i), Value: v.Name,
				Expected: fmt.Sprintf("rule %q: every variant needs a unique name (how the report calls it: per resident)", ru.Name)}
		}
		seen[v.Name] = true
		alt := ru.swapped(v)
		alt.Name = ru.Name + " / " + v.Name
		if err := alt.check(file, ru.line); err != nil {
			return err
		}
	}
	return nil
}

// swapped is the rule with a variant's method fields.
func (ru Rule) swapped(v Variant) Rule {
	ru.Method, ru.Attribute, ru.EventTypes, ru.Fallback, ru.Reason, ru.Label, ru.Evidence = v.Method, v.Attribute, v.EventTypes, v.Fallback, v.Reason, v.Name, v.Evidence
	ru.Shares = nil
	if v.Method != AreaCodes {
		ru.Codes, ru.CodesLayer = "", "" // the rule's own areas go with its method
	}
	ru.Variants = nil
	ru.variant = v.Name
	return ru
}

func levelOf(k string) int {
	for i, l := range levels {
		if strings.EqualFold(k, l) {
			return i
		}
	}
	return -1
}

func (ru *Rule) check(file string, line int) error {
	bad := func(field, value, expected string) error {
		return &budget.InputError{File: file, Line: line, Field: field, Value: value, Expected: fmt.Sprintf("rule %q: %s", ru.Name, expected)}
	}
	if !methods[ru.Method] {
		return bad("method", ru.Method, "method must be one of geometry, area_codes, per_capita, per_demand, per_asset, not_attributable")
	}
	if ru.Fallback != "" && (!methods[ru.Fallback] || ru.Fallback == Geometry || ru.Fallback == AreaCodes || ru.Fallback == ru.Method) {
		return bad("fallback", ru.Fallback, "fallback must be per_capita, per_demand, per_asset or not_attributable, and differ from the method")
	}
	if (ru.Method == PerAsset || ru.Fallback == PerAsset) && ru.Attribute == "" {
		return bad("attribute", "", "per_asset needs the area attribute that weights the areas (attribute: street_miles)")
	}
	if msg := checkEvidence(ru.Method, ru.Evidence); msg != "" {
		return bad("evidence", ru.Evidence, msg)
	}
	for c, s := range ru.Shares {
		if !(s > 0) {
			return bad("shares."+c, fmt.Sprint(s), "stated shares must be positive")
		}
	}
	if ru.Codes != "" || ru.CodesLayer != "" {
		if ru.Method != AreaCodes {
			return bad("codes", ru.Codes, "codes are the areas of an area_codes rule (method: area_codes)")
		}
		cs, err := ParseAreaCodes(ru.Codes)
		if err != nil {
			return bad("codes", ru.Codes, err.Error())
		}
		if len(cs) == 0 {
			return bad("codes", ru.Codes, "name the areas the rule places its dollars in (codes: \"1, 2, 3\"), or leave codes_layer out")
		}
	}
	return nil
}

// ruleLines returns the line of each entry of the top-level "rules" sequence.
func ruleLines(doc *yaml.Node) []int { return sectionLines(doc, "rules") }

// sectionLines returns the line of each entry of a top-level sequence.
func sectionLines(doc *yaml.Node, key string) []int {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.SequenceNode {
			var out []int
			for _, n := range m.Content[i+1].Content {
				out = append(out, n.Line)
			}
			return out
		}
	}
	return nil
}

// matches reports whether the rule matches the item.
func (ru *Rule) matches(it *Item) bool { return matchAll(ru.Match, it) }

// anyEqual reports whether the code or the name matches a value
// (budget.MatchValue: case-insensitive, '*' for any run of characters).
func anyEqual(vals []string, code, name string) bool { return budget.AnyValue(vals, code, name) }

// Select returns the rule that applies to the item. Precedence: the most
// specific matching rule wins, specificity being the most specific level the
// rule names (request > account > program > fund > department); between
// equally specific rules, the one naming more levels wins; then the one
// written first. Items no rule matches get the default rule.
func (r *Rules) Select(it *Item) *Rule {
	var best *Rule
	for i := range r.Rules {
		ru := &r.Rules[i]
		if !ru.matches(it) {
			continue
		}
		if best == nil || ru.specificity > best.specificity ||
			ru.specificity == best.specificity && ru.keys > best.keys {
			best = ru
		}
	}
	if best == nil {
		return &r.Default
	}
	return best
}
