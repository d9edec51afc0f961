package metrics

import (
	"math"

	"github.com/budgetlens/budgetlens/budget"
)

// Suits returns the Suits (1977) progressivity index of payment (a tax or a
// benefit per unit) against income: units sorted by income ascending (tie
// blocks of income merged), Y the cumulative income share and T the
// cumulative payment share,
//
//	S = 1 - 2 sum_k (T_{k-1} + T_k)/2 (Y_k - Y_{k-1})      (trapezoid rule).
//
// S = 0 for a proportional payment, S > 0 when the payment is concentrated
// among high incomes (a progressive tax, or a benefit that favours the
// rich), S < 0 when it is concentrated among low incomes (a regressive tax,
// or a pro-poor benefit). A poll tax (equal payment per person) gives
// S = -Gini(income) exactly. Weights w multiply both income and payment
// totals (w x_i and w p_i).
func Suits(income, payment, w []float64) (float64, error) {
	f, err := normWeights(income, w)
	if err != nil {
		return 0, err
	}
	if len(payment) != len(income) {
		return 0, budget.Errorf(budget.EINVALID, "metrics: %d payments for %d incomes: give one per unit", len(payment), len(income))
	}
	if err := checkFinite("payment", payment); err != nil {
		return 0, err
	}
	mx, mp := wmean(income, f), wmean(payment, f)
	if mx <= 0 || mp == 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: Suits needs a positive total income (got mean %v) and a non-zero total payment (got mean %v)", mx, mp)
	}
	order := sortedOrder(income)
	var area, T float64
	for s := 0; s < len(order); {
		e := s
		var dy, dt float64
		for e < len(order) && income[order[e]] == income[order[s]] {
			i := order[e]
			dy += f[i] * income[i] / mx
			dt += f[i] * payment[i] / mp
			e++
		}
		area += (T + T + dt) / 2 * dy
		T += dt
		s = e
	}
	return 1 - 2*area, nil
}

// Progressivity summarises the redistributive effect of a payment. Sign
// convention: Kind says whether the payment is a tax (post = pre - payment)
// or a benefit (post = pre + payment). K = C_payment - G_pre for both: for a
// tax K > 0 is progressive; for a benefit K < 0 means the benefit is more
// concentrated among the poor than income is (pro-poor, progressive), and
// K > 0 that it favours the better-off relative to income. The
// Reynolds-Smolensky index RS = G_pre - C_post (post income ranked by pre
// income) is positive when the payment reduces inequality for either kind.
type Progressivity struct {
	Kind          string  `json:"kind"` // "tax" or "benefit"
	GiniPre       float64 `json:"gini_pre"`
	GiniPost      float64 `json:"gini_post"`
	Concentration float64 `json:"concentration_payment"` // C of payment ranked by pre income
	ConcPost      float64 `json:"concentration_post"`    // C of post income ranked by pre income
	Kakwani       float64 `json:"kakwani"`               // C_payment - G_pre
	RS            float64 `json:"reynolds_smolensky"`    // G_pre - C_post
	Reranking     float64 `json:"reranking"`             // G_post - C_post (>= 0)
	Redistrib     float64 `json:"redistributive_effect"` // G_pre - G_post = RS - Reranking
	Tau           float64 `json:"tau"`                   // total payment / total pre income
	Suits         float64 `json:"suits"`
}

// PaymentKind tells Progressivity whether the payment is taken or given.
type PaymentKind int

const (
	Tax     PaymentKind = iota // post = pre - payment
	Benefit                    // post = pre + payment
)

// ProgressivityOf computes Kakwani, Reynolds-Smolensky, reranking and Suits
// for a payment against pre-payment income (weights w optional). For a tax
// with no reranking RS = tau/(1-tau) K; for a benefit RS = -tau/(1+tau) K.
// Ties in pre income share their mean rank. Matches the formulas of IneqPy
// (kakwani, reynolds_smolensky) and the CEQ Assessment (covconc).
func ProgressivityOf(pre, payment, w []float64, kind PaymentKind) (Progressivity, error) {
	if len(payment) != len(pre) {
		return Progressivity{}, budget.Errorf(budget.EINVALID, "metrics: %d payments for %d incomes: give one per unit", len(payment), len(pre))
	}
	post := make([]float64, len(pre))
	p := Progressivity{Kind: "tax"}
	sign := -1.0
	if kind == Benefit {
		p.Kind, sign = "benefit", 1
	}
	for i := range pre {
		post[i] = pre[i] + sign*payment[i]
	}
	var err error
	if p.GiniPre, err = Gini(pre, w, GiniOptions{}); err != nil {
		return p, err
	}
	if p.GiniPost, err = Gini(post, w, GiniOptions{}); err != nil {
		return p, err
	}
	cp, err := ConcentrationIndex(payment, pre, w)
	if err != nil {
		return p, err
	}
	cpost, err := ConcentrationIndex(post, pre, w)
	if err != nil {
		return p, err
	}
	p.Concentration, p.ConcPost = cp.Index, cpost.Index
	p.Kakwani = p.Concentration - p.GiniPre
	p.RS = p.GiniPre - p.ConcPost
	p.Reranking = p.GiniPost - p.ConcPost
	p.Redistrib = p.GiniPre - p.GiniPost
	f, _ := normWeights(pre, w)
	p.Tau = wmean(payment, f) / wmean(pre, f)
	if p.Suits, err = Suits(pre, payment, w); err != nil {
		return p, err
	}
	if math.Abs(p.Reranking) < 1e-15 {
		p.Reranking = 0
	}
	return p, nil
}

// Kakwani returns the Kakwani index C_payment - G_pre (see Progressivity for
// the sign convention).
func Kakwani(pre, payment, w []float64) (float64, error) {
	g, err := Gini(pre, w, GiniOptions{})
	if err != nil {
		return 0, err
	}
	c, err := ConcentrationIndex(payment, pre, w)
	if err != nil {
		return 0, err
	}
	return c.Index - g, nil
}

// ReynoldsSmolensky returns G_pre - C_post for the given payment kind.
func ReynoldsSmolensky(pre, payment, w []float64, kind PaymentKind) (float64, error) {
	p, err := ProgressivityOf(pre, payment, w, kind)
	return p.RS, err
}
