package city

import (
	"testing"
)

func TestLAProfile(t *testing.T) {
	p, err := Builtin("la")
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultLayer() != "council_districts" || p.Rules() == nil || p.Rules().Name != "la_demo" || len(p.Rules().Rules) < 10 {
		t.Fatalf("%+v", p)
	}
}
