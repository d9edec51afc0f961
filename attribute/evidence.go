package attribute

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"
)

// Evidence classes: what a placement of dollars rests on, from the
// strongest to the weakest.
const (
	// EvidenceLocation: the dollars' own place (a project, a site, a
	// facility, the row's own district).
	EvidenceLocation = "location"
	// EvidenceService: real measured service volume or assets (requests,
	// incidents, park acres, street miles) where the service is delivered.
	EvidenceService = "service"
	// EvidenceProxy: a stand-in that does not measure the service
	// (population, land area, residents in poverty).
	EvidenceProxy = "proxy"
	// EvidenceAssumed: an assumption, or an input that is not evidence at
	// all (synthetic events are never evidence).
	EvidenceAssumed = "assumed"
)

// EvidenceClasses lists the classes from the strongest to the weakest.
var EvidenceClasses = []string{EvidenceLocation, EvidenceService, EvidenceProxy, EvidenceAssumed}

// StrongEvidence reports whether a class places dollars by evidence of
// where they land (location or service), not by a stand-in.
func StrongEvidence(class string) bool {
	return class == EvidenceLocation || class == EvidenceService
}

// DefaultEvidence is the class of a method when its rule declares none:
// geometry and area codes are the dollars' own place (location); service
// requests are measured service (service); population and area attributes
// are stand-ins (proxy). A rule weighting areas by a real measure of its
// service (park acres, incidents, loan sites) declares service or location.
// Methods that place nothing have no class ("").
func DefaultEvidence(method string) string {
	switch method {
	case Geometry, AreaCodes, OwnAreaCodes:
		return EvidenceLocation
	case PerDemand:
		return EvidenceService
	case PerCapita, PerAsset:
		return EvidenceProxy
	}
	return ""
}

// evidenceOf is the class of dollars placed by a rule with the method
// used (its own or its fallback): the rule's declared class for its own
// method (the variant's for a variant), else the method's default. Per
// demand on synthetic events is assumed, whatever the rule declares.
func evidenceOf(ru *Rule, method string, areas *Areas) string {
	e := DefaultEvidence(method)
	if method == AreaCodes && ru.Codes != "" {
		e = EvidenceAssumed // the rule's own statement of the areas
	}
	if method == ru.Method && ru.Evidence != "" {
		e = ru.Evidence
	}
	if method == PerDemand && areas != nil && areas.SyntheticDemand {
		e = EvidenceAssumed
	}
	return e
}

// EvidenceOf is the class of the dollars a rule places with its own method
// in these areas (see evidenceOf); "" for a rule that places nothing.
func (ru *Rule) EvidenceOf(areas *Areas) string { return evidenceOf(ru, ru.Method, areas) }

// checkEvidence validates a declared class: one of EvidenceClasses, and no
// stronger than its method can be (per resident is at best a proxy; a rule
// that places nothing has no class).
func checkEvidence(method, evidence string) string {
	if evidence == "" {
		return ""
	}
	if !slices.Contains(EvidenceClasses, evidence) {
		return fmt.Sprintf("evidence must be one of location, service, proxy or assumed, not %q", evidence)
	}
	switch {
	case method == NotAttributable:
		return "a rule that places nothing has no evidence class; remove evidence"
	case method == PerCapita && StrongEvidence(evidence):
		return "per resident is at best a proxy (evidence: proxy or assumed)"
	}
	return ""
}

// EvidenceOnly returns a copy of the rules in which only rules placing by
// location or service evidence in these areas place anything, with no
// fallback (a weaker method); every other rule places nothing, for the
// reason given. Rows placed by their own area codes stay placed (their own
// place is location evidence).
func (r *Rules) EvidenceOnly(areas *Areas, reason string) *Rules {
	c := r.Restrict(func(ru *Rule) bool { return StrongEvidence(ru.EvidenceOf(areas)) }, reason)
	for i := range c.Rules {
		if ru := &c.Rules[i]; ru.Method != NotAttributable {
			ru.Fallback = ""
		}
	}
	return c
}

// Site is a located thing that weighs the areas it lies in: a loan site
// with its dollars, a park with its acres, a fire district with its
// incidents.
type Site struct {
	Geom   orb.Geometry
	Weight float64
}

// AddSites sets the per_asset attribute name of every area to the summed
// weight of the sites in it: a point counts in the area containing it
// (half-open boundaries, geo.Index), a line or polygon is split by its
// length or area in each area (geo.Index.Apportion). It returns the weight
// lying outside every area, also kept in SitesOutside: per_asset leaves
// that share of the dollars unplaced rather than give it to the areas
// inside. Without a spatial index nothing is added.
func (a *Areas) AddSites(name string, sites []Site) (outside float64) {
	if a.Index == nil {
		return 0
	}
	v := make([]float64, len(a.Layer.Areas))
	for _, s := range sites {
		var in float64
		for _, sh := range a.Index.Apportion(s.Geom) {
			v[sh.Area] += s.Weight * sh.Fraction
			in += sh.Fraction
		}
		outside += s.Weight * (1 - in)
	}
	if a.Assets == nil {
		a.Assets = map[string][]float64{}
	}
	a.Assets[name] = v
	if a.SitesOutside == nil {
		a.SitesOutside = map[string]float64{}
	}
	a.SitesOutside[name] = outside
	return outside
}
