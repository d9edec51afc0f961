package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
)

// The OpenAPI 3.1 document is generated from the routes (routes.go) and the
// Go types of their answers, so it cannot drift from what the handlers
// write: every field's name, type and nullability comes from the same
// struct that is marshalled. Tests validate the document and every answer
// against it.

var openAPIOnce sync.Once
var openAPIDoc []byte

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	openAPIOnce.Do(func() {
		openAPIDoc, _ = json.MarshalIndent(s.openAPI(), "", "  ")
	})
	s.send(w, r, "application/json", append(append([]byte{}, openAPIDoc...), '\n'))
	return nil
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)(\.\.\.)?\}`)

// openAPI builds the document.
func (s *Server) openAPI() map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]any{}
	for _, rt := range s.routes {
		if rt.doc == nil {
			continue
		}
		item, _ := paths[rt.pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.pattern] = item
		}
		op := g.operation(rt)
		if rt.session || Authorize(Actor{Role: RolePublic}, rt.action, Object{Route: rt.key()}, nil) != nil {
			// refused without a session: say so, as the router answers
			op["security"] = []any{map[string]any{"session": []any{}}}
			if rs, ok := op["responses"].(map[string]any); ok {
				problem := map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}
				rs["401"] = map[string]any{"description": "No session: sign in first (POST /api/session)", "content": problem}
				rs["403"] = map[string]any{"description": "Signed in, but the role may not do this", "content": problem}
			}
		}
		item[strings.ToLower(rt.method)] = op
	}
	g.defs["Problem"] = g.schema(reflect.TypeOf(Problem{}))
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "budgetlens API",
			"version": budget.Version,
			"description": "Where a city's budget goes, against need. Every table answers as JSON, CSV and XLSX (?format=), areas also as GeoJSON. " +
				"Amounts are dollars with two decimals; missing figures are null. Errors are RFC 9457 problem details. Answers carry a weak ETag " +
				"(If-None-Match gives 304) and X-Request-Id. The public server shows released budget phases only: a held phase answers as one that does not exist.",
			"license": map[string]any{"name": "see the project's LICENSE", "identifier": "Apache-2.0"},
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{"schemas": g.defs, "securitySchemes": map[string]any{
			"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie,
				"description": "the session cookie POST /api/session sets (HttpOnly, Secure, SameSite); operations that name it answer 401 without one"}}},
	}
}

func operationID(method, pattern string) string {
	p := strings.Trim(pathParam.ReplaceAllString(pattern, "by_$1"), "/")
	p = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(p)
	return strings.ToLower(method) + "_" + p
}

func (g *schemaGen) operation(rt *route) map[string]any {
	d := rt.doc
	op := map[string]any{"operationId": operationID(rt.method, rt.pattern), "summary": d.Summary, "tags": []any{d.Tag}}
	var params []any
	for _, p := range d.Params {
		sch := map[string]any{"type": "string"}
		if p.Type == "integer" && p.In != "header" {
			sch["type"] = "integer"
		}
		if len(p.Enum) > 0 {
			e := make([]any, len(p.Enum))
			for i, v := range p.Enum {
				e[i] = v
			}
			sch["enum"] = e
		}
		params = append(params, map[string]any{"name": p.Name, "in": p.In, "required": p.In == "path" || p.Required, "description": p.Desc, "schema": sch})
	}
	if params != nil {
		op["parameters"] = params
	}
	if d.Request != nil {
		rt := d.RequestType
		if rt == "" {
			rt = "application/json"
		}
		sch := g.schema(reflect.TypeOf(d.Request))
		if rt == "multipart/form-data" {
			sch = map[string]any{"type": "object", "required": []any{"file"}, "properties": map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}
		}
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{rt: map[string]any{"schema": sch}}}
	}
	if d.Status == http.StatusNoContent {
		op["responses"] = map[string]any{"204": map[string]any{"description": "Done"},
			"default": map[string]any{"description": "An error, as problem details", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}}
		return op
	}
	content := map[string]any{}
	switch {
	case d.Binary:
		content["application/octet-stream"] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}
	case d.Row != nil:
		page := map[string]any{"type": "object", "required": []any{"rows"}, "additionalProperties": false, "properties": map[string]any{
			"rows":        map[string]any{"type": "array", "items": g.schema(reflect.TypeOf(d.Row))},
			"next_cursor": map[string]any{"type": "string", "description": "pass as ?cursor= for the next page"},
			"total":       map[string]any{"type": "integer", "description": "rows in all pages"},
		}}
		content["application/json"] = map[string]any{"schema": page}
		content["text/csv"] = map[string]any{"schema": map[string]any{"type": "string"}}
		content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}
		if d.Geo {
			content["application/geo+json"] = map[string]any{"schema": map[string]any{"type": "object", "required": []any{"type", "features"},
				"properties": map[string]any{"type": map[string]any{"const": "FeatureCollection"}, "features": map[string]any{"type": "array"}}}}
		}
	case reflect.TypeOf(d.Body).Kind() == reflect.Map:
		content["application/json"] = map[string]any{"schema": map[string]any{"type": "object"}}
	default:
		content["application/json"] = map[string]any{"schema": g.schema(reflect.TypeOf(d.Body))}
	}
	problem := map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}
	responses := map[string]any{
		"200":     map[string]any{"description": "OK", "content": content},
		"304":     map[string]any{"description": "Not modified (If-None-Match matched the ETag)"},
		"default": map[string]any{"description": "An error, as problem details", "content": problem},
	}
	if d.Conflict {
		conflict := map[string]any{"application/problem+json": map[string]any{"schema": g.schema(reflect.TypeOf(Conflict{}))}}
		responses["409"] = map[string]any{"description": "The change conflicts with the stored assessment (its status, or a change saved meanwhile): the current version and what changed", "content": conflict}
		responses["412"] = map[string]any{"description": "If-Match names an older version: nothing was saved; the current version and the changes since", "content": conflict}
		responses["428"] = map[string]any{"description": "If-Match is required", "content": problem}
		delete(responses, "304")
	}
	if rt.pattern == "/readyz" {
		responses["503"] = map[string]any{"description": "Not ready yet", "content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(Status{}))}}}
	}
	op["responses"] = responses
	return op
}

// schemaGen turns Go types into JSON Schema (2020-12, as OpenAPI 3.1 uses):
// named structs become components referenced by $ref; pointers, slices and
// maps may be null (Go marshals nil as null); fields with omitempty or
// omitzero are optional, the others required; no other property is allowed.
type schemaGen struct {
	defs map[string]any
}

var (
	timeType    = reflect.TypeOf(time.Time{})
	dollarsT    = reflect.TypeOf(analysis.Dollars(0))
	numT        = reflect.TypeOf(budget.Num(0))
	marshalerT  = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	nullable    = func(t string) any { return []any{t, "null"} }
	defNameRepl = strings.NewReplacer("[", "_", "]", "", "*", "", ".", "_", "/", "_")
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch {
	case t == dollarsT:
		return map[string]any{"type": "number", "description": "dollars with two decimals"}
	case t == numT:
		return map[string]any{"type": nullable("number"), "description": "null when missing"}
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := g.schema(t.Elem())
		return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": nullable("array"), "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": nullable("object"), "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		if t.Implements(marshalerT) {
			return map[string]any{}
		}
		name := defNameRepl.Replace(t.String())
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = map[string]any{} // placeholder against recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []any
	g.fields(t, props, &required)
	sort.Slice(required, func(i, j int) bool { return required[i].(string) < required[j].(string) })
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props, required)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			*required = append(*required, name)
		}
	}
}
