package assess

import (
	"bytes"
	"math"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
)

func TestBuiltinTemplates(t *testing.T) {
	all, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	full, short := all["equity-full@1"], all["equity-short@1"]
	if full == nil || short == nil {
		t.Fatalf("templates %v", all)
	}
	q, ok := full.Question("benefits")
	if !ok || q.Kind != Text || q.Weight != 3 || len(q.Rubric) != 4 || q.Rubric[3].Score != 3 {
		t.Fatalf("benefits question %+v (the rubric alias must resolve)", q)
	}
	kinds := map[Kind]bool{}
	for _, q := range full.Questions() {
		kinds[q.Kind] = true
	}
	if len(kinds) != 5 {
		t.Fatalf("the full template uses kinds %v, want all five", kinds)
	}
	if len(full.Sources) != 4 {
		t.Fatalf("sources %v", full.Sources)
	}
}

func TestParseTemplateErrors(t *testing.T) {
	for _, c := range []struct{ name, yaml string }{
		{"unknown key", "id: x\nversion: 1\ncolour: red\n"},
		{"no version", "id: x\nsections: [{id: s, questions: [{id: q, kind: text}]}]\n"},
		{"bad kind", "id: x\nversion: 1\nsections: [{id: s, questions: [{id: q, kind: essay}]}]\n"},
		{"duplicate", "id: x\nversion: 1\nsections: [{id: s, questions: [{id: q, kind: text}, {id: q, kind: text}]}]\n"},
		{"weight without rubric", "id: x\nversion: 1\nsections: [{id: s, questions: [{id: q, kind: text, weight: 1}]}]\n"},
		{"rubric numbering", "id: x\nversion: 1\nsections: [{id: s, questions: [{id: q, kind: text, weight: 1, rubric: [{score: 1}, {score: 2}]}]}]\n"},
		{"choice without choices", "id: x\nversion: 1\nsections: [{id: s, questions: [{id: q, kind: choice}]}]\n"},
	} {
		if _, err := ParseTemplate("t.yaml", []byte(c.yaml)); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

func TestCheckAnswers(t *testing.T) {
	tp, _ := Lookup("equity-full", 1)
	good := map[string]any{"purpose": "x", "engagement_level": "consulted", "high_need_share": 40.0,
		"areas_served": []any{"1", "2"}, "data_evidence": "https://data.lacity.org/x", "measure": nil}
	if err := tp.CheckAnswers(good); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]map[string]any{
		"unknown question": {"nope": "x"},
		"choice":           {"engagement_level": "maybe"},
		"number":           {"high_need_share": "40"},
		"areas":            {"areas_served": "1"},
		"evidence path":    {"data_evidence": "../../etc/passwd"},
		"text kind":        {"purpose": 3.0},
	} {
		if err := tp.CheckAnswers(bad); budget.ErrorCode(err) != budget.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func answered(tp *Template) map[string]any {
	ans := map[string]any{}
	for _, q := range tp.Questions() {
		if q.Required {
			ans[q.ID] = "x"
			if q.Kind == Choice {
				ans[q.ID] = q.Choices[0]
			}
		}
	}
	return ans
}

func TestWorkflow(t *testing.T) {
	tp, _ := Lookup("equity-short", 1)
	full := map[string]int{"purpose": 2, "benefits": 3}
	a := Assessment{ID: 1, Status: Draft, Answers: map[string]any{}}
	steps := []struct {
		act  Action
		d    Decision
		prep func(*Assessment)
		want Status
		err  string
	}{
		{Submit, "", nil, "", budget.EINVALID},       // required answers missing
		{StartReview, "", nil, "", budget.ECONFLICT}, // not submitted
		{Submit, "", func(a *Assessment) { a.Answers = answered(tp) }, Submitted, ""},
		{Return, "", nil, Draft, ""},
		{Submit, "", nil, Submitted, ""},
		{StartReview, "", func(a *Assessment) { a.Reviewers = []string{"rita", "raul"} }, InReview, ""},
		{Complete, "", nil, "", budget.ECONFLICT}, // no review
		{Complete, "", func(a *Assessment) { a.Reviews = []Review{{Reviewer: "rita", Scores: full}} }, "", budget.ECONFLICT}, // raul missing
		{Complete, "", func(a *Assessment) {
			a.Reviews = append(a.Reviews, Review{Reviewer: "raul", Scores: map[string]int{"purpose": 1}})
		}, "", budget.ECONFLICT}, // raul incomplete
		{Complete, "", func(a *Assessment) { a.Reviews[1].Scores["benefits"] = 2 }, Scored, ""},
		{Decide, "maybe", nil, "", budget.EINVALID},
		{Decide, Funded, nil, Decided, ""},
		{Submit, "", nil, "", budget.ECONFLICT},
		{Reopen, "", nil, InReview, ""},
	}
	for i, s := range steps {
		if s.prep != nil {
			s.prep(&a)
		}
		err := Apply(&a, tp, s.act, s.d)
		if s.err != "" {
			if budget.ErrorCode(err) != s.err {
				t.Fatalf("step %d %s: %v, want %s", i, s.act, err, s.err)
			}
			continue
		}
		if err != nil || a.Status != s.want {
			t.Fatalf("step %d %s: %v, status %s, want %s", i, s.act, err, a.Status, s.want)
		}
	}
	if a.Decision != "" {
		t.Fatalf("reopen kept decision %q", a.Decision)
	}
}

func TestScore(t *testing.T) {
	tp, _ := Lookup("equity-short", 1) // purpose weight 1, benefits weight 2, levels 0..3
	for _, c := range []struct {
		scores map[string]int
		want   float64
	}{
		{map[string]int{"purpose": 3, "benefits": 3}, 100},
		{map[string]int{}, 0},
		{map[string]int{"purpose": 3, "benefits": 0}, 100.0 / 3},
		{map[string]int{"purpose": 0, "benefits": 3}, 200.0 / 3},
		{map[string]int{"purpose": 9, "benefits": -1}, 100.0 / 3}, // clamped to the rubric
	} {
		if got := Score(tp, c.scores); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%v: %v, want %v", c.scores, got, c.want)
		}
	}
}

// TestWeightedKappaSexualFun checks against the worked example of R's vcd
// package: Kappa(SexualFun), the ratings of 91 married couples (Hout,
// Duncan and Sobel 1987, in Agresti 1990), printed by vcd as Unweighted
// 0.1293 and Weighted (Equal-Spacing) 0.2374.
func TestWeightedKappaSexualFun(t *testing.T) {
	sexualFun := [][]float64{
		{7, 7, 2, 3},
		{2, 8, 3, 7},
		{1, 5, 4, 9},
		{2, 8, 9, 14},
	}
	got, err := WeightedKappa(sexualFun, Linear)
	if err != nil || math.Abs(got-0.2374) > 0.00005 {
		t.Fatalf("weighted kappa %.5f, %v; vcd gives 0.2374", got, err)
	}
	// unweighted kappa is the weighted one with 0/1 weights: with k = 2
	// categories linear weights are 0/1, so check the diagonal form directly
	po, pe, n := 0.0, 0.0, 91.0
	for i := range sexualFun {
		ri, ci := 0.0, 0.0
		for j := range sexualFun {
			ri += sexualFun[i][j]
			ci += sexualFun[j][i]
		}
		po += sexualFun[i][i] / n
		pe += ri / n * ci / n
	}
	if k := (po - pe) / (1 - pe); math.Abs(k-0.1293) > 0.00005 {
		t.Fatalf("unweighted kappa %.5f; vcd gives 0.1293 (the table is wrong)", k)
	}
	if q, _ := WeightedKappa(sexualFun, Quadratic); q <= got {
		t.Fatalf("quadratic kappa %.4f should exceed linear %.4f on this table", q, got)
	}
	perfect := [][]float64{{3, 0}, {0, 5}}
	if k, _ := WeightedKappa(perfect, Linear); k != 1 {
		t.Fatalf("perfect agreement: %v", k)
	}
	if k, _ := WeightedKappa([][]float64{{4, 0}, {0, 0}}, Linear); !math.IsNaN(k) {
		t.Fatalf("one level only: %v, want NaN", k)
	}
	for _, bad := range [][][]float64{nil, {{1}}, {{1, 2}, {3}}, {{0, 0}, {0, 0}}} {
		if _, err := WeightedKappa(bad, Linear); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestCycleAgreement(t *testing.T) {
	as := []Assessment{
		{Reviews: []Review{{Scores: map[string]int{"a": 3, "b": 2}}, {Scores: map[string]int{"a": 3, "b": 1}}}},
		{Reviews: []Review{{Scores: map[string]int{"a": 0}}, {Scores: map[string]int{"a": 0, "b": 2}}}},
		{Reviews: []Review{{Scores: map[string]int{"a": 1}}}},
	}
	ag := CycleAgreement(as, 4)
	if ag.Pairs != 3 || ag.Items != 2 || math.Abs(ag.Exact-2.0/3) > 1e-12 || !(ag.Kappa > 0.5 && ag.Kappa < 1) {
		t.Fatalf("%+v", ag)
	}
	if ag := CycleAgreement(nil, 4); !math.IsNaN(ag.Kappa) {
		t.Fatalf("no pairs: %+v", ag)
	}
}

func TestTriage(t *testing.T) {
	tr := DefaultTriage
	tr.FullCategories = []string{"4-Increased Services"}
	for _, c := range []struct {
		cents int64
		cat   string
		want  string
	}{
		{100_000_000, "1-Obligatory Changes", "equity-full"},
		{-100_000_000, "", "equity-full"},
		{99_999_999, "1-Obligatory Changes", "equity-short"},
		{5, "4-Increased Services", "equity-full"},
	} {
		if got := tr.Template(c.cents, c.cat); got != c.want {
			t.Errorf("%d %q: %s, want %s", c.cents, c.cat, got, c.want)
		}
	}
}

func TestEvidenceType(t *testing.T) {
	for _, c := range []struct {
		name, data, want string
	}{
		{"report.pdf", "%PDF-1.7\n...", "application/pdf"},
		{"map.PNG", "\x89PNG\r\n\x1a\nxxxx", "image/png"},
		{"photo.jpg", "\xff\xd8\xff\xe0xx", "image/jpeg"},
		{"data.xlsx", "PK\x03\x04xxxx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"waiting.csv", "district,people\n9,120\n", "text/csv"},
		{"notes.txt", "héllo", "text/plain"},
		{"page.pdf", "<html><script>alert(1)</script>", ""},
		{"data.csv", "a,b\x00c", ""},
		{"x.exe", "MZ\x90\x00", ""},
		{"../etc/passwd.txt", "root", ""},
		{"empty.txt", "", ""},
		{"zip.pdf", "PK\x03\x04", ""},
	} {
		got, err := EvidenceType(c.name, []byte(c.data))
		if got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	if _, err := EvidenceType("big.txt", bytes.Repeat([]byte("a"), MaxEvidenceBytes+1)); err == nil {
		t.Error("an oversized file is accepted")
	}
}
