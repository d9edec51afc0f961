package office

import (
	"context"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
)

const cityTemplates = `version: 1
name: Test City
jurisdiction: tc
layers:
  - {name: d, role: reporting}
assess:
  full_from_dollars: 1000
  full: tc-full
  templates:
    - id: tc-full
      version: VERSION
      title: Test City equity review
      sections:
        - id: s
          title: Who
          questions:
            - id: who
              kind: text
              required: true
              prompt: PROMPT
              weight: 1
              rubric:
                - {score: 0, meaning: "Not addressed"}
                - {score: 1, meaning: "Named"}
`

func cityWith(t *testing.T, version, prompt string) *city.Profile {
	t.Helper()
	y := strings.NewReplacer("VERSION", version, "PROMPT", prompt).Replace(cityTemplates)
	p, err := city.Parse("tc.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCityTemplates: the city's own template, saved with its profile, is
// what triage gives the large requests (at its highest version) and what
// every lookup finds; the shipped short form takes the rest; a saved
// template's questions cannot change under the same version, and can under
// the next.
func TestCityTemplates(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	o := &Office{Store: s}
	if err := o.SaveCity(ctx, cityWith(t, "1", "Who is served?")); err != nil {
		t.Fatal(err)
	}
	err := o.SaveCity(ctx, cityWith(t, "1", "Who is served, and who bears a burden?"))
	if err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Fatalf("changed questions under tc-full@1 saved: %v", err)
	}
	if err := o.SaveCity(ctx, cityWith(t, "2", "Who is served, and who bears a burden?")); err != nil {
		t.Fatalf("the next version: %v", err)
	}
	o, err = New(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	fy := budget.FiscalYear{Start: 2024, StartMonth: 7}
	big, small := int64(500_000), int64(200)
	reqs := []budget.Request{
		{Jurisdiction: "tc", Classification: budget.Classification{Department: budget.Code{Code: "02", Name: "Streets"}}, FiscalYear: fy, Description: "Paving", ProposedCents: &big, Key: "r1", Line: 2},
		{Jurisdiction: "tc", Classification: budget.Classification{Department: budget.Code{Code: "02", Name: "Streets"}}, FiscalYear: fy, Description: "Signs", ProposedCents: &small, Key: "r2", Line: 3},
	}
	b := &budget.Batch{Jurisdiction: budget.Jurisdiction{ID: "tc", Name: "Test City", StartMonth: 7}, Dataset: "tc/req", SourceFile: "req.csv", ContentHash: "h",
		Profile: "p", FiscalYear: fy, Phase: budget.Adopted, Requests: reqs}
	if _, err := s.ImportBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	res, err := o.BulkCreate(ctx, BulkOptions{AssessOptions: AssessOptions{FiscalYear: "2024-25", Phase: "proposed"}, By: "ana"})
	if err != nil || res.Created != 2 || res.Full != 1 || res.Short != 1 {
		t.Fatalf("bulk create %+v, %v", res, err)
	}
	as, err := s.Assessments(ctx, assess.Filter{FYStart: 2024})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range as {
		got[a.RequestKey] = assess.Ref(a.Template, a.TemplateVersion)
		v, err := o.Assessment(ctx, a.ID)
		if err != nil || v == nil {
			t.Fatalf("assessment %d: %v", a.ID, err)
		}
	}
	if len(got) != 2 || got[RequestID(reqs[0])] != "tc-full@2" || got[RequestID(reqs[1])] != "equity-short@1" {
		t.Errorf("templates given %v: want tc-full@2 for the large request", got)
	}
	// version 2 is used now: a profile without it is refused, one that
	// keeps it beside version 3 is saved
	v3 := strings.Replace(string(cityWith(t, "3", "Who, exactly?").Source), "  templates:\n", "  templates:\n"+cityTemplatesEntry(t, "2", "Who is served, and who bears a burden?"), 1)
	if err := o.SaveCity(ctx, cityWith(t, "3", "Who, exactly?")); err == nil || !strings.Contains(err.Error(), "tc-full@2") {
		t.Errorf("dropping the used tc-full@2: %v", err)
	}
	p3, err := city.Parse("tc.yaml", []byte(v3))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.SaveCity(ctx, p3); err != nil {
		t.Errorf("versions 2 and 3 side by side: %v", err)
	}
	tp, err := o.Template("tc-full", 2)
	if err != nil || !strings.Contains(tp.Questions()[0].Prompt, "burden") {
		t.Errorf("lookup tc-full@2: %+v, %v", tp, err)
	}
	if _, err := o.Template("tc-full", 9); err == nil || budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Errorf("tc-full@9: %v, want not found", err)
	}
	ts, err := o.Templates()
	if err != nil || len(ts) != 4 {
		t.Fatalf("templates %d, %v: want the two shipped and the city's two", len(ts), err)
	}
}

// cityTemplatesEntry is the profile's template entry at version with
// prompt, as a list item under assess.templates.
func cityTemplatesEntry(t *testing.T, version, prompt string) string {
	t.Helper()
	y := strings.NewReplacer("VERSION", version, "PROMPT", prompt).Replace(cityTemplates)
	return y[strings.Index(y, "    - id: tc-full"):]
}
