package measures

import "math"

// ScoreCap bounds one measure's score: a measure far better than its target
// scores at most 2, so that it cannot hide others below theirs.
const ScoreCap = 2.0

// Score is a measure's value against its target, the idea of Boston's
// CityScore: actual / target when more is better, target / actual when
// less is better, so that 1 means the target is met exactly, above 1
// better and below 1 worse; capped at ScoreCap (a lower-is-better measure
// at 0 scores the cap). ok is false without a direction, a positive
// target or a finite value.
func Score(actual, target float64, better string) (float64, bool) {
	if !(target > 0) || math.IsNaN(actual) || math.IsInf(actual, 0) || actual < 0 {
		return 0, false
	}
	var s float64
	switch better {
	case Higher:
		s = actual / target
	case Lower:
		if actual == 0 {
			return ScoreCap, true
		}
		s = target / actual
	default:
		return 0, false
	}
	return math.Min(s, ScoreCap), true
}

// RollUp is the mean of the scores given (one roll-up: an area's, a
// department's or the city's); ok is false for none.
func RollUp(scores []float64) (float64, bool) {
	if len(scores) == 0 {
		return 0, false
	}
	s := 0.0
	for _, v := range scores {
		s += v
	}
	return s / float64(len(scores)), true
}
