// Package yamlerr decodes YAML documents (gopkg.in/yaml.v3) and reports
// their problems (syntax errors, an empty document, unknown keys, values of
// the wrong type) as budget.InputErrors that name the file, the line, the key
// or value at fault and what would be accepted, in the words of the file's
// author rather than of the Go types it is decoded into. Lines come from the
// parsed document, not from the library's messages.
package yamlerr

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"gopkg.in/yaml.v3"
)

// Decode decodes data (file's YAML) into target, a pointer to the struct
// the document describes, refusing keys the struct does not have. Every
// problem is a *budget.InputError naming the file and line, the key or value
// at fault and what would be accepted, in the words of the file's author
// (what names the document, "a need-index spec"; help says where its format
// is described). Positions come from the parsed document itself, never from
// the wording of the YAML library's messages: a syntax error's line is the
// first line from which the document cannot be read, found by reading it
// line by line.
func Decode(file string, data []byte, target any, what, help string) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := syntaxLine(data)
		return &budget.InputError{File: file, Line: line, Value: lineText(data, line), Expected: fmt.Sprintf("valid YAML (%s); check the indentation, colons, brackets and quotes near this line (%s)", what, help)}
	}
	if len(doc.Content) == 0 {
		return &budget.InputError{File: file, Expected: fmt.Sprintf("%s in YAML; the file is empty (%s)", what, help)}
	}
	var problems []*budget.InputError
	walk(doc.Content[0], reflect.TypeOf(target), file, what, help, &problems)
	if len(problems) > 0 {
		ie := problems[0]
		if n := len(problems) - 1; n > 0 {
			var more []string
			for _, p := range problems[1:] {
				more = append(more, fmt.Sprintf("line %d: %s", p.Line, p.Value))
			}
			ie.Expected += fmt.Sprintf(" (and %d more problem%s: %s)", n, plural(n), strings.Join(more, "; "))
		}
		return ie
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(target); err != nil {
		// the walk above found nothing the decoder refuses; say what is
		// known without reading the library's message
		return &budget.InputError{File: file, Expected: fmt.Sprintf("%s that can be read (%s): %v", what, help, err)}
	}
	return nil
}

// syntaxLine is the line from which data stops being readable YAML: the
// last k such that the first k-1 lines parse while the first k do not (a
// bracket opened on one line and closed on a later one parses only when
// complete, so the last such step is where the document breaks).
func syntaxLine(data []byte) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	parses := func(k int) bool {
		var n yaml.Node
		return yaml.Unmarshal(bytes.Join(lines[:k], nil), &n) == nil
	}
	for k := len(lines); k >= 1; k-- {
		if !parses(k) && parses(k-1) {
			return k
		}
	}
	return 0
}

// lineText is line n (from 1) of data without its indentation and line
// end, or "" when there is no such line.
func lineText(data []byte, n int) string {
	if n < 1 {
		return ""
	}
	lines := bytes.Split(data, []byte("\n"))
	if n > len(lines) {
		return ""
	}
	return strings.TrimSpace(string(lines[n-1]))
}

var unmarshaler = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
var nodeType = reflect.TypeOf(yaml.Node{})

// walk checks node against the Go type t it will be decoded into, adding a
// problem for every unknown key and every value of the wrong kind.
func walk(n *yaml.Node, t reflect.Type, file, what, help string, problems *[]*budget.InputError) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode || t == nodeType || reflect.PointerTo(t).Implements(unmarshaler) || t.Kind() == reflect.Interface {
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	bad := func(value, expected string) {
		*problems = append(*problems, &budget.InputError{File: file, Line: n.Line, Value: value, Expected: expected})
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			bad(nodeWords(n), fmt.Sprintf("%s here, not %s (%s)", goTypeWords(t), nodeWords(n), help))
			return
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				keys := make([]string, 0, len(fields))
				for name := range fields {
					keys = append(keys, name)
				}
				sort.Strings(keys)
				*problems = append(*problems, &budget.InputError{File: file, Line: k.Line, Value: k.Value,
					Expected: fmt.Sprintf("a key this part of %s takes (%s); check the spelling and the indentation (%s)", what, strings.Join(keys, ", "), help)})
				continue
			}
			walk(v, ft, file, what, help, problems)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			bad(nodeWords(n), fmt.Sprintf("%s here, not %s (%s)", goTypeWords(t), nodeWords(n), help))
			return
		}
		for i := 1; i < len(n.Content); i += 2 {
			walk(n.Content[i], t.Elem(), file, what, help, problems)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			bad(nodeWords(n), fmt.Sprintf("%s here, not %s (%s)", goTypeWords(t), nodeWords(n), help))
			return
		}
		for _, c := range n.Content {
			walk(c, t.Elem(), file, what, help, problems)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			bad(nodeWords(n), fmt.Sprintf("%s here, not %s (%s)", goTypeWords(t), nodeWords(n), help))
			return
		}
		if !scalarFits(n, t) {
			bad(n.Value, fmt.Sprintf("%s here, not %s (%s)", goTypeWords(t), yamlTagWords(strings.TrimPrefix(n.ShortTag(), "!!")), help))
		}
	}
}

// scalarFits reports whether a scalar decodes into a value of kind t.
func scalarFits(n *yaml.Node, t reflect.Type) bool {
	tag := n.ShortTag()
	switch t.Kind() {
	case reflect.String:
		return true
	case reflect.Bool:
		return tag == "!!bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return tag == "!!int"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return tag == "!!int" && !strings.HasPrefix(strings.TrimSpace(n.Value), "-")
	case reflect.Float32, reflect.Float64:
		return tag == "!!int" || tag == "!!float"
	}
	return true
}

// nodeWords names a node's kind for people.
func nodeWords(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return yamlTagWords(strings.TrimPrefix(n.ShortTag(), "!!"))
}

// yamlFields maps the YAML keys of a struct type to their field types
// (inline structs included).
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range yamlFields(ft) {
					out[k] = v
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

// KeysOf returns the YAML keys of the struct type named typeName ("need.Spec",
// as yaml.v3 names it) reachable from target, sorted; nil when not found.
func KeysOf(target any, typeName string) []string {
	seen := map[reflect.Type]bool{}
	var found reflect.Type
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || found != nil {
			return
		}
		seen[t] = true
		if t.String() == typeName {
			found = t
			return
		}
		for i := 0; i < t.NumField(); i++ {
			walk(t.Field(i).Type)
		}
	}
	if target == nil {
		return nil
	}
	walk(reflect.TypeOf(target))
	if found == nil {
		return nil
	}
	var keys []string
	var collect func(t reflect.Type)
	collect = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("yaml")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" {
				continue
			}
			if strings.Contains(opts, "inline") {
				ft := f.Type
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					collect(ft)
				}
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			keys = append(keys, name)
		}
	}
	collect(found)
	sort.Strings(keys)
	return keys
}

func goTypeWords(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a text value"
	case reflect.Slice, reflect.Array:
		return "a list (lines starting with \"- \", or [a, b])"
	}
	return "a mapping of keys to values"
}

func yamlTagWords(tag string) string {
	switch tag {
	case "str":
		return "text"
	case "int", "float":
		return "a number"
	case "bool":
		return "true/false"
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	case "null":
		return "nothing"
	}
	return tag
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
