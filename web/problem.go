package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/budgetlens/budgetlens/budget"
)

// Problem is an error answer in the form of RFC 9457 (problem details for
// HTTP APIs), served as application/problem+json.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	Code      string `json:"code,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// httpError carries a status the budget error codes do not have.
type httpError struct {
	status int
	detail string
}

func (e *httpError) Error() string { return e.detail }

// problemOf maps an error to its problem. The wording of "not found" comes
// from the request alone, never from the store, so that a held phase and a
// phase that never existed answer alike; internal errors say only that one
// happened (the log has the rest, under the request id).
func problemOf(r *http.Request, err error) Problem {
	p := Problem{Type: "about:blank", Instance: r.URL.Path, RequestID: requestID(r.Context())}
	var he *httpError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		p.Status, p.Detail = he.status, he.detail
	case errors.As(err, &mbe):
		p.Status, p.Detail = http.StatusRequestEntityTooLarge, "the request body is too large"
	case errors.Is(err, context.DeadlineExceeded):
		p.Status, p.Detail = http.StatusServiceUnavailable, "the request took too long; try again, or narrow it"
	default:
		p.Code = budget.ErrorCode(err)
		switch p.Code {
		case budget.EINVALID:
			p.Status, p.Detail = http.StatusBadRequest, err.Error()
		case budget.ENOTFOUND:
			p.Status, p.Detail = http.StatusNotFound, "nothing is published at "+r.URL.Path+" with these parameters"
		case budget.EFORBIDDEN:
			p.Status, p.Detail = http.StatusForbidden, err.Error()
		case budget.ECONFLICT:
			p.Status, p.Detail = http.StatusConflict, err.Error()
		default:
			p.Code, p.Status, p.Detail = budget.EINTERNAL, http.StatusInternalServerError, "an internal error occurred; it is logged under request id "+p.RequestID
		}
	}
	p.Title = http.StatusText(p.Status)
	return p
}

// problem writes an error as problem details (never cached).
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	p := problemOf(r, err)
	if p.Status >= 500 {
		s.log.Error("request failed", "request_id", p.RequestID, "path", r.URL.Path, "err", err.Error())
	}
	b, _ := json.Marshal(p)
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	if p.Status == http.StatusMethodNotAllowed {
		h.Set("Allow", "GET, HEAD")
	}
	w.WriteHeader(p.Status)
	w.Write(append(b, '\n'))
}
