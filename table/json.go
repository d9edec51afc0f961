package table

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
)

// finiteJSON returns a value that encoding/json writes exactly as it
// writes v, except that every NaN and ±Inf float (which JSON cannot hold
// and encoding/json refuses) becomes null. It follows encoding/json's
// rules: json.Marshaler first, struct fields by their json tags (omitempty,
// "-", embedded structs flattened, the shallower of two fields of one name
// kept), maps with sorted keys (string, integer or encoding.TextMarshaler
// keys), []byte as base64, nil slices and maps as null.
func finiteJSON(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	if m, ok := marshaler(v); ok {
		b, err := m.MarshalJSON()
		if err != nil {
			return nil, err
		}
		return json.RawMessage(b), nil
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, nil
		}
		return v.Interface(), nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return finiteJSON(v.Elem())
	case reflect.Struct:
		return finiteStruct(v)
	case reflect.Map:
		return finiteMap(v)
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Interface(), nil // base64, as encoding/json writes []byte
		}
		fallthrough
	case reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			x, err := finiteJSON(v.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	if v.CanInterface() {
		return v.Interface(), nil
	}
	return nil, nil
}

// marshaler returns v's json.Marshaler, with a pointer receiver when v is
// addressable (as encoding/json does) or a copy can be taken.
func marshaler(v reflect.Value) (json.Marshaler, bool) {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, false
	}
	if v.CanInterface() {
		if m, ok := v.Interface().(json.Marshaler); ok {
			return m, true
		}
	}
	if v.Kind() != reflect.Pointer && reflect.PointerTo(v.Type()).Implements(reflect.TypeFor[json.Marshaler]()) {
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		return p.Interface().(json.Marshaler), true
	}
	return nil, false
}

// object is a JSON object written with its members in order.
type object []member

type member struct {
	name  string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.name)
		b.Write(k)
		b.WriteByte(':')
		x, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(x)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// field is one JSON member of a struct type.
type field struct {
	name      string
	index     []int
	tagged    bool
	omitEmpty bool
	quoted    bool
}

func finiteStruct(v reflect.Value) (any, error) {
	var out object
	for _, f := range structFields(v.Type()) {
		fv, ok := fieldByIndex(v, f.index)
		if !ok || (f.omitEmpty && isEmpty(fv)) {
			continue
		}
		x, err := finiteJSON(fv)
		if err != nil {
			return nil, err
		}
		if f.quoted && x != nil {
			if b, err := json.Marshal(x); err == nil {
				x = string(b)
			}
		}
		out = append(out, member{f.name, x})
	}
	if out == nil {
		return object{}, nil
	}
	return out, nil
}

// fieldByIndex follows an embedded path; ok is false through a nil pointer.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 {
			if v.Kind() == reflect.Pointer {
				if v.IsNil() {
					return reflect.Value{}, false
				}
				v = v.Elem()
			}
		}
		v = v.Field(x)
	}
	return v, true
}

// structFields lists the JSON members of struct type t in encoding/json's
// order and with its rules for embedded structs and name conflicts.
func structFields(t reflect.Type) []field {
	type cand struct {
		field
		depth int
	}
	var all []cand
	var walk func(t reflect.Type, index []int, depth int)
	walk = func(t reflect.Type, index []int, depth int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int{}, index...), i)
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				walk(ft, idx, depth+1)
				continue
			}
			if !sf.IsExported() {
				continue
			}
			f := field{name: name, index: idx, tagged: name != "", omitEmpty: strings.Contains(","+opts+",", ",omitempty,"),
				quoted: strings.Contains(","+opts+",", ",string,")}
			if f.name == "" {
				f.name = sf.Name
			}
			all = append(all, cand{f, depth})
		}
	}
	walk(t, nil, 0)
	byName := map[string][]cand{}
	for _, c := range all {
		byName[c.name] = append(byName[c.name], c)
	}
	var out []field
	for _, c := range all {
		group := byName[c.name]
		best, n := group[0], 0
		for _, g := range group {
			if g.depth < best.depth || (g.depth == best.depth && g.tagged && !best.tagged) {
				best = g
			}
		}
		for _, g := range group {
			if g.depth == best.depth && g.tagged == best.tagged {
				n++
			}
		}
		if n == 1 && sameIndex(best.index, c.index) {
			out = append(out, c.field)
		}
	}
	return out
}

func sameIndex(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

func finiteMap(v reflect.Value) (any, error) {
	if v.IsNil() {
		return nil, nil
	}
	out := make(object, 0, v.Len())
	iter := v.MapRange()
	for iter.Next() {
		k, err := mapKey(iter.Key())
		if err != nil {
			return nil, err
		}
		x, err := finiteJSON(iter.Value())
		if err != nil {
			return nil, err
		}
		out = append(out, member{k, x})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// mapKey is a map key as encoding/json writes it.
func mapKey(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return k.String(), nil
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		b, err := tm.MarshalText()
		return string(b), err
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprint(k.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fmt.Sprint(k.Uint()), nil
	}
	return "", errors.New("table: unsupported map key type " + k.Type().String())
}
