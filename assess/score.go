package assess

import "math"

// Score is a review's weighted score from 0 to 100: 100 × Σ wᵢ·sᵢ / Σ wᵢ·maxᵢ
// over the template's weighted questions, where sᵢ is the rubric level
// given and maxᵢ the rubric's top level. A question not scored counts 0.
// NaN when the template has no weighted question.
func Score(t *Template, scores map[string]int) float64 {
	var got, top float64
	for _, q := range t.Questions() {
		if q.Weight <= 0 {
			continue
		}
		max := float64(len(q.Rubric) - 1)
		s := float64(scores[q.ID])
		s = math.Max(0, math.Min(s, max))
		got += q.Weight * s
		top += q.Weight * max
	}
	if top == 0 {
		return math.NaN()
	}
	return 100 * got / top
}

// AssessmentScore is the mean of its reviews' scores (NaN without a review).
func AssessmentScore(t *Template, a Assessment) float64 {
	if len(a.Reviews) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, r := range a.Reviews {
		sum += Score(t, r.Scores)
	}
	return sum / float64(len(a.Reviews))
}
