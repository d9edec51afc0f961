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
