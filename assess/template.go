package assess

import (
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/yamlerr"
)

// Kind is what a question takes as its answer.
type Kind string

const (
	Text     Kind = "text"     // free text
	Choice   Kind = "choice"   // one of Choices
	Number   Kind = "number"   // a number
	Areas    Kind = "areas"    // a list of area ids of the reporting layer
	Evidence Kind = "evidence" // a link (http or https URL) or an uploaded file's name
)

// Template is a versioned questionnaire: sections of questions, each with
// its rubric and weight. ID and Version together name it; an assessment
// keeps both, so a new version never changes old assessments.
type Template struct {
	ID       string    `yaml:"id" json:"id"`
	Version  int       `yaml:"version" json:"version"`
	Title    string    `yaml:"title" json:"title"`
	Sources  []string  `yaml:"sources" json:"sources"`
	Sections []Section `yaml:"sections" json:"sections"`
}

// Section is a group of questions.
type Section struct {
	ID        string     `yaml:"id" json:"id"`
	Title     string     `yaml:"title" json:"title"`
	Questions []Question `yaml:"questions" json:"questions"`
}

// Question is one question. Weight counts its rubric level in the score (0:
// not scored). Rubric lists the levels a reviewer gives, from 0 up.
type Question struct {
	ID       string   `yaml:"id" json:"id"`
	Kind     Kind     `yaml:"kind" json:"kind"`
	Prompt   string   `yaml:"prompt" json:"prompt"`
	Help     string   `yaml:"help" json:"help,omitempty"`
	Choices  []string `yaml:"choices" json:"choices,omitempty"`
	Required bool     `yaml:"required" json:"required"`
	Weight   float64  `yaml:"weight" json:"weight"`
	Rubric   []Level  `yaml:"rubric" json:"rubric,omitempty"`
}

// Level is one rubric level: the score and what earns it.
type Level struct {
	Score   int    `yaml:"score" json:"score"`
	Meaning string `yaml:"meaning" json:"meaning"`
}

// ParseTemplate reads a template from YAML (file names it in errors) and
// validates it (see Validate).
func ParseTemplate(file string, data []byte) (*Template, error) {
	var t Template
	if err := yamlerr.Decode(file, data, &t, "an assessment template", "see docs/assess.md"); err != nil {
		return nil, err
	}
	if err := t.Validate(); err != nil {
		return nil, budget.Errorf(budget.EINVALID, "%s: %w", file, err)
	}
	return &t, nil
}

// Validate checks a template: an id and a version from 1; unique question
// ids; a known kind; choices for a choice question; a rubric numbered 0, 1,
// 2... for a weighted question; weights not negative.
func (t *Template) Validate() error {
	if t.ID == "" || t.Version < 1 {
		return budget.Errorf(budget.EINVALID, "template: give an id and a version from 1")
	}
	seen := map[string]bool{}
	for _, s := range t.Sections {
		for _, q := range s.Questions {
			if q.ID == "" || seen[q.ID] {
				return budget.Errorf(budget.EINVALID, "template %s: question id %q is empty or used twice", t.ID, q.ID)
			}
			seen[q.ID] = true
			switch q.Kind {
			case Text, Number, Areas, Evidence:
			case Choice:
				if len(q.Choices) == 0 {
					return budget.Errorf(budget.EINVALID, "template %s: choice question %s lists no choices", t.ID, q.ID)
				}
			default:
				return budget.Errorf(budget.EINVALID, "template %s: question %s has kind %q: use text, choice, number, areas or evidence", t.ID, q.ID, q.Kind)
			}
			if q.Weight < 0 || (q.Weight > 0 && len(q.Rubric) < 2) {
				return budget.Errorf(budget.EINVALID, "template %s: question %s: a weight is 0 or more, and a weighted question has a rubric of at least two levels", t.ID, q.ID)
			}
			for i, l := range q.Rubric {
				if l.Score != i {
					return budget.Errorf(budget.EINVALID, "template %s: question %s: rubric levels are numbered 0, 1, 2... (level %d has score %d)", t.ID, q.ID, i, l.Score)
				}
			}
		}
	}
	if len(seen) == 0 {
		return budget.Errorf(budget.EINVALID, "template %s has no questions", t.ID)
	}
	return nil
}

// Questions lists every question in order.
func (t *Template) Questions() []Question {
	var out []Question
	for _, s := range t.Sections {
		out = append(out, s.Questions...)
	}
	return out
}

// Question returns the question with id, if any.
func (t *Template) Question(id string) (Question, bool) {
	for _, q := range t.Questions() {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

// Unanswered lists the required questions without an answer (an empty
// string or list counts as none).
func (t *Template) Unanswered(answers map[string]any) []string {
	var out []string
	for _, q := range t.Questions() {
		if q.Required && empty(answers[q.ID]) {
			out = append(out, q.ID)
		}
	}
	return out
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	}
	return false
}

// Unscored lists the weighted questions scores lacks.
func (t *Template) Unscored(scores map[string]int) []string {
	var out []string
	for _, q := range t.Questions() {
		if _, ok := scores[q.ID]; q.Weight > 0 && !ok {
			out = append(out, q.ID)
		}
	}
	return out
}

// MaxAnswer bounds a text answer, in bytes.
const MaxAnswer = 20000

// CheckAnswers checks answers against the template: every key is a
// question; text and evidence are strings (evidence an http(s) URL or a
// file name), at most MaxAnswer bytes; a choice is one of its choices; a
// number is a number; areas are a list of strings. null removes an answer
// and is accepted. Errors name the question.
func (t *Template) CheckAnswers(answers map[string]any) error {
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, id := range keys {
		v := answers[id]
		q, ok := t.Question(id)
		if !ok {
			return budget.Errorf(budget.EINVALID, "answers.%s: template %s v%d has no such question", id, t.ID, t.Version)
		}
		if v == nil {
			continue
		}
		if err := checkAnswer(q, v); err != nil {
			return budget.Errorf(budget.EINVALID, "answers.%s (%s): %w", id, q.Kind, err)
		}
	}
	return nil
}

func checkAnswer(q Question, v any) error {
	switch q.Kind {
	case Text, Evidence, Choice:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("give a string")
		}
		if len(s) > MaxAnswer {
			return fmt.Errorf("at most %d bytes", MaxAnswer)
		}
		if q.Kind == Choice && !contains(q.Choices, s) {
			return fmt.Errorf("%q is not one of %v", s, q.Choices)
		}
		if q.Kind == Evidence && s != "" {
			return checkEvidence(s)
		}
	case Number:
		if _, ok := v.(float64); !ok {
			return fmt.Errorf("give a number")
		}
	case Areas:
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("give a list of area ids")
		}
		for _, x := range list {
			if _, ok := x.(string); !ok {
				return fmt.Errorf("give area ids as strings")
			}
		}
	}
	return nil
}

func checkEvidence(s string) error {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return fmt.Errorf("%q is not a usable link", s)
		}
		return nil
	}
	if strings.ContainsAny(s, "/\\") || strings.HasPrefix(s, ".") {
		return fmt.Errorf("give an http(s) link or the name of an uploaded file")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

//go:embed templates/*.yaml
var builtin embed.FS

// Builtin returns the shipped templates, by "id@version".
func Builtin() (map[string]*Template, error) {
	names, _ := fs.Glob(builtin, "templates/*.yaml")
	out := map[string]*Template{}
	for _, n := range names {
		b, err := builtin.ReadFile(n)
		if err != nil {
			return nil, err
		}
		t, err := ParseTemplate(n, b)
		if err != nil {
			return nil, err
		}
		out[Ref(t.ID, t.Version)] = t
	}
	return out, nil
}

// Ref names a template version: "id@version".
func Ref(id string, version int) string { return fmt.Sprintf("%s@%d", id, version) }

// Lookup returns the shipped template id at version.
func Lookup(id string, version int) (*Template, error) {
	all, err := Builtin()
	if err != nil {
		return nil, err
	}
	if t, ok := all[Ref(id, version)]; ok {
		return t, nil
	}
	return nil, budget.Errorf(budget.ENOTFOUND, "no template %s version %d", id, version)
}
