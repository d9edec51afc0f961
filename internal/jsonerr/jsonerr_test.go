package jsonerr

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	type res struct {
		Path string `json:"path"`
	}
	type doc struct {
		Name      string `json:"name"`
		Resources []res  `json:"resources"`
	}
	for _, tc := range []struct {
		src       string
		want      string
		line, col int
	}{
		{"[]", "the document is a JSON array where an object is expected", 1, 1},
		{"{\n  \"resources\": {\"a\": 1}}", `member "resources" is a JSON object where an array is expected`, 2, 16},
		{`{"name": 5}`, `member "name" is a JSON number where a string is expected`, 1, 10},
		{"{\"name\": \"x\",\n", "the file ends too early", 1, 14},
		{`{"name" "x"}`, "not valid JSON (invalid character", 1, 9},
	} {
		var d doc
		msg, line, col := Explain([]byte(tc.src), json.Unmarshal([]byte(tc.src), &d))
		if !strings.Contains(msg, tc.want) || line != tc.line || col != tc.col || strings.Contains(msg, "Go ") {
			t.Errorf("%q: got %q at %d:%d, want %q at %d:%d", tc.src, msg, line, col, tc.want, tc.line, tc.col)
		}
	}
}
