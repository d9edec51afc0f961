package geo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// typedValue normalises a property value read from a file to the types
// Area.Props holds: string, int64, float64 (finite), bool or nil; anything
// else (a non-finite number, a nested value) becomes its text.
func typedValue(v any) any {
	switch t := v.(type) {
	case nil, string, int64, bool:
		return t
	case int:
		return int64(t)
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return propText(t)
		}
		return t
	}
	return propText(v)
}

// props returns the area's typed properties (Props, else the text of
// Attrs).
func (a *Area) props() map[string]any {
	if a.Props != nil {
		return a.Props
	}
	m := make(map[string]any, len(a.Attrs))
	for k, v := range a.Attrs {
		m[k] = v
	}
	return m
}

// AttrsJSON encodes the area's properties, with their types, as one JSON
// object (what a store keeps). SetAttrsJSON reads it back. A real number
// that is whole is written with a fraction (0.0, 2.0, 1e+21 as written), so
// that it reads back as a real, not an integer: typed exports keep the
// type of the file they came from.
func (a *Area) AttrsJSON() ([]byte, error) {
	m := a.props()
	if m == nil {
		return []byte("{}"), nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
		if f, ok := v.(float64); ok {
			b, err := json.Marshal(f)
			if err != nil {
				return nil, fmt.Errorf("geo: property %q of area %q: %w", k, a.ID, err)
			}
			if !bytes.ContainsAny(b, ".eE") {
				b = append(b, ".0"...)
			}
			out[k] = json.RawMessage(b)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("geo: properties of area %q: %w", a.ID, err)
	}
	return b, nil
}

// SetAttrsJSON sets Props and Attrs from a JSON object written by
// AttrsJSON (or an older object of strings): integers become int64, other
// numbers float64.
func (a *Area) SetAttrsJSON(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return fmt.Errorf("geo: properties of area %q: %w", a.ID, err)
	}
	a.Props = make(map[string]any, len(m))
	a.Attrs = make(map[string]string, len(m))
	for k, v := range m {
		switch t := v.(type) {
		case json.Number:
			s := t.String()
			if i, err := strconv.ParseInt(s, 10, 64); err == nil && !strings.ContainsAny(s, ".eE") {
				v = i
			} else if f, err := strconv.ParseFloat(s, 64); err == nil {
				v = f
			} else {
				v = s
			}
		case map[string]any, []any:
			j, _ := json.Marshal(t)
			v = string(j)
		}
		a.Props[k] = v
		a.Attrs[k] = propText(v)
	}
	return nil
}
