package yamlerr

import (
	"errors"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"gopkg.in/yaml.v3"
)

type inner struct {
	Name   string  `yaml:"name"`
	Weight float64 `yaml:"weight"`
	Skip   string  `yaml:"-"`
}

type doc struct {
	Version int     `yaml:"version"`
	Items   []inner `yaml:"items"`
}

func decode(src string) error {
	var d doc
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	return Error("f.yaml", dec.Decode(&d), &d, "a test document", "see the docs")
}

func TestError(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
		notWant   []string
	}{
		{"empty", "", []string{"f.yaml: a test document in YAML; the file is empty"}, []string{"EOF", "::"}},
		{"syntax", "version: 1\nitems: [a, b\n", []string{"f.yaml:", "valid YAML", "check the indentation"}, []string{"yaml: line"}},
		{"unknown key", "version: 1\nitems:\n  - name: a\n    wieght: 2\n", []string{"f.yaml:4:", `value "wieght"`, "(name, weight)"}, []string{"yamlerr.inner", "not found in type", "Skip"}},
		{"unknown top key", "version: 1\nfoo: 2\n", []string{"f.yaml:2:", `value "foo"`, "(items, version)"}, nil},
		{"wrong type", "version: 1\nitems:\n  - name: a\n    weight: heavy\n", []string{"f.yaml:4:", `value "heavy"`, "a number here, not text"}, []string{"float64"}},
		{"two problems", "version: x\nfoo: 2\n", []string{"f.yaml:1:", "a whole number here", "and 1 more problem"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := decode(tc.src)
			var ie *budget.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %T %v, want *budget.InputError", err, err)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not contain %q", msg, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(msg, w) {
					t.Errorf("%q contains %q", msg, w)
				}
			}
		})
	}
	if decode("version: 1\n") != nil {
		t.Fatal("valid document reported an error")
	}
	other := errors.New("disk on fire")
	if Error("f.yaml", other, nil, "x", "y") != other {
		t.Fatal("a non-YAML error was rewritten")
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line, col int
		want      []string
	}{
		{"empty", "", 0, 0, []string{"f.yaml: a test document in YAML; the file is empty"}},
		{"syntax", "version: 1\nitems: [a, b\n", 1, 0, []string{"valid YAML", "check the indentation"}}, // the line yaml.v3 names
		{"unknown key", "version: 1\nitems:\n  - name: a\n    wieght: 2\n", 4, 5, []string{`value "wieght"`, "(name, weight)"}},
		{"unknown top key", "version: 1\nfoo: 2\n", 2, 1, []string{`value "foo"`, "(items, version)"}},
		{"wrong type", "version: 1\nitems:\n  - name: a\n    weight: heavy\n", 4, 13, []string{`value "heavy"`, "a number here, not text"}},
		{"a list for a number", "version: [1]\n", 1, 10, []string{"a whole number here, not a list"}},
		{"a mapping for a list", "items: {a: 1}\n", 1, 8, []string{"a list", "not a mapping"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d doc
			err := Decode("f.yaml", []byte(tc.src), &d, "a test document", "see the docs")
			var ie *budget.InputError
			if !errors.As(err, &ie) || ie.Line != tc.line || ie.ColIndex != tc.col {
				t.Fatalf("%v: want line %d column %d", err, tc.line, tc.col)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not contain %q", err, w)
				}
			}
		})
	}
	var d doc
	if err := Decode("f.yaml", []byte("version: 2\nitems: [{name: a, weight: 1.5}]\n"), &d, "x", "y"); err != nil || d.Version != 2 || d.Items[0].Weight != 1.5 {
		t.Fatalf("valid: %+v %v", d, err)
	}
}
