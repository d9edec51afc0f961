package events

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// Volume is a count of requests per stratum (a neighbourhood council, say)
// over a period, as a city publishes it or as derived from its published
// shares: the volume a sample of requests is expanded to. Every request of
// the sample in a stratum then stands for the stratum's count divided by
// the sample's requests in it, so the sample gives the types and places
// within each stratum and the volume gives how many requests each stratum
// had (post-stratified expansion).
type Volume struct {
	// File is the table read; Counts the count per stratum, keyed by
	// NormalizeName of the stratum as written (Names keeps it as written).
	File   string
	Counts map[string]float64
	Names  map[string]string
	// Total is the sum of the counts.
	Total float64
}

// ReadVolume reads a table of request counts per stratum: the column key
// names the stratum (as the requests' stratum field writes it), count its
// number of requests (non-negative; thousands separators allowed; a table
// derived from published shares may carry decimals). A stratum written
// twice (names compared as NormalizeName compares them), a blank key or a
// bad count is refused with its file, line and column.
func ReadVolume(path, key, count string) (*Volume, error) {
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	h := r.Header()
	ki, err := h.Must("stratum", key)
	if err != nil {
		return nil, err
	}
	ci, err := h.Must("count", count)
	if err != nil {
		return nil, err
	}
	v := &Volume{File: path, Counts: map[string]float64{}, Names: map[string]string{}}
	lines := map[string]int{}
	for {
		line, rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		name, cell := field(rec, ki), field(rec, ci)
		k := NormalizeName(name)
		if k == "" {
			return nil, h.Err(line, ki, key, name, "the name of the stratum (a neighbourhood council's name, say)")
		}
		if prev, dup := lines[k]; dup {
			return nil, h.Err(line, ki, key, name, fmt.Sprintf("each stratum once: line %d names it too", prev))
		}
		n, empty, err := budget.ParseAmount(cell, 6)
		if err != nil || empty || n < 0 {
			return nil, h.Err(line, ci, count, cell, "a number of requests, 0 or more (1042 or 1,042)")
		}
		lines[k] = line
		v.Counts[k], v.Names[k] = float64(n)/1e6, name
		v.Total += float64(n) / 1e6
	}
	if len(v.Counts) == 0 {
		return nil, &budget.InputError{File: path, Expected: "a table of request counts per stratum, with at least one row"}
	}
	return v, nil
}

func field(rec []string, i int) string {
	if i >= 0 && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// Expansion is what a volume makes of a sample: the weight of a sample
// request in each stratum, and what could not be expanded.
type Expansion struct {
	// Weight is the number of requests of the period each sample request
	// of a stratum stands for, by NormalizeName of the stratum.
	Weight map[string]float64
	// Sampled is the number of sample requests per stratum.
	Sampled map[string]int
	// Expanded is the volume the sample's requests stand for: the counts
	// of the strata that have sample requests.
	Expanded float64
	// Unsampled are the strata of the volume without a sample request
	// (their count has no place and no type), as written, with their
	// total; Unknown the strata of the sample the volume does not count
	// (their requests weigh nothing), with their sample requests.
	Unsampled      []string
	UnsampledCount float64
	Unknown        []string
	UnknownSample  int
}

// Expand weighs a sample whose requests per stratum (by the stratum as
// written) are sampled: each request of a stratum stands for the
// stratum's count divided by its sample requests.
func (v *Volume) Expand(sampled map[string]int) *Expansion {
	e := &Expansion{Weight: map[string]float64{}, Sampled: map[string]int{}}
	for name, n := range sampled {
		e.Sampled[NormalizeName(name)] += n
	}
	for k, n := range e.Sampled {
		c, ok := v.Counts[k]
		if !ok {
			e.UnknownSample += n
			continue
		}
		if n > 0 {
			e.Weight[k] = c / float64(n)
			e.Expanded += c
		}
	}
	for name, n := range sampled {
		if _, ok := v.Counts[NormalizeName(name)]; !ok && n > 0 {
			e.Unknown = append(e.Unknown, name)
		}
	}
	for k, c := range v.Counts {
		if e.Sampled[k] == 0 {
			e.Unsampled = append(e.Unsampled, v.Names[k])
			e.UnsampledCount += c
		}
	}
	sort.Strings(e.Unknown)
	sort.Strings(e.Unsampled)
	return e
}

// Of is the weight of a request of a stratum as written: 0 for a stratum
// the volume does not count.
func (e *Expansion) Of(stratum string) float64 { return e.Weight[NormalizeName(stratum)] }
