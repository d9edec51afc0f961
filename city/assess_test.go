package city

import (
	"strings"
	"testing"
)

const ownTemplate = `version: 1
name: X
layers:
  - {name: d, role: reporting}
assess:
  full: maple-full
  templates:
    - id: maple-full
      version: 2
      title: Maple Bay equity review
      sections:
        - id: s
          title: Who
          questions:
            - id: who
              kind: text
              required: true
              prompt: Who is served?
              weight: 1
              rubric:
                - {score: 0, meaning: "Not addressed"}
                - {score: 1, meaning: "Named"}
`

// TestOwnAssessmentTemplate: a profile carries its own template inline,
// triage may name it, and what would make assessments ambiguous is refused
// naming the field and line: a shipped id@version, a template given twice,
// a triage id no template has, an invalid template.
func TestOwnAssessmentTemplate(t *testing.T) {
	p, err := Parse("maple.yaml", []byte(ownTemplate))
	if err != nil {
		t.Fatal(err)
	}
	ts := p.Templates()
	if len(ts) != 1 || ts[0].ID != "maple-full" || ts[0].Version != 2 || len(ts[0].Questions()) != 1 || p.Assess.Full != "maple-full" {
		t.Fatalf("templates %+v, full %q", ts, p.Assess.Full)
	}
	for _, c := range []struct{ from, to, want string }{
		{"id: maple-full\n      version: 2", "id: equity-full\n      version: 1", "assess.templates[0].id"},
		{"  full: maple-full", "  full: maple-full\n  short: nope", "assess.short"},
		{"kind: text", "kind: essay", "maple.yaml: assess.templates[0] (line 8)"},
		{"  templates:\n", "  templates:\n" + ownTemplate[strings.Index(ownTemplate, "    - id: maple-full"):], "assess.templates[1].id"},
	} {
		y := strings.Replace(ownTemplate, c.from, c.to, 1)
		if y == ownTemplate {
			t.Fatalf("%q not in the profile", c.from)
		}
		_, err := Parse("maple.yaml", []byte(y))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s -> %s: %v, want %q", c.from, c.to, err, c.want)
		}
	}
}
