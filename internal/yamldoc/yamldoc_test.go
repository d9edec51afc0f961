package yamldoc

import (
	"strings"
	"testing"
)

func TestSection(t *testing.T) {
	doc := "name: x\n# comment\nrules:  # inline rules\n  version: 1\n  rules:\n    - name: a\n\n    - name: b\nnext: y\n"
	b, ok := Section([]byte(doc), "rules")
	if !ok {
		t.Fatal("not found")
	}
	lines := strings.Split(string(b), "\n")
	if lines[3] != "version: 1" || lines[5] != "  - name: a" || lines[7] != "  - name: b" || strings.Contains(string(b), "next") {
		t.Fatalf("%q", b)
	}
	for i := 0; i < 3; i++ {
		if lines[i] != "" {
			t.Fatalf("line %d: %q", i+1, lines[i])
		}
	}
	if _, ok := Section([]byte("name: x\nrules: inline\n"), "rules"); ok {
		t.Fatal("inline value taken as a block")
	}
	if _, ok := Section([]byte("name: x\n"), "rules"); ok {
		t.Fatal("missing key found")
	}
	if b, ok := Section([]byte("a:\r\n  b: 1\r\n"), "a"); !ok || string(b) != "\nb: 1\n\n" {
		t.Fatalf("CRLF: %q %v", b, ok)
	}
}
