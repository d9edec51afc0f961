package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/url"
	"strconv"
	"sync"
)

// Rendered answers are kept by what determines them: the scope of the
// store the actor reads (the released set's version for the public view),
// the path, the query (canonical order), the page language and the
// response format. A release or hold, or any change to the store (another
// process importing into PostgreSQL), changes the scope, so nothing kept
// before it is served after it. Only complete 200 answers are kept.

type rendered struct {
	header http.Header
	body   []byte
	gzOnce sync.Once
	gz     []byte // the body gzip-compressed, made at the first client that accepts it
}

// gzipped returns the compressed body (nil when compression does not pay).
func (e *rendered) gzipped() []byte {
	e.gzOnce.Do(func() {
		if len(e.body) < 512 || !compressible(e.header.Get("Content-Type")) {
			return
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(e.body)
		zw.Close()
		e.gz = b.Bytes()
	})
	return e.gz
}

type respCache struct {
	mu      sync.RWMutex
	entries map[string]*rendered
	bytes   int
}

const respCacheMaxBytes = 64 << 20

func newRespCache() *respCache { return &respCache{entries: map[string]*rendered{}} }

func (c *respCache) get(k string) *rendered {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.entries[k]
}

func (c *respCache) put(k string, r *rendered) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bytes+len(r.body) > respCacheMaxBytes {
		c.entries, c.bytes = map[string]*rendered{}, 0
	}
	c.entries[k] = r
	c.bytes += len(r.body)
}

// capture records a handler's answer.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}
func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// cached serves a GET route from the answer cache, computing the answer
// once per key.
func (s *Server) cachedRoute(w http.ResponseWriter, r *http.Request, h func(http.ResponseWriter, *http.Request) error) error {
	scope, err := scopeOf(r.Context(), s.officeFor(r))
	if err != nil {
		return err
	}
	q, _ := url.ParseQuery(r.URL.RawQuery)
	key := scope + "|" + r.URL.Path + "?" + q.Encode() + "|" + lang(r)
	if e := s.answers.get(key); e != nil {
		s.replay(w, r, e)
		return nil
	}
	r2 := r.Clone(r.Context())
	r2.Header.Del("If-None-Match")
	c := &capture{header: http.Header{}}
	if err := h(c, r2); err != nil {
		return err
	}
	if c.status != http.StatusOK {
		for k, v := range c.header {
			w.Header()[k] = v
		}
		w.WriteHeader(c.status)
		w.Write(c.body.Bytes())
		return nil
	}
	e := &rendered{header: c.header, body: c.body.Bytes()}
	s.answers.put(key, e)
	s.replay(w, r, e)
	return nil
}

// replay writes a kept answer, or 304 when the client has it.
func (s *Server) replay(w http.ResponseWriter, r *http.Request, e *rendered) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	if match(r.Header.Get("If-None-Match"), e.header.Get("ETag")) {
		h.Del("Content-Length")
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := e.body
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if gz := e.gzipped(); gz != nil {
			body = gz
			h.Set("Content-Encoding", "gzip") // the gzip middleware leaves it as it is
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}
