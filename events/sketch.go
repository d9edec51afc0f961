package events

import (
	"math"
	"sort"
)

// SketchAccuracy is the relative accuracy of Sketch: every quantile it
// returns is within this fraction of the exact quantile's value.
const SketchAccuracy = 0.005

var (
	sketchGamma    = (1 + SketchAccuracy) / (1 - SketchAccuracy)
	sketchLogGamma = math.Log(sketchGamma)
)

// sketchMinValue is the smallest positive duration (in hours) the sketch
// tells apart from zero: 1/3600 h, one second, the resolution of MyLA311
// timestamps. Smaller values are counted with the zeros.
const sketchMinValue = 1.0 / 3600

// Sketch is a mergeable quantile sketch of non-negative values with relative
// accuracy SketchAccuracy (the logarithmic-bucket method of DDSketch, Masson,
// Rim & Lee 2019): value x > 0 falls in bucket i = ceil(log_gamma(x)) with
// gamma = (1+a)/(1-a), and a bucket is represented by 2 gamma^i / (gamma+1),
// which is within a relative error a of every value in the bucket. Memory is
// one counter per occupied bucket between the smallest and largest; for
// durations from one second to ten years that is at most about 2,400
// counters. Merging two sketches adds their counters, so partial sketches
// built on different cores combine into exactly the sketch of all values.
type Sketch struct {
	zeros  uint64   // values below sketchMinValue
	offset int      // bucket index of counts[0]
	counts []uint64 // counts per bucket from offset
	n      uint64
}

// Add records one value; negative and NaN values are ignored (callers reject
// them first).
func (s *Sketch) Add(x float64) {
	if !(x >= 0) {
		return
	}
	s.addIndex(sketchIndex(x))
}

// zeroBucket is the index sketchIndex gives values below sketchMinValue.
const zeroBucket = math.MinInt32

// sketchIndex is the bucket of a non-negative value (zeroBucket for values
// counted with the zeros): computed where the value is, so that adding it
// later costs no logarithm.
func sketchIndex(x float64) int {
	if x < sketchMinValue {
		return zeroBucket
	}
	return int(math.Ceil(math.Log(x) / sketchLogGamma))
}

// addIndex records one value of bucket i (from sketchIndex).
func (s *Sketch) addIndex(i int) {
	s.n++
	if i == zeroBucket {
		s.zeros++
		return
	}
	s.addBucket(i, 1)
}

func (s *Sketch) addBucket(i int, c uint64) {
	if len(s.counts) == 0 {
		s.offset = i
		s.counts = append(s.counts, 0)
	}
	if i < s.offset {
		grow := make([]uint64, s.offset-i, s.offset-i+len(s.counts))
		s.counts = append(grow, s.counts...)
		s.offset = i
	}
	for i-s.offset >= len(s.counts) {
		s.counts = append(s.counts, 0)
	}
	s.counts[i-s.offset] += c
}

// Merge adds every value of o to s.
func (s *Sketch) Merge(o *Sketch) {
	if o == nil {
		return
	}
	s.n += o.n
	s.zeros += o.zeros
	for j, c := range o.counts {
		if c > 0 {
			s.addBucket(o.offset+j, c)
		}
	}
}

// Count is the number of values added.
func (s *Sketch) Count() uint64 { return s.n }

// Quantile returns the q-quantile (0 <= q <= 1) by the nearest-rank
// definition: the value of rank k = max(1, ceil(q n)) in ascending order, as
// approximated by its bucket (relative error at most SketchAccuracy; values
// under one second are reported as 0). ok is false when the sketch is empty.
func (s *Sketch) Quantile(q float64) (v float64, ok bool) {
	if s.n == 0 {
		return 0, false
	}
	k := nearestRank(q, int(s.n))
	if uint64(k) <= s.zeros {
		return 0, true
	}
	seen := s.zeros
	for j, c := range s.counts {
		seen += c
		if seen >= uint64(k) {
			return 2 * math.Pow(sketchGamma, float64(s.offset+j)) / (sketchGamma + 1), true
		}
	}
	return 0, false // unreachable: the counts sum to n
}

// nearestRank is the 1-based rank of the q-quantile among n values:
// max(1, ceil(q n)), clamped to n.
func nearestRank(q float64, n int) int {
	k := int(math.Ceil(q * float64(n)))
	if k < 1 {
		k = 1
	}
	if k > n {
		k = n
	}
	return k
}

// ExactQuantile returns the nearest-rank q-quantile of values (the value of
// rank max(1, ceil(q n)) in ascending order), the definition Sketch
// approximates. It sorts a copy. ok is false for no values.
func ExactQuantile(values []float64, q float64) (float64, bool) {
	if len(values) == 0 {
		return 0, false
	}
	v := append([]float64(nil), values...)
	sort.Float64s(v)
	return v[nearestRank(q, len(v))-1], true
}
