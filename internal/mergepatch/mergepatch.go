// Package mergepatch applies a JSON merge patch (RFC 7396) to a JSON
// document: a patch object's members replace the target's, null removes a
// member, objects merge recursively, and anything that is not an object
// (an array, a string, a number) replaces the target whole.
package mergepatch

import (
	"bytes"
	"encoding/json"

	"github.com/budgetlens/budgetlens/budget"
)

// MaxDepth bounds the nesting of a patch.
const MaxDepth = 32

// Apply returns target with patch applied (RFC 7396, section 2). A patch
// that is not JSON, or nests deeper than MaxDepth, is EINVALID.
func Apply(target, patch []byte) ([]byte, error) {
	p, err := decode(patch)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "the merge patch is not JSON: %w", err)
	}
	if depth(p) > MaxDepth {
		return nil, budget.Errorf(budget.EINVALID, "the merge patch nests deeper than %d levels", MaxDepth)
	}
	var t any
	if len(bytes.TrimSpace(target)) > 0 {
		if t, err = decode(target); err != nil {
			return nil, budget.Errorf(budget.EINTERNAL, "the patched document is not JSON: %w", err)
		}
	}
	return json.Marshal(Merge(t, p))
}

func decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, budget.Errorf(budget.EINVALID, "more than one JSON value")
	}
	return v, nil
}

// Merge is RFC 7396's MergePatch(Target, Patch) on decoded JSON values.
func Merge(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	out := make(map[string]any, len(t))
	for k, v := range t {
		out[k] = v
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = Merge(out[k], v)
	}
	return out
}

func depth(v any) int {
	switch x := v.(type) {
	case map[string]any:
		d := 0
		for _, c := range x {
			d = max(d, depth(c))
		}
		return d + 1
	case []any:
		d := 0
		for _, c := range x {
			d = max(d, depth(c))
		}
		return d + 1
	}
	return 0
}
