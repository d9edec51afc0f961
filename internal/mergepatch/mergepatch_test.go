package mergepatch

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestRFC7396 runs the examples of RFC 7396, appendix A.
func TestRFC7396(t *testing.T) {
	for _, c := range [][3]string{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`["a","b"]`, `["c","d"]`, `["c","d"]`},
		{`{"a":"b"}`, `["c"]`, `["c"]`},
		{`{"a":"foo"}`, `null`, `null`},
		{`{"a":"foo"}`, `"bar"`, `"bar"`},
		{`{"e":null}`, `{"a":1}`, `{"a":1,"e":null}`},
		{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	} {
		got, err := Apply([]byte(c[0]), []byte(c[1]))
		if err != nil {
			t.Fatalf("%s + %s: %v", c[0], c[1], err)
		}
		var g, w any
		json.Unmarshal(got, &g)
		json.Unmarshal([]byte(c[2]), &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s + %s = %s, want %s", c[0], c[1], got, c[2])
		}
	}
}

func TestApplyErrors(t *testing.T) {
	for _, p := range []string{``, `{`, `{"a":1} {"b":2}`, strings.Repeat("[", 40) + strings.Repeat("]", 40)} {
		if _, err := Apply([]byte(`{}`), []byte(p)); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
}

func FuzzApply(f *testing.F) {
	f.Add([]byte(`{"a":1}`), []byte(`{"a":null,"b":{"c":[1]}}`))
	f.Fuzz(func(t *testing.T, target, patch []byte) {
		if !json.Valid(target) {
			return
		}
		out, err := Apply(target, patch)
		if err == nil && !json.Valid(out) {
			t.Fatalf("invalid output %s", out)
		}
	})
}
