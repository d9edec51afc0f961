package yamlerr

import (
	"errors"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
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
	return Decode("f.yaml", []byte(src), &d, "a test document", "see the docs")
}

func TestError(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
		notWant   []string
	}{
		{"empty", "", []string{"f.yaml: a test document in YAML; the file is empty"}, []string{"EOF", "::"}},
		{"syntax", "version: 1\nitems: [a, b\n", []string{"f.yaml:2:", `value "items: [a, b"`, "valid YAML", "check the indentation"}, []string{"yaml: line"}},
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
	// the line of a syntax error is found without reading the message
	for _, tc := range []struct {
		src  string
		line int
	}{
		{"a: 1\nb: [1, 2\nc: 3\n", 2},
		{"a: 1\nb:\n  - x\n - y\n", 4},
		{"a: 1\nb: \"open\nc: 2\n", 2},
	} {
		var ie *budget.InputError
		if err := decode(tc.src); !errors.As(err, &ie) || ie.Line != tc.line {
			t.Errorf("%q: %v, want line %d", tc.src, err, tc.line)
		}
	}
}
