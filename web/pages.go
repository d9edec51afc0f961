package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds the parsed templates and the static files' version.
type pages struct {
	tmpl    *template.Template
	version string // digest of the static files, in their URLs
}

func newPages() (*pages, error) {
	t, err := template.New("").Funcs(template.FuncMap{
		"phaseName": func(t T, p string) string { return t.Get("phase." + p) },
		"dollars":   func(d analysis.Dollars) float64 { return d.Float() },
		"f":         func(n budget.Num) float64 { return float64(n) },
		"pts":       func(n budget.Num) float64 { return float64(n) * 100 },
		"deref": func(d *analysis.Dollars) float64 {
			if d == nil {
				return math.NaN()
			}
			return d.Float()
		},
		"add":  func(a, b int) int { return a + b },
		"sub1": func(a int) int { return a - 1 },
		"deref64": func(p *float64) float64 {
			if p == nil {
				return math.NaN()
			}
			return *p
		},
		"tierName":   tierLabel,
		"layerTitle": layerTitle,
		"derefF": func(p *float64) float64 {
			if p == nil {
				return math.NaN()
			}
			return *p
		},
		"num": func(t T, p *float64, d int) string {
			if p == nil {
				return "—"
			}
			return t.Number(*p, d)
		},
		"i2f": func(i int) float64 { return float64(i) },
	}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := staticFS.ReadFile(p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return &pages{tmpl: t, version: hex.EncodeToString(h.Sum(nil))[:12]}, nil
}

// PageData is what every page template gets.
type PageData struct {
	T       T
	Lang    string
	Public  bool
	Title   string
	Nav     string
	Path    string
	Query   url.Values
	Static  string // version of the static files
	TileURL string
	TileAtt string
	P       any   // the page's own data
	Me      Actor // who is asking (the review's pages and the navigation)
}

// Href builds a link to path with query pairs (key, value, ...), keeping
// the page language.
func (d *PageData) Href(p string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if d.Lang != "en" {
		q.Set("lang", d.Lang)
	}
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}

// LangHref is this page in another language.
func (d *PageData) LangHref(l string) string {
	q := url.Values{}
	for k, v := range d.Query {
		q[k] = v
	}
	q.Set("lang", l)
	return d.Path + "?" + q.Encode()
}

// StaticURL is the URL of a static file, versioned for long caching.
func (d *PageData) StaticURL(name string) string { return "/static/" + name + "?v=" + d.Static }

// render writes a page: the layout around the named content template.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title, nav string, p any) error {
	l := lang(r)
	d := &PageData{T: T{Lang: l}, Lang: l, Public: s.opt.Public, Title: title, Nav: nav, Path: r.URL.Path, Query: r.URL.Query(),
		Static: s.pages.version, TileURL: s.opt.TileURL, TileAtt: s.opt.TileAttribution, P: p, Me: actorOf(r)}
	var buf bytes.Buffer
	tmplName := "layout"
	if r.URL.Query().Get("fragment") == "1" {
		tmplName = name
	}
	if tmplName == "layout" {
		if err := s.pages.tmpl.ExecuteTemplate(&buf, "layout", struct {
			*PageData
			Content string
		}{d, name}); err != nil {
			return err
		}
	} else if err := s.pages.tmpl.ExecuteTemplate(&buf, name, d); err != nil {
		return err
	}
	w.Header().Set("Content-Language", l)
	w.Header().Add("Vary", "Accept-Language")
	s.send(w, r, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// pageError renders an error as a page with the problem's status.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	p := problemOf(r, err)
	if p.Status >= 500 {
		s.log.Error("page failed", "request_id", p.RequestID, "path", r.URL.Path, "err", err.Error())
	}
	l := lang(r)
	d := &PageData{T: T{Lang: l}, Lang: l, Public: s.opt.Public, Title: T{Lang: l}.Get("err.title"), Path: r.URL.Path, Query: url.Values{},
		Static: s.pages.version, P: p}
	var buf bytes.Buffer
	if e := s.pages.tmpl.ExecuteTemplate(&buf, "layout", struct {
		*PageData
		Content string
	}{d, "error"}); e != nil {
		http.Error(w, http.StatusText(p.Status), p.Status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	w.Write(buf.Bytes())
}

// content is the error template's view of a problem.
func (p Problem) NotFound() bool { return p.Status == http.StatusNotFound }

// phaseOption is one choice of the phase selector.
type phaseOption struct {
	Value    string // "2021-22 adopted"
	FY       string
	Phase    string
	Selected bool
	Held     bool
}

// phaseOptions lists the phases the view sees for a selector.
func (s *Server) phaseOptions(r *http.Request, v *view, cur phaseRef) ([]phaseOption, error) {
	ps, err := v.phases(r.Context())
	if err != nil {
		return nil, err
	}
	held := map[string]bool{}
	if !s.opt.Public {
		rel, err := v.o.Phases(r.Context())
		if err != nil {
			return nil, err
		}
		for _, x := range rel {
			if !x.Released {
				held[x.FiscalYear.Label()+" "+string(x.Phase)] = true
			}
		}
	}
	var out []phaseOption
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		out = append(out, phaseOption{Value: p.FY.Label() + " " + string(p.Phase), FY: p.FY.Label(), Phase: string(p.Phase),
			Selected: p == cur, Held: held[p.FY.Label()+" "+string(p.Phase)]})
	}
	return out, nil
}

// pagePhase reads the phase of a page: ?p="2021-22 adopted" (the
// selector's value) or ?fy= and ?phase=.
func pagePhase(r *http.Request, v *view) (phaseRef, error) {
	q := r.URL.Query()
	fy, ph := q.Get("fy"), q.Get("phase")
	if p := q.Get("p"); p != "" {
		fy, ph, _ = strings.Cut(p, " ")
	}
	return v.pickPhase(r.Context(), fy, ph)
}

// static serves the embedded front-end files; a URL carrying the current
// version is cached for a year (a new release changes the version).
func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	name := path.Clean("/" + r.PathValue("path"))[1:]
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil || strings.HasPrefix(name, ".") {
		return &httpError{status: http.StatusNotFound, detail: "no such file"}
	}
	ct := map[string]string{".css": "text/css; charset=utf-8", ".js": "application/javascript; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml"}[path.Ext(name)]
	if ct == "" {
		ct = http.DetectContentType(b)
	}
	if r.URL.Query().Get("v") == s.pages.version {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, no-cache")
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("ETag", `"`+s.pages.version+`"`)
	if match(r.Header.Get("If-None-Match"), `"`+s.pages.version+`"`) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Write(b)
	return nil
}

func (s *Server) favicon(w http.ResponseWriter, r *http.Request) error {
	b, _ := staticFS.ReadFile("static/favicon.svg")
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(b)
	return nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// layerTitle names a layer for people: its title among layers, else its
// id.
func layerTitle(layers []layerInfo, id string) string {
	for _, l := range layers {
		if l.Layer == id && l.Title != "" {
			return l.Title
		}
	}
	return id
}
