package metrics

import (
	"math"

	"github.com/budgetlens/budgetlens/budget"
)

// SubgroupEntropy is a Theil index or mean log deviation over population
// subgroups, with the first-order (delta-method) standard error in the
// subgroup estimates' standard errors (Ahn et al. 2018).
type SubgroupEntropy struct {
	Value float64 `json:"value"`
	SE    float64 `json:"se"` // NaN when se is nil
}

func subgroupPrep(est, se, pop []float64) ([]float64, float64, error) {
	f, err := normWeights(est, pop)
	if err != nil {
		return nil, 0, err
	}
	if se != nil {
		if len(se) != len(est) {
			return nil, 0, budget.Errorf(budget.EINVALID, "metrics: %d standard errors for %d subgroups", len(se), len(est))
		}
		if err := checkFinite("se", se); err != nil {
			return nil, 0, err
		}
	}
	for i, v := range est {
		if v <= 0 {
			return nil, 0, budget.Errorf(budget.EINVALID, "metrics: subgroup estimate %d is %v: Theil and MLD need positive estimates", i, v)
		}
	}
	return f, wmean(est, f), nil
}

// SubgroupTheil returns Theil's T over subgroups with estimates est (for
// example a rate), their standard errors se and populations pop:
// T = sum f_j r_j ln r_j, r_j = est_j/mu, f = pop/sum(pop), and
// SE = sqrt(sum f_j^2 se_j^2 (1 + ln r_j - sum_k f_k r_k (1 + ln r_k))^2 / mu^2).
// WHO's healthequal::ti reports 1000 T (the HEAT convention) with this SE
// unscaled and replaces zero estimates by 1e-6; here estimates must be
// positive.
func SubgroupTheil(est, se, pop []float64) (SubgroupEntropy, error) {
	f, mu, err := subgroupPrep(est, se, pop)
	if err != nil {
		return SubgroupEntropy{}, err
	}
	var t, prep float64
	for i, e := range est {
		r := e / mu
		t += f[i] * r * math.Log(r)
		prep += f[i] * r * (1 + math.Log(r))
	}
	out := SubgroupEntropy{Value: t, SE: math.NaN()}
	if se != nil {
		var v float64
		for i, e := range est {
			d := 1 + math.Log(e/mu) - prep
			v += d * d * f[i] * f[i] * se[i] * se[i] / (mu * mu)
		}
		out.SE = math.Sqrt(v)
	}
	return out, nil
}

// SubgroupMLD returns the mean log deviation over subgroups,
// MLD = -sum f_j ln r_j, with SE = sqrt(sum f_j^2 se_j^2 (1 - 1/r_j)^2 / mu^2)
// (the derivative of MLD in est_j is f_j (1 - 1/r_j)/mu).
func SubgroupMLD(est, se, pop []float64) (SubgroupEntropy, error) {
	f, mu, err := subgroupPrep(est, se, pop)
	if err != nil {
		return SubgroupEntropy{}, err
	}
	var m float64
	for i, e := range est {
		m -= f[i] * math.Log(e/mu)
	}
	out := SubgroupEntropy{Value: m, SE: math.NaN()}
	if se != nil {
		var v float64
		for i, e := range est {
			d := 1 - mu/e
			v += d * d * f[i] * f[i] * se[i] * se[i] / (mu * mu)
		}
		out.SE = math.Sqrt(v)
	}
	return out, nil
}

// PalmaMeanRatio returns the "Palma" of ipeaGIT's accessibility package: the
// w-weighted mean of x over units whose rankBy exceeds highCut (the 90th
// percentile of income, say) divided by the w-weighted mean over units with
// rankBy <= lowCut (the 40th percentile). It is a ratio of means, not of
// shares (the classic Palma is 0.25 times it when the groups hold exactly
// 10% and 40% of the weight). Units with NaN rankBy are ignored.
func PalmaMeanRatio(x, w, rankBy []float64, lowCut, highCut float64) (float64, error) {
	if len(rankBy) != len(x) || (w != nil && len(w) != len(x)) {
		return 0, budget.Errorf(budget.EINVALID, "metrics: give one value, weight and ranking value per unit")
	}
	if err := checkFinite("x", x); err != nil {
		return 0, err
	}
	var hw, hx, lw, lx float64
	for i, v := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		switch r := rankBy[i]; {
		case math.IsNaN(r):
		case r > highCut:
			hw += wi
			hx += wi * v
		case r <= lowCut:
			lw += wi
			lx += wi * v
		}
	}
	if hw == 0 || lw == 0 || lx == 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: the top or bottom group is empty or holds nothing: the mean ratio is undefined")
	}
	return (hx / hw) / (lx / lw), nil
}
