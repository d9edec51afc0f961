package office

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
)

// ExpandedDemand is a year's service demand by area and request type made
// from a sample of real requests and a volume per stratum (requests per
// neighbourhood council over the period): each sample request, located
// by its coordinates in each layer, counts the requests of the period it
// stands for (its stratum's count over the stratum's sample requests),
// under its canonical request type.
type ExpandedDemand struct {
	// Demand is, per layer (in the order given), the requests per type and
	// area position.
	Demand []map[string][]float64
	// Outside is, per layer, the requests of the period whose sample
	// requests lie in no area of it (or have no coordinates).
	Outside   []float64
	Expansion *events.Expansion
	// Rows are the sample's requests; Synthetic those generated.
	Rows, Synthetic int
	// SHA256 is of the sample's bytes, then the volume's.
	SHA256 string
}

// ExpandDemand reads the sample of requests at path (any schema
// events.ReadRequests reads) twice: once to count its requests per stratum
// (the requests' field stratum: nc_name, nc or cd), once to place each with
// its weight in every layer. canon names request types (a profile's
// aliases: the 311 API's "Graffiti" is "Graffiti Removal"); nil keeps them
// as written.
func ExpandDemand(ctx context.Context, path string, vol *events.Volume, stratum string, layers []*geo.Layer, ix []*geo.Index, canon func(string) string) (*ExpandedDemand, error) {
	of, err := stratumField(stratum)
	if err != nil {
		return nil, err
	}
	if canon == nil {
		canon = func(s string) string { return s }
	}
	read := func(emit func(r *events.Request)) (*events.ReadSummary, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, budget.Errorf(budget.EINVALID, "service requests: %w", err)
		}
		defer f.Close()
		return events.ReadRequests(ctx, f, filepath.Base(path), events.ReadOptions{}, func(b *events.RequestBlock) error {
			for i := range b.Requests {
				emit(&b.Requests[i])
			}
			return nil
		})
	}
	sampled := map[string]int{}
	out := &ExpandedDemand{}
	sum, err := read(func(r *events.Request) {
		sampled[of(r)]++
		if r.Synthetic {
			out.Synthetic++
		}
	})
	if err != nil {
		return nil, err
	}
	out.Rows = sum.Rows
	out.Expansion = vol.Expand(sampled)
	out.Demand = make([]map[string][]float64, len(layers))
	out.Outside = make([]float64, len(layers))
	for k := range layers {
		out.Demand[k] = map[string][]float64{}
	}
	if _, err := read(func(r *events.Request) {
		w := out.Expansion.Of(of(r))
		if w == 0 {
			return
		}
		t := canon(r.Type)
		for k, l := range layers {
			pos, ok := -1, false
			if r.HasPoint {
				pos, ok = ix[k].Locate(r.Lon, r.Lat)
			}
			if !ok {
				out.Outside[k] += w
				continue
			}
			v := out.Demand[k][t]
			if v == nil {
				v = make([]float64, len(l.Areas))
				out.Demand[k][t] = v
			}
			v[pos] += w
		}
	}); err != nil {
		return nil, err
	}
	vh, err := fileSHA256(vol.File, "the request volume")
	if err != nil {
		return nil, err
	}
	out.SHA256 = sum.SHA256 + " " + vh
	return out, nil
}

// stratumField returns how a request names its stratum.
func stratumField(name string) (func(*events.Request) string, error) {
	switch name {
	case "nc_name", "":
		return func(r *events.Request) string { return r.NCName }, nil
	case "nc":
		return func(r *events.Request) string { return r.NC }, nil
	case "cd":
		return func(r *events.Request) string { return r.CD }, nil
	}
	return nil, budget.Errorf(budget.EINVALID, "the requests' stratum field %q: use nc_name, nc or cd", name)
}

// describe says what the demand is, for the report's sources.
func (d *ExpandedDemand) describe(volume, sample string) string {
	e := d.Expansion
	s := fmt.Sprintf("%s (%s requests), their types and places as in %s (%s requests)", volume,
		budget.GroupDigits(fmt.Sprintf("%.0f", e.Expanded)), sample, budget.GroupDigits(fmt.Sprint(d.Rows)))
	if e.UnsampledCount > 0 {
		s += fmt.Sprintf("; %s requests of %d strata without a sample request are not placed", budget.GroupDigits(fmt.Sprintf("%.0f", e.UnsampledCount)), len(e.Unsampled))
	}
	return s
}
