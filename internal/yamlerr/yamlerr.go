// Package yamlerr turns the errors of gopkg.in/yaml.v3 (syntax errors, an
// empty document, unknown keys under KnownFields, values of the wrong type)
// into budget.InputErrors that name the file, the line, the key or value at
// fault and what would be accepted, in the words of the file's author rather
// than of the Go types it is decoded into.
package yamlerr

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"gopkg.in/yaml.v3"
)

var (
	lineRe     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownRe  = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	wrongTypRe = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
)

// Error explains err, returned by decoding file into target (a pointer to
// the struct the document describes), as a *budget.InputError. what names the
// document for the reader ("a need-index spec"), help says where its format
// is described. Errors that are not YAML's are returned unchanged.
func Error(file string, err error, target any, what, help string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, io.EOF) {
		return &budget.InputError{File: file, Expected: fmt.Sprintf("%s in YAML; the file is empty (%s)", what, help)}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		ie := explainLine(file, te.Errors[0], target, what, help)
		if n := len(te.Errors) - 1; n > 0 {
			ie.Expected += fmt.Sprintf(" (and %d more problem%s: %s)", n, plural(n), strings.Join(te.Errors[1:], "; "))
		}
		return ie
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "yaml: ") {
		if m := lineRe.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			return &budget.InputError{File: file, Line: n, Expected: fmt.Sprintf("valid YAML (%s); check the indentation, colons, brackets and quotes near this line (%s)", m[2], help)}
		}
		return &budget.InputError{File: file, Expected: fmt.Sprintf("valid YAML (%s) (%s)", strings.TrimPrefix(msg, "yaml: "), help)}
	}
	return err
}

func explainLine(file, e string, target any, what, help string) *budget.InputError {
	ie := &budget.InputError{File: file}
	if m := lineRe.FindStringSubmatch(e); m != nil {
		ie.Line, _ = strconv.Atoi(m[1])
		e = m[2]
	}
	if m := unknownRe.FindStringSubmatch(e); m != nil {
		ie.Value = m[1]
		keys := KeysOf(target, m[2])
		ie.Expected = fmt.Sprintf("a key this part of %s takes", what)
		if len(keys) > 0 {
			ie.Expected += " (" + strings.Join(keys, ", ") + ")"
		}
		ie.Expected += "; check the spelling and the indentation (" + help + ")"
		return ie
	}
	if m := wrongTypRe.FindStringSubmatch(e); m != nil {
		ie.Value = m[2]
		ie.Expected = fmt.Sprintf("%s here, not %s (%s)", goTypeWords(m[3]), yamlTagWords(m[1]), help)
		return ie
	}
	ie.Expected = e + " (" + help + ")"
	return ie
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

func goTypeWords(t string) string {
	switch {
	case strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "a whole number"
	case t == "bool":
		return "true or false"
	case t == "string":
		return "a text value"
	case strings.HasPrefix(t, "[]"):
		return "a list (lines starting with \"- \", or [a, b])"
	case strings.HasPrefix(t, "map["):
		return "a mapping of keys to values"
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

// Decode decodes the YAML document data into target (a pointer to the
// struct it describes), refusing keys target has no field for. Every
// problem is a *budget.InputError placed from yaml.v3's node positions
// (line and column of the key or value at fault), in the words of the
// file's author: no message of yaml.v3 is read, except the line of a
// syntax error, which yaml.v3 gives only as the text "yaml: line N: ...".
// what names the document ("a need-index spec"), help says where its
// format is described.
func Decode(file string, data []byte, target any, what, help string) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return syntaxError(file, err, help)
	}
	if root.Kind == 0 || root.Kind == yaml.DocumentNode && len(root.Content) == 0 {
		return &budget.InputError{File: file, Expected: fmt.Sprintf("%s in YAML; the file is empty (%s)", what, help)}
	}
	c := checker{file: file, what: what, help: help}
	if err := c.check(&root, reflect.TypeOf(target)); err != nil {
		return err
	}
	if err := root.Decode(target); err != nil {
		return &budget.InputError{File: file, Line: root.Line, Err: err, Expected: fmt.Sprintf("%s (%s): %v", what, help, err)}
	}
	return nil
}

// syntaxError places a YAML syntax error: yaml.v3 has no error type for
// them, so the line is read from its text, the one thing taken from it.
func syntaxError(file string, err error, help string) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	ie := &budget.InputError{File: file, Err: err}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ":"); ok {
			if line, err := strconv.Atoi(n); err == nil {
				ie.Line, msg = line, strings.TrimSpace(tail)
			}
		}
	}
	ie.Expected = fmt.Sprintf("valid YAML (%s); check the indentation, colons, brackets and quotes near this line (%s)", msg, help)
	return ie
}

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// checker walks a document's nodes alongside the Go type they decode into.
type checker struct{ file, what, help string }

func (c *checker) check(n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.check(n.Content[0], t)
	case yaml.AliasNode:
		return nil // not followed: an alias bomb would multiply the walk; Decode bounds aliasing itself
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" || t.Kind() == reflect.Interface ||
		t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil // nothing, anything, or a type with its own rules
	}
	switch t.Kind() {
	case reflect.Struct:
		return c.mapping(n, t)
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return c.wrong(n, t)
		}
		for _, e := range n.Content {
			if err := c.check(e, t.Elem()); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return c.wrong(n, t)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := c.check(n.Content[i], t.Key()); err != nil {
				return err
			}
			if err := c.check(n.Content[i+1], t.Elem()); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind != yaml.ScalarNode || n.Decode(reflect.New(t).Interface()) != nil {
		return c.wrong(n, t)
	}
	return nil
}

// mapping checks a mapping against a struct: every key must be a field.
func (c *checker) mapping(n *yaml.Node, t reflect.Type) error {
	if n.Kind != yaml.MappingNode {
		return c.wrong(n, t)
	}
	fields := map[string]reflect.Type{}
	yamlFields(t, fields)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			keys := make([]string, 0, len(fields))
			for name := range fields {
				keys = append(keys, name)
			}
			sort.Strings(keys)
			return &budget.InputError{File: c.file, Line: k.Line, ColIndex: k.Column, Value: k.Value,
				Expected: fmt.Sprintf("a key this part of %s takes (%s); check the spelling and the indentation (%s)", c.what, strings.Join(keys, ", "), c.help)}
		}
		if err := c.check(v, ft); err != nil {
			return err
		}
	}
	return nil
}

// yamlFields collects the YAML keys of a struct type and their types,
// inline fields included.
func yamlFields(t reflect.Type, out map[string]reflect.Type) {
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
				yamlFields(ft, out)
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
}

// wrong is the error of a value of the wrong kind.
func (c *checker) wrong(n *yaml.Node, t reflect.Type) error {
	found := map[yaml.Kind]string{yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping"}[n.Kind]
	if found == "" {
		found = yamlTagWords(strings.TrimPrefix(n.Tag, "!!"))
	}
	return &budget.InputError{File: c.file, Line: n.Line, ColIndex: n.Column, Value: n.Value,
		Expected: fmt.Sprintf("%s here, not %s (%s)", kindWords(t), found, c.help)}
}

// kindWords names what a Go type decodes from.
func kindWords(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
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
