package need

import (
	"math"
	"sort"
)

// Ties says which rank tied values share.
type Ties string

const (
	TiesAverage Ties = "average" // mean of the tied ranks (pandas rank(pct=True) default; CEJST)
	TiesMax     Ties = "max"     // the highest tied rank (CalEnviroScreen)
	TiesMin     Ties = "min"     // the lowest tied rank
)

// PercentileOptions are the rules of a percentile rank.
type PercentileOptions struct {
	// Ties is the rank tied values share (default average).
	Ties Ties
	// PositiveOnly ranks only values > 0; values <= 0 get percentile 0 and do
	// not count in the denominator (CalEnviroScreen's rule for indicators
	// where zero means "none present").
	PositiveOnly bool
	// Descending ranks in reverse, for "lower is worse" indicators (income,
	// life expectancy): the smallest value gets the highest percentile.
	Descending bool
	// Scale multiplies the result: 1 gives 0-1 (CEJST), 100 gives 0-100
	// (CalEnviroScreen). 0 means 1.
	Scale float64
}

// Percentile returns the percentile rank of every value among the
// non-missing values: rank / n, where rank is 1-based and tied values share
// the rank chosen by opt.Ties, and n counts the values that are ranked.
// Missing values (NaN) get NaN and do not count in n. With PositiveOnly,
// values <= 0 get exactly 0 and are not counted in n either. The result is
// multiplied by opt.Scale.
func Percentile(values []float64, opt PercentileOptions) []float64 {
	scale := opt.Scale
	if scale == 0 {
		scale = 1
	}
	out := make([]float64, len(values))
	idx := make([]int, 0, len(values))
	for i, v := range values {
		switch {
		case math.IsNaN(v):
			out[i] = math.NaN()
		case opt.PositiveOnly && v <= 0:
			out[i] = 0
		default:
			idx = append(idx, i)
		}
	}
	key := func(i int) float64 {
		if opt.Descending {
			return -values[i]
		}
		return values[i]
	}
	sort.Slice(idx, func(a, b int) bool { return key(idx[a]) < key(idx[b]) })
	n := float64(len(idx))
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && key(idx[hi]) == key(idx[lo]) {
			hi++
		}
		// tied block occupies 1-based ranks lo+1 .. hi
		var r float64
		switch opt.Ties {
		case TiesMax:
			r = float64(hi)
		case TiesMin:
			r = float64(lo + 1)
		default:
			r = float64(lo+1+hi) / 2
		}
		for _, i := range idx[lo:hi] {
			out[i] = r / n * scale
		}
		lo = hi
	}
	return out
}

// ZScores returns (x - mean) / sd over the non-missing values (sd with n-1
// in the denominator); missing stays NaN. A constant indicator gives zeros.
func ZScores(values []float64, descending bool) []float64 {
	var s, ss, n float64
	for _, v := range values {
		if !math.IsNaN(v) {
			s += v
			n++
		}
	}
	out := make([]float64, len(values))
	mean := s / n
	for _, v := range values {
		if !math.IsNaN(v) {
			ss += (v - mean) * (v - mean)
		}
	}
	sd := 0.0
	if n > 1 {
		sd = math.Sqrt(ss / (n - 1))
	}
	for i, v := range values {
		switch {
		case math.IsNaN(v):
			out[i] = math.NaN()
		case sd == 0:
			out[i] = 0
		default:
			out[i] = (v - mean) / sd
		}
		if descending && !math.IsNaN(out[i]) {
			out[i] = -out[i]
		}
	}
	return out
}

// MinMax rescales the non-missing values to 0-1: (x - min) / (max - min);
// reversed for descending. A constant indicator gives zeros.
func MinMax(values []float64, descending bool) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if !math.IsNaN(v) {
			lo = math.Min(lo, v)
			hi = math.Max(hi, v)
		}
	}
	out := make([]float64, len(values))
	for i, v := range values {
		switch {
		case math.IsNaN(v):
			out[i] = math.NaN()
		case hi == lo:
			out[i] = 0
		case descending:
			out[i] = (hi - v) / (hi - lo)
		default:
			out[i] = (v - lo) / (hi - lo)
		}
	}
	return out
}

// WeightedPercentile returns the population-weighted fractional rank of
// every value, 0-100: (weight of the values below + half the weight of the
// tied block) / total weight x 100 (the fractional rank of METHODS.md).
// Values or weights that are missing, and weights <= 0, get NaN and do not
// count in the total.
func WeightedPercentile(values, weights []float64) []float64 {
	out := make([]float64, len(values))
	idx := make([]int, 0, len(values))
	var total float64
	for i, v := range values {
		w := weights[i]
		if math.IsNaN(v) || math.IsNaN(w) || w <= 0 {
			out[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
		total += w
	}
	sort.Slice(idx, func(a, b int) bool { return values[idx[a]] < values[idx[b]] })
	var below float64
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		block := weights[idx[lo]]
		for hi < len(idx) && values[idx[hi]] == values[idx[lo]] {
			block += weights[idx[hi]]
			hi++
		}
		for _, i := range idx[lo:hi] {
			out[i] = (below + block/2) / total * 100
		}
		below += block
		lo = hi
	}
	return out
}
